import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from villages.models import County, Household, StarRating, Village
from villages.validators import validate_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo():
    call_command("load_seed")
    call_command("generate_demo", "--scale", "city", "--townships", "2", "--villages", "3", "--households", "8", "--seed", "7")


def test_demo_city_is_in_zhengzhou_with_valid_data(small_demo):
    demo_villages = Village.objects.filter(name__startswith="示例")
    assert demo_villages.count() == 10 * 2 * 3
    assert set(demo_villages.values_list("county__city__name", flat=True)) == {"郑州市"}
    assert County.objects.filter(city__name="郑州市").count() == 10
    households = Household.objects.filter(village__in=demo_villages)
    assert households.count() > 100
    for number in households.values_list("head_id_number", flat=True)[:200]:
        validate_id_number(number)
    # A rating for every village after generation.
    assert StarRating.objects.filter(village__in=demo_villages).count() == 60
    # Names repeat across townships, never inside one.
    assert not demo_villages.values("township", "name").annotate(n=Count("pk")).filter(n__gt=1).exists()


def test_demo_is_reproducible_and_refuses_to_run_twice(small_demo):
    first = list(Household.objects.order_by("pk").values_list("head_name", "status", "member_count")[:50])
    with pytest.raises(CommandError, match="演示数据已存在"):
        call_command("generate_demo", "--scale", "city")
    call_command("generate_demo", "--scale", "city", "--townships", "2", "--villages", "3", "--households", "8", "--seed", "7", "--reset")
    assert list(Household.objects.order_by("pk").values_list("head_name", "status", "member_count")[:50]) == first
    assert not Village.objects.filter(name__startswith="示例").values("township", "name").annotate(n=Count("pk")).filter(n__gt=1).exists()
