"""Fixtures of the inspection-trip tests (督查, HY 四).

An inspection campaign (河源, 2018-06-15 — 2018-12-31); 第一组 covers county_a (登封市)
with its leader 张翼 and member 黄运彬 (both with accounts); 第二组 covers county_b with
its leader 邓春华. In county_a, 城关镇 has a poor village and a 面上村, 大冶镇 another
of each; every village has 3 预脱贫户 and 2 未脱贫户.
"""

import datetime

import pytest

from inspections import trip_services
from rosters.choices import MemberRole, TeamKind
from tests.factories import HouseholdFactory, TownshipFactory, VillageFactory
from tests.rosters.factories import CampaignFactory, TeamCountyFactory, TeamFactory, team_member_user
from villages.choices import HouseholdStatus
from villages.models import StarRating

JUL = datetime.date(2018, 7, 10)


@pytest.fixture
def hy_campaign(db):
    return CampaignFactory(name="河源市2018年脱贫攻坚督促检查", kind=TeamKind.INSPECTION,
                           start_date=datetime.date(2018, 6, 15), end_date=datetime.date(2018, 12, 31))


@pytest.fixture
def group_1(hy_campaign, county_a):
    team = TeamFactory(campaign=hy_campaign, name="第一组", kind=TeamKind.INSPECTION)
    TeamCountyFactory(team=team, county=county_a)
    return team


@pytest.fixture
def coverage_1(group_1):
    return group_1.coverage.select_related("campaign", "team", "county").get()


@pytest.fixture
def leader_1(group_1):
    return team_member_user(group_1, username="zhangyi", role=MemberRole.LEADER, name="张翼")


@pytest.fixture
def member_1(group_1):
    return team_member_user(group_1, username="huangyb", role=MemberRole.MEMBER, name="黄运彬")


@pytest.fixture
def group_2(hy_campaign, county_b):
    team = TeamFactory(campaign=hy_campaign, name="第二组", kind=TeamKind.INSPECTION)
    TeamCountyFactory(team=team, county=county_b)
    return team


@pytest.fixture
def leader_2(group_2):
    return team_member_user(group_2, username="dengch", role=MemberRole.LEADER, name="邓春华")


def make_village(township, name, *, poor, stars=0, pre_exit=3, not_exited=2):
    village = VillageFactory(township=township, name=name, is_poor_village=poor)
    if stars:
        StarRating.objects.create(village=village, year=2018, stars=stars, category_count=stars)
    HouseholdFactory.create_batch(pre_exit, village=village, status=HouseholdStatus.PRE_EXIT)
    HouseholdFactory.create_batch(not_exited, village=village, status=HouseholdStatus.POOR)
    return village


@pytest.fixture
def places_a(county_a):
    """name → village of county_a: two townships, each with a poor village and a 面上村."""
    chengguan = TownshipFactory(county=county_a, name="城关镇")
    daye = TownshipFactory(county=county_a, name="大冶镇")
    return {
        "东村": make_village(chengguan, "东村", poor=True, stars=1),
        "西村": make_village(chengguan, "西村", poor=False),
        "南村": make_village(daye, "南村", poor=True, stars=3),
        "北村": make_village(daye, "北村", poor=False, stars=2),
    }


@pytest.fixture
def trip_1(coverage_1, leader_1, member_1):
    return trip_services.trip_plan(acting_user=leader_1, coverage=coverage_1, start_date=JUL,
                                   end_date=JUL + datetime.timedelta(days=1), members=[leader_1.person, member_1.person])


def sample_of(village, *, pre_exit=2, poor=1):
    """A village and the given numbers of its 预脱贫户 and 未脱贫户."""
    households = list(village.households.filter(status=HouseholdStatus.PRE_EXIT).order_by("pk")[:pre_exit])
    households += list(village.households.filter(status=HouseholdStatus.POOR).order_by("pk")[:poor])
    return households
