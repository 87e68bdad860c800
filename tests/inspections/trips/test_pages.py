"""The trip pages as group members, county officers and the city office use them."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections import trip_services as services
from inspections.choices import TripStatus
from inspections.models import Finding, InspectionTrip, OpinionExchange, TripSample
from tests.inspections.trips.conftest import JUL, sample_of
from tests.rosters.factories import TeamCountyFactory, TeamFactory, team_member_user

CREATE = reverse("inspections:trip_create")


def url(name, trip, *args):
    return reverse(f"inspections:{name}", args=[trip.pk, *args])


@pytest.fixture
def member_client(client, member_1):
    client.force_login(member_1)
    return client


def test_a_member_plans_a_trip_on_the_form(member_client, coverage_1, member_1, leader_1, group_2):
    html = member_client.get(CREATE).content.decode()
    assert "第一组 · 登封市" in html and "第二组" not in html  # only the user's own group's counties
    response = member_client.post(CREATE, {"coverage": coverage_1.pk, "start_date": "2018-07-10", "end_date": "2018-07-11",
                                           "members": [member_1.person.pk, leader_1.person.pk], "note": ""})
    trip = InspectionTrip.objects.get()
    assert response.status_code == 302 and response["Location"] == trip.get_absolute_url()
    assert set(trip.members.all()) == {member_1.person, leader_1.person}


def test_bad_dates_on_the_form_keep_what_was_typed(member_client, coverage_1, trip_1):
    response = member_client.post(CREATE, {"coverage": coverage_1.pk, "start_date": "2018-07-11", "end_date": "2018-07-13",
                                           "note": "第二次"})
    html = response.content.decode()
    assert response.status_code == 200 and "每次督查安排1-2天" in html
    assert 'value="2018-07-13"' in html and "第二次" in html
    response = member_client.post(CREATE, {"coverage": coverage_1.pk, "start_date": "2018-07-11", "end_date": "2018-07-11"})
    assert "日期不能重叠" in response.content.decode()
    assert InspectionTrip.objects.count() == 1


def test_a_county_officer_cannot_plan_and_only_reads_their_countys_trips(client, officer_a, officer_b, trip_1):
    client.force_login(officer_a)
    assert client.get(CREATE).status_code == 403
    html = client.get(url("trip_detail", trip_1)).content.decode()
    assert "第一组 · 登封市" in html and 'value="start"' not in html and url("trip_finding_add", trip_1) not in html
    assert client.post(url("trip_advance", trip_1), {"action": "start"}).status_code == 403
    assert client.post(url("trip_finding_add", trip_1), {"target": "county"}).status_code == 403
    client.force_login(officer_b)
    for name in ("trip_detail", "trip_edit", "trip_propose", "trip_sample"):
        assert client.get(url(name, trip_1)).status_code == 404, name
    assert client.post(url("trip_advance", trip_1), {"action": "start"}).status_code == 404
    assert InspectionTrip.objects.get().status == TripStatus.PLANNED


def test_a_member_of_another_group_is_refused(client, trip_1, leader_2, county_a):
    # 第二组 covers another county: the trip does not exist for its members.
    client.force_login(leader_2)
    assert client.get(url("trip_detail", trip_1)).status_code == 404
    # A guidance group's member in the same county sees the trip but cannot change it.
    guidance = TeamFactory(name="指导第一小组")
    TeamCountyFactory(team=guidance, county=county_a)
    client.force_login(team_member_user(guidance, username="zhidao"))
    assert client.get(url("trip_detail", trip_1)).status_code == 200
    assert client.get(url("trip_edit", trip_1)).status_code == 403
    response = client.post(url("trip_exchange", trip_1), {"date": "2018-07-11", "with_whom": "县扶贫办", "summary": "意见"})
    assert response.status_code == 403 and not OpinionExchange.objects.exists()


def test_propose_take_swap_find_exchange_and_end(member_client, trip_1, places_a):
    html = member_client.get(url("trip_propose", trip_1)).content.decode()
    assert "贫困村，3星村，从未督查，从未指导" in html and "建议的抽查对象符合要求" in html
    assert member_client.post(url("trip_propose", trip_1), {"seed": trip_1.pk}).status_code == 302
    assert TripSample.objects.filter(trip=trip_1, level="village").count() == 2
    html = member_client.get(url("trip_detail", trip_1)).content.decode()
    assert "抽查对象符合要求" in html and "3星村" in html
    # Swap 北村 for 西村.
    response = member_client.post(url("trip_sample_swap", trip_1), {"village": places_a["北村"].pk, "replacement": places_a["西村"].pk})
    assert response.status_code == 302
    assert set(trip_1.samples.filter(level="village").values_list("village__name", flat=True)) == {"南村", "西村"}
    household = trip_1.samples.filter(level="household", village=places_a["西村"]).first().household
    # A finding on something outside the sample: refused, what was typed kept.
    outsider = places_a["东村"]
    response = member_client.post(url("trip_finding_add", trip_1), {
        "target": f"village:{outsider.pk}", "category": "policy", "method": "ledger", "severity": "general", "description": "台账不全"})
    assert response.status_code == 400 and "台账不全" in response.content.decode() and not Finding.objects.exists()
    response = member_client.post(url("trip_finding_add", trip_1), {
        "target": f"household:{household.pk}", "category": "identification", "method": "home_visit", "severity": "major",
        "description": "“八有”中住房安全未落实。"})
    assert response.status_code == 302
    html = member_client.get(url("trip_detail", trip_1)).content.decode()
    assert "“八有”中住房安全未落实。" in html and household.masked_id_number in html and household.head_id_number not in html
    assert "重大" in html
    # Ending needs the trip started and the exchange recorded.
    member_client.post(url("trip_advance", trip_1), {"action": "start"})
    response = member_client.post(url("trip_advance", trip_1), {"action": "end"})
    assert response.status_code == 400 and "尚未记录交换意见" in response.content.decode()
    response = member_client.post(url("trip_exchange", trip_1), {"date": "2018-07-11", "with_whom": "", "summary": "反馈问题"})
    assert response.status_code == 400 and "请填写交换意见的对象" in response.content.decode() and "反馈问题" in response.content.decode()
    member_client.post(url("trip_exchange", trip_1), {"date": "2018-07-11", "with_whom": "登封市扶贫办、副市长", "summary": "反馈问题"})
    assert member_client.post(url("trip_advance", trip_1), {"action": "end"}).status_code == 302
    assert InspectionTrip.objects.get().status == TripStatus.ENDED


def test_sample_by_hand_refuses_a_household_outside_the_sampled_villages(member_client, trip_1, places_a):
    east, west = places_a["东村"], places_a["西村"]
    stray = places_a["南村"].households.first()
    response = member_client.post(url("trip_sample", trip_1), {
        "villages": [east.pk, west.pk], "households": [h.pk for h in sample_of(east)] + [stray.pk]})
    assert response.status_code == 200 and "不在所抽查的村中" in response.content.decode()
    assert not TripSample.objects.exists()
    response = member_client.post(url("trip_sample", trip_1), {
        "villages": [east.pk, west.pk], "households": [h.pk for h in sample_of(east) + sample_of(west)]})
    assert response.status_code == 302 and TripSample.objects.filter(trip=trip_1).count() == 1 + 2 + 6


def test_the_exception_form_is_the_leaders(client, trip_1, leader_1, member_1):
    client.force_login(member_1)
    assert client.post(url("trip_sample_exception", trip_1), {"reason": "无面上村"}).status_code == 403
    client.force_login(leader_1)
    response = client.post(url("trip_sample_exception", trip_1), {"reason": ""})
    assert response.status_code == 400 and "请填写抽查例外的理由" in response.content.decode()
    client.post(url("trip_sample_exception", trip_1), {"reason": "该县没有面上村。"})
    assert "该县没有面上村。" in client.get(url("trip_detail", trip_1)).content.decode()


@pytest.fixture
def three_trips(coverage_1, member_1, group_2, leader_2, city_user):
    coverage_2 = group_2.coverage.select_related("campaign", "team", "county").get()
    made = [
        services.trip_plan(acting_user=member_1, coverage=coverage_1, start_date=JUL, end_date=JUL),
        services.trip_plan(acting_user=member_1, coverage=coverage_1, start_date=datetime.date(2018, 9, 3), end_date=datetime.date(2018, 9, 4)),
        services.trip_plan(acting_user=leader_2, coverage=coverage_2, start_date=datetime.date(2018, 7, 20), end_date=datetime.date(2018, 7, 20)),
    ]
    services.trip_start(acting_user=member_1, trip=made[0])
    services.sample_exception_record(acting_user=city_user, trip=made[0], reason="数据未录入。")
    return made


def test_the_list_is_scoped_filtered_and_exported(client, three_trips, member_1, city_user, officer_b):
    client.force_login(member_1)
    page = client.get(reverse("inspections:trip_list"))
    assert len(page.context["page"].object_list) == 2  # 第一组's trips only
    assert [o.pk for o in page.context["filter"].form.fields["county"].queryset] == [three_trips[0].county_id]
    client.force_login(city_user)
    assert len(client.get(reverse("inspections:trip_list")).context["page"].object_list) == 3
    rows = client.get(reverse("inspections:trip_list"), {"month": "2018-07"}).context["page"].object_list
    assert {t.pk for t in rows} == {three_trips[0].pk, three_trips[2].pk}
    rows = client.get(reverse("inspections:trip_list"), {"status": "ongoing"}).context["page"].object_list
    assert [t.pk for t in rows] == [three_trips[0].pk]
    response = client.get(reverse("inspections:trip_export"), {"month": "2018-07"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert len(values) == 3 and "抽查例外理由" in values[0] and "数据未录入。" in [c for row in values for c in row]
    client.force_login(officer_b)
    assert [t.pk for t in client.get(reverse("inspections:trip_list")).context["page"].object_list] == [three_trips[2].pk]


def test_monthly_coverage_shows_trip_dates_and_months_without_a_trip(client, three_trips, city_user, member_1):
    client.force_login(city_user)
    response = client.get(reverse("inspections:trip_coverage"))
    rows = {r["team"].name: r for r in response.context["rows"]}
    assert [m.month for m in response.context["months"]] == [6, 7, 8, 9, 10, 11, 12]
    first = rows["第一组"]
    assert [c.state for c in first["cells"]] == ["missing", "done", "missing", "done", "missing", "missing", "missing"]
    assert first["trips"] == 2 and first["missing"] == 5 and rows["第二组"]["missing"] == 6
    html = response.content.decode()
    assert "9/3–4" in html and "共 11 个“县·月”没有督查" in html
    client.force_login(member_1)
    rows = client.get(reverse("inspections:trip_coverage")).context["rows"]
    assert [r["team"].name for r in rows] == ["第一组"]


def test_the_village_page_lists_the_trips_that_sampled_it(client, trip_1, places_a, member_1, officer_a):
    east, west = places_a["东村"], places_a["西村"]
    services.sample_save(acting_user=member_1, trip=trip_1, villages=[east, west], households=sample_of(east) + sample_of(west))
    services.finding_add(acting_user=member_1, trip=trip_1, target=f"village:{east.pk}", category="funds", description="资金滞留",
                         method="ledger")
    client.force_login(officer_a)
    html = client.get(east.get_absolute_url()).content.decode()
    assert "督查记录" in html and trip_1.get_absolute_url() in html


def test_the_finding_list_counts_per_category(client, trip_1, member_1, city_user):
    for category in ("tasks", "tasks", "records"):
        services.finding_add(acting_user=member_1, trip=trip_1, target="county", category=category, description="问题",
                             method="meeting", severity="major" if category == "records" else "general")
    client.force_login(city_user)
    response = client.get(reverse("inspections:finding_list"), {"severity": "major"})
    assert len(response.context["page"].object_list) == 1
    assert [n for _, _, n in response.context["category_counts"]] == [0, 0, 0, 0, 0, 0, 0, 1]


def test_archive_hand_over_page(client, trip_1, member_1, leader_2, places_a):
    east, west = places_a["东村"], places_a["西村"]
    services.sample_save(acting_user=member_1, trip=trip_1, villages=[east, west], households=sample_of(east) + sample_of(west))
    services.trip_start(acting_user=member_1, trip=trip_1)
    services.exchange_save(acting_user=member_1, trip=trip_1, date=JUL, with_whom="县扶贫办", summary="意见")
    services.trip_end(acting_user=member_1, trip=trip_1)
    client.force_login(member_1)
    archive = reverse("inspections:archive_list")
    response = client.post(archive, {"team": trip_1.team_id, "year": 2018, "quarter": 3, "trips": [trip_1.pk],
                                     "handed_over_on": "2018-09-28", "received_by": ""})
    assert response.status_code == 400 and "请填写业务科接收人" in response.content.decode()
    response = client.post(archive, {"team": trip_1.team_id, "year": 2018, "quarter": 3, "trips": [trip_1.pk],
                                     "handed_over_on": "2018-09-28", "received_by": "业务科 王某"})
    assert response.status_code == 302
    html = client.get(archive).content.decode()
    assert "2018年第3季度" in html and "逾期" not in html  # due 2018-09-30, a Sunday worked before the National Day holiday
    handover = trip_1.archive_handovers.get()
    handover.handed_over_on = datetime.date(2018, 10, 8)
    handover.save()
    assert "应于2018年9月30日移交" in client.get(archive).content.decode()
    client.force_login(leader_2)
    response = client.post(archive, {"team": trip_1.team_id, "year": 2018, "quarter": 4, "trips": [trip_1.pk],
                                     "handed_over_on": "2018-12-28", "received_by": "业务科"})
    assert response.status_code == 400 and "2018年第3季度" not in client.get(archive).content.decode()


def test_the_team_page_lists_its_trips(client, three_trips, city_user, officer_b):
    team = three_trips[0].team
    client.force_login(city_user)
    html = client.get(team.get_absolute_url()).content.decode()
    assert "督查记录（2次）" in html and three_trips[0].get_absolute_url() in html and three_trips[2].get_absolute_url() not in html
    client.force_login(officer_b)  # 第二组's page, seen from the county it covers
    html = client.get(three_trips[2].team.get_absolute_url()).content.decode()
    assert "督查记录（1次）" in html


def test_editing_the_plan_and_the_locked_pages_of_an_ended_trip(member_client, trip_1, coverage_1, member_1, places_a):
    other = services.trip_plan(acting_user=member_1, coverage=coverage_1, start_date=datetime.date(2018, 8, 6),
                               end_date=datetime.date(2018, 8, 6))
    response = member_client.post(url("trip_edit", other), {"start_date": "2018-07-11", "end_date": "2018-07-11", "note": "改期"})
    assert response.status_code == 200 and "日期不能重叠" in response.content.decode() and "改期" in response.content.decode()
    response = member_client.post(url("trip_edit", other), {"start_date": "2018-08-07", "end_date": "2018-08-08", "note": "改期",
                                                            "members": [member_1.person.pk]})
    other.refresh_from_db()
    assert response.status_code == 302 and other.start_date == datetime.date(2018, 8, 7) and other.note == "改期"
    east, west = places_a["东村"], places_a["西村"]
    services.sample_save(acting_user=member_1, trip=trip_1, villages=[east, west], households=sample_of(east) + sample_of(west))
    services.trip_start(acting_user=member_1, trip=trip_1)
    services.exchange_save(acting_user=member_1, trip=trip_1, date=JUL, with_whom="县扶贫办", summary="意见")
    services.trip_end(acting_user=member_1, trip=trip_1)
    for name in ("trip_edit", "trip_propose", "trip_sample"):
        response = member_client.get(url(name, trip_1))
        assert response.status_code == 302 and response["Location"] == trip_1.get_absolute_url(), name


def test_the_trip_page_query_count_does_not_grow_with_its_rows(member_client, trip_1, member_1, places_a, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    east, west = places_a["东村"], places_a["西村"]
    services.sample_save(acting_user=member_1, trip=trip_1, villages=[east, west], households=sample_of(east) + sample_of(west))
    services.finding_add(acting_user=member_1, trip=trip_1, target=f"village:{east.pk}", category="funds", description="一", method="ledger")
    with CaptureQueriesContext(connection) as few:
        member_client.get(url("trip_detail", trip_1))
    for household in sample_of(east) + sample_of(west):
        services.finding_add(acting_user=member_1, trip=trip_1, target=f"household:{household.pk}", category="policy",
                             description="二", method="home_visit")
    with django_assert_num_queries(len(few)):
        member_client.get(url("trip_detail", trip_1))
