"""HY 四: 3天内向被督查单位发出整改函 — by default 3 official working days after the trip ends."""

import datetime

import pytest

from rectification import services

from .conftest import make_trip

D = datetime.date


@pytest.mark.parametrize(("end", "due"), [
    (D(2018, 7, 11), D(2018, 7, 16)),  # Wednesday → Thu, Fri, (weekend), Mon
    (D(2018, 7, 12), D(2018, 7, 17)),  # Thursday → Fri, (weekend), Mon, Tue
    (D(2018, 7, 14), D(2018, 7, 18)),  # a Saturday's end counts from Monday
    # National Day 2018: Sat 29 and Sun 30 September were worked, 1–7 October off.
    (D(2018, 9, 28), D(2018, 10, 8)),  # → Sat 29, Sun 30, (holiday), Mon 8
    (D(2018, 9, 30), D(2018, 10, 10)),  # → 8, 9, 10 October
])
def test_the_due_date_counts_official_working_days(group_1, county_a, leader_1, end, due):
    assert services.letter_due_date(make_trip(group_1, county_a, end, user=leader_1)) == due


def test_the_number_and_kind_of_days_are_settings(settings, group_1, county_a, leader_1):
    trip = make_trip(group_1, county_a, D(2018, 9, 28), user=leader_1)
    settings.RECTIFICATION_LETTER_WORKING_DAYS = False
    assert services.letter_due_date(trip) == D(2018, 10, 1)
    settings.RECTIFICATION_LETTER_DAYS = 5
    assert services.letter_due_date(trip) == D(2018, 10, 3)
    settings.RECTIFICATION_LETTER_WORKING_DAYS = True
    assert services.letter_due_date(trip) == D(2018, 10, 10)


def test_a_trip_without_a_letter_is_late_the_day_after_its_due_date(group_1, county_a, leader_1):
    trip = make_trip(group_1, county_a, D(2018, 7, 12), user=leader_1)  # due Tuesday 17 July
    assert not services.trip_letter_late(trip, D(2018, 7, 17))
    assert services.trip_letter_late(trip, D(2018, 7, 18))
    # A draft does not count: the letter must have gone out.
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip)
    assert services.trip_letter_late(trip, D(2018, 7, 18))
    letter = services.letter_issue(acting_user=leader_1, letter=letter, issued_on=D(2018, 7, 17), deadline=D(2018, 8, 31))
    assert not services.trip_letter_late(trip, D(2018, 12, 31))
    assert letter.is_issued and not services.letter_is_late(letter)


def test_a_letter_issued_after_the_due_date_is_late(group_1, county_a, leader_1):
    trip = make_trip(group_1, county_a, D(2018, 9, 28), user=leader_1)  # due Monday 8 October
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip)
    letter = services.letter_issue(acting_user=leader_1, letter=letter, issued_on=D(2018, 10, 9), deadline=D(2018, 11, 30))
    assert services.letter_is_late(letter)
    assert services.trip_letter_late(trip, D(2018, 10, 9))
