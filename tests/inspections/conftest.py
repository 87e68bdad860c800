import datetime

import pytest

from inspections.services import VisitInput, visit_save
from rosters.choices import MemberRole
from tests.factories import HouseholdFactory, VillageFactory
from tests.rosters.factories import (
    CampaignFactory,
    PersonFactory,
    TeamCountyFactory,
    TeamFactory,
    TeamMemberFactory,
    team_member_user,
)

OCT = datetime.date(2018, 10, 1)


@pytest.fixture
def campaign(db):
    return CampaignFactory(name="郑州市2018年脱贫攻坚业务指导", start_date=OCT, end_date=datetime.date(2018, 12, 31))


@pytest.fixture
def team_a(campaign, county_a):
    """第六小组 covers 登封市 (county_a): leader 张振华 (an account) and member 周敏."""
    team = TeamFactory(campaign=campaign, name="第六小组")
    TeamCountyFactory(team=team, county=county_a)
    return team


@pytest.fixture
def leader_a(team_a):
    return team_member_user(team_a, username="zhangzh", role=MemberRole.LEADER, name="张振华")


@pytest.fixture
def leader_client(client, leader_a):
    client.force_login(leader_a)
    return client


@pytest.fixture
def member_a(team_a):
    person = PersonFactory(name="周敏")
    TeamMemberFactory(team=team_a, person=person)
    return person


@pytest.fixture
def team_b(campaign, county_b):
    team = TeamFactory(campaign=campaign, name="第二小组")
    TeamCountyFactory(team=team, county=county_b)
    TeamMemberFactory(team=team, person=PersonFactory(name="徐军安"), role=MemberRole.LEADER)
    return team


@pytest.fixture
def villages_a(village_a):
    """Four villages of 登封市, the first with households (so its figures can be prefilled)."""
    others = [VillageFactory(township=village_a.township, name=f"{n}村") for n in ("东沟", "西岭", "南坡")]
    HouseholdFactory.create_batch(3, village=village_a, member_count=4)
    return [village_a, *others]


@pytest.fixture
def make_visit(campaign, leader_a, member_a):
    def make(village, day, *, user=None, submit=True, **extra):
        extra.setdefault("signers", [leader_a.person, member_a])
        data = VisitInput(campaign=campaign, village=village, visit_date=day, reduction_progress="全年减贫任务已完成。", **extra)
        return visit_save(acting_user=user or leader_a, data=data, submit=submit)

    return make
