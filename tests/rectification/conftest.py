"""Fixtures of the rectification tests (整改, HY 四、六).

The 河源 inspection campaign (河扶〔2018〕23号): 第一组 covers county_a (登封市) with its leader
张翼 and member 黄运彬; 第二组 covers county_b with its leader 邓春华. trip_1 of 第一组 to
county_a ended on 2018-07-11 with three findings (one 重大).
"""

import datetime

import pytest

from inspections.choices import FindingCategory, FindingSeverity, InspectionMethod, TripStatus
from inspections.models import Finding, InspectionTrip
from rectification import services
from rosters.choices import TeamKind

# The guidance fixtures (a visit's 共性问题 feed a letter too).
from tests.inspections.conftest import campaign, leader_a, make_visit, member_a, team_a  # noqa: F401

# The inspection groups of the trip tests (第一组: 张翼, 黄运彬; 第二组: 邓春华).
from tests.inspections.trips.conftest import group_1, group_2, leader_1, leader_2, member_1  # noqa: F401
from tests.rosters.factories import CampaignFactory

TRIP_END = datetime.date(2018, 7, 11)  # a Wednesday


@pytest.fixture
def hy_campaign(db):
    return CampaignFactory(name="河源市2018年脱贫攻坚督促检查", kind=TeamKind.INSPECTION, document_number="河扶〔2018〕23号",
                           start_date=datetime.date(2018, 6, 15), end_date=datetime.date(2018, 12, 31))


def make_trip(team, county, end_date, *, status=TripStatus.ENDED, findings=3, user=None):
    trip = InspectionTrip.objects.create(campaign=team.campaign, team=team, county=county, status=status,
                                         start_date=end_date - datetime.timedelta(days=1), end_date=end_date,
                                         created_by=user)
    for n in range(findings):
        Finding.objects.create(
            trip=trip, county=county, category=FindingCategory.POLICY, method=InspectionMethod.HOME_VISIT,
            severity=FindingSeverity.MAJOR if n == 0 else FindingSeverity.GENERAL,
            description=f"问题{n + 1}：帮扶措施未落实到户", created_by=user)
    return trip


@pytest.fixture
def trip_1(group_1, county_a, leader_1):
    return make_trip(group_1, county_a, TRIP_END, user=leader_1)


@pytest.fixture
def letter_1(trip_1, leader_1):
    """trip_1's letter, issued on 2018-07-13 with every deadline on 2018-08-31."""
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip_1)
    return services.letter_issue(acting_user=leader_1, letter=letter, issued_on=datetime.date(2018, 7, 13),
                                 deadline=datetime.date(2018, 8, 31))


@pytest.fixture
def item_1(letter_1):
    return letter_1.items.order_by("order").first()
