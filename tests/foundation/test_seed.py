import pytest
from django.core.management import call_command

from villages.models import Category, City, County, Province, Township, Village

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("load_seed")


def test_listed_counties_and_villages(seeded):
    # HN 附件1: 20 counties; 附件2: 52 villages not yet exited.
    assert County.objects.filter(is_listed=True).count() == 20
    assert Village.objects.filter(is_listed=True, is_poor_village=True).count() == 52
    assert set(County.objects.filter(name__in=["固始县", "邓州市"], is_listed=True).values_list("city__name", flat=True)) == {"信阳市", "南阳市"}


def test_listed_villages_sit_in_the_townships_of_the_table(seeded):
    # The table's merged cells: the villages 26–35 all belong to 辉县市 南寨镇.
    nanzhai = Village.objects.filter(township__name="南寨镇", county__name="辉县市", county__city__name="新乡市")
    assert nanzhai.count() == 10
    assert {"凤凰山村", "上腊江村", "三官庙村"} <= set(nanzhai.values_list("name", flat=True))
    dayingcun = Village.objects.get(name="大营村")
    assert (dayingcun.township.name, dayingcun.county.name, dayingcun.county.city.name) == ("施庵镇", "新野县", "南阳市")
    assert Village.objects.filter(county__name="汝阳县", township__name="十八盘乡").count() == 4
    per_city = {c: Village.objects.filter(county__city__name=c).count() for c in ["洛阳市", "平顶山市", "新乡市", "三门峡市", "南阳市"]}
    assert per_city == {"洛阳市": 9, "平顶山市": 10, "新乡市": 16, "三门峡市": 5, "南阳市": 12}


def test_cities_and_counties_of_the_documents(seeded):
    assert list(County.objects.filter(city__name="郑州市").order_by("pk").values_list("name", flat=True)) == [
        "登封市", "巩义市", "新密市", "荥阳市", "新郑市", "中牟县", "航空港区",
    ]
    assert County.objects.filter(city__name="河源市", city__province__name="广东省").count() == 7
    assert City.objects.filter(name="商丘市").exists()
    assert list(Category.objects.values_list("number", "label")[:1]) == [(1, "贫困发生率高的村（含非贫困村）")]
    assert Category.objects.count() == 8


def test_load_seed_twice_changes_nothing(seeded):
    before = [m.objects.count() for m in (Province, City, County, Township, Village, Category)]
    call_command("load_seed")
    assert [m.objects.count() for m in (Province, City, County, Township, Village, Category)] == before
