"""Excel helpers shared by every app: safe, streamed xlsx writing and checked reading."""

import datetime
import tempfile
import zipfile
from decimal import Decimal
from itertools import chain, islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse

MAX_UNCOMPRESSED_RATIO = 100
# Text that Excel would read as a formula; writers built on openpyxl (the dashboards' tables) set such
# cells to text. The exports below need no such care: rustpy-xlsxwriter writes every str as text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767  # Excel's limit for one cell's text


SHEET_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header


def write_xlsx(fh, *, sheet_title, headers, rows, column_widths=None, progress=None, total=None, plain=False) -> int:
    """Write rows (lists, one value per header) as an xlsx workbook to a binary file; returns the rows written.

    The writer is rustpy-xlsxwriter (Rust's rust_xlsxwriter, in constant-memory mode): it writes the
    household export of a province (2,016,228 rows × 26 columns) several times faster than
    openpyxl's write-only mode (tests/perf/bench_excel_writers.py prints the comparison), and
    memory stays flat. Every text is written as text — "=1+1" stays the characters =1+1, never a
    live formula (formula-looking text is what an attacker would type into a name) — and dates as
    dates in yyyy-mm-dd. ``progress(rows written)`` is called every 1,000 rows. ``total`` (the rows
    expected) decides how many sheets a list longer than Excel's sheet needs.

    Each cell is checked (text cut at Excel's 32,767 characters, decimals as numbers) unless the caller
    says its rows are ``plain``: only None, bool, int, float, dates and text within that limit (the
    household export of a province, whose one free-text column is cut by the query).
    """
    from rustpy_xlsxwriter import FastExcel, Format

    headers = [str(h) for h in headers]
    if len(set(headers)) != len(headers):
        raise ValueError(f"duplicate column headers: {headers}")
    rows = iter(rows)
    head = list(islice(rows, 50))  # the first rows tell which columns hold dates
    if not head:
        _write_header_only(fh, sheet_title=sheet_title, headers=headers, column_widths=column_widths)
        return 0
    counted = [0]

    def records():
        n = 0
        try:
            for values in chain(head, rows):
                n += 1
                if progress and not n % 1000:
                    progress(n)
                if not plain:  # _cell only where needed: at two million rows a call per cell is seconds
                    values = [v if (t := type(v)) in _PLAIN or (t is str and len(v) <= MAX_CELL_TEXT) else _cell(v)
                              for v in values]
                yield dict(zip(headers, values, strict=True))
        finally:
            counted[0] = n

    # A sheet holds at most 1,048,576 rows (Excel's limit): a province's households go on as many sheets
    # as they need (贫困户, 贫困户（2）), each with its header. The margin covers rows added since counting.
    sheets = max(1, -(-(total + total // 100 + 1) // SHEET_ROWS)) if total else 1
    shared = records()
    excel = FastExcel(fh)
    for n in range(sheets):
        excel.sheet(
            sheet_title[:31] if n == 0 else f"{sheet_title[:26]}（{n + 1}）", islice(shared, SHEET_ROWS),
            header_format=Format().set_bold(), column_widths=list(column_widths) if column_widths else None,
            column_formats=_date_formats(headers, head, Format),
        )
    excel.save()
    if next(shared, None) is not None:
        raise ValueError(f"more than {sheets * SHEET_ROWS:,} rows for {sheets} sheet(s): pass the export's total")
    return counted[0]


def _write_header_only(fh, *, sheet_title, headers, column_widths):
    """An export with no rows still names its columns (the writer above needs a row to know them)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    for i, width in enumerate(column_widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.data_type, cell.font = "s", Font(bold=True)
        cells.append(cell)
    ws.append(cells)
    wb.save(fh)


_PLAIN = frozenset({int, float, bool, type(None), datetime.date, datetime.datetime})


def _cell(value):
    if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
        return value[:MAX_CELL_TEXT]
    if isinstance(value, Decimal):
        return float(value)
    return value


def _date_formats(headers, head, Format):
    """Dates read as dates (2018-10-23), not as a timestamp at midnight."""
    formats = {}
    for row in head:
        for header, value in zip(headers, row, strict=True):
            if header in formats:
                continue
            if isinstance(value, datetime.datetime):
                formats[header] = Format().set_num_format("yyyy-mm-dd hh:mm")
            elif isinstance(value, datetime.date):
                formats[header] = Format().set_num_format("yyyy-mm-dd")
    return formats or None


def xlsx_response(*, filename, sheet_title, headers, rows, column_widths=None, request=None, total=None, plain=False):
    """The rows as an xlsx download — or, for a big export, a background job (villages/jobs.py).

    With ``request`` given, an export of more than EXPORT_JOB_ROWS rows is not written in the
    request: a job is started and the user is sent to its page (progress bar, then the file). The
    size is ``total()`` when the view can count cheaply, else found by reading that many rows.
    In the worker the same view runs again (jobs.export_request) and this writes the job's file.
    Memory stays flat however many rows there are: rows are written as they come, to disk.
    """
    from django.shortcuts import redirect

    from . import jobs

    sink = getattr(request, "export_sink", None)
    if sink is not None:  # in a worker (jobs.export_write) or the export command: write the file there
        size = total() if total else None
        sink(filename=filename, total=size, write=lambda fh, progress: write_xlsx(
            fh, sheet_title=sheet_title, headers=headers, rows=rows, column_widths=column_widths, progress=progress,
            total=size, plain=plain))
        return HttpResponse(status=204)
    size = None
    if request is not None:
        size = total() if total else None
        if size is None:
            rows = iter(rows)
            head = list(islice(rows, jobs.EXPORT_JOB_ROWS + 1))
            size = len(head) if len(head) <= jobs.EXPORT_JOB_ROWS else None
            rows = chain(head, rows)
        if size is None or size > jobs.EXPORT_JOB_ROWS:
            job = jobs.export_start(request, title=f"导出{sheet_title}" + (f"（{size:,} 行）" if size else ""), total=size)
            return redirect(job)
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(tmp, sheet_title=sheet_title, headers=headers, rows=rows, column_widths=column_widths, total=size,
               plain=plain)
    tmp.seek(0)
    return FileResponse(
        tmp, as_attachment=True, filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def check_upload(file, *, max_mb=None):
    """Refuse what is not a sane xlsx before openpyxl opens it (size, zip, zip bomb)."""
    max_mb = max_mb or settings.MAX_UPLOAD_MB
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    file.seek(0)
    if size > max_mb * 1024 * 1024:
        raise ValidationError(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {max_mb} MB。")
    if size == 0:
        raise ValidationError("文件为空，请选择填写好的 Excel 文件。")
    name = getattr(file, "name", "") or ""
    if name and not name.lower().endswith(".xlsx"):
        raise ValidationError("文件类型不正确：请上传 .xlsx 格式的 Excel 文件（旧版 .xls 请先另存为 .xlsx）。")
    if not zipfile.is_zipfile(file):
        file.seek(0)
        raise ValidationError("文件不是有效的 .xlsx 格式的 Excel 文件，请用 Excel 另存为 .xlsx 后重新上传。")
    file.seek(0)
    with zipfile.ZipFile(file) as zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if len(infos) > 10000 or total > max(size, 1) * MAX_UNCOMPRESSED_RATIO or total > 1024**3:
            raise ValidationError("文件内容异常（解压后体积过大），已拒绝。")
        if "xl/workbook.xml" not in {i.filename for i in infos}:
            raise ValidationError("文件不是有效的 .xlsx 格式的 Excel 文件。")
    file.seek(0)
