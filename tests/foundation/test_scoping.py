import pytest

from tests.factories import HouseholdFactory
from villages.models import County, Household, Village

pytestmark = pytest.mark.django_db


def test_county_officer_sees_only_own_county(officer_a, village_a, village_b):
    assert list(Village.objects.visible_to(officer_a)) == [village_a]
    assert list(County.objects.visible_to(officer_a)) == [officer_a.county]


def test_city_office_sees_its_city(city_user, village_a, village_b):
    assert set(Village.objects.visible_to(city_user)) == {village_a, village_b}


def test_household_scoping(officer_a, village_a, village_b):
    mine = HouseholdFactory(village=village_a)
    HouseholdFactory(village=village_b)
    assert list(Household.objects.visible_to(officer_a)) == [mine]


def test_anonymous_sees_nothing(village_a):
    from django.contrib.auth.models import AnonymousUser

    assert not Village.objects.visible_to(AnonymousUser()).exists()
