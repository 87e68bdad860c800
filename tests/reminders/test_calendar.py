"""The working-day module: the official calendar, its editable table, and the fallback for unknown years."""

import datetime

import pytest

from reminders import calendar
from reminders.models import CalendarDay

pytestmark = pytest.mark.django_db

D = datetime.date


def test_official_holidays_and_adjusted_working_days():
    assert not calendar.is_working_day(D(2018, 10, 1))  # 国庆节
    assert calendar.is_working_day(D(2018, 9, 29))  # a Saturday worked in exchange (调休)
    assert not calendar.is_working_day(D(2018, 12, 31))  # 元旦 holiday on a Monday
    assert calendar.is_working_day(D(2018, 12, 29))  # Saturday worked for it
    assert calendar.holiday_name(D(2018, 10, 3)) == "国庆节"
    assert calendar.holiday_name(D(2018, 10, 8)) == ""


def test_add_working_days_across_a_weekend_and_national_day():
    # A trip ending on Friday 2018-09-28: Saturday 29th and Sunday 30th were worked in exchange for
    # the National Day holiday (10-01..10-07), so the 3rd working day after it is Monday 10-08.
    assert calendar.add_working_days(D(2018, 9, 28), 1) == D(2018, 9, 29)
    assert calendar.add_working_days(D(2018, 9, 28), 2) == D(2018, 9, 30)
    assert calendar.add_working_days(D(2018, 9, 28), 3) == D(2018, 10, 8)
    # A trip ending on Sunday 09-30: the holiday week passes, then 10-08, 10-09, 10-10.
    assert calendar.add_working_days(D(2018, 9, 30), 3) == D(2018, 10, 10)
    # An ordinary weekend: Friday + 3 working days = Wednesday.
    assert calendar.add_working_days(D(2018, 11, 16), 3) == D(2018, 11, 21)


def test_a_year_the_package_does_not_know_falls_back_to_monday_to_friday_and_the_table():
    assert calendar.uses_fallback(D(2027, 1, 1), D(2027, 3, 31))
    assert not calendar.uses_fallback(D(2018, 10, 1), D(2018, 12, 31))
    assert not calendar.is_working_day(D(2027, 1, 2))  # a Saturday
    assert calendar.is_working_day(D(2027, 1, 4))  # a Monday
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    CalendarDay.objects.create(date=D(2027, 1, 9), kind=CalendarDay.Kind.WORKDAY, name="调休")
    assert not calendar.is_working_day(D(2027, 1, 1))
    assert calendar.is_working_day(D(2027, 1, 9))
    assert calendar.holiday_name(D(2027, 1, 1)) == "元旦"
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_the_table_wins_over_the_package():
    CalendarDay.objects.create(date=D(2018, 11, 15), kind=CalendarDay.Kind.HOLIDAY, name="临时放假")
    assert not calendar.is_working_day(D(2018, 11, 15))


def test_last_working_day_of_a_quarter():
    assert calendar.last_working_day_of_quarter(D(2018, 8, 1)) == D(2018, 9, 30)  # a Sunday, worked (调休)
    assert calendar.last_working_day_of_quarter(D(2018, 12, 5)) == D(2018, 12, 29)  # 31st a holiday, 29th worked
    assert calendar.last_working_day_of_quarter(D(2019, 3, 1)) == D(2019, 3, 29)  # 30th, 31st a weekend
