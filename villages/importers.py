"""Read village and household workbooks (Chinese headers, any order) into checked rows.

One reader serves both: a sheet is described by its columns, each cell is
converted by its column's kind, and every problem is reported with its row and
column ("第5行“家庭人口”列：…"). Place columns (市/县/乡) left blank under a
filled cell inherit the value above, which also covers merged cells (a merged
range is read as one value with blanks under it).
Nothing is written here; the services match the rows and write them.

Only the columns present in the file are returned for a row, so a column left
out of the file is left alone in the database on re-import.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from python_calamine import CalamineError, CalamineWorkbook

from .choices import GUARANTEES, ExitStatus, HouseholdStatus
from .excel import check_upload
from .validators import id_number_checksum, normalize_id_number, normalize_phone, validate_id_number, validate_phone

MAX_ERRORS = 500  # beyond this the file is plainly the wrong one; stop listing


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str
    required: bool = False
    help: str = ""


def _place_columns(*, city_required=False):
    return [
        Column("市", "city", "place", city_required, "可不填；县名在全省重名时必填"),
        Column("县（市、区）", "county", "place", True, "须为系统中已有的县（市、区）；空白沿用上一行"),
        Column("乡（镇）", "township", "place", True, "须为该县已有的乡（镇）；空白沿用上一行"),
    ]


VILLAGE_COLUMNS = [
    *_place_columns(),
    Column("村", "name", "name", True, "村名；同一乡（镇）内不重复"),
    Column("统计用区划代码", "code", "code",
           help="12位数字，可不填；填了已有村的代码时，可不填市、县、乡（按代码找到该村）"),
    Column("村类型", "is_poor_village", "village_kind", help="贫困村 或 面上村"),
    Column("出列状态", "exit_status", "exit_status", help="未出列 或 已出列"),
    Column("出列年份", "exit_year", "year", help="已出列的村必填，如 2018"),
    Column("户籍农业人口", "rural_population", "count", help="整数"),
    Column("距县城（公里）", "distance_to_county_km", "km", help="数字，保留1位小数"),
    Column("软弱涣散村", "is_weak_party_org", "bool", help="是 或 否"),
    Column("信访问题数", "petition_count", "count", help="整数"),
    Column("网上负面信息数", "negative_report_count", "count", help="整数"),
]

HOUSEHOLD_COLUMNS = [
    *_place_columns(),
    Column("村", "village", "place", True, "须为该乡（镇）已有的村；空白沿用上一行"),
    Column("村代码", "village_code", "code", help="村的12位统计用区划代码；填了可不填市、县、乡、村"),
    Column("户主姓名", "head_name", "text", True),
    Column("户主身份证号", "head_id_number", "id", True, "18位，按身份证号匹配已有贫困户"),
    Column("联系电话", "head_phone", "phone", help="11位手机号或带区号的固定电话"),
    Column("家庭人口", "member_count", "members", help="1至30的整数"),
    Column("状态", "status", "status", help="、".join(HouseholdStatus.labels)),
    Column("识别年份", "identified_year", "year"),
    Column("脱贫年份", "exit_year", "year", help="已脱贫户必填"),
    Column("低保户", "is_dibao", "bool", help="是 或 否"),
    Column("五保户/特困供养", "is_wubao", "bool", help="是 或 否"),
    Column("重病户", "is_serious_illness", "bool", help="是 或 否"),
    Column("残疾人户", "is_disabled", "bool", help="是 或 否"),
    Column("老人户", "is_elderly", "bool", help="是 或 否"),
    Column("低收入户", "is_low_income", "bool", help="是 或 否"),
    *(Column(label, name, "guarantee", help="是（已保障）、否（未保障），或留空（未填写）") for name, label in GUARANTEES),
    Column("帮扶责任人", "helper_name", "text"),
    Column("帮扶措施", "measures", "text", help="多项措施用；或换行分隔"),
    Column("增收措施数", "income_measure_count", "count"),
]

STATUS_BY_LABEL = {label: value for value, label in HouseholdStatus.choices}
EXIT_BY_LABEL = {label: value for value, label in ExitStatus.choices}
TRUE, FALSE = {"是", "√", "✓", "1", "Y", "YES", "TRUE"}, {"否", "", "0", "N", "NO", "FALSE", "×"}


def _norm(header) -> str:
    """Headers may carry spaces and half-width brackets: 县(市、区) = 县（市、区）."""
    return re.sub(r"\s+", "", str(header or "")).replace("(", "（").replace(")", "）")


def _integer(raw, text):
    if isinstance(raw, bool) or isinstance(raw, datetime.date | datetime.time):
        raise ValidationError(f"应填整数，现为“{text}”")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(float(text))
    raise ValidationError(f"应填整数，现为“{text}”")


def convert(kind, raw):
    """One cell's value for a column kind; raises ValidationError with the reason."""
    text = "" if raw is None else str(raw).strip()
    if kind == "place" or kind == "name":
        return re.sub(r"\s+", "", text)
    if kind == "text":
        return text
    if kind == "code":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            text = str(int(raw))
        if text and not re.fullmatch(r"\d{12}", text):
            raise ValidationError(f"应为12位数字，现为“{text}”")
        return text
    if kind == "id":
        value = normalize_id_number(text)
        validate_id_number(value)
        return value
    if kind == "phone":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            text = str(int(raw))
        text = normalize_phone(text)
        validate_phone(text)
        return text
    if kind == "members":
        if text == "":
            return 1
        number = _integer(raw, text)
        if not 1 <= number <= 30:
            raise ValidationError(f"应在1至30之间，现为{number}")
        return number
    if kind == "count":
        if text == "":
            return 0
        number = _integer(raw, text)
        if number < 0:
            raise ValidationError(f"不能为负数，现为{number}")
        return number
    if kind == "year":
        if text == "":
            return None
        if isinstance(raw, datetime.date):
            raise ValidationError(f"应填年份（如 2018），现为日期“{text}”")
        number = _integer(raw, text)
        if not 2013 <= number <= 2100:
            raise ValidationError(f"年份不合理：{number}（应在2013至2100之间）")
        return number
    if kind == "km":
        if text == "":
            return None
        if isinstance(raw, bool | datetime.date):
            raise ValidationError(f"应填数字，现为“{text}”")
        try:
            value = Decimal(text).quantize(Decimal("0.1"))
        except InvalidOperation:
            raise ValidationError(f"应填数字，现为“{text}”") from None
        if value < 0 or value >= 100000:
            raise ValidationError(f"距离不合理：{text}")
        return value
    if kind == "status":
        if text == "":
            return HouseholdStatus.POOR
        if text not in STATUS_BY_LABEL:
            raise ValidationError(f"未知的状态“{text}”，应为：{'、'.join(STATUS_BY_LABEL)}")
        return STATUS_BY_LABEL[text]
    if kind == "exit_status":
        if text == "":
            return ExitStatus.NOT_EXITED
        if text not in EXIT_BY_LABEL:
            raise ValidationError(f"应为“未出列”或“已出列”，现为“{text}”")
        return EXIT_BY_LABEL[text]
    if kind == "village_kind":
        if text in ("", "面上村", "非贫困村"):
            return False
        if text == "贫困村":
            return True
        raise ValidationError(f"应为“贫困村”或“面上村”，现为“{text}”")
    if kind == "guarantee":  # 两不愁三保障: a blank cell is 未填写, not 已保障
        if isinstance(raw, bool):
            return raw
        if text == "":
            return None
        if text.upper() in TRUE or text == "已保障":
            return True
        if text.upper() in FALSE or text == "未保障":
            return False
        raise ValidationError(f"应为“是”“否”或留空，现为“{text}”")
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if text.upper() in TRUE:
            return True
        if text.upper() in FALSE:
            return False
        raise ValidationError(f"应填“是”或“否”，现为“{text}”")
    raise AssertionError(kind)


