"""整改率 (HY 六): closed ÷ (items whose deadline has passed + items closed before their deadline),
per county, group and period — computed by the database on a known data set."""

import datetime

import pytest

from rectification.choices import ItemStatus
from rectification.models import ProblemItem
from rectification.selectors import items_visible_to, rectification_rates

D = datetime.date
TODAY = D(2018, 10, 15)


@pytest.fixture
def ledger(county_a, county_b, group_1, group_2):
    def item(county, team, deadline, closed_on=None):
        return ProblemItem.objects.create(
            county=county, team=team, description="问题", deadline=deadline, closed_on=closed_on,
            status=ItemStatus.CLOSED if closed_on else ItemStatus.IN_PROGRESS)

    item(county_a, group_1, D(2018, 9, 30), D(2018, 9, 20))  # closed in time, deadline passed: 1/1
    item(county_a, group_1, D(2018, 9, 30))  # open past its deadline: 0/1
    item(county_a, group_1, D(2018, 11, 30), D(2018, 10, 10))  # closed before a deadline still to come: 1/1
    item(county_a, group_1, D(2018, 11, 30))  # open, deadline to come: not counted
    item(county_a, group_1, D(2018, 8, 31), D(2018, 9, 10))  # closed late: 1/1
    item(county_b, group_2, D(2018, 9, 30))  # 0/1
    item(county_b, group_2, D(2018, 10, 31))  # not counted
    item(county_b, None, D(2018, 12, 31), D(2018, 10, 1))  # the city office's, closed early: 1/1
    ProblemItem.objects.create(county=county_a, description="草稿中的问题")  # no deadline yet: never counted


def table(rows):
    return {r["label"]: (r["closed"], r["due"], None if r["rate"] is None else round(r["rate"], 1)) for r in rows}


def test_rate_per_county_in_one_query(ledger, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = rectification_rates(ProblemItem.objects.all(), by="county", today=TODAY)
    assert table(rows) == {"登封市": (3, 4, 75.0), "巩义市": (1, 2, 50.0)}


def test_rate_per_group_the_office_included(ledger):
    rows = rectification_rates(ProblemItem.objects.all(), by="team", today=TODAY)
    assert table(rows) == {"第一组": (3, 4, 75.0), "第二组": (0, 1, 0.0), "市扶贫办": (1, 1, 100.0)}


def test_rate_per_month_and_year_by_deadline(ledger):
    rows = rectification_rates(ProblemItem.objects.all(), by="month", today=TODAY)
    assert table(rows) == {D(2018, 8, 1): (1, 1, 100.0), D(2018, 9, 1): (1, 3, 33.3), D(2018, 10, 1): (0, 0, None),
                           D(2018, 11, 1): (1, 1, 100.0), D(2018, 12, 1): (1, 1, 100.0)}
    assert table(rectification_rates(ProblemItem.objects.all(), by="year", today=TODAY)) == {D(2018, 1, 1): (4, 6, 66.7)}
    quarters = table(rectification_rates(ProblemItem.objects.all(), by="quarter", today=TODAY))
    assert quarters == {D(2018, 7, 1): (2, 4, 50.0), D(2018, 10, 1): (2, 2, 100.0)}


def test_rate_within_a_period_and_later_on(ledger):
    september = rectification_rates(ProblemItem.objects.all(), by="county", today=TODAY,
                                     start=D(2018, 9, 1), end=D(2018, 9, 30))
    assert table(september) == {"登封市": (1, 2, 50.0), "巩义市": (0, 1, 0.0)}
    # At the year's end every deadline has passed.
    assert table(rectification_rates(ProblemItem.objects.all(), by="county", today=D(2019, 1, 1))) == {
        "登封市": (3, 5, 60.0), "巩义市": (1, 3, 33.3)}


def test_a_county_sees_only_its_own_rate(ledger, officer_a):
    assert table(rectification_rates(items_visible_to(officer_a), by="county", today=TODAY)) == {"登封市": (3, 4, 75.0)}
