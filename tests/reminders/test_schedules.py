"""Each schedule of SPEC §10 on real calendar edge cases, with frozen time (time-machine)."""

import datetime
import zoneinfo

import pytest
import time_machine

from reminders import tasks
from reminders.models import CalendarDay, Notification, RunLog
from reminders.registry import KINDS, SCHEDULES, Due
from tests.rosters.factories import CampaignFactory, TeamCountyFactory, TeamFactory, team_member_user

D = datetime.date
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=7, mm=30):
    """A moment in Beijing time, as beat would fire."""
    return time_machine.travel(datetime.datetime(y, m, d, hh, mm, tzinfo=SH), tick=False)


def sent(kind, **kw):
    return list(Notification.objects.filter(kind=kind, **kw).order_by("target", "recipient__username")
                .values_list("recipient__username", "period"))


def test_every_kind_of_the_table_is_declared_with_a_schedule_and_label():
    assert set(KINDS) == {
        "item_due_soon", "item_overdue", "letter_missing", "extension_waiting", "guidance_week_missed",
        "inspection_no_trip", "team_monthly_report", "data_push_check", "listed_report_reminder",
        "listed_report_missing", "archive_handover",
    }
    for kind in KINDS.values():
        assert kind.schedule in SCHEDULES and kind.label and kind.clause


@pytest.mark.parametrize("day, due", [
    (D(2018, 9, 30), True),    # a Sunday worked before National Day: the quarter's last working day
    (D(2018, 9, 28), False),
    (D(2018, 12, 29), True),   # a Saturday worked; 12-30 and 12-31 are the New Year holiday
    (D(2018, 12, 31), False),
    (D(2019, 3, 29), True),    # 3-30/31 a weekend
    (D(2019, 3, 31), False),
    (D(2019, 12, 31), True),
    (D(2020, 9, 30), True),    # 2020 Q3: Wednesday before the eight-day holiday
    (D(2020, 9, 27), False),   # a Sunday worked, but not the last working day
    (D(2027, 3, 31), True),    # a year chinese-calendar does not know: Monday–Friday fallback
])
def test_quarter_end_is_decided_on_the_official_calendar(db, day, due):
    assert KINDS["archive_handover"].is_due(day) is due


def test_quarter_end_follows_the_editable_table_in_a_fallback_year(db):
    CalendarDay.objects.create(date=D(2027, 3, 31), kind=CalendarDay.Kind.HOLIDAY, name="测试假日")
    assert not KINDS["archive_handover"].is_due(D(2027, 3, 31))
    assert KINDS["archive_handover"].is_due(D(2027, 3, 30))


def test_archive_handover_sent_by_the_daily_task_on_a_worked_sunday(inspection_leader):
    with at(2018, 9, 29):
        tasks.reminders_run.delay("daily")
    assert sent("archive_handover") == []
    with at(2018, 9, 30):
        tasks.reminders_run.delay("daily")
        tasks.reminders_run.delay("daily")  # run twice: sent once
    assert sent("archive_handover") == [("inspector1", "2018-Q3")]


def test_weekly_holiday_week_is_not_owed(guidance_leader):
    # Week 2018-10-01…07 is the National Day holiday: no working day in the campaign, nothing owed.
    with at(2018, 10, 8, 7, 40):
        tasks.reminders_run.delay("weekly")
    assert sent("guidance_week_missed") == []
    assert RunLog.objects.get(kind="guidance_week_missed").found == 0


def test_weekly_missed_counties_go_to_the_leader_and_that_countys_liaison(guidance_team, guidance_leader, village_a, visit):
    visit(guidance_team, village_a, D(2018, 10, 13))  # 登封市 visited on Saturday: the week is met
    with at(2018, 10, 15, 7, 40):
        tasks.reminders_run.delay("weekly")
    assert sent("guidance_week_missed") == [("leader6", "2018-W41")]  # 巩义市 only; its liaison has no account
    n = Notification.objects.get(kind="guidance_week_missed")
    assert "巩义市" in n.title and "2018年10月8日" in n.title


def test_weekly_liaison_is_told_about_its_own_county(guidance_team, guidance_leader, village_b, visit):
    visit(guidance_team, village_b, D(2018, 10, 9))
    with at(2018, 10, 15, 7, 40):
        tasks.reminders_run.delay("weekly")
    assert sent("guidance_week_missed") == [("leader6", "2018-W41"), ("liaison6", "2018-W41")]


def test_a_draft_visit_does_not_count(guidance_team, guidance_leader, village_a, village_b, visit):
    from inspections.choices import VisitStatus

    visit(guidance_team, village_a, D(2018, 10, 9), status=VisitStatus.DRAFT)
    visit(guidance_team, village_b, D(2018, 10, 9))
    with at(2018, 10, 15, 7, 40):
        tasks.reminders_run.delay("weekly")
    assert {p for _, p in sent("guidance_week_missed")} == {"2018-W41"}
    assert Notification.objects.filter(kind="guidance_week_missed", title__contains="登封市").count() == 2