@dataclass
class SheetRows:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)  # the columns the file has
    total_rows: object = None  # stream_sheet: a callable giving the sheet's row count

    def error(self, message):
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
        elif len(self.errors) == MAX_ERRORS:
            self.errors.append(f"错误超过{MAX_ERRORS}处，后面的不再列出。")


_UNREADABLE = "无法读取该 Excel 文件，请确认文件未损坏且为 .xlsx 格式。"


class UnreadableSheet(Exception):
    """The sheet's XML is cut off or not a worksheet."""


class FirstSheet:
    """The values of the first worksheet of an xlsx, row by row, read by calamine (Rust).

    Values are those openpyxl gives with data_only=True, except that numbers come
    as float (12.0) and a date at midnight as a date. calamine never expands an
    entity: a DTD-declared one makes the file unreadable.

    calamine reads a whole sheet into memory (about 1 KB a row for a household sheet: 200 MB for
    200,000 rows), so a big sheet is read in slices: the worksheet's XML is streamed out of the
    zip and cut between rows, and each slice (CHUNK_BYTES of XML, some 7,000 rows) is handed to
    calamine as a small workbook of its own with the file's shared strings and styles. Memory stays
    at one slice whatever the file's size, and the values are calamine's own. Row numbers come from
    the cells' references (r="A123"), which every spreadsheet program writes; a sheet written
    without them is read whole.
    """

    CHUNK_BYTES = 4 * 1024 * 1024

    def __init__(self, file, *, chunk_bytes=None):
        self._file = file
        self._chunk_bytes = chunk_bytes or self.CHUNK_BYTES
        file.seek(0)
        self._zip = zipfile.ZipFile(file)
        self._sheet_path = _first_sheet_path(self._zip)
        self._sheet_size = self._zip.getinfo(self._sheet_path).file_size
        self._sheet = None
        if self._sheet_size <= self._chunk_bytes or not self._rows_have_references():
            file.seek(0)
            self._sheet = CalamineWorkbook.from_filelike(file).get_sheet_by_index(0)

    def rows(self):
        """(row number, tuple of values): empty cells as None, as openpyxl gives them."""
        if self._sheet is not None:
            yield from _calamine_rows(self._sheet)
            return
        for part in self._slices():
            yield from _calamine_rows(CalamineWorkbook.from_filelike(part).get_sheet_by_index(0))

    def total_rows(self):
        """The number of rows the sheet holds, counted without reading the cells (for progress bars)."""
        if self._sheet is not None:
            return self._sheet.height
        count, tail = 0, b""
        with self._zip.open(self._sheet_path) as fh:
            head = fh.read(256 * 1024)
            opening = _SHEET_DATA.search(head)
            row_end = b"</" + ((opening.group(1) or b"") if opening else b"") + b"row>"
            chunk = head
            while chunk:
                # A tag cut in two by a read is found with the tail of the read before; the tags
                # wholly in that tail were counted then, and are taken off now.
                count += (tail + chunk).count(row_end) - tail.count(row_end)
                tail = chunk[-32:]
                chunk = fh.read(1 << 20)
        return count

    def _rows_have_references(self):
        with self._zip.open(self._sheet_path) as fh:
            head = fh.read(256 * 1024)
        first = _ROW_START.search(head)
        return first is None or b" r=" in first.group(0)

    def _slices(self):
        """Small workbooks, each with a slice of the sheet's rows (BytesIO, stored uncompressed)."""
        others = {}
        for info in self._zip.infolist():
            name = info.filename
            if name == self._sheet_path or name.endswith("/") or name.startswith(("xl/media/", "xl/drawings/")):
                continue
            # Other worksheets are not read: an empty sheet keeps the workbook whole.
            others[name] = _EMPTY_SHEET if name.startswith("xl/worksheets/") and name.endswith(".xml") \
                else self._zip.read(name)
        with self._zip.open(self._sheet_path) as fh:
            buffer = b""
            while (opening := _SHEET_DATA.search(buffer)) is None:
                chunk = fh.read(1 << 20)
                if not chunk:
                    raise UnreadableSheet
                buffer += chunk
            prefix = _DIMENSION.sub(b"", buffer[:opening.end()])  # no size hint: calamine would reserve it all
            if opening.group(2):  # <sheetData/>: no rows
                return
            ns = opening.group(1) or b""
            row_end, closing = b"</" + ns + b"row>", b"</" + ns + b"sheetData></" + ns + b"worksheet>"
            pieces, size = [buffer[opening.end():]], len(buffer) - opening.end()
            while True:
                chunk = fh.read(1 << 20)
                pieces.append(chunk)
                size += len(chunk)
                if size < self._chunk_bytes and chunk:
                    continue
                buffer = b"".join(pieces)
                cut = buffer.rfind(row_end)
                cut = 0 if cut < 0 else cut + len(row_end)
                if buffer[:cut].strip():
                    yield _workbook(others, self._sheet_path, prefix + buffer[:cut] + closing)
                pieces, size = [buffer[cut:]], len(buffer) - cut
                if not chunk:
                    break
            if not re.match(rb"\s*(<" + ns + rb"row\b[^>]*/>\s*)*</" + ns + rb"sheetData>", pieces[0]):
                raise UnreadableSheet  # cut off half-way, or not a worksheet


