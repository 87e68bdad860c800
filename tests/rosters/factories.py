import datetime

import factory

from rosters.choices import MemberRole, Role, TeamKind
from rosters.models import Campaign, Person, Team, TeamCounty, TeamMember
from tests.factories import CountyFactory, UserFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试工作周期{n}")
    kind = TeamKind.GUIDANCE
    start_date = datetime.date(2018, 10, 1)
    end_date = datetime.date(2018, 12, 31)
    issuing_body = "郑州市脱贫攻坚领导小组办公室"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"人员{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    campaign = factory.SubFactory(CampaignFactory)
    kind = factory.SelfAttribute("campaign.kind")
    name = factory.Sequence(lambda n: f"第{n}小组")


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    person = factory.SubFactory(PersonFactory)
    role = MemberRole.MEMBER


class TeamCountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamCounty

    team = factory.SubFactory(TeamFactory)
    county = factory.SubFactory(CountyFactory)


def team_member_user(team, *, username, role=MemberRole.MEMBER, name=None):
    """An account of role 工作组成员 linked to a person who sits on ``team``."""
    user = UserFactory(username=username, role=Role.TEAM, county=None, first_name=name or username)
    person = PersonFactory(name=name or username, user=user)
    TeamMemberFactory(team=team, person=person, role=role)
    return user
