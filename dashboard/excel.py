"""The dashboards' tables as Excel: a title row, the filters, then the table (villages/excel.py's rules).

Formula-looking text stays text (villages.excel.FORMULA_PREFIXES); rates are written as
numbers formatted as percentages, so the workbook still sums and sorts.
"""

import re
import tempfile

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from villages.excel import FORMULA_PREFIXES

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")


def _cell(ws, value, *, font=None, fmt=None, fill=None):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # never a live formula in someone's Excel
    if font:
        cell.font = font
    if fmt:
        cell.number_format = fmt
    if fill:
        cell.fill = fill
    return cell


def _value(c):
    """A panel cell as the value Excel should hold."""
    if c is None:
        return None
    v, kind = c.get("v"), c.get("f")
    if kind == "pct":
        return (None, None) if v is None else (v / 100.0, "0.0%")
    if kind == "quota":
        return f"{v}/{c.get('of')}", None
    if kind == "date":
        return v, "yyyy年m月d日"
    return v, None


def _sheet_title(name, used):
    name = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or "表"
    title, n = name, 2
    while title in used:
        title = f"{name[:26]}{n}"
        n += 1
    used.add(title)
    return title


def write_sheet(wb, title, table, *, heading, filters, today, used):
    ws = wb.create_sheet(title=_sheet_title(title, used))
    widths = [max(12, min(40, len(c["label"]) * 2 + 2)) for c in table["columns"]]
    if table.get("first_wide") and widths:
        widths[0] = 28
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append([_cell(ws, f"{heading} · {table['title']}", font=TITLE)])
    ws.append([_cell(ws, f"筛选条件：{filters}；制表日期：{today.year}年{today.month}月{today.day}日")])
    if table.get("note"):
        ws.append([_cell(ws, table["note"])])
    ws.append([])
    ws.append([_cell(ws, c["label"], font=BOLD, fill=HEADER_FILL) for c in table["columns"]])
    for row in [*table["rows"], *([table["total"]] if table.get("total") else [])]:
        out = []
        for c in row:
            value, fmt = _value(c)
            out.append(_cell(ws, value, fmt=fmt, font=BOLD if row is table.get("total") else None))
        ws.append(out)
    if not table["rows"]:
        ws.append([_cell(ws, "（无数据）")])
    return ws


def workbook_response(*, filename, sheets, heading, filters, today):
    """Sheets of (title, table) → one workbook, streamed from disk."""
    wb = Workbook(write_only=True)
    used = set()
    for title, table in sheets:
        write_sheet(wb, title, table, heading=heading, filters=filters, today=today, used=used)
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(tmp)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


