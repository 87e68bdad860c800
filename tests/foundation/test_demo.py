import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from villages.demo import ID_PREFIX
from villages.models import County, Household, StarRating, Township, Village
from villages.validators import validate_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo():
    call_command("load_seed")
    call_command("generate_demo", "--scale", "city", "--townships", "2", "--villages", "3", "--households", "8", "--seed", "7")


def demo_villages():
    return Village.objects.filter(
        pk__in=Household.objects.filter(head_id_number__startswith=ID_PREFIX).values("village")
    )


def test_demo_villages_are_real_ones_of_zhengzhou_and_heyuan(small_demo):
    villages = demo_villages()
    assert set(villages.values_list("county__city__name", flat=True)) == {"郑州市", "河源市"}
    # Real places of the official table: a 12-digit code under the county's, the official name kept.
    zhongmou = County.objects.get(name="中牟县", city__name="郑州市")
    assert zhongmou.code == "410122000000"
    in_zhongmou = villages.filter(county=zhongmou)
    assert in_zhongmou.count() == 6  # 2 townships × 3 villages, the limits given
    for code, name, official in in_zhongmou.values_list("code", "name", "official_name"):
        assert code.startswith("410122") and len(code) == 12 and name.endswith("村")
        assert official.endswith(("委员会", "村委会")) and not name.startswith("示例")
    # The seed's 航空港区 is the table's 郑州航空港经济综合实验区, with real villages.
    assert villages.filter(county__name="航空港区", code__startswith="410173").exists()
    assert not Township.objects.filter(name__startswith="示例").exists()
    households = Household.objects.filter(village__in=villages)
    assert households.count() > 100
    for number in households.values_list("head_id_number", flat=True)[:200]:
        validate_id_number(number)
        assert number.startswith(ID_PREFIX)  # no real county has this code
    assert StarRating.objects.filter(village__in=villages).count() == villages.count()
    assert not villages.values("township", "name").annotate(n=Count("pk")).filter(n__gt=1).exists()


def test_demo_is_reproducible_and_refuses_to_run_twice(small_demo):
    first = list(Household.objects.order_by("pk").values_list("village__code", "head_name", "status", "member_count")[:50])
    places = Village.objects.count()
    with pytest.raises(CommandError, match="演示数据已存在"):
        call_command("generate_demo", "--scale", "city")
    call_command("generate_demo", "--scale", "city", "--townships", "2", "--villages", "3", "--households", "8", "--seed", "7", "--reset")
    assert list(Household.objects.order_by("pk").values_list("village__code", "head_name", "status", "member_count")[:50]) == first
    assert Village.objects.count() == places  # the real places stay; only the synthetic households were replaced