def _calamine_rows(sheet):
    start = sheet.start
    if start is None:  # nothing in the sheet
        return
    # to_python(skip_empty_area=True) starts at the first row and column holding data (iter_rows
    # would start at row 1 and give every empty row above a slice).
    first_row, pad = start[0] + 1, (None,) * start[1]
    for number, values in enumerate(sheet.to_python(skip_empty_area=True), start=first_row):
        yield number, (*pad, *(None if v == "" else v for v in values))


def _workbook(parts, sheet_path, sheet_xml):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        zf.writestr(sheet_path, sheet_xml)
    out.seek(0)
    return out


def _first_sheet_path(zf):
    """The part of the workbook's first sheet (xl/worksheets/sheet1.xml as a rule), from workbook.xml and its rels."""
    from defusedxml.ElementTree import fromstring

    try:
        workbook = fromstring(zf.read("xl/workbook.xml"))
        rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        sheet = next(el for el in workbook.iter() if el.tag.endswith("}sheet") or el.tag == "sheet")
        rid = next(v for k, v in sheet.attrib.items() if k.endswith("}id"))
        target = next(el.get("Target") for el in rels.iter() if el.get("Id") == rid)
    except Exception:  # noqa: BLE001 — a broken or unusual workbook: calamine decides (it reads it whole)
        names = sorted(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
        if not names:
            raise UnreadableSheet from None
        return names[0]
    target = target.lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"<(\w+:)?dimension\b[^>]*/>")
