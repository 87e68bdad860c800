"""Excel helpers shared by every app: safe, streamed xlsx writing and checked reading."""

import tempfile
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_UNCOMPRESSED_RATIO = 100


def _cell(ws, value, *, bold=False):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # Never let a typed "=..." become a live formula in someone's Excel.
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_response(*, filename, sheet_title, headers, rows, column_widths=None):
    """Write rows into a write-only workbook on disk and stream it back.

    Memory stays flat however many rows there are: openpyxl's write-only mode
    writes each row as it comes, and the file is served from disk.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    for i, width in enumerate(column_widths or [], start=1):
        ws.column_dimensions[_column_letter(i)].width = width
    ws.append([_cell(ws, h, bold=True) for h in headers])
    for row in rows:
        ws.append([_cell(ws, v) for v in row])
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(tmp)
    tmp.seek(0)
    return FileResponse(
        tmp, as_attachment=True, filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


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
