"""The bell, the notification list, 我的待办, the operations page and run_reminders, as their users see them."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from reminders.models import Notification, NotificationPreference, RunLog
from rosters.choices import Role
from tests.factories import UserFactory

D = datetime.date
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9):
    return time_machine.travel(datetime.datetime(y, m, d, hh, 0, tzinfo=SH), tick=False)


def notify(user, title, link="/villages/", read=False, **kw):
    from django.utils import timezone

    return Notification.objects.create(
        recipient=user, kind=kw.pop("kind", "data_push_check"), target=kw.pop("target", title), period="2018-10",
        title=title, link=link, read_at=timezone.now() if read else None, **kw,
    )


def test_bell_shows_my_unread_count_only(client, officer_a, officer_b):
    notify(officer_a, "甲")
    notify(officer_a, "乙")
    notify(officer_a, "已读", read=True)
    notify(officer_b, "别人的")
    client.force_login(officer_a)
    html = client.get("/").content.decode()
    assert 'data-unread="2"' in html and "我的提醒，2 条未读" in html


def test_no_badge_without_unread(client, officer_a):
    client.force_login(officer_a)
    html = client.get("/").content.decode()
    assert "data-unread" not in html and "我的提醒，0 条未读" in html


def test_list_shows_only_mine_and_marks_all_read(client, officer_a, officer_b):
    notify(officer_a, "登封市请推送数据")
    notify(officer_b, "巩义市请推送数据")
    client.force_login(officer_a)
    html = client.get("/reminders/notifications/").content.decode()
    assert "登封市请推送数据" in html and "巩义市请推送数据" not in html and "上月数据推送与核对" in html
    response = client.post("/reminders/notifications/read-all/", follow=True)
    assert "已将 1 条提醒标为已读。" in response.content.decode()
    assert Notification.objects.get(recipient=officer_a).read_at is not None
    assert Notification.objects.get(recipient=officer_b).read_at is None
    assert "没有未读的提醒" in client.get("/reminders/notifications/?unread=1").content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(client, officer_a, officer_b):
    mine = notify(officer_a, "甲", link="/villages/households/")
    theirs = notify(officer_b, "乙")
    client.force_login(officer_a)
    response = client.get(mine.get_absolute_url())
    assert response.status_code == 302 and response.url == "/villages/households/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_an_external_link_is_never_followed(client, officer_a):
    n = notify(officer_a, "甲", link="https://evil.example/")
    client.force_login(officer_a)
    assert client.get(n.get_absolute_url()).url == "/reminders/notifications/"


def test_a_user_turns_email_off_and_on(client, officer_a):
    officer_a.email = "a@example.cn"
    officer_a.save()
    client.force_login(officer_a)
    assert "a@example.cn" in client.get("/reminders/notifications/").content.decode()
    response = client.post("/reminders/notifications/preference/", {"email_enabled": "0"}, follow=True)
    assert "不接收邮件" in response.content.decode()
    assert NotificationPreference.objects.get(user=officer_a).email_enabled is False
    client.post("/reminders/notifications/preference/", {"email_enabled": "1"})
    assert NotificationPreference.objects.get(user=officer_a).email_enabled is True


def test_list_needs_login(client):
    assert client.get("/reminders/notifications/").status_code == 302


# --- 我的待办 -----------------------------------------------------------------------------------------

def test_county_officer_sees_the_data_push_in_the_first_week(client, officer_a):
    client.force_login(officer_a)
    with at(2018, 11, 2):
        html = client.get("/reminders/todo/").content.decode()
        assert "推送并核对2018年10月数据" in html and "2018年11月4日" in html
        home = client.get("/").content.decode()
        assert home.index('id="todo-panel"') < home.index("扶贫办</h1>")  # the home page's first panel
    with at(2018, 11, 5):
        assert "已逾期" in client.get("/reminders/todo/").content.decode()
    with at(2018, 11, 12):
        assert "本周没有到期或逾期的待办事项" in client.get("/reminders/todo/").content.decode()


def test_group_leader_sees_counties_not_yet_visited_this_week(client, guidance_team, guidance_leader, village_a, visit):
    visit(guidance_team, village_a, D(2018, 10, 16))
    client.force_login(guidance_leader)
    with at(2018, 10, 17):
        html = client.get("/").content.decode()
    assert "本周尚未到巩义市指导" in html and "本周尚未到登封市指导" not in html
    assert "2018年10月19日" in html  # the week's last working day
    with at(2018, 10, 3):  # the National Day week is not owed
        assert "本周尚未到" not in client.get("/reminders/todo/").content.decode()


def test_inspection_leader_sees_monthly_report_and_quarter_hand_over(client, inspection_leader):
    client.force_login(inspection_leader)
    with at(2018, 9, 26):
        html = client.get("/reminders/todo/").content.decode()
    assert "移交第3季度档案材料" in html and "2018年9月30日" in html
    with at(2018, 10, 2):
        html = client.get("/reminders/todo/").content.decode()
    assert "向领导小组专题汇报9月督查工作" in html and "档案材料" not in html


def test_city_office_sees_last_weeks_misses_in_its_city_only(client, city_user, guidance_team, guidance_leader):
    from tests.factories import CityFactory, CountyFactory
    from tests.rosters.factories import TeamCountyFactory, TeamFactory

    other = CountyFactory(city=CityFactory(name="商丘市"), name="睢县")
    TeamCountyFactory(team=TeamFactory(campaign=guidance_team.campaign, name="外市小组"), county=other)
    client.force_login(city_user)
    with at(2018, 10, 16):
        html = client.get("/").content.decode()
    assert "第六小组上周未到登封市指导" in html and "第六小组上周未到巩义市指导" in html and "睢县" not in html


def test_a_broken_todo_source_does_not_break_the_home_page(client, officer_a):
    from reminders.registry import TODO_PROVIDERS

    def broken(user, today):
        raise RuntimeError("boom")

    TODO_PROVIDERS.append(broken)
    try:
        client.force_login(officer_a)
        assert client.get("/").status_code == 200
    finally:
        TODO_PROVIDERS.remove(broken)


def test_nav_has_my_todo_for_every_role(client, officer_a, city_user):
    for user in (officer_a, city_user):
        client.force_login(user)
        assert ">我的待办</a>" in client.get("/").content.decode()


# --- operations ---------------------------------------------------------------------------------

def test_schedules_exist_in_shanghai_time_after_migrate(beat_schedules):
    tasks = {t.name: t for t in PeriodicTask.objects.filter(task__startswith="reminders.").select_related("crontab")}
    assert set(tasks) == {"提醒：每日", "提醒：每周一", "提醒：每月1日", "提醒：每月4日", "提醒：每月20日", "提醒：每月26日", "提醒：每日邮件汇总"}
    assert {str(t.crontab.timezone) for t in tasks.values()} == {"Asia/Shanghai"}
    assert (tasks["提醒：每周一"].crontab.day_of_week, tasks["提醒：每月26日"].crontab.day_of_month) == ("1", "26")
    assert tasks["提醒：每月4日"].kwargs == '{"schedule": "monthly_4"}'


def test_operations_page_for_the_city_office(client, city_user, officer_a, beat_schedules):
    from reminders import services

    services.reminders_send(kind="data_push_check", day=D(2018, 11, 4))
    client.force_login(city_user)
    html = client.get("/reminders/operations/").content.decode()
    assert "每月4日 7:50" in html and "上月数据推送与核对" in html
    assert "暂无数据来源" not in html  # every kind of SPEC §10 has its finder (the last: extensions waiting)
    assert "2018年11月4日" in html and "提醒：每周一" in html


@pytest.mark.parametrize("role", [Role.COUNTY, Role.TEAM])
def test_operations_page_refused_to_others(client, county_a, role):
    client.force_login(UserFactory(username="x", role=role, county=county_a if role == Role.COUNTY else None))
    assert client.get("/reminders/operations/").status_code == 403


def test_admin_lists_schedules_and_notifications(client, admin_user, beat_schedules):
    client.force_login(admin_user)
    assert "提醒：每日" in client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert client.get("/admin/reminders/notification/").status_code == 200
    assert client.get("/admin/reminders/runlog/").status_code == 200


# --- run_reminders ------------------------------------------------------------------------------

def run(*args):
    out = io.StringIO()
    call_command("run_reminders", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_run_reminders_by_hand_prints_what_it_sent_and_never_twice(officer_a, officer_b, guidance_leader):
    dry = run("--date", "2018-11-04", "--dry-run")
    assert "将发送 2" in dry and Notification.objects.count() == 0 and not RunLog.objects.exists()
    out = run("--date", "2018-11-04")
    assert "上月数据推送与核对（2018-10）：应提醒 2，已发送 2" in out and "→ officer_a：" in out
    again = run("--date", "2018-11-04")
    assert "合计已发送 0 条提醒" in again
    assert RunLog.objects.filter(trigger=RunLog.Trigger.MANUAL).exists()


def test_run_reminders_for_a_monday_runs_the_weekly_kind(guidance_leader):
    out = run("--date", "2018-11-05", "--kind", "guidance_week_missed")
    assert "指导小组上周未到分包县指导（2018-W44）" in out and "leader6" in out


def test_run_reminders_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日期格式"):
        run("--date", "2018/11/05")


def test_pages_say_when_the_calendar_falls_back_to_monday_to_friday(client, city_user):
    with at(2027, 3, 3):
        client.force_login(city_user)  # sessions last 12 hours: sign in at the frozen time
        assert "工作日暂按周一至周五计算" in client.get("/reminders/todo/").content.decode()
        assert "工作日暂按周一至周五计算" in client.get("/reminders/operations/").content.decode()
    with at(2018, 11, 5):
        client.force_login(city_user)
        assert "工作日暂按周一至周五计算" not in client.get("/reminders/todo/").content.decode()


def test_the_web_keeps_working_with_the_broker_down(client, officer_a):
    # Reminders are found by beat's runs, never queued by a request: a dead broker costs the web nothing.
    from config.celery import app

    notify(officer_a, "甲")
    old = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    try:
        client.force_login(officer_a)
        for url in ("/", "/reminders/todo/", "/reminders/notifications/"):
            assert client.get(url).status_code == 200
        assert client.post("/reminders/notifications/read-all/").status_code == 302
    finally:
        app.conf.broker_url, app.conf.task_always_eager = old
