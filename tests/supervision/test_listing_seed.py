"""The 2020 listing from the 挂牌督战 roster and the seed places (HN 附件1, 附件2)."""

import pytest
from django.core.management import call_command

from supervision.models import ListedCounty, ListedVillage, Listing
from supervision.services import listing_load_seed

LEADERS = {
    "上蔡县": "任正晓", "淮阳区": "孔昌生", "夏邑县": "穆为民", "淮滨县": "胡永生", "郸城县": "赵素萍",
    "固始县": "李文慧", "邓州市": "李文慧", "鲁山县": "王保存", "太康县": "徐济超", "商水县": "张维宁",
    "嵩县": "戴柏华", "汝阳县": "武国定", "项城市": "武国定", "方城县": "李英杰", "唐河县": "李英杰",
    "社旗县": "龚立群", "南召县": "高体健", "虞城县": "谢玉安", "平舆县": "张震宇", "淅川县": "顾雪飞",
}


@pytest.fixture
def seeded(db):
    from rosters.services import seed_rosters_load
    from villages.services import seed_load

    seed_load()
    seed_rosters_load()
    return listing_load_seed()


def test_twenty_counties_with_their_provincial_leaders(seeded):
    rows = {c.county.name: c.leader.name for c in ListedCounty.objects.filter(listing=seeded).select_related("county", "leader")}
    assert rows == LEADERS
    assert ListedCounty.objects.get(listing=seeded, county__name="固始县").county.city.name == "信阳市"
    assert ListedCounty.objects.get(listing=seeded, county__name="邓州市").county.city.name == "南阳市"
    assert ListedCounty.objects.get(listing=seeded, county__name="项城市").leader.position == "省政府副省长"
    assert seeded.target_date.isoformat() == "2020-09-30"


def test_fifty_two_villages_with_their_places(seeded):
    villages = ListedVillage.objects.filter(listing=seeded).select_related("village__township__county__city")
    assert villages.count() == 52
    paths = {(v.village.township.county.city.name, v.village.township.county.name, v.village.township.name, v.village.name)
             for v in villages}
    assert ("平顶山市", "郏县", "安良镇", "段沟村") in paths
    assert ("平顶山市", "郏县", "安良镇", "三岔沟村") in paths
    assert not any(p[1] == "郟县" for p in paths)
    assert ("平顶山市", "宝丰县", "大营镇", "观音堂林站宋沟村") in paths
    assert ("新乡市", "辉县市", "南寨镇", "上腊江村") in paths
    assert ("南阳市", "新野县", "王庄镇", "王桥村") in paths
    per_county = {}
    for p in paths:
        per_county[p[1]] = per_county.get(p[1], 0) + 1
    assert per_county["辉县市"] == 13 and per_county["新野县"] == 9 and per_county["嵩县"] == 5


def test_load_listing_twice_changes_nothing(seeded, capsys):
    call_command("load_listing")
    call_command("load_listing")
    assert Listing.objects.count() == 1
    assert ListedCounty.objects.count() == 20 and ListedVillage.objects.count() == 52
    assert "挂牌督战县 20 个，挂牌督战村 52 个" in capsys.readouterr().out


def test_load_listing_without_the_roster_says_so(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="请先导入挂牌督战名单"):
        call_command("load_listing")


def test_demo_accounts_see_the_listing(seeded, client):
    call_command("create_listing_demo_accounts")
    from rosters.models import User

    client.force_login(User.objects.get(username="xinye"))
    response = client.get(seeded.get_absolute_url())
    assert len(response.context["village_rows"]) == 9 and response.context["county_rows"] == []
    client.force_login(User.objects.get(username="nanyang"))
    response = client.get(seeded.get_absolute_url())
    assert {r["listed"].county.name for r in response.context["county_rows"]} == {"邓州市", "方城县", "唐河县", "社旗县", "南召县", "淅川县"}
    client.force_login(User.objects.get(username="province"))
    response = client.get(seeded.get_absolute_url())
    assert len(response.context["county_rows"]) == 20 and len(response.context["village_rows"]) == 52
