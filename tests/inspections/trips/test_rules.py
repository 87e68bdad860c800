"""Inspection trips' rules (HY 四, 六; SPEC §7), through the services, and the permission matrix for trips."""

import datetime

import pytest
import rules
from django.core.exceptions import ValidationError

from inspections import trip_services as services
from inspections.choices import FindingCategory, FindingSeverity, TripStatus
from inspections.models import ArchiveHandover, Finding, InspectionTrip, OpinionExchange, TripSample
from inspections.trip_selectors import finding_counts_by_category, sample_shortfalls
from rosters.choices import MemberRole
from tests.factories import VillageFactory
from tests.inspections.trips.conftest import JUL, sample_of
from tests.rosters.factories import TeamCountyFactory, TeamFactory, team_member_user

DAY = datetime.timedelta(days=1)


def messages_of(excinfo):
    e = excinfo.value
    return " ".join(m for msgs in (e.message_dict.values() if hasattr(e, "error_dict") else [e.messages]) for m in msgs)


# --- planning ------------------------------------------------------------------------------------------


def test_a_member_plans_a_trip_of_one_or_two_days(coverage_1, member_1):
    trip = services.trip_plan(acting_user=member_1, coverage=coverage_1, start_date=JUL, end_date=JUL + DAY, members=[member_1.person])
    assert trip.status == TripStatus.PLANNED and trip.county == coverage_1.county and trip.days == 2
    assert list(trip.members.all()) == [member_1.person]


@pytest.mark.parametrize("start, end, field, words", [
    (JUL, JUL + 2 * DAY, "end_date", "每次督查安排1-2天"),
    (JUL, JUL - DAY, "end_date", "结束日期不能早于开始日期"),
    (datetime.date(2018, 6, 14), datetime.date(2018, 6, 15), "start_date", "工作周期"),
    (datetime.date(2018, 12, 31), datetime.date(2019, 1, 1), "start_date", "工作周期"),
])
def test_trip_dates_outside_the_rule_are_refused(coverage_1, member_1, start, end, field, words):
    with pytest.raises(ValidationError) as excinfo:
        services.trip_plan(acting_user=member_1, coverage=coverage_1, start_date=start, end_date=end)
    assert words in " ".join(excinfo.value.message_dict[field])
    assert not InspectionTrip.objects.exists()


def test_a_second_trip_of_the_group_to_the_county_on_overlapping_dates_is_refused(trip_1, coverage_1, member_1):
    with pytest.raises(ValidationError) as excinfo:
        services.trip_plan(acting_user=member_1, coverage=coverage_1, start_date=JUL + DAY, end_date=JUL + DAY)
    assert "日期不能重叠" in messages_of(excinfo)
    # The day after the first trip is free.
    services.trip_plan(acting_user=member_1, coverage=coverage_1, start_date=JUL + 2 * DAY, end_date=JUL + 2 * DAY)
    assert InspectionTrip.objects.count() == 2


def test_a_county_the_group_does_not_cover_is_refused(hy_campaign, county_a, member_1, leader_1):
    guidance = TeamFactory(name="第九小组")  # a guidance group's coverage is no inspection coverage
    coverage = TeamCountyFactory(team=guidance, county=county_a)
    with pytest.raises(ValidationError) as excinfo:
        services.trip_plan(acting_user=leader_1, coverage=coverage, start_date=JUL, end_date=JUL)
    assert "不是督查小组" in messages_of(excinfo)
    assert not InspectionTrip.objects.exists()


def test_a_member_of_another_group_cannot_plan_or_edit_the_trip(coverage_1, trip_1, leader_2):
    with pytest.raises(ValidationError) as excinfo:
        services.trip_plan(acting_user=leader_2, coverage=coverage_1, start_date=JUL + 5 * DAY, end_date=JUL + 5 * DAY)
    assert "不是第一组的成员" in messages_of(excinfo)
    with pytest.raises(ValidationError):
        services.trip_start(acting_user=leader_2, trip=trip_1)
    trip_1.refresh_from_db()
    assert trip_1.status == TripStatus.PLANNED and InspectionTrip.objects.count() == 1


def test_who_went_comes_from_the_groups_roster(coverage_1, member_1, leader_2):
    with pytest.raises(ValidationError) as excinfo:
        services.trip_plan(acting_user=member_1, coverage=coverage_1, start_date=JUL, end_date=JUL, members=[leader_2.person])
    assert "邓春华 不是第一组的成员" in messages_of(excinfo)


# --- the sampling rule (HY 四) -------------------------------------------------------------------------------


def record(trip, user, villages, households):
    return services.sample_save(acting_user=user, trip=trip, villages=villages, households=households)


