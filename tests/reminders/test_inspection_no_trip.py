"""1st of the month (HY 四 "原则上每月督查1次"): a group is reminded of each covered county with no trip this month."""

import datetime

import pytest

from inspections import trip_services
from reminders import services
from reminders.models import Notification
from tests.inspections.trips.conftest import coverage_1, group_1, group_2, hy_campaign, leader_1, leader_2  # noqa: F401

pytestmark = pytest.mark.django_db


def test_only_the_county_without_a_trip_this_month_is_reminded(coverage_1, leader_1, leader_2):  # noqa: F811
    # 第一组 planned its July trip to 登封市; 第二组 has none to 巩义市.
    trip_services.trip_plan(acting_user=leader_1, coverage=coverage_1, start_date=datetime.date(2018, 7, 10),
                            end_date=datetime.date(2018, 7, 11), members=[leader_1.person])
    services.reminders_send(kind="inspection_no_trip", day=datetime.date(2018, 7, 1))
    services.reminders_send(kind="inspection_no_trip", day=datetime.date(2018, 7, 1))  # once, however often it runs
    notice = Notification.objects.get(kind="inspection_no_trip")
    assert notice.recipient == leader_2 and "第二组本月（2018年7月）尚未安排" in notice.title
    # In August neither group has a trip: both are reminded, for August.
    services.reminders_send(kind="inspection_no_trip", day=datetime.date(2018, 8, 1))
    assert Notification.objects.filter(kind="inspection_no_trip").count() == 3