_ROW_START = re.compile(rb"<(\w+:)?row\b[^>]*>")
_EMPTY_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData/></worksheet>")


# A row may name its village by its division code instead of its path (市/县/乡/村).
CODE_INSTEAD_OF_PATH = {"code": ("county", "township", "name"), "village_code": ("county", "township", "village")}


def read_sheet(file, columns, *, what) -> SheetRows:
    """Check the upload, match the header row, and convert every row (see the module docstring)."""
    check_upload(file)
    out = SheetRows()
    try:
        sheet = FirstSheet(file)
    except Exception:  # noqa: BLE001 — calamine raises several kinds on a broken file
        out.error(_UNREADABLE)
        return out
    try:
        return _read_rows(sheet.rows(), columns, what, out)
    except (CalamineError, UnreadableSheet):
        # A sheet that breaks off half-way (bad XML, a shared string that is not there).
        return SheetRows(errors=[_UNREADABLE])


def _converter(kind):
    """convert() for one column kind, with a fast path for the plain cells most rows have."""
    if kind in ("place", "name"):
        def place(raw):
            if type(raw) is str and not _SPACE.search(raw):
                return raw
            return convert(kind, raw)
        return place
    if kind == "text":
        def text(raw):
            if type(raw) is str:
                return raw.strip()
            return convert(kind, raw)
        return text
    if kind == "id":
        def id_number(raw):
            if type(raw) is str and _ID_FAST.match(raw) and id_number_checksum(raw[:17]) == raw[17]:
                return raw
            return convert(kind, raw)
        return id_number
    if kind == "bool":
        def boolean(raw):
            if raw == "否" or raw is None:
                return False
            if raw == "是":
                return True
            return convert(kind, raw)
        return boolean
    if kind in ("members", "count", "year"):
        low, high = {"members": (1, 30), "count": (0, None), "year": (2013, 2100)}[kind]
        def integer(raw):
            if type(raw) is float and raw.is_integer() and raw >= low and (high is None or raw <= high):
                return int(raw)
            return convert(kind, raw)
        return integer
    return lambda raw: convert(kind, raw)


_SPACE = re.compile(r"\s")
_ID_FAST = re.compile(r"[0-9]{17}[0-9X]\Z")


def stream_sheet(file, columns, *, what) -> SheetRows:
    """read_sheet, with ``rows`` a generator that converts each row as it is read (errors go to
    ``errors`` as they are found) and ``total_rows()`` the sheet's row count, for progress.

    The sheet is never held whole (see FirstSheet). A sheet that breaks off half-way raises
    CalamineError or UnreadableSheet from the generator: the caller reports it (UNREADABLE)."""
    check_upload(file)
    out = SheetRows()
    try:
        sheet = FirstSheet(file)
        out = _read_rows(sheet.rows(), columns, what, out, stream=True)
    except Exception:  # noqa: BLE001 — calamine raises several kinds on a broken file
        return SheetRows(errors=[_UNREADABLE])
    out.total_rows = sheet.total_rows
    return out


UNREADABLE = _UNREADABLE