def test_a_complete_sample_meets_the_rule(trip_1, member_1, places_a):
    poor, ordinary = places_a["东村"], places_a["西村"]
    record(trip_1, member_1, [poor, ordinary], sample_of(poor) + sample_of(ordinary))
    assert sample_shortfalls(trip_1) == []
    assert TripSample.objects.filter(trip=trip_1, level="township").count() == 1  # 城关镇, from the villages


def test_one_poor_village_and_no_mianshang_village_falls_short(trip_1, member_1, places_a):
    poor = places_a["东村"]
    record(trip_1, member_1, [poor], sample_of(poor))
    assert sample_shortfalls(trip_1) == ["尚未抽查面上村：每次至少抽查1个面上村。"]


def test_a_village_with_one_pre_exit_household_falls_short(trip_1, member_1, places_a):
    poor, ordinary = places_a["东村"], places_a["西村"]
    record(trip_1, member_1, [poor, ordinary], sample_of(poor, pre_exit=1) + sample_of(ordinary))
    assert sample_shortfalls(trip_1) == [
        "东村只抽查了预脱贫户1户（应至少2户）：每村至少抽查3户农户（2户预脱贫户、1户未脱贫户）。"]
    # Two pre-exit households and no 未脱贫户 falls short the other way.
    record(trip_1, member_1, [poor, ordinary], sample_of(poor, poor=0) + sample_of(ordinary))
    assert "东村只抽查了未脱贫户0户（应至少1户）" in sample_shortfalls(trip_1)[0]


def test_an_empty_sample_lists_everything_missing(trip_1):
    assert sample_shortfalls(trip_1) == ["尚未抽查乡（镇）：每次至少抽查1个镇。", "尚未抽查贫困村：每次至少抽查1个贫困村。",
                                         "尚未抽查面上村：每次至少抽查1个面上村。"]


def test_a_village_outside_the_county_and_a_household_outside_the_sampled_villages_are_refused(trip_1, member_1, places_a, county_b):
    elsewhere = VillageFactory(township__county=county_b, name="外县村")
    with pytest.raises(ValidationError) as excinfo:
        record(trip_1, member_1, [places_a["东村"], elsewhere], [])
    assert "外县村 不在登封市" in messages_of(excinfo)
    stray = places_a["南村"].households.first()
    with pytest.raises(ValidationError) as excinfo:
        record(trip_1, member_1, [places_a["东村"]], [stray])
    assert f"{stray.head_name} 不在所抽查的村中" in messages_of(excinfo)
    assert not TripSample.objects.exists()


def test_swapping_a_village_draws_households_for_the_new_one(trip_1, member_1, places_a):
    poor, ordinary = places_a["东村"], places_a["西村"]
    record(trip_1, member_1, [poor, ordinary], sample_of(poor) + sample_of(ordinary))
    services.sample_swap_village(acting_user=member_1, trip=trip_1, village=ordinary, replacement=places_a["北村"])
    sampled = set(TripSample.objects.filter(trip=trip_1, level="village").values_list("village__name", flat=True))
    assert sampled == {"东村", "北村"}
    assert sample_shortfalls(trip_1) == []
    assert set(TripSample.objects.filter(trip=trip_1, level="township").values_list("township__name", flat=True)) == {"城关镇", "大冶镇"}
    assert not TripSample.objects.filter(trip=trip_1, village=ordinary).exists()


# --- ending a trip: sample or exception, and the opinion exchange --------------------------------------------------


def exchange(trip, user):
    return services.exchange_save(acting_user=user, trip=trip, date=trip.end_date, with_whom="登封市扶贫办、副市长",
                                  summary="反馈了抽查发现的问题。")


def test_a_trip_cannot_end_without_a_complete_sample_or_an_exception(trip_1, member_1, leader_1, places_a):
    services.trip_start(acting_user=member_1, trip=trip_1)
    exchange(trip_1, member_1)
    poor = places_a["东村"]
    record(trip_1, member_1, [poor], sample_of(poor))
    with pytest.raises(ValidationError) as excinfo:
        services.trip_end(acting_user=member_1, trip=trip_1)
    assert "尚未抽查面上村" in messages_of(excinfo) and "登记例外" in messages_of(excinfo)
    trip_1.refresh_from_db()
    assert trip_1.status == TripStatus.ONGOING
    # A plain member may not record the exception; the leader may, with a reason that is kept.
    with pytest.raises(ValidationError):
        services.sample_exception_record(acting_user=member_1, trip=trip_1, reason="该县面上村均在搬迁中。")
    with pytest.raises(ValidationError) as excinfo:
        services.sample_exception_record(acting_user=leader_1, trip=trip_1, reason="  ")
    assert "请填写抽查例外的理由" in messages_of(excinfo)
    services.sample_exception_record(acting_user=leader_1, trip=trip_1, reason="该县面上村均在搬迁中。")
    services.trip_end(acting_user=member_1, trip=trip_1)
    trip_1.refresh_from_db()
    assert trip_1.status == TripStatus.ENDED and trip_1.sample_exception_reason == "该县面上村均在搬迁中。"
    assert trip_1.sample_exception_by == leader_1 and trip_1.ended_by == member_1


