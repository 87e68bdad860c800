import pytest
from django.core.exceptions import ValidationError

from tests.factories import HouseholdFactory, make_id_number
from villages import services
from villages.models import Household

pytestmark = pytest.mark.django_db


def test_county_officer_cannot_add_household_in_another_county(officer_a, village_b):
    with pytest.raises(ValidationError, match="无权操作其他县"):
        services.household_create(acting_user=officer_a, village=village_b, head_name="张三", head_id_number=make_id_number())
    assert not Household.objects.exists()


def test_county_officer_cannot_move_household_to_another_county(officer_a, village_a, village_b):
    household = HouseholdFactory(village=village_a)
    with pytest.raises(ValidationError, match="无权操作其他县"):
        services.household_update(acting_user=officer_a, household=household, village=village_b)
    household.refresh_from_db()
    assert household.village == village_a


@pytest.mark.parametrize("bad, message", [
    ("41010219700101001", "格式不正确"),  # 17 digits
    ("41010219700101001A", "格式不正确"),
    ("410102197001010012", "校验位不正确"),  # valid shape, wrong check digit
])
def test_invalid_id_number_refused(officer_a, village_a, bad, message):
    with pytest.raises(ValidationError, match=message):
        services.household_create(acting_user=officer_a, village=village_a, head_name="张三", head_id_number=bad)
    assert not Household.objects.exists()


def test_unknown_status_refused(officer_a, village_a):
    with pytest.raises(ValidationError, match="未知的贫困户状态"):
        services.household_create(
            acting_user=officer_a, village=village_a, head_name="张三", head_id_number=make_id_number(), status="rich"
        )
    assert not Household.objects.exists()


def test_duplicate_id_number_refused_in_chinese(officer_a, village_a):
    number = make_id_number()
    HouseholdFactory(village=village_a, head_id_number=number)
    with pytest.raises(ValidationError, match="该身份证号已登记"):
        services.household_create(acting_user=officer_a, village=village_a, head_name="李四", head_id_number=number)
    assert Household.objects.count() == 1


def test_household_create_records_who(officer_a, village_a):
    household = services.household_create(
        acting_user=officer_a, village=village_a, head_name="王五", head_id_number=" " + make_id_number() + " "
    )
    assert household.history.get().history_user == officer_a


def test_exit_without_year_refused(officer_a, village_a):
    with pytest.raises(ValidationError, match="脱贫年份"):
        services.household_create(
            acting_user=officer_a, village=village_a, head_name="赵六", head_id_number=make_id_number(), status="exited"
        )
    assert not Household.objects.exists()
