"""The reminder task on a real Celery worker (Redis in CI), as beat's schedule queues it."""

import json

import pytest
from django_celery_beat.models import PeriodicTask

from config.celery import app
from reminders.models import Notification
from rosters.choices import Role
from tests.factories import CountyFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_task_on_a_worker_notifies_each_person_once(real_worker, beat_schedules):
    for name in ("登封市", "巩义市"):
        UserFactory(username=f"officer-{name}", role=Role.COUNTY, county=CountyFactory(name=name))
    entry = PeriodicTask.objects.get(name="提醒：每月4日")  # created by the migration, as beat reads it
    kwargs = {**json.loads(entry.kwargs), "day": "2018-11-04"}
    first = app.send_task(entry.task, kwargs=kwargs).get(timeout=60)
    again = app.send_task(entry.task, kwargs=kwargs).get(timeout=60)  # beat fires twice, or a retry
    assert first == {"data_push_check@2018-11-04": 2}
    assert again == {"data_push_check@2018-11-04": 0}
    assert sorted(Notification.objects.values_list("recipient__username", "period")) == [
        ("officer-巩义市", "2018-10"), ("officer-登封市", "2018-10"),
    ]
    digest = PeriodicTask.objects.get(name="提醒：每日邮件汇总")
    assert app.send_task(digest.task, kwargs={"day": "2018-11-04"}).get(timeout=60)["in_app_only"] == 2
