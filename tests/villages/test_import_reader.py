"""The sheet reader (villages.importers.FirstSheet) and the household import's bulk write.

The reader must give what openpyxl gives (same values, same row numbers) for
the files people send: shared and inline strings, rich text, numbers, dates,
booleans, gaps; it must never expand an entity declared in a DTD. The write must keep the rules of the
import: all or nothing, one history row per change naming the importer, no ID
number in the history, database limits reported as row-numbered errors.
"""

import datetime
import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from tests.factories import make_id_number
from villages.importers import FirstSheet
from villages.models import Household
from villages.services import household_import

pytestmark = pytest.mark.django_db

HEADER = ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "识别年份", "增收措施数"]


def saved(wb, name="data.xlsx"):
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def with_parts(file, **parts):
    """The same workbook with some parts (path → XML text) replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(file) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            name = info.filename
            data = parts.pop(name.replace("/", "__").replace(".", "_"), None)
            dst.writestr(name, data.encode() if data is not None else src.read(name))
    out.seek(0)
    out.name = "data.xlsx"
    return out


SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def excel_style(file):
    """openpyxl writes every string inline; Excel and WPS write a shared-string table. Convert."""
    strings = []

    def shared(match):
        strings.append(match.group(3))
        return f'<c {match.group(1)}t="s"{match.group(2)}><v>{len(strings) - 1}</v></c>'

    out = io.BytesIO()
    with zipfile.ZipFile(file) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename).decode()
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(r'<c ([^>]*?)t="inlineStr"([^>]*)><is>(.*?)</is></c>', shared, data)
            elif info.filename == "[Content_Types].xml":
                data = data.replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" '
                                                f'ContentType="{SHARED_STRINGS_TYPE}"/></Types>')
            dst.writestr(info.filename, data)
        items = "".join(f"<si>{s}</si>" for s in strings)
        dst.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                                             f' count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>')
    out.seek(0)
    out.name = "data.xlsx"
    return out


def midnight_as_date(value):
    """openpyxl gives a date cell as a datetime at midnight; the reader gives the date."""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    return value


def openpyxl_rows(file):
    file.seek(0)
    wb = load_workbook(file, read_only=True, data_only=True)
    rows = {}
    for r, values in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1):
        values = [midnight_as_date(v) for v in values]
        while values and values[-1] is None:
            values.pop()
        if values:
            rows[r] = values
    wb.close()
    return rows


def our_rows(file):
    rows = {}
    for r, values in FirstSheet(file).rows():
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        if values:
            rows[r] = values
    return rows


def mixed_workbook(*, write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet() if write_only else wb.active
    if not write_only:
        ws.title = "户"
    rich = CellRichText(["王", TextBlock(InlineFont(b=True), "建国")])
    ws.append(["文字", 12, 3.5, True, False, datetime.datetime(2018, 10, 23), None, "=1+1", "  空格  "])
    ws.append([None, None, "后面有空"])
    ws.append([])
    ws.append(["第四行", -7, 1e20, datetime.date(2019, 1, 1), "410102197001010011", rich if not write_only else "王建国"])
    return saved(wb)


@pytest.mark.parametrize("write_only, shared", [(False, False), (False, True), (True, False)],
                         ids=["openpyxl: inline strings", "Excel: shared strings", "write-only: no dimension"])
def test_values_and_row_numbers_are_those_openpyxl_gives(write_only, shared):
    file = mixed_workbook(write_only=write_only)
    if shared:
        file = excel_style(file)
        with zipfile.ZipFile(file) as zf:
            assert 't="s"' in zf.read("xl/worksheets/sheet1.xml").decode()
    ours = our_rows(file)
    assert ours == openpyxl_rows(file)
    assert ours[1][5] == datetime.date(2018, 10, 23) and ours[4][5] == "王建国" and 3 not in ours
    assert ours[1][:3] == ["文字", 12, 3.5] and ours[2] == [None, None, "后面有空"]


def test_rich_text_without_phonetic_guide_and_cells_without_references():
    wb = Workbook()
    wb.active.append(["x"])
    file = excel_style(saved(wb))
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>乙</t></is></c></row>'
        '<row r="5"><c r="C5" t="b"><v>1</v></c><c><v>42</v></c></row>'
        "</sheetData></worksheet>"
    )
    strings = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><r><t>张</t></r><r><rPr><b/></rPr><t>三</t></r><rPh sb='0' eb='1'><t>zhang</t></rPh></si></sst>"
    )
    file = with_parts(file, xl__worksheets__sheet1_xml=sheet, xl__sharedStrings_xml=strings)
    assert our_rows(file) == openpyxl_rows(file) == {1: ["张三", "乙"], 5: [None, None, True, 42]}


@pytest.mark.parametrize("part", ["sheet", "strings"])
def test_an_entity_from_a_dtd_is_never_expanded_and_nothing_written(officer_a, village_a, part):
    t = village_a.township
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append([t.county.name, t.name, village_a.name, "张三", make_id_number(), 2018, 2])
    file = saved(wb) if part == "sheet" else excel_style(saved(wb))  # the name inline, or a shared string
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(file) as zf:
        name = "xl/worksheets/sheet1.xml" if part == "sheet" else "xl/sharedStrings.xml"
        xml = zf.read(name).decode()
    xml = bomb + xml.split("?>", 1)[1] if xml.startswith("<?xml") else bomb + xml
    xml = xml.replace("张三", "&b;")  # in the sheet itself or in its shared strings
    file = with_parts(file, **{name.replace("/", "__").replace(".", "_"): xml})
    result = household_import(acting_user=officer_a, file=file)
    assert result.errors == ["无法读取该 Excel 文件，请确认文件未损坏且为 .xlsx 格式。"]
    assert not Household.objects.exists()


def test_a_sheet_cut_off_half_way_is_unreadable(officer_a, village_a):
    t = village_a.township
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append([t.county.name, t.name, village_a.name, "张三", make_id_number(), 2018, 2])
    file = saved(wb)
    with zipfile.ZipFile(file) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    file = with_parts(file, xl__worksheets__sheet1_xml=xml[: len(xml) // 2 + 40])
    result = household_import(acting_user=officer_a, file=file)
    assert result.errors == ["无法读取该 Excel 文件，请确认文件未损坏且为 .xlsx 格式。"]
    assert not Household.objects.exists()


def test_a_write_only_workbook_imports_like_any_other(officer_a, village_a):
    t = village_a.township
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    ws.append([t.county.name, t.name, village_a.name, "张三", make_id_number(), 2018, 2])
    ws.append([None, None, None, "李四", make_id_number(), None, None])
    result = household_import(acting_user=officer_a, file=saved(wb))
    assert (result.created, result.errors) == (2, [])
    assert Household.objects.get(head_name="张三").identified_year == 2018


@pytest.mark.parametrize("index, value, message", [
    (5, datetime.datetime(2018, 5, 1), "第2行“识别年份”列：应填年份（如 2018），现为日期"),
    (3, "欧阳" * 17, "第2行“户主姓名”列：不能超过32个字，现为34个字"),
    (6, 40000, "第2行“增收措施数”列：数值过大（40000）"),
])
def test_dates_and_database_limits_are_row_errors(officer_a, village_a, index, value, message):
    t = village_a.township
    row = [t.county.name, t.name, village_a.name, "张三", make_id_number(), 2018, 2]
    row[index] = value
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(row)
    result = household_import(acting_user=officer_a, file=saved(wb))
    assert any(message in e for e in result.errors), result.errors
    assert not Household.objects.exists() and not Household.history.exists()


def test_history_names_the_importer_and_never_holds_the_id_number(officer_a, village_a):
    assert "head_id_number" not in {f.name for f in Household.history.model._meta.get_fields()}
    t = village_a.township
    id_number = make_id_number()
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append([t.county.name, t.name, village_a.name, "张三", id_number, 2018, 2])
    assert household_import(acting_user=officer_a, file=saved(wb)).created == 1
    household = Household.objects.get()
    first = household.history.get()
    assert (first.history_type, first.history_user, first.history_change_reason) == ("+", officer_a, "Excel导入")
    assert (first.head_name, first.village_id, first.identified_year, first.income_measure_count, first.food_ok) == (
        "张三", village_a.pk, 2018, 2, None)  # 不愁吃 not in the file: 未填写, not 已保障
    wb.active["D2"] = "张三丰"
    assert household_import(acting_user=officer_a, file=saved(wb)).updated == 1
    latest = household.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user, latest.head_name) == ("~", officer_a, "张三丰")
    assert Household.history.count() == 2


def test_a_failure_while_writing_leaves_nothing(officer_a, village_a, monkeypatch):
    from villages import services

    def fail(village_ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_recompute_after_commit", fail)
    t = village_a.township
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append([t.county.name, t.name, village_a.name, "张三", make_id_number(), 2018, 2])
    with pytest.raises(RuntimeError):
        household_import(acting_user=officer_a, file=saved(wb))
    assert not Household.objects.exists() and not Household.history.exists()
