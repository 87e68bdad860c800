"""Monthly progress reports, due by the 25th (HN 五(三))."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from supervision.models import MemberUnit, MonthlyReport
from supervision.services import indicator_status_set, report_submit

APRIL = datetime.date(2020, 4, 1)


def at(day, hour=10):
    # 10:00 in Shanghai.
    return time_machine.travel(datetime.datetime(2020, 4, day, hour, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                               tick=False)


def submit(client, narrative, month="2020-04", **extra):
    return client.post(reverse("supervision:report_submit"), {"month": month, "narrative": narrative, **extra})


@pytest.mark.parametrize(("day", "late"), [(24, False), (25, False), (26, True)])
def test_on_time_until_the_25th_late_after(client, city_user, listing, day, late):
    client.force_login(city_user)
    with at(day, hour=23):
        response = submit(client, "本月完成道路硬化2公里。")
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.is_late is late and report.city == city_user.city
    with at(day, hour=23):
        body = client.get(report.get_absolute_url()).content.decode()
    assert ("逾期报送" in body) is late


def test_city_report_is_assembled_from_its_counties_entries(client, officer_a, city_user, listing, lv_a, lv_b, transport):
    from tests.factories import HouseholdFactory

    HouseholdFactory(village=lv_a.village, food_ok=False)
    HouseholdFactory(village=lv_b.village)
    with at(10):
        indicator_status_set(acting_user=officer_a, listed_village=lv_a, indicator=transport, result="not_met",
                             assessed_on=datetime.date(2020, 4, 9))
    client.force_login(city_user)
    with at(20):
        form = client.get(reverse("supervision:report_submit"))
        assert "由各县填报的情况自动汇总" in form.content.decode()
        submit(client, "推进道路建设。")
    f = MonthlyReport.objects.get().figures
    assert f["listed_counties"] == 1 and f["listed_villages"] == 2
    assert f["indicators_total"] == 14 and f["indicators_not_met"] == 1 and f["indicators_met"] == 0
    assert f["ledger_opened"] == 1 and f["ledger_open"] == 1 and f["ledger_closed"] == 0
    assert f["households"] == 2 and f["households_failing"] == 1


def test_second_submission_edits_the_report_with_history(client, city_user, listing):
    client.force_login(city_user)
    with at(20):
        submit(client, "第一稿。")
    with at(27):
        response = submit(client, "第二稿：补充社会保障情况。")
        assert response.status_code == 302
        page = client.get(response.url, follow=True)
    assert "已报送过，本次已修改原报告" in page.content.decode()
    report = MonthlyReport.objects.get()
    assert report.narrative == "第二稿：补充社会保障情况。"
    assert report.is_late is False  # first filed on the 20th: an edit after the 25th keeps it on time
    assert report.history.count() == 2
    assert [h.narrative for h in report.history.order_by("history_date")] == ["第一稿。", "第二稿：补充社会保障情况。"]


def test_bad_input_nothing_written(client, city_user, other_city_user, listing):
    client.force_login(city_user)
    with at(20):
        response = submit(client, "  ")
        assert response.status_code == 400
        response = submit(client, "下月的进展", month="2020-05")
        assert response.status_code == 400 and "不能报送尚未到来的月份" in response.content.decode()
        assert "下月的进展" in response.content.decode()  # what was typed is kept
        response = submit(client, "开始前", month="2020-01")
        assert "不能报送更早的月份" in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_city_without_listed_places_and_other_city_refused(city_user, other_city_user, listing, county_c):
    from supervision.models import ListedVillage
    from tests.factories import CityFactory, UserFactory

    empty = CityFactory(name="鹤壁市")
    user = UserFactory(username="hebi", role="city", city=empty, county=None)
    with at(20), pytest.raises(ValidationError, match="没有挂牌督战县、村"):
        report_submit(acting_user=user, listing=listing, month=APRIL, city=empty, narrative="无")
    with at(20), pytest.raises(ValidationError, match="只有郑州市扶贫办"):
        report_submit(acting_user=other_city_user, listing=listing, month=APRIL, city=city_user.city, narrative="代报")
    assert not MonthlyReport.objects.exists()
    assert ListedVillage.objects.filter(county=county_c).exists()


def test_province_sees_who_reported_and_who_is_late(client, province_user, city_user, listing):
    MemberUnit.objects.create(name="省教育厅")
    client.force_login(city_user)
    with at(26):
        submit(client, "郑州市进展。")
    client.force_login(province_user)
    with at(27):
        response = client.get(reverse("supervision:report_list"), {"month": "2020-04"})
    rows = {r["name"]: r["state"] for r in response.context["rows"]}
    assert rows == {"郑州市": "late", "南阳市": "missing", "省教育厅": "missing"}
    # The provincial office may file for a member unit, not for a city.
    assert {r["name"]: r["may_submit"] for r in response.context["rows"]} == {"郑州市": False, "南阳市": False, "省教育厅": True}
    body = response.content.decode()
    assert "逾期报送" in body and "逾期未报" in body


def test_county_officer_sees_its_citys_report_not_others(client, officer_a, officer_c, city_user, listing):
    client.force_login(city_user)
    with at(20):
        submit(client, "郑州市进展。")
    report = MonthlyReport.objects.get()
    client.force_login(officer_a)
    assert client.get(report.get_absolute_url()).status_code == 200
    client.force_login(officer_c)
    assert client.get(report.get_absolute_url()).status_code == 404
    with at(20):
        rows = client.get(reverse("supervision:report_list"), {"month": "2020-04"}).context["rows"]
    assert [r["name"] for r in rows] == ["南阳市"]
    # A county officer does not report.
    with at(20):
        assert submit(client, "县里代报").status_code == 403


def test_member_unit_reports_through_its_account(client, province_user, listing):
    from tests.factories import UserFactory

    reporter = UserFactory(username="jyt", role="team", county=None)
    unit = MemberUnit.objects.create(name="省教育厅")
    unit.reporters.add(reporter)
    other = MemberUnit.objects.create(name="省卫生健康委")
    client.force_login(reporter)
    with at(22):
        assert submit(client, "控辍保学全覆盖。", unit=unit.pk).status_code == 302
        assert submit(client, "代报", unit=other.pk).status_code == 404
    report = MonthlyReport.objects.get()
    assert report.unit == unit and not report.is_late and report.figures == {}


def test_campaign_issued_on_28_february_reports_from_march(client, city_user, listing):
    client.force_login(city_user)
    with time_machine.travel(datetime.datetime(2020, 3, 1, 10, tzinfo=datetime.UTC), tick=False):
        response = submit(client, "二月进展", month="2020-02")
        assert "自2020年3月开始报送" in response.content.decode()
        assert submit(client, "三月进展", month="2020-03").status_code == 302
    from supervision.selectors import reports_on_time_by_city

    with at(26):  # on 26 April the reports of March and April are both due
        counts = reports_on_time_by_city(listing=listing)
    assert counts[city_user.city_id]["due"] == 2 and counts[city_user.city_id]["on_time"] == 1
