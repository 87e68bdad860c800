"""Read a household workbook (Chinese headers, any order) into validated rows.

Place columns (县/乡/村) left blank under a filled cell inherit the value above,
which also covers merged cells in read-only mode. Every problem is reported
with its row and column; nothing is written here.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from .choices import HouseholdStatus
from .excel import check_upload
from .validators import normalize_id_number, validate_id_number, validate_phone

HOUSEHOLD_COLUMNS = [
    # (header, field, kind)
    ("县（市、区）", "county", "place"),
    ("乡（镇）", "township", "place"),
    ("村", "village", "place"),
    ("户主姓名", "head_name", "text"),
    ("户主身份证号", "head_id_number", "id"),
    ("联系电话", "head_phone", "phone"),
    ("家庭人口", "member_count", "int"),
    ("状态", "status", "status"),
    ("识别年份", "identified_year", "year"),
    ("脱贫年份", "exit_year", "year"),
    ("低保户", "is_dibao", "bool"),
    ("五保户/特困供养", "is_wubao", "bool"),
    ("重病户", "is_serious_illness", "bool"),
    ("残疾人户", "is_disabled", "bool"),
    ("老人户", "is_elderly", "bool"),
    ("低收入户", "is_low_income", "bool"),
    ("帮扶责任人", "helper_name", "text"),
    ("帮扶措施", "measures", "text"),
]
REQUIRED = {"county", "township", "village", "head_name", "head_id_number"}
STATUS_BY_LABEL = {label: value for value, label in HouseholdStatus.choices}
TRUE, FALSE = {"是", "√", "✓", "1", "Y", "YES", "TRUE"}, {"否", "", "0", "N", "NO", "FALSE", "×"}


def _norm(header) -> str:
    return re.sub(r"\s+", "", str(header or "")).replace("(", "（").replace(")", "）")


@dataclass
class HouseholdRows:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _convert(kind, raw, label, r):
    text = "" if raw is None else str(raw).strip()
    if kind in ("text", "place"):
        return re.sub(r"\s+", "", text) if kind == "place" else text
    if kind == "id":
        value = normalize_id_number(text)
        validate_id_number(value)
        return value
    if kind == "phone":
        validate_phone(text)
        return text
    if kind in ("int", "year"):
        if text == "":
            return 1 if kind == "int" else None
        try:
            number = int(float(text))
        except ValueError:
            raise ValidationError(f"应填数字，现为“{text}”") from None
        if kind == "year" and not 2013 <= number <= 2100:
            raise ValidationError(f"年份不合理：{number}")
        if kind == "int" and not 1 <= number <= 30:
            raise ValidationError(f"家庭人口应在1至30之间，现为{number}")
        return number
    if kind == "status":
        if text == "":
            return HouseholdStatus.POOR
        if text not in STATUS_BY_LABEL:
            raise ValidationError(f"未知的状态“{text}”，应为：{'、'.join(STATUS_BY_LABEL)}")
        return STATUS_BY_LABEL[text]
    if kind == "bool":
        if text.upper() in TRUE:
            return True
        if text.upper() in FALSE:
            return False
        raise ValidationError(f"应填“是”或“否”，现为“{text}”")
    raise AssertionError(kind)


def read_households(file) -> HouseholdRows:
    check_upload(file, max_mb=None)
    out = HouseholdRows()
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a broken file
        out.errors.append("无法读取该 Excel 文件，请确认文件未损坏且为 .xlsx 格式。")
        return out
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        out.errors.append("文件是空的：第一张工作表没有表头。请使用下载的模板填写。")
        return out
    known = {_norm(h): (f, k, h) for h, f, k in HOUSEHOLD_COLUMNS}
    columns, unknown = {}, []
    for i, h in enumerate(header):
        if h is None or str(h).strip() == "":
            continue
        match = known.get(_norm(h))
        if match:
            columns[i] = match
        else:
            unknown.append(str(h))
    missing = [h for h, f, _ in HOUSEHOLD_COLUMNS if f in REQUIRED and f not in {m[0] for m in columns.values()}]
    if missing or unknown:
        if missing:
            out.errors.append(f"缺少必需的列：{'、'.join(missing)}。")
        if unknown:
            out.errors.append(f"无法识别的列：{'、'.join(unknown)}。请使用下载的模板。")
        return out
    above = {}
    seen_ids = {}
    for r, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        row, ok = {"_row": r}, True
        for i, (fname, kind, label) in columns.items():
            raw = values[i] if i < len(values) else None
            if kind == "place" and (raw is None or str(raw).strip() == ""):
                raw = above.get(fname)  # blank (or merged) place cells inherit the row above
            try:
                row[fname] = _convert(kind, raw, label, r)
            except ValidationError as e:
                out.errors.append(f"第{r}行“{label}”列：{'；'.join(e.messages)}")
                ok = False
        for fname in ("county", "township", "village"):
            above[fname] = row.get(fname)
        for fname in ("head_name", "county", "township", "village"):
            if ok and not row.get(fname):
                out.errors.append(f"第{r}行：“{dict((f, h) for h, f, _ in HOUSEHOLD_COLUMNS)[fname]}”不能为空。")
                ok = False
        if ok:
            first = seen_ids.setdefault(row["head_id_number"], r)
            if first != r:
                out.errors.append(f"第{r}行“户主身份证号”列：与第{first}行重复。")
                ok = False
        if ok and row.get("status") == HouseholdStatus.EXITED and not row.get("exit_year"):
            out.errors.append(f"第{r}行“脱贫年份”列：已脱贫户必须填写脱贫年份。")
            ok = False
        if ok:
            out.rows.append(row)
    if not out.rows and not out.errors:
        out.errors.append("表格中没有贫困户数据。")
    return out
