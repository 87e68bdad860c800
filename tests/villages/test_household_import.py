import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.factories import make_id_number
from villages.models import Household
from villages.services import household_import

pytestmark = pytest.mark.django_db

HEADER = ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "家庭人口", "状态", "脱贫年份", "低保户", "帮扶措施"]


def book(rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "households.xlsx"
    return buffer


@pytest.fixture
def rows(village_a):
    t = village_a.township
    return [
        [t.county.name, t.name, village_a.name, "张三", make_id_number(), 3, "未脱贫", None, "是", "产业扶贫"],
        [None, None, None, "李四", make_id_number(), 2, "已脱贫", 2017, "否", ""],  # places inherit from above
    ]


def test_import_then_reimport_changes_nothing(officer_a, rows):
    assert household_import(acting_user=officer_a, file=book(rows)) == (2, 0, [])
    li = Household.objects.get(head_name="李四")
    assert (li.status, li.exit_year, li.village.name) == ("exited", 2017, "大营村")
    assert Household.objects.get(head_name="张三").history.first().history_user == officer_a
    history_before = Household.history.count()
    assert household_import(acting_user=officer_a, file=book(rows)) == (0, 0, [])
    assert Household.history.count() == history_before
    rows[0][5] = 4
    assert household_import(acting_user=officer_a, file=book(rows)) == (0, 1, [])
    assert Household.objects.get(head_name="张三").member_count == 4


@pytest.mark.parametrize("change, message", [
    (lambda r: r[0].__setitem__(4, "410102197001010012"), "第2行“户主身份证号”列：身份证号码校验位不正确"),
    (lambda r: r[1].__setitem__(4, r[0][4]), "第3行“户主身份证号”列：与第2行重复"),
    (lambda r: r[0].__setitem__(5, "三口"), "第2行“家庭人口”列：应填整数，现为“三口”"),
    (lambda r: r[0].__setitem__(6, "小康"), "第2行“状态”列：未知的状态“小康”"),
    (lambda r: r[1].__setitem__(7, None), "第3行“脱贫年份”列：已脱贫户必须填写脱贫年份"),
    (lambda r: r[0].__setitem__(2, "没有村"), "第2行“村”列：登封市"),
    (lambda r: r[0].__setitem__(0, "开封县"), "第2行“县（市、区）”列：系统中没有“开封县”"),
    (lambda r: r[0].__setitem__(1, "无名镇"), "第2行“乡（镇）”列：登封市没有“无名镇”"),
    (lambda r: r[1].__setitem__(7, 1990), "第3行“脱贫年份”列：年份不合理：1990"),
    (lambda r: r[0].__setitem__(8, "有"), "第2行“低保户”列：应填“是”或“否”"),
])
def test_bad_rows_write_nothing(officer_a, rows, change, message):
    change(rows)
    created, updated, errors = household_import(acting_user=officer_a, file=book(rows))
    assert any(message in e for e in errors), errors
    assert not Household.objects.exists()


def test_another_countys_village_is_refused_for_an_officer(officer_a, village_b, rows):
    t = village_b.township
    rows[1][:3] = [t.county.name, t.name, village_b.name]
    _, _, errors = household_import(acting_user=officer_a, file=book(rows))
    assert "不在您的管辖范围内" in errors[0] and not Household.objects.exists()


def test_missing_and_unknown_headers(officer_a):
    _, _, errors = household_import(acting_user=officer_a, file=book([], header=["户主姓名", "备注"]))
    assert "缺少必需的列：县（市、区）、乡（镇）、村、户主身份证号" in errors[0]
    assert "无法识别的列：备注" in errors[1]


def test_command(officer_a, rows, tmp_path, capsys):
    path = tmp_path / "h.xlsx"
    path.write_bytes(book(rows).getvalue())
    call_command("import_households", str(path), "--user", "officer_a", "--dry-run")
    assert "将新增 2 户" in capsys.readouterr().out and not Household.objects.exists()
    call_command("import_households", str(path), "--user", "officer_a")
    assert Household.objects.count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_households", str(bad))


def test_full_width_digits_and_spaces_are_read_as_typed_numbers(officer_a, rows):
    """ID and phone numbers typed with a Chinese input method (１２３, ｘ) or spaced out match the plain ones."""
    plain = rows[0][4]
    rows[0][4] = " ".join(plain.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ")))
    header = [*HEADER, "联系电话"]
    rows[0].append("１３８ ０００１ ２３４５")
    assert household_import(acting_user=officer_a, file=book(rows, header)) == (2, 0, [])
    zhang = Household.objects.get(head_name="张三")
    assert (zhang.head_id_number, zhang.head_phone) == (plain, "13800012345")
    rows[0][4], rows[0][-1] = plain, "13800012345"
    assert household_import(acting_user=officer_a, file=book(rows, header)) == (0, 0, [])


def test_every_problem_of_a_file_is_listed_in_one_pass(officer_a, village_a):
    """Bad cells in some rows and unknown places in others: all listed at once, in row order."""
    t = village_a.township
    rows = [
        [t.county.name, t.name, village_a.name, "张三", make_id_number(), 40, "未脱贫", None, "否", ""],  # row 2: 40 people
        [t.county.name, "没有这个镇", village_a.name, "李四", make_id_number(), 2, "未脱贫", None, "否", ""],  # row 3
        [t.county.name, t.name, "没有这个村", "王五", make_id_number(), 2, "未脱贫", None, "否", ""],  # row 4
        [t.county.name, t.name, village_a.name, "赵六", "123", 2, "未脱贫", None, "否", ""],  # row 5: bad ID
    ]
    result = household_import(acting_user=officer_a, file=book(rows), dry_run=True)
    assert [e[:3] for e in result.errors] == ["第2行", "第3行", "第4行", "第5行"]
    assert "应在1至30之间" in result.errors[0] and "没有“没有这个镇”" in result.errors[1]
    assert "没有“没有这个村”" in result.errors[2] and "身份证号" in result.errors[3]
    assert household_import(acting_user=officer_a, file=book(rows)).errors == result.errors
    assert not Household.objects.exists()
