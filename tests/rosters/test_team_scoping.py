import pytest

from tests.rosters.factories import TeamCountyFactory, TeamFactory, team_member_user
from villages.models import Village

pytestmark = pytest.mark.django_db


def test_team_member_sees_the_counties_the_team_covers(county_a, county_b, village_a, village_b):
    team = TeamFactory()
    TeamCountyFactory(team=team, county=county_a)
    member = team_member_user(team, username="zhang")
    assert list(Village.objects.visible_to(member)) == [village_a]


def test_team_member_of_no_team_sees_nothing(village_a):
    member = team_member_user(TeamFactory(), username="li")
    assert not Village.objects.visible_to(member).exists()
