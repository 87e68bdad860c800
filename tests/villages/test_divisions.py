"""The division table import (统计用区划代码): new, updated, unchanged, kept, and bad tables."""

import csv
import gzip

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tests.factories import CityFactory, CountyFactory, ProvinceFactory, TownshipFactory, VillageFactory
from villages.models import City, County, Province, Township, Village
from villages.services import divisions_import

pytestmark = pytest.mark.django_db

HEADERS = {
    "provinces": ["code", "name"],
    "cities": ["code", "name", "provinceCode"],
    "areas": ["code", "name", "cityCode", "provinceCode"],
    "streets": ["code", "name", "areaCode", "provinceCode", "cityCode"],
    "villages": ["code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"],
}


def small_table():
    return {
        "provinces": [["41", "河南省"], ["42", "湖北省"]],
        "cities": [["4101", "郑州市", "41"], ["4201", "武汉市", "42"]],
        "areas": [["410122", "中牟县", "4101", "41"], ["410173", "郑州航空港经济综合实验区", "4101", "41"]],
        "streets": [
            ["410122100", "雁鸣湖镇", "410122", "41", "4101"],
            ["410173101", "八岗镇", "410173", "41", "4101"],
        ],
        "villages": [
            ["410122100201", "大青村村民委员会", "410122100", "41", "4101", "410122"],
            ["410122100202", "中马村民委员会", "410122100", "41", "4101", "410122"],
            ["410122100203", "韩西村委会", "410122100", "41", "4101", "410122"],
            ["410122100001", "雁鸣社区居民委员会", "410122100", "41", "4101", "410122"],
            ["410173101201", "八岗村村委会", "410173101", "41", "4101", "410173"],
        ],
    }


def write(folder, table, *, gz=False):
    folder.mkdir(exist_ok=True)
    for name, rows in table.items():
        path = folder / (f"{name}.csv.gz" if gz else f"{name}.csv")
        opener = gzip.open if gz else open
        with opener(path, "wt", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADERS[name])
            w.writerows(rows)
    return folder


@pytest.fixture
def stored():
    """What the seed typed: names only, 航空港区 as officers call it, and a village the table lacks."""
    henan = ProvinceFactory(name="河南省")
    zhengzhou = CityFactory(province=henan, name="郑州市")
    zhongmou = CountyFactory(city=zhengzhou, name="中牟县")
    CountyFactory(city=zhengzhou, name="航空港区")
    township = TownshipFactory(county=zhongmou, name="雁鸣湖镇")
    VillageFactory(township=township, name="大青村")
    VillageFactory(township=township, name="老名村")  # renamed since 2023: not in the table
    return township


def test_import_matches_by_path_creates_the_rest_and_keeps_what_the_table_lacks(tmp_path, stored):
    result = divisions_import(source=write(tmp_path / "t", small_table()), province="41")
    assert result.new == {"省": 0, "市": 0, "县（市、区）": 0, "乡（镇）": 1, "村": 3}
    assert result.updated == {"省": 1, "市": 1, "县（市、区）": 2, "乡（镇）": 1, "村": 1}
    assert result.not_in_table == {"村": ["郑州市中牟县雁鸣湖镇老名村"]}
    assert result.communities_skipped == 1
    # Matched places keep the name officers use and gain the code and the official name.
    gang = County.objects.get(name="航空港区")
    assert (gang.code, gang.official_name) == ("410173000000", "郑州航空港经济综合实验区")
    daqing = Village.objects.get(name="大青村")
    assert daqing.pk == Village.objects.get(township=stored, name="大青村").pk
    assert (daqing.code, daqing.official_name) == ("410122100201", "大青村村民委员会")
    # New villages get the name officers use: 中马村民委员会 → 中马村, 韩西村委会 → 韩西村.
    assert set(stored.villages.values_list("name", "code")) == {
        ("大青村", "410122100201"), ("中马村", "410122100202"), ("韩西村", "410122100203"), ("老名村", ""),
    }
    assert Village.objects.get(code="410173101201").township.county == gang
    assert Province.objects.get(name="河南省").code == "410000000000"
    assert not City.objects.filter(name="武汉市").exists()  # another province
    assert not Village.objects.filter(name__contains="社区").exists()
    # The village's history says where the change came from.
    assert daqing.history.first().history_change_reason == "统计用区划代码导入"


