"""Exactly once, catching up after an outage, and the faults of SPEC §10."""

import datetime

import pytest
from django.core import mail

from reminders import services
from reminders.models import MailDigest, Notification, NotificationPreference, RunLog
from reminders.registry import KINDS, Due
from rosters.choices import Role
from tests.factories import UserFactory

D = datetime.date


def counts():
    return sorted(Notification.objects.values_list("kind", "period", "recipient__username"))


def test_run_twice_sends_once(officer_a, officer_b):
    first = services.reminders_send(kind="data_push_check", day=D(2018, 11, 4))
    second = services.reminders_send(kind="data_push_check", day=D(2018, 11, 4))
    assert (first.found, len(first.sent)) == (2, 2)
    assert (second.found, len(second.sent)) == (2, 0)
    assert Notification.objects.count() == 2
    assert list(RunLog.objects.order_by("pk").values_list("sent", flat=True)) == [2, 0]


def test_a_new_officer_gets_the_period_reminder_but_nobody_gets_it_twice(officer_a, county_a):
    services.reminders_send(kind="data_push_check", day=D(2018, 11, 4))
    UserFactory(username="officer_a2", role=Role.COUNTY, county=county_a)
    again = services.reminders_send(kind="data_push_check", day=D(2018, 11, 5))  # same period 2018-10
    assert [n.recipient.username for n in again.sent] == ["officer_a2"]
    assert counts() == [("data_push_check", "2018-10", "officer_a"), ("data_push_check", "2018-10", "officer_a2")]


def test_interrupted_after_writing_then_retried_sends_nothing_twice(officer_a, officer_b, monkeypatch):
    original = RunLog.save

    def crash_on_finish(self, *args, **kwargs):
        if "found" in (kwargs.get("update_fields") or ()):
            raise RuntimeError("worker killed")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RunLog, "save", crash_on_finish)
    with pytest.raises(RuntimeError):
        services.reminders_send(kind="data_push_check", day=D(2018, 11, 4))
    monkeypatch.setattr(RunLog, "save", original)
    retry = services.reminders_send(kind="data_push_check", day=D(2018, 11, 4))
    assert len(retry.sent) == 0 and Notification.objects.count() == 2


def test_interrupted_before_writing_leaves_nothing_and_the_retry_sends_all(officer_a, officer_b, city_user):
    calls = []

    def half_then_crash(day):
        yield Due(target="county:x", recipients=frozenset({city_user.pk}), title="甲")
        if not calls:
            calls.append(1)
            raise RuntimeError("interrupted")

    KINDS["data_push_check"].finders.insert(0, half_then_crash)
    try:
        with pytest.raises(RuntimeError):
            services.reminders_send(kind="data_push_check", day=D(2018, 11, 4))
        assert Notification.objects.count() == 0
        assert RunLog.objects.get().error_text.startswith("RuntimeError")
        retry = services.reminders_send(kind="data_push_check", day=D(2018, 11, 4))
    finally:
        KINDS["data_push_check"].finders.remove(half_then_crash)
    assert len(retry.sent) == 3


def test_a_failing_kind_does_not_stop_the_others(officer_a, monkeypatch):
    def broken(day):
        raise RuntimeError("boom")
        yield

    KINDS["item_overdue"].finders.append(broken)
    try:
        results = services.reminders_run(schedule="daily", day=D(2018, 11, 4))
    finally:
        KINDS["item_overdue"].finders.remove(broken)
    assert "item_overdue" not in {r.kind for r in results}
    assert RunLog.objects.get(kind="item_overdue").error_text
    assert RunLog.objects.filter(kind="item_due_soon", error_text="").exists()


@pytest.mark.django_db(transaction=True)
def test_one_failing_recipient_does_not_stop_the_others(county_a):
    ok = UserFactory(username="ok1", role=Role.COUNTY, county=county_a)

    def with_a_vanished_account(day):
        yield Due(target="county:1", recipients=frozenset({ok.pk, 987654}), title="提醒")

    KINDS["item_due_soon"].finders.append(with_a_vanished_account)
    try:
        result = services.reminders_send(kind="item_due_soon", day=D(2018, 11, 4))
    finally:
        KINDS["item_due_soon"].finders.remove(with_a_vanished_account)
    assert [n.recipient_id for n in result.sent] == [ok.pk]
    assert len(result.errors) == 1 and "987654" in result.errors[0]
    assert RunLog.objects.get().errors == 1


def test_a_target_deleted_since_is_not_reminded_and_old_notices_still_open(inspection_team, inspection_leader, client):
    services.reminders_send(kind="team_monthly_report", day=D(2018, 11, 1))
    notice = Notification.objects.get()
    inspection_team.delete()
    result = services.reminders_send(kind="team_monthly_report", day=D(2018, 12, 1))
    assert result.found == 0
    client.force_login(inspection_leader)
    assert "督查工作" in client.get("/reminders/notifications/").content.decode()
    response = client.get(notice.get_absolute_url())
    assert response.status_code == 302  # to the team's page, which now answers 404 like any missing object
    assert client.get(response.url).status_code == 404


