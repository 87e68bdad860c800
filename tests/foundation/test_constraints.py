import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rosters.choices import Role
from rosters.models import User
from tests.factories import HouseholdFactory, TownshipFactory, VillageFactory, make_id_number
from villages.choices import HouseholdStatus
from villages.models import Township, Village

pytestmark = pytest.mark.django_db


def test_village_name_unique_within_township(village_a):
    duplicate = Village(township=village_a.township, name=village_a.name)
    with pytest.raises(ValidationError) as err:
        duplicate.full_clean()
    assert "该乡（镇）已有同名的村。" in str(err.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Village.objects.create(township=village_a.township, county=village_a.county, name=village_a.name)


def test_same_village_name_in_two_townships_is_fine(village_a):
    other = VillageFactory(township=TownshipFactory(county=village_a.county), name=village_a.name)
    assert other.pk and other.full_name != village_a.full_name


def test_township_name_unique_within_county(county_a):
    TownshipFactory(county=county_a, name="大营镇")
    with pytest.raises(IntegrityError), transaction.atomic():
        Township.objects.create(county=county_a, name="大营镇")


def test_county_officer_needs_a_county(db):
    user = User(username="nobody", role=Role.COUNTY)
    with pytest.raises(ValidationError) as err:
        user.full_clean()
    assert "必须指定所属县" in str(err.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_exited_household_needs_exit_year(village_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdFactory(village=village_a, status=HouseholdStatus.EXITED, exit_year=None)


def test_id_number_unique(village_a):
    number = make_id_number()
    HouseholdFactory(village=village_a, head_id_number=number)
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdFactory(village=village_a, head_id_number=number)
