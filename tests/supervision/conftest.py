import datetime

import pytest

from rosters.choices import MemberRole, Role, TeamKind
from supervision.models import ExitIndicator, ListedCounty, ListedVillage, Listing
from tests.factories import CityFactory, CountyFactory, UserFactory, VillageFactory
from tests.rosters.factories import CampaignFactory, PersonFactory, TeamCountyFactory, TeamFactory, TeamMemberFactory

START = datetime.date(2020, 2, 28)
TARGET = datetime.date(2020, 9, 30)


@pytest.fixture(autouse=True)
def _exit_indicators(db):
    """The indicators the data migration seeds (a transactional test elsewhere may have flushed them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("supervision.migrations.0002_seed_exit_indicators").seed(apps, None)


@pytest.fixture(autouse=True)
def _private_var(settings, tmp_path):
    # Evidence files go under VAR_DIR/private: a fresh one per test.
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def listed_campaign(db):
    return CampaignFactory(name="河南省2020年脱贫攻坚挂牌督战", kind=TeamKind.LISTED, start_date=START, end_date=TARGET)


@pytest.fixture
def leader_team(listed_campaign, county_a):
    """李文慧's charge: county_a (登封市)."""
    team = TeamFactory(campaign=listed_campaign, name="李文慧")
    TeamMemberFactory(team=team, person=PersonFactory(name="李文慧", position="省人大常委会副主任"), role=MemberRole.LEADER)
    TeamCountyFactory(team=team, county=county_a)
    return team


@pytest.fixture
def other_city(db):
    return CityFactory(name="南阳市")


@pytest.fixture
def county_c(other_city):
    return CountyFactory(city=other_city, name="新野县")


@pytest.fixture
def village_c(county_c):
    return VillageFactory(township__county=county_c, township__name="歪子镇", name="官寺村")


@pytest.fixture
def listing(listed_campaign, leader_team, county_a, village_a, village_b, village_c):
    """A small listing: county_a listed (with its leader); villages in county_a, county_b and another city."""
    listing = Listing.objects.create(campaign=listed_campaign, name=listed_campaign.name, target_date=TARGET)
    ListedCounty.objects.create(listing=listing, county=county_a, team=leader_team,
                                leader=leader_team.memberships.get(role=MemberRole.LEADER).person, order=1)
    for order, village in enumerate((village_a, village_b, village_c), start=1):
        ListedVillage(listing=listing, village=village, order=order).save()
    return listing


@pytest.fixture
def lv_a(listing, village_a):
    return ListedVillage.objects.get(listing=listing, village=village_a)


@pytest.fixture
def lv_b(listing, village_b):
    return ListedVillage.objects.get(listing=listing, village=village_b)


@pytest.fixture
def lv_c(listing, village_c):
    return ListedVillage.objects.get(listing=listing, village=village_c)


@pytest.fixture
def transport(db):
    return ExitIndicator.objects.get(name="交通")


@pytest.fixture
def province_user(db):
    return UserFactory(username="province", role=Role.CITY, city=None, county=None)


@pytest.fixture
def other_city_user(other_city):
    return UserFactory(username="nanyang", role=Role.CITY, city=other_city, county=None)


@pytest.fixture
def officer_c(county_c):
    return UserFactory(username="officer_c", role=Role.COUNTY, county=county_c)


@pytest.fixture
def leader_user(leader_team):
    """An account on 李文慧's team: sees the counties the team covers."""
    from tests.rosters.factories import team_member_user

    return team_member_user(leader_team, username="liwenhui_aide", name="督战联络员")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Many accounts per test (the permission matrix): hashing need not be slow here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