def test_a_week_owed_only_through_worked_weekend_days(county_a):
    # A campaign starting on Saturday 2018-09-29 (a working day): week 09-24…30 is owed.
    campaign = CampaignFactory(name="周末开始的指导周期", start_date=D(2018, 9, 29), end_date=D(2018, 10, 31))
    team = TeamFactory(campaign=campaign, name="第九小组")
    TeamCountyFactory(team=team, county=county_a)
    team_member_user(team, username="leader9", role="leader")
    with at(2018, 10, 1, 7, 40):
        tasks.reminders_run.delay("weekly")
    assert sent("guidance_week_missed") == [("leader9", "2018-W39")]


def test_a_visit_on_a_worked_saturday_meets_the_week(guidance_team, guidance_leader, village_a, village_b, visit):
    visit(guidance_team, village_a, D(2018, 12, 29))
    visit(guidance_team, village_b, D(2018, 12, 29))
    with at(2018, 12, 31, 7, 40):
        tasks.reminders_run.delay("weekly")
    assert sent("guidance_week_missed") == []


def test_a_fallback_year_counts_monday_to_friday_and_the_table(county_a):
    campaign = CampaignFactory(name="2027年指导", start_date=D(2027, 9, 1), end_date=D(2027, 12, 31))
    team = TeamFactory(campaign=campaign, name="第一小组")
    TeamCountyFactory(team=team, county=county_a)
    team_member_user(team, username="leader27", role="leader")
    with at(2027, 10, 11, 7, 40):
        tasks.reminders_run.delay("weekly")
    assert sent("guidance_week_missed") == [("leader27", "2027-W40")]
    # Holidays entered by hand for the week of 2027-10-11…15: that week is then not owed.
    for d in range(11, 16):
        CalendarDay.objects.create(date=D(2027, 10, d), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")
    with at(2027, 10, 18, 7, 40):
        tasks.reminders_run.delay("weekly")
    assert len(sent("guidance_week_missed")) == 1


def test_monthly_report_on_the_first_across_midnight(inspection_leader):
    with at(2018, 10, 31, 23, 59):
        tasks.reminders_run.delay("monthly_1")
    assert sent("team_monthly_report") == []
    with at(2018, 11, 1, 0, 0):  # one minute later, Beijing time (still 10-31 in UTC)
        tasks.reminders_run.delay("monthly_1")
    assert sent("team_monthly_report") == [("inspector1", "2018-10")]


def test_monthly_report_in_january_concerns_december(inspection_leader, inspection_campaign):
    inspection_campaign.end_date = D(2019, 12, 31)
    inspection_campaign.save()
    with at(2019, 1, 1, 7, 50):
        tasks.reminders_run.delay("monthly_1")
    assert sent("team_monthly_report") == [("inspector1", "2018-12")]


def test_an_inspection_group_whose_campaign_ended_is_not_asked(inspection_leader, inspection_campaign):
    with at(2019, 2, 1, 7, 50):
        tasks.reminders_run.delay("monthly_1")
    assert sent("team_monthly_report") == []


def test_data_push_on_the_fourth_goes_to_each_countys_officers(officer_a, officer_b, city_user):
    with at(2018, 11, 3, 7, 50):
        tasks.reminders_run.delay("monthly_4")
    assert sent("data_push_check") == []
    with at(2018, 11, 4, 7, 50):  # a Sunday: the 4th is the 4th
        tasks.reminders_run.delay("monthly_4")
    assert sorted(sent("data_push_check")) == [("officer_a", "2018-10"), ("officer_b", "2018-10")]
    assert "登封市2018年10月" in Notification.objects.get(recipient=officer_a).title


@pytest.fixture
def listed_finders(city_user):
    """What the listed-supervision app will register: here a stand-in finder for each of its kinds."""
    calls = []

    def reminder(day):
        calls.append(("reminder", day))
        yield Due(target="city:1", recipients=frozenset({city_user.pk}), title="25日前报送挂牌督战进展")

    def missing(day):
        calls.append(("missing", day))
        yield Due(target="city:1", recipients=frozenset({city_user.pk}), title="未报送名单")

    KINDS["listed_report_reminder"].finders.append(reminder)
    KINDS["listed_report_missing"].finders.append(missing)
    yield calls
    KINDS["listed_report_reminder"].finders.remove(reminder)
    KINDS["listed_report_missing"].finders.remove(missing)


def test_listed_supervision_kinds_find_nothing_until_an_app_registers(city_user):
    with at(2018, 11, 20, 7, 50):
        tasks.reminders_run.delay("monthly_20")
    log = RunLog.objects.get(kind="listed_report_reminder")
    assert (log.found, log.sent, log.error_text) == (0, 0, "")


def test_listed_supervision_when_the_25th_is_a_sunday(listed_finders):
    # 2018-11-25 is a Sunday: the reminder still goes on the 20th and the list on the 26th (HN 五(三)).
    for day in (19, 20, 21, 25, 26):
        with at(2018, 11, day, 7, 50):
            tasks.reminders_run.delay("monthly_20")
            tasks.reminders_run.delay("monthly_26")
    assert listed_finders == [("reminder", D(2018, 11, 20)), ("missing", D(2018, 11, 26))]
    assert sent("listed_report_reminder") == [("city", "2018-11")]
    assert sent("listed_report_missing") == [("city", "2018-11")]
