"""HN 五(三): reports by the 25th — the 20th's reminder to who has not reported, the 26th's list to the province."""

import datetime

import pytest

from reminders import services
from reminders.models import Notification
from supervision.services import report_submit

pytestmark = pytest.mark.django_db

MAY = datetime.date(2020, 5, 1)


def test_the_20th_reminds_each_city_that_has_not_reported(listing, city_user, other_city_user, province_user):
    # 郑州市 has a listed county, 南阳市 a listed village: both report; 郑州市 already did.
    report_submit(acting_user=city_user, listing=listing, month=MAY, narrative="本月进展顺利。", city=city_user.city,
                  now=datetime.datetime(2020, 5, 18, 10, tzinfo=datetime.UTC))
    services.reminders_send(kind="listed_report_reminder", day=datetime.date(2020, 5, 20))
    services.reminders_send(kind="listed_report_reminder", day=datetime.date(2020, 5, 20))  # run twice: sent once
    sent = Notification.objects.filter(kind="listed_report_reminder")
    assert [n.recipient for n in sent] == [other_city_user]
    assert "5月25日前报送2020年5月" in sent.get().title


def test_the_26th_lists_who_has_not_reported_for_the_province(listing, city_user, other_city_user, province_user):
    report_submit(acting_user=city_user, listing=listing, month=MAY, narrative="本月进展顺利。", city=city_user.city,
                  now=datetime.datetime(2020, 5, 24, 10, tzinfo=datetime.UTC))
    services.reminders_send(kind="listed_report_missing", day=datetime.date(2020, 5, 26))
    notice = Notification.objects.get(kind="listed_report_missing")
    assert notice.recipient == province_user
    assert "南阳市" in notice.body and "郑州市" not in notice.body


def test_nothing_is_owed_outside_the_campaign(listing, other_city_user, province_user):
    for kind, day in (("listed_report_reminder", datetime.date(2020, 10, 20)), ("listed_report_missing", datetime.date(2020, 1, 26))):
        services.reminders_send(kind=kind, day=day)
    assert not Notification.objects.exists()