def test_a_trip_cannot_end_before_the_opinion_exchange(trip_1, member_1, places_a):
    services.trip_start(acting_user=member_1, trip=trip_1)
    poor, ordinary = places_a["东村"], places_a["西村"]
    record(trip_1, member_1, [poor, ordinary], sample_of(poor) + sample_of(ordinary))
    with pytest.raises(ValidationError) as excinfo:
        services.trip_end(acting_user=member_1, trip=trip_1)
    assert "尚未记录交换意见" in messages_of(excinfo)
    exchange(trip_1, member_1)
    services.trip_end(acting_user=member_1, trip=trip_1)
    assert InspectionTrip.objects.get().status == TripStatus.ENDED
    # Ended: the record is locked.
    with pytest.raises(ValidationError) as excinfo:
        services.finding_add(acting_user=member_1, trip=trip_1, target="county", category=FindingCategory.FUNDS,
                             description="资金拨付不及时。", method="ledger")
    assert "已结束" in messages_of(excinfo)


def test_bad_exchange_input_is_refused(trip_1, member_1):
    with pytest.raises(ValidationError) as excinfo:
        services.exchange_save(acting_user=member_1, trip=trip_1, date=JUL - DAY, with_whom="", summary="")
    assert set(excinfo.value.message_dict) == {"date", "with_whom", "summary"}
    assert not OpinionExchange.objects.exists()


# --- findings -----------------------------------------------------------------------------------------------------


def test_findings_attach_to_the_county_or_the_sample_only(trip_1, member_1, places_a):
    poor, ordinary = places_a["东村"], places_a["西村"]
    record(trip_1, member_1, [poor, ordinary], sample_of(poor) + sample_of(ordinary))
    household = sample_of(poor)[0]
    finding = services.finding_add(acting_user=member_1, trip=trip_1, target=f"household:{household.pk}",
                                   category=FindingCategory.IDENTIFICATION, description="“八有”未全部落实。",
                                   method="home_visit", severity=FindingSeverity.MAJOR)
    assert (finding.county, finding.village, finding.household) == (trip_1.county, poor, household)
    assert finding.township == poor.township and finding.is_major and finding.category_label == "贫困识别退出情况"
    assert household.head_id_number not in finding.target_label and household.masked_id_number in finding.target_label
    outside = places_a["南村"]
    for target in (f"village:{outside.pk}", f"household:{outside.households.first().pk}", "village:x", ""):
        with pytest.raises(ValidationError) as excinfo:
            services.finding_add(acting_user=member_1, trip=trip_1, target=target, category=FindingCategory.POLICY,
                                 description="问题", method="ledger")
        assert "不在本次抽查对象中" in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.finding_add(acting_user=member_1, trip=trip_1, target="county", category="nonsense", description="",
                             method="ledger")
    assert {"category", "description"} <= set(excinfo.value.message_dict)
    assert Finding.objects.count() == 1


def test_findings_are_counted_per_category_in_the_tables_order(trip_1, member_1):
    for category in (FindingCategory.TASKS, FindingCategory.TASKS, FindingCategory.RECORDS):
        services.finding_add(acting_user=member_1, trip=trip_1, target="county", category=category,
                             description="问题", method="meeting")
    counts = finding_counts_by_category(findings=Finding.objects.all())
    assert [label for _, label, _ in counts] == [
        "扶贫责任落实情况", "扶贫政策落实情况", "贫困识别退出情况", "帮扶措施落实情况", "脱贫任务完成情况",
        "新农村建设情况", "资金使用率情况", "信息录入和台账建立情况"]
    assert [n for _, _, n in counts] == [0, 0, 0, 0, 2, 0, 0, 1]


def test_a_sampled_village_with_findings_cannot_leave_the_sample(trip_1, member_1, places_a):
    poor, ordinary = places_a["东村"], places_a["西村"]
    record(trip_1, member_1, [poor, ordinary], sample_of(poor) + sample_of(ordinary))
    services.finding_add(acting_user=member_1, trip=trip_1, target=f"village:{ordinary.pk}", category=FindingCategory.POLICY,
                         description="问题", method="ledger")
    with pytest.raises(ValidationError) as excinfo:
        record(trip_1, member_1, [poor], sample_of(poor))
    assert "不能移出抽查对象" in messages_of(excinfo)


