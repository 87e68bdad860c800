"""Village import (command, service): full-path matching, all or nothing, idempotent, scoped."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.factories import CountyFactory, TownshipFactory
from tests.villages.conftest import xlsx
from villages.models import Village
from villages.services import village_import

pytestmark = pytest.mark.django_db

HEADER = ["县（市、区）", "乡（镇）", "村", "村类型", "出列状态", "出列年份", "户籍农业人口", "距县城（公里）",
          "软弱涣散村", "信访问题数", "网上负面信息数"]


@pytest.fixture
def rows(village_a):
    t = village_a.township
    return [
        [t.county.name, t.name, village_a.name, "贫困村", "已出列", 2018, 1200, 35.5, "是", 2, 1],
        [None, None, "新庄村", "面上村", "未出列", None, 800, "12", "否", 0, 0],  # places inherit from above
    ]


def snapshot():
    return sorted(Village.objects.values_list(
        "name", "is_poor_village", "exit_status", "exit_year", "rural_population", "distance_to_county_km",
        "is_weak_party_org", "petition_count", "negative_report_count",
    ))


def test_updates_by_path_creates_in_township_and_reimport_changes_nothing(officer_a, village_a, rows):
    result = village_import(acting_user=officer_a, file=xlsx(HEADER, rows))
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    village_a.refresh_from_db()
    assert (village_a.is_poor_village, village_a.exit_year, village_a.distance_to_county_km) == (True, 2018, Decimal("35.5"))
    new = Village.objects.get(name="新庄村")
    assert new.township == village_a.township and new.county == village_a.county
    assert new.history.first().history_user == officer_a and village_a.history.first().history_user == officer_a
    before, history = snapshot(), Village.history.count()
    again = village_import(acting_user=officer_a, file=xlsx(HEADER, rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert snapshot() == before and Village.history.count() == history


def test_columns_left_out_are_left_alone(officer_a, village_a):
    village_a.petition_count = 7
    village_a.save()
    t = village_a.township
    village_import(acting_user=officer_a, file=xlsx(["县（市、区）", "乡（镇）", "村", "户籍农业人口"],
                                                    [[t.county.name, t.name, village_a.name, 999]]))
    village_a.refresh_from_db()
    assert (village_a.rural_population, village_a.petition_count) == (999, 7)


def test_city_column_tells_apart_counties_of_the_same_name(officer_a, city_user, village_a):
    other = CountyFactory(name=village_a.county.name)  # a county of the same name in another city
    TownshipFactory(county=other, name=village_a.township.name)
    t = village_a.township
    rows = [[t.county.name, t.name, village_a.name, 5]]
    header = ["县（市、区）", "乡（镇）", "村", "信访问题数"]
    assert "在多个市都有，请填写“市”列" in village_import(acting_user=None, file=xlsx(header, rows)).errors[0]
    result = village_import(acting_user=None, file=xlsx(["市", *header], [[t.county.city.name, *rows[0]]]))
    assert result.ok and Village.objects.get(pk=village_a.pk).petition_count == 5


@pytest.mark.parametrize("change, message", [
    (lambda r: r[0].__setitem__(0, "开封县"), "第2行“县（市、区）”列：系统中没有“开封县”（导入不会新建县"),
    (lambda r: r[1].__setitem__(1, "无名镇"), "第3行“乡（镇）”列：登封市没有“无名镇”（导入不会新建乡（镇）"),
    (lambda r: r[1].__setitem__(6, "八百"), "第3行“户籍农业人口”列：应填整数，现为“八百”"),
    (lambda r: r[1].__setitem__(6, -3), "第3行“户籍农业人口”列：不能为负数"),
    (lambda r: r[0].__setitem__(5, None), "第2行“出列年份”列：已出列的村必须填写出列年份"),
    (lambda r: r[0].__setitem__(5, 3018), "第2行“出列年份”列：年份不合理：3018"),
    (lambda r: r[0].__setitem__(5, __import__("datetime").datetime(2018, 2, 1)), "第2行“出列年份”列：应填年份"),
    (lambda r: r[1].__setitem__(7, "很远"), "第3行“距县城（公里）”列：应填数字"),
    (lambda r: r[1].__setitem__(3, "富裕村"), "第3行“村类型”列：应为“贫困村”或“面上村”"),
    (lambda r: r[1].__setitem__(2, r[0][2]), "第3行“村”列：与第2行是同一个村"),
    (lambda r: r[1].__setitem__(2, None), "第3行“村”列：不能为空"),
])
def test_bad_rows_write_nothing(officer_a, village_a, rows, change, message):
    change(rows)
    before = snapshot()
    result = village_import(acting_user=officer_a, file=xlsx(HEADER, rows))
    assert any(message in e for e in result.errors), result.errors
    assert snapshot() == before and not Village.objects.filter(name="新庄村").exists()


def test_a_row_of_another_county_is_refused_for_an_officer(officer_a, village_b, rows):
    rows.append([village_b.county.name, village_b.township.name, "外县新村", "面上村", "未出列", None, 1, 1, "否", 0, 0])
    result = village_import(acting_user=officer_a, file=xlsx(HEADER, rows))
    assert result.errors == ["第4行“县（市、区）”列：“巩义市”不在您的管辖范围内，不能导入。"]
    assert not Village.objects.filter(name__in=["新庄村", "外县新村"]).exists()


def test_command(officer_a, village_a, rows, tmp_path, capsys):
    path = tmp_path / "villages.xlsx"
    path.write_bytes(xlsx(HEADER, rows).getvalue())
    call_command("import_villages", str(path), "--user", "officer_a", "--dry-run")
    assert "将新增 1 个村，将更新 1 个村" in capsys.readouterr().out
    assert not Village.objects.filter(name="新庄村").exists()
    call_command("import_villages", str(path), "--user", "officer_a")
    assert Village.objects.filter(name="新庄村").exists()
    rows[1][6] = "八百"
    path.write_bytes(xlsx(HEADER, rows).getvalue())
    with pytest.raises(CommandError, match="共 1 处错误，未写入任何数据"):
        call_command("import_villages", str(path))
    assert "第3行“户籍农业人口”列" in capsys.readouterr().err
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_villages", str(tmp_path / "none.xlsx"))