def test_reimport_changes_nothing_and_a_changed_official_name_is_an_update(tmp_path, stored):
    table = small_table()
    folder = write(tmp_path / "t", table, gz=True)
    divisions_import(source=folder, province="41")
    counts = [m.objects.count() for m in (Province, City, County, Township, Village)]
    again = divisions_import(source=folder, province="41")
    assert sum(again.new.values()) == 0 and sum(again.updated.values()) == 0
    assert again.unchanged == {"省": 1, "市": 1, "县（市、区）": 2, "乡（镇）": 2, "村": 4}
    assert [m.objects.count() for m in (Province, City, County, Township, Village)] == counts
    table["villages"][1][1] = "中马村村委会"
    result = divisions_import(source=write(tmp_path / "t2", table), province="41")
    assert result.updated["村"] == 1 and result.new["村"] == 0
    zhongma = Village.objects.get(code="410122100202")
    assert (zhongma.name, zhongma.official_name) == ("中马村", "中马村村委会")


def test_dry_run_city_and_communities(tmp_path, stored):
    folder = write(tmp_path / "t", small_table())
    result = divisions_import(source=folder, province="41", dry_run=True)
    assert result.new["村"] == 3
    assert not Village.objects.filter(code__startswith="41").exists()
    result = divisions_import(source=folder, province="41", city="4101", include_communities=True)
    assert Village.objects.get(code="410122100001").name == "雁鸣社区"
    assert result.communities_skipped == 0


@pytest.mark.parametrize("change, message", [
    (lambda t: t["streets"].append(["410122999", "某镇", "410199", "41", "4101"]), "上级代码 410199 在表中不存在"),
    (lambda t: t["villages"].append(["410122100201", "重复村民委员会", "410122100", "41", "4101", "410122"]),
     "代码 410122100201 与第2行重复"),
    (lambda t: t["villages"].append(["410173101299", "错位村民委员会", "410122100", "41", "4101", "410122"]),
     "与上级代码 410122100 不相符"),
    (lambda t: t["areas"].append(["41012", "短码县", "4101", "41"]), "应为6位数字"),
])
def test_a_bad_table_writes_nothing(tmp_path, stored, change, message):
    table = small_table()
    change(table)
    before = [list(m.objects.values_list("pk", "code")) for m in (Province, City, County, Township, Village)]
    with pytest.raises(ValidationError) as e:
        divisions_import(source=write(tmp_path / "t", table), province="41")
    assert any(message in m for m in e.value.messages)
    assert [list(m.objects.values_list("pk", "code")) for m in (Province, City, County, Township, Village)] == before


def test_not_the_division_table(tmp_path, stored):
    folder = tmp_path / "t"
    write(folder, small_table())
    (folder / "villages.csv").write_text("县,乡,村\n中牟县,雁鸣湖镇,大青村\n", encoding="utf-8")
    with pytest.raises(CommandError, match="villages.csv 不是统计用区划代码表"):
        call_command("import_divisions", str(folder), "--province", "41")
    (folder / "villages.csv").unlink()
    with pytest.raises(CommandError, match="缺少 villages.csv"):
        call_command("import_divisions", str(folder), "--province", "41")
    assert not Village.objects.exclude(code="").exists()


def test_command_prints_the_summary(tmp_path, stored, capsys):
    call_command("import_divisions", str(write(tmp_path / "t", small_table())), "--province", "41", "--city", "4101")
    out = capsys.readouterr().out
    assert "村：新建 3，更新 1，未变 0，表中没有 1" in out
    assert "郑州市中牟县雁鸣湖镇老名村" in out and "导入完成" in out


def test_only_the_admin_may_import(tmp_path, stored, officer_a):
    with pytest.raises(ValidationError, match="只有系统管理员"):
        divisions_import(acting_user=officer_a, source=write(tmp_path / "t", small_table()), province="41")


def test_the_shipped_extract_reads_all_of_henan():
    from villages.divisions import EXTRACT_DIR, read_table

    table = read_table(EXTRACT_DIR, province="41")
    assert [len(level) for level in table.levels] == [1, 18, 181, 2586, 44502]
    assert len(table.levels[4]) + table.communities_skipped == 52378
    hy = read_table(EXTRACT_DIR, province="44", city="4416")
    assert {d.name for d in hy.levels[2]} == {"源城区", "紫金县", "龙川县", "连平县", "和平县", "东源县"}
