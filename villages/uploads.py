"""Evidence files (佐证材料) that officers upload: the one content check, private storage, thumbnails.

Every app that takes evidence (a listed village's exit indicator, a problem item's
整改情况) asks ``check_evidence``: the type comes from the bytes, never from the name
or the browser's word (PITFALLS: uploaded evidence), the size is bounded, and an
empty file is refused. Office files are looked into: a .docx/.xlsx must be the zip
such a document is (and carry no macros), a .doc/.xls/.wps/.et must be the OLE2
compound file with a Word or Excel stream in it — not any zip or OLE2 container
(an .msi installer is one too).

Files live under ``VAR_DIR/private`` (``private_storage``), outside the static files
and any public media URL, and are served only by views that scope the object (``private_file_response``).
"""

import io
import zipfile
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"

# What a county office sends as evidence: photos, scans, PDFs, documents and spreadsheets
# (Microsoft Office and WPS Office, whose .wps/.et files are Word/Excel-compatible OLE2 files).
EVIDENCE_TYPES = {
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "application/pdf": "PDF 文件",
    DOCX: "Word 文件",
    XLSX: "Excel 文件",
    DOC: "Word 97-2003 / WPS 文字文件",
    XLS: "Excel 97-2003 / WPS 表格文件",
}
IMAGE_TYPES = {"image/jpeg", "image/png"}
ALLOWED_WORDS = "JPEG、PNG 图片，PDF，Word、Excel 或 WPS 文件"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_ENTRIES = 5000
MAX_UNCOMPRESSED_RATIO = 200


def _refuse(field, message):
    raise ValidationError({field: [message]} if field else message)


def _size_of(upload):
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    return size


def _ooxml_type(upload):
    """A .docx or .xlsx by its parts; None for any other zip (or a zip bomb)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if len(infos) > MAX_ZIP_ENTRIES or total > max(_size_of(upload), 1) * MAX_UNCOMPRESSED_RATIO:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.endswith("vbaProject.bin") for n in names):
        return "macro"
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _utf16_entry(name):
    """A compound-file directory entry's name field: UTF-16LE, NUL-terminated, with its byte length."""
    raw = (name + "\0").encode("utf-16-le")
    return raw, len(raw).to_bytes(2, "little")


OLE2_STREAMS = {
    DOC: [_utf16_entry("WordDocument")],  # Word 97-2003, WPS 文字 (.wps)
    XLS: [_utf16_entry("Workbook"), _utf16_entry("Book")],  # Excel 97-2003 (BIFF8/BIFF5), WPS 表格 (.et)
}


def _ole2_type(upload):
    """A .doc/.wps or .xls/.et: an OLE2 compound file whose directory names a Word or Excel stream.

    Directory entries are 128 bytes, aligned to 128 in the file (sectors are 512 or 4096 bytes
    after a 512-byte header), with the name at the start and its length at byte 64.
    """
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    for mime, entries in OLE2_STREAMS.items():
        for raw, length in entries:
            at = data.find(raw)
            while at != -1:
                if at % 128 == 0 and data[at + 64:at + 66] == length:
                    return mime
                at = data.find(raw, at + 1)
    return None


def check_evidence(upload, *, max_bytes=None, field="evidence_file"):
    """The evidence's content type (a key of EVIDENCE_TYPES), or a ValidationError in Chinese."""
    max_bytes = max_bytes or settings.MAX_UPLOAD_MB * 1024 * 1024
    name = Path(getattr(upload, "name", "") or "文件").name
    size = _size_of(upload)
    if size == 0:
        _refuse(field, f"“{name}”是空文件，请重新选择。")
    if size > max_bytes:
        _refuse(field, f"“{name}”过大（{size / 1024 / 1024:.1f} MB），每个文件上限为 {max_bytes / 1024 / 1024:g} MB。")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(ZIP_MAGIC):
        mime = _ooxml_type(upload)
        if mime == "macro":
            _refuse(field, f"“{name}”含有宏，不能上传：请另存为不含宏的 .docx 或 .xlsx 文件。")
    elif head.startswith(OLE2_MAGIC):
        mime = _ole2_type(upload)
    else:
        kind = filetype.guess(head)
        mime = kind.mime if kind else None
    if mime not in EVIDENCE_TYPES:
        _refuse(field, f"“{name}”不是可接受的文件类型（按文件内容识别）：佐证材料只接受 {ALLOWED_WORDS}。")
    return mime


# --- private storage ------------------------------------------------------------------------------

@deconstructible
class PrivateStorage(FileSystemStorage):
    """Under VAR_DIR/private, read on every access (tests change VAR_DIR); no URL: served by scoped views."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(Path(settings.VAR_DIR) / "private")

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()


# --- thumbnails -----------------------------------------------------------------------------------

THUMBNAIL_SIZE = (320, 320)
MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel photo is already more than any phone takes


def image_thumbnail(upload, *, field="evidence_file"):
    """A small JPEG of an uploaded photo (bytes), so the item page does not load every full photo.

    A file whose bytes say JPEG or PNG but that does not decode is refused: it is not a photo.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = Path(getattr(upload, "name", "") or "图片").name
    upload.seek(0)
    try:
        with Image.open(upload) as im:
            if im.width * im.height > MAX_IMAGE_PIXELS:
                _refuse(field, f"“{name}”的像素过多（{im.width}×{im.height}），请缩小后上传。")
            im.load()
            im = ImageOps.exif_transpose(im)  # phones store the rotation apart from the pixels
            im.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            im.convert("RGB").save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        _refuse(field, f"“{name}”不是完整的图片文件，无法打开，请重新拍照或导出后上传。")
    finally:
        upload.seek(0)
    return out.getvalue()


def private_file_response(field, *, filename, content_type, inline):
    """An evidence file from the private storage, for a view that has already scoped its object (404 otherwise)."""
    try:
        handle = field.open("rb")
    except FileNotFoundError as e:
        raise Http404("文件不存在。") from e
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Whatever a file holds, it runs nothing in the officer's browser.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response