def test_findings_of_ended_trips_count_towards_category_7(trip_1, member_1, places_a):
    from villages.rating import problem_sources

    poor, ordinary = places_a["东村"], places_a["西村"]
    record(trip_1, member_1, [poor, ordinary], sample_of(poor) + sample_of(ordinary))
    services.finding_add(acting_user=member_1, trip=trip_1, target=f"village:{poor.pk}", category=FindingCategory.POLICY,
                         description="问题", method="ledger")
    from inspections.trip_sections import village_finding_counts

    assert village_finding_counts in problem_sources()
    assert list(village_finding_counts([poor])) == []  # not before the trip ends
    services.trip_start(acting_user=member_1, trip=trip_1)
    exchange(trip_1, member_1)
    services.trip_end(acting_user=member_1, trip=trip_1)
    assert list(village_finding_counts([poor])) == [{"village_id": poor.pk, "n": 1}]


# --- archive hand-over (HY 四) -----------------------------------------------------------------------------------------


def test_archive_hand_over_takes_ended_trips_of_the_quarter_once(trip_1, member_1, leader_2, places_a):
    args = dict(team=trip_1.team, year=2018, quarter=3, handed_over_on=datetime.date(2018, 9, 28), received_by="业务科 王某")
    with pytest.raises(ValidationError) as excinfo:
        services.archive_handover_record(acting_user=member_1, trips=[trip_1], **args)
    assert "尚未结束" in messages_of(excinfo)
    services.trip_start(acting_user=member_1, trip=trip_1)
    exchange(trip_1, member_1)
    poor, ordinary = places_a["东村"], places_a["西村"]
    record(trip_1, member_1, [poor, ordinary], sample_of(poor) + sample_of(ordinary))
    services.trip_end(acting_user=member_1, trip=trip_1)
    with pytest.raises(ValidationError) as excinfo:
        services.archive_handover_record(acting_user=leader_2, trips=[trip_1], **args)
    assert "不是第一组的成员" in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.archive_handover_record(acting_user=member_1, trips=[trip_1], **{**args, "quarter": 2})
    assert "不是第一组在2018年第2季度的督查" in messages_of(excinfo)
    services.archive_handover_record(acting_user=member_1, trips=[trip_1], **args)
    with pytest.raises(ValidationError) as excinfo:
        services.archive_handover_record(acting_user=member_1, trips=[trip_1], **args)
    assert "已登记移交" in messages_of(excinfo)
    assert ArchiveHandover.objects.count() == 1


# --- the permission matrix for trips -----------------------------------------------------------------------------------


@pytest.fixture
def people(group_1, leader_1, member_1, leader_2, officer_a, officer_b, city_user, admin_user, county_a):
    guidance = TeamFactory(name="指导第一小组")
    TeamCountyFactory(team=guidance, county=county_a)
    return {
        "leader": leader_1, "member": member_1, "other_group": leader_2,
        "guidance_member": team_member_user(guidance, username="zhidao", role=MemberRole.LEADER),
        "county": officer_a, "other_county": officer_b, "city": city_user, "admin": admin_user,
    }


MATRIX_CASES = {
    # permission: who may (everyone else in `people` may not)
    "inspections.plan_trip": {"leader", "member", "city", "admin"},
    "inspections.edit_trip": {"leader", "member", "city", "admin"},
    "inspections.record_sample_exception": {"leader", "city", "admin"},
    "inspections.hand_over_archive": {"leader", "member", "city", "admin"},
}


@pytest.mark.parametrize("perm", MATRIX_CASES)
def test_every_cell_of_the_trip_rows_of_the_matrix(perm, people, coverage_1, trip_1):
    obj = {"inspections.plan_trip": coverage_1, "inspections.hand_over_archive": trip_1.team}.get(perm, trip_1)
    allowed = {name for name, user in people.items() if rules.has_perm(perm, user, obj)}
    assert allowed == MATRIX_CASES[perm]


def test_a_city_office_of_another_city_may_not_edit(trip_1, county_a):
    from tests.factories import CityFactory, UserFactory

    other = UserFactory(username="other_city", role="city", city=CityFactory(name="洛阳市"), county=None)
    assert not rules.has_perm("inspections.edit_trip", other, trip_1)
    assert not rules.has_perm("inspections.plan_trip", other, trip_1.team.coverage.get())


def test_a_team_members_scope_is_compared_by_county_id(city):
    """in_scope asks for county ids: a coverage row's own id that happens to equal another county's id grants nothing."""
    from types import SimpleNamespace

    from rosters.permissions import in_scope
    from tests.factories import CountyFactory

    mine, other = CountyFactory(city=city, name="本县"), CountyFactory(city=city, name="他县")
    team = TeamFactory(name="第七组")
    TeamCountyFactory(team=team, county=mine, id=other.pk)
    user = team_member_user(team, username="qizu")
    assert in_scope(user, SimpleNamespace(county_id=mine.pk))
    assert not in_scope(user, SimpleNamespace(county_id=other.pk))