def test_broker_down_on_the_fourth_is_caught_up_by_the_next_daily_run(officer_a, guidance_leader):
    services.reminders_run(schedule="monthly_4", day=D(2018, 10, 4))
    services.reminders_run(schedule="weekly", day=D(2018, 10, 29))
    services.reminders_run(schedule="daily", day=D(2018, 10, 31))
    # 2018-11-01…05: the broker is down, beat fires nothing. The 6th's daily run catches up.
    services.reminders_run(schedule="daily", day=D(2018, 11, 6))
    caught = RunLog.objects.filter(trigger=RunLog.Trigger.CATCH_UP)
    assert set(caught.values_list("kind", "run_date")) >= {
        ("data_push_check", D(2018, 11, 4)), ("guidance_week_missed", D(2018, 11, 5)),
        ("item_overdue", D(2018, 11, 1)), ("item_overdue", D(2018, 11, 5)),
    }
    assert ("officer_a", "2018-10") in {(n.recipient.username, n.period) for n in Notification.objects.filter(kind="data_push_check")}
    # The same run again, or the late crontab itself, adds nothing.
    before = Notification.objects.count()
    services.reminders_run(schedule="daily", day=D(2018, 11, 6))
    services.reminders_run(schedule="monthly_4", day=D(2018, 11, 4))
    assert Notification.objects.count() == before


def test_catch_up_is_bounded(officer_a):
    services.reminders_run(schedule="monthly_4", day=D(2018, 1, 4))
    # Ten months down: only the last 35 days are caught up (one 4th), not ten months of reminders.
    services.reminders_run(schedule="daily", day=D(2018, 11, 30))
    assert list(RunLog.objects.filter(kind="data_push_check").order_by("run_date").values_list("run_date", flat=True)) == [
        D(2018, 1, 4), D(2018, 11, 4),
    ]


def test_the_daily_run_leaves_todays_monthly_kinds_to_their_own_schedule(officer_a):
    services.reminders_run(schedule="monthly_4", day=D(2018, 10, 4))
    services.reminders_run(schedule="daily", day=D(2018, 11, 4))
    assert not RunLog.objects.filter(kind="data_push_check", run_date=D(2018, 11, 4)).exists()


# --- e-mail digest ----------------------------------------------------------------------------------

def _notify(user, n=2, kind="data_push_check"):
    for i in range(n):
        Notification.objects.create(recipient=user, kind=kind, target=f"t:{i}", period="2018-10", title=f"提醒{i}", link="/reminders/todo/")


def test_one_digest_per_person_per_day_in_chinese(county_a):
    a = UserFactory(username="a", role=Role.COUNTY, county=county_a, email="a@example.cn")
    b = UserFactory(username="b", role=Role.COUNTY, county=county_a, email="b@example.cn")
    _notify(a, 3)
    _notify(b, 1)
    out = services.notification_digests_send(day=D(2018, 11, 4))
    assert (out["mails"], out["notifications"]) == (2, 4)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.cn", "b@example.cn"]
    mail_a = next(m for m in mail.outbox if m.to == ["a@example.cn"])
    assert mail_a.subject == "【扶贫督导】11月4日提醒汇总（3条）"
    assert "【上月数据推送与核对】提醒0" in mail_a.body
    # Later the same day: new notices wait for tomorrow's digest, nothing is sent twice.
    _notify(a, 1, kind="team_monthly_report")
    services.notification_digests_send(day=D(2018, 11, 4))
    assert len(mail.outbox) == 2
    services.notification_digests_send(day=D(2018, 11, 5))
    assert len(mail.outbox) == 3 and "（1条）" in mail.outbox[2].subject
    assert MailDigest.objects.count() == 3


def test_no_email_address_or_email_turned_off_means_in_app_only(county_a):
    no_address = UserFactory(username="noaddr", role=Role.COUNTY, county=county_a, email="")
    opted_out = UserFactory(username="optout", role=Role.COUNTY, county=county_a, email="o@example.cn")
    NotificationPreference.objects.create(user=opted_out, email_enabled=False)
    _notify(no_address)
    _notify(opted_out)
    out = services.notification_digests_send(day=D(2018, 11, 4))
    assert mail.outbox == [] and out["in_app_only"] == 2
    assert set(Notification.objects.values_list("mail", flat=True)) == {Notification.Mail.NONE}
    assert Notification.objects.unread().count() == 4


def test_a_failing_address_does_not_stop_the_others(county_a, monkeypatch):
    good = UserFactory(username="good", role=Role.COUNTY, county=county_a, email="good@example.cn")
    bad = UserFactory(username="bad", role=Role.COUNTY, county=county_a, email="bad@example.cn")
    _notify(good)
    _notify(bad)
    real = services.send_mail

    def flaky(subject, body, sender, to):
        if to == ["bad@example.cn"]:
            raise OSError("SMTP 550")
        return real(subject, body, sender, to)

    monkeypatch.setattr(services, "send_mail", flaky)
    out = services.notification_digests_send(day=D(2018, 11, 4))
    assert [m.to for m in mail.outbox] == [["good@example.cn"]] and len(out["errors"]) == 1
    # The failed person's notices stay pending and go with the next successful run.
    assert Notification.objects.filter(recipient=bad, mail=Notification.Mail.PENDING).count() == 2
    monkeypatch.setattr(services, "send_mail", real)
    services.notification_digests_send(day=D(2018, 11, 4))
    assert [m.to for m in mail.outbox] == [["good@example.cn"], ["bad@example.cn"]]