def _read_rows(rows, columns, what, out, *, stream=False):
    first = next(rows, None)
    header = first[1] if first is not None and first[0] == 1 else None
    if header is None or not any(h not in (None, "") for h in header):
        out.error("文件是空的：第一张工作表第1行没有表头。请使用下载的模板填写。")
        return out
    known = {_norm(c.header): c for c in columns}
    by_index, unknown, seen = {}, [], set()
    for i, h in enumerate(header):
        if h is None or str(h).strip() == "":
            continue
        column = known.get(_norm(h))
        if column is None:
            unknown.append(str(h).strip())
        elif column.field in seen:
            out.error(f"第1行：“{column.header}”列出现了两次。")
        else:
            by_index[i] = column
            seen.add(column.field)
    # With a code column, the path columns may be left out, or blank on the rows that have a code.
    optional = {f for code, path in CODE_INSTEAD_OF_PATH.items() if code in seen for f in path}
    missing = [c.header for c in columns if c.required and c.field not in seen and c.field not in optional]
    if missing:
        out.error(f"缺少必需的列：{'、'.join(missing)}。")
    if unknown:
        out.error(f"无法识别的列：{'、'.join(unknown)}。请使用下载的模板（表头须与模板一致）。")
    if out.errors:
        return out
    out.fields = seen
    # One pass, one tuple per column: (cell index, field, converter, inherits from above, required, column).
    plan = [
        (i, c.field, _converter(c.kind), c.kind == "place", c.required and c.field not in optional, c)
        for i, c in sorted(by_index.items())
    ]
    code_field = next((code for code in CODE_INSTEAD_OF_PATH if code in seen), None)
    path_headers = {c.field: c.header for c in columns}
    width = max(by_index) + 1
    if stream:
        out.rows = _checked_rows(rows, plan, width, code_field, path_headers, out)
        return out
    out.rows = list(_checked_rows(rows, plan, width, code_field, path_headers, out))
    if not out.rows and not out.errors:
        out.error(f"表格中没有{what}数据：表头下面是空的。")
    return out


def _checked_rows(rows, plan, width, code_field, path_headers, out):
    above = {}
    for r, values in rows:
        if len(values) < width:
            values = (*values, *(None,) * (width - len(values)))
        if all(v is None or v == "" for v in values):
            continue
        row, ok = {"_row": r}, True
        for i, name, conv, inherits, required, column in plan:
            raw = values[i]
            if inherits:
                if raw is None or (type(raw) is str and not raw.strip()):
                    raw = above.get(name)  # blank (or merged) place cells inherit the row above
            try:
                value = conv(raw)
            except ValidationError as e:
                out.error(f"第{r}行“{column.header}”列：{'；'.join(e.messages)}")
                ok = False
                value = None
            if inherits:
                above[name] = value
            if ok and required and not value:
                out.error(f"第{r}行“{column.header}”列：不能为空。")
                ok = False
            row[name] = value
        if ok and code_field and not row.get(code_field):
            blank = [path_headers[f] for f in CODE_INSTEAD_OF_PATH[code_field] if not row.get(f)]
            if blank:
                out.error(f"第{r}行：请填写{'、'.join(f'“{h}”' for h in blank)}列，"
                          f"或填写“{path_headers[code_field]}”列。")
                ok = False
        if ok:
            yield row


def read_villages(file) -> SheetRows:
    out = read_sheet(file, VILLAGE_COLUMNS, what="村")
    for row in out.rows:
        if row.get("exit_status") == ExitStatus.EXITED and not row.get("exit_year"):
            out.error(f"第{row['_row']}行“出列年份”列：已出列的村必须填写出列年份。")
        if row.get("exit_status") == ExitStatus.NOT_EXITED:
            row["exit_year"] = None
    return out


def stream_households(file) -> SheetRows:
    """The household sheet, row by row (stream_sheet), with the checks across rows: an ID number
    given twice, an exited household without its year."""
    out = stream_sheet(file, HOUSEHOLD_COLUMNS, what="贫困户")
    if out.errors:
        return out
    rows = out.rows

    def checked():
        seen_ids = {}
        for row in rows:
            r = row["_row"]
            first = seen_ids.setdefault(row["head_id_number"], r)
            if first != r:
                out.error(f"第{r}行“户主身份证号”列：与第{first}行重复。")
            if row.get("status") == HouseholdStatus.EXITED and not row.get("exit_year"):
                out.error(f"第{r}行“脱贫年份”列：已脱贫户必须填写脱贫年份。")
            if "measures" in row:
                # Measures are kept one a line (Household.measure_list); a cell often uses ；
                row["measures"] = "\n".join(m.strip() for m in re.split(r"[；;\n]", row["measures"]) if m.strip())
            yield row

    out.rows = checked()
    return out


def template_rows(columns):
    """The header row and the explanation row of a downloadable template."""
    return [c.header for c in columns], [("必填。" if c.required else "") + c.help for c in columns]
