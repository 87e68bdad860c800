"""Two workers at once on PostgreSQL (SQLite serialises writers and would hide the race)."""

import datetime
import os
import threading

import pytest
from django.core import mail
from django.db import connection, connections

from reminders import services
from reminders.models import MailDigest, Notification
from rosters.choices import Role
from tests.conftest import skip_or_fail
from tests.factories import CountyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def require_postgresql():
    if connection.vendor == "postgresql":
        return
    if os.environ.get("CI_DATABASE") == "sqlite":
        pytest.skip("并发测试在 CI 的 PostgreSQL 一轮中运行（SQLite 串行写入，测不出竞争）。")
    skip_or_fail("需要 PostgreSQL（设置 DATABASE_URL=postgres://…）才能测试两个进程同时发送。")


def in_two_threads(fn):
    results, errors = [], []

    def work():
        try:
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_two_workers_at_once_notify_once():
    require_postgresql()
    counties = [CountyFactory(name=f"并发县{i}") for i in range(20)]
    for i, county in enumerate(counties):
        UserFactory(username=f"officer{i}", role=Role.COUNTY, county=county)
    barrier = threading.Barrier(2, timeout=30)
    insert = services._insert

    def in_step(rows, errors):
        barrier.wait()  # both have read "nothing sent yet" and built the same 20 rows before either writes
        return insert(rows, errors)

    services._insert = in_step
    try:
        results = in_two_threads(lambda: services.reminders_send(kind="data_push_check", day=datetime.date(2018, 11, 4)))
    finally:
        services._insert = insert
    assert sorted(len(r.sent) for r in results) == [0, 20]
    assert Notification.objects.count() == 20


def test_two_digest_runs_at_once_send_one_mail_each():
    require_postgresql()
    county = CountyFactory(name="并发县")
    users = [UserFactory(username=f"u{i}", role=Role.COUNTY, county=county, email=f"u{i}@example.cn") for i in range(10)]
    for u in users:
        Notification.objects.create(recipient=u, kind="data_push_check", target="county:1", period="2018-10", title="提醒")
    in_two_threads(lambda: services.notification_digests_send(day=datetime.date(2018, 11, 4)))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert MailDigest.objects.count() == 10
