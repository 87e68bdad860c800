import datetime

import pytest

from inspections.choices import VisitStatus
from inspections.models import GuidanceVisit
from rosters.choices import MemberRole, Role, TeamKind
from tests.factories import UserFactory
from tests.rosters.factories import CampaignFactory, PersonFactory, TeamCountyFactory, TeamFactory, team_member_user

D = datetime.date


@pytest.fixture
def guidance_campaign(db):
    # ZZ 三: 2018-10-01 to 2018-12-31; its first week is the National Day holiday.
    return CampaignFactory(name="郑州市2018年脱贫攻坚业务指导", kind=TeamKind.GUIDANCE, start_date=D(2018, 10, 1), end_date=D(2018, 12, 31))


@pytest.fixture
def guidance_team(guidance_campaign, county_a, county_b):
    """第六小组 covers 登封市 (liaison 李联络 has an account) and 巩义市."""
    team = TeamFactory(campaign=guidance_campaign, name="第六小组")
    liaison = PersonFactory(name="李联络", user=UserFactory(username="liaison6", role=Role.TEAM, county=None, email="liaison6@example.cn"))
    TeamCountyFactory(team=team, county=county_a, liaison=liaison, order=1)
    TeamCountyFactory(team=team, county=county_b, order=2)
    return team


@pytest.fixture
def guidance_leader(guidance_team):
    user = team_member_user(guidance_team, username="leader6", role=MemberRole.LEADER, name="张振华")
    user.email = "leader6@example.cn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def inspection_campaign(db):
    return CampaignFactory(name="河源市2018年督促检查", kind=TeamKind.INSPECTION, start_date=D(2018, 1, 1), end_date=D(2018, 12, 31))


@pytest.fixture
def inspection_team(inspection_campaign, county_a):
    team = TeamFactory(campaign=inspection_campaign, name="第一督查组")
    TeamCountyFactory(team=team, county=county_a)
    return team


@pytest.fixture
def inspection_leader(inspection_team):
    return team_member_user(inspection_team, username="inspector1", role=MemberRole.LEADER, name="王督查")


@pytest.fixture
def visit(db):
    def make(team, village, day, *, status=VisitStatus.SUBMITTED):
        creator = UserFactory(username=f"maker{team.pk}", role=Role.CITY, county=None)
        return GuidanceVisit.objects.create(
            campaign=team.campaign, team=team, county=village.county, village=village, visit_date=day, status=status,
            created_by=creator,
        )

    return make


@pytest.fixture
def beat_schedules(db):
    """The schedules the migration creates — created again if a transactional test flushed the tables."""
    import importlib

    from django.apps import apps

    importlib.import_module("reminders.migrations.0003_reminder_schedules").create_schedules(apps, None)
