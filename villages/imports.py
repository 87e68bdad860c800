"""The upload → preview → confirm flow of the village and household imports.

One flow serves the officers' page (villages:village_import, villages:household_import)
and the admin (VillageAdmin / HouseholdAdmin "从 Excel 导入"). The upload is checked
by the import service in dry-run mode; only a clean file is kept (under MEDIA_ROOT,
named by a random token held in the session) and, once confirmed, imported by the
same service, all or nothing.
"""

import io
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from . import services
from .forms import ImportUploadForm
from .importers import HOUSEHOLD_COLUMNS, VILLAGE_COLUMNS
from .jobs import IMPORT_JOB_ROWS

KINDS = {
    "villages": {"label": "村", "unit": "个村", "columns": VILLAGE_COLUMNS, "service": services.village_import,
                 "notes": ["按 市/县（市、区）/乡（镇）/村 匹配已有的村（“市”可不填）；乡（镇）中没有的村会新建。",
                           "县（市、区）和乡（镇）不会因导入而新建：名称不在系统中时该行报错。",
                           "只写入文件中有的列：删去某一列，系统中该项保持不变。",
                           "县（市、区）、乡（镇）单元格空白（或合并单元格）时沿用上一行。"]},
    "households": {"label": "贫困户", "unit": "户", "columns": HOUSEHOLD_COLUMNS, "service": services.household_import,
                   "notes": ["按户主身份证号匹配已有贫困户：已有的更新，没有的新增。",
                             "村须已在系统中（按 市/县（市、区）/乡（镇）/村 匹配，“市”可不填）。",
                             "只写入文件中有的列：删去某一列，系统中该项保持不变。",
                             "县（市、区）、乡（镇）、村单元格空白（或合并单元格）时沿用上一行。"]},
}
SESSION_KEY = "villages_import"


def template_response(kind):
    """A workbook with the Chinese headers on sheet 1 and what each column takes on sheet 2."""
    spec = KINDS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = spec["label"]
    ws.append([c.header for c in spec["columns"]])
    for cell, column in zip(ws[1], spec["columns"], strict=True):
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        ws.column_dimensions[cell.column_letter].width = max(10, 2 * len(column.header) + 2)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "是否必填", "说明"])
    for column in spec["columns"]:
        notes.append([column.header, "必填" if column.required else "", column.help])
    notes.append([])
    for line in spec["notes"]:
        notes.append([line])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width, notes.column_dimensions["C"].width = 18, 60
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"{spec['label']}导入模板.xlsx"
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _upload_folder():
    folder = Path(settings.MEDIA_ROOT) / "village_imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save_upload(upload, target):
    upload.seek(0)
    with target.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)


def _sheet_rows(upload):
    """The rows of the upload's first sheet, counted without reading its cells; None when it cannot tell
    (the import itself then reports what is wrong with the file)."""
    from .excel import check_upload
    from .importers import FirstSheet

    try:
        check_upload(upload)
        return FirstSheet(upload, chunk_bytes=1).total_rows()
    except Exception:  # noqa: BLE001 — not a readable workbook: the import says why
        return None
    finally:
        upload.seek(0)


def result_as_dict(result):
    """An ImportResult as a job keeps it (JSON)."""
    from dataclasses import asdict

    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "errors": list(result.errors),
            "samples": {key: [asdict(row) for row in rows] for key, rows in result.samples.items()}}


def result_from_dict(data):
    from .services import ImportResult, PreviewRow

    return ImportResult(
        created=data.get("created", 0), updated=data.get("updated", 0), unchanged=data.get("unchanged", 0),
        errors=list(data.get("errors", [])),
        samples={key: [PreviewRow(**row) for row in rows] for key, rows in data.get("samples", {}).items()},
    )


def _confirm_job(request, kind, spec):
    """Confirm a checked upload that ran as a job: the write runs as a job too (villages/jobs.py)."""
    from .jobs import import_start
    from .models import Job

    check = Job.objects.filter(user=request.user, kind=Job.Kind.IMPORT_CHECK, target=kind, status=Job.Status.DONE,
                               pk=request.POST.get("job") if str(request.POST.get("job", "")).isdigit() else None).first()
    path = Path(check.params.get("path", "")) if check else None
    if check is None or check.result.get("errors") or check.params.get("confirmed") or not path.is_file():
        messages.error(request, "预览已失效，请重新上传文件。")
        return redirect(request.path)
    check.params = {**check.params, "confirmed": True}
    check.save(update_fields=["params"])
    job = import_start(user=request.user, kind=kind, label=spec["label"], path=path, check=check,
                       total=check.rows_total, back=request.path)
    return redirect(job)


def import_flow(request, *, kind, template, context, done_url):
    """Upload and preview (dry run), then confirm (the real import, all or nothing).

    A sheet of more than IMPORT_JOB_ROWS rows is checked, and then written, by background jobs
    (villages/jobs.py): the page hands over at once and the job's page shows the progress and, once
    checked, the same preview with the same confirm button."""
    spec = KINDS[kind]
    context = {**context, "kind": kind, "spec": spec}
    if request.method == "POST" and "confirm" in request.POST and "job" in request.POST:
        return _confirm_job(request, kind, spec)
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(SESSION_KEY) or {}
        path = Path(pending.get("path", ""))
        if pending.get("kind") != kind or pending.get("token") != request.POST.get("token") or not path.is_file():
            messages.error(request, "预览已失效，请重新上传文件。")
            return redirect(request.path)
        with path.open("rb") as fh:
            result = spec["service"](acting_user=request.user, file=fh)
        path.unlink(missing_ok=True)
        request.session.pop(SESSION_KEY, None)
        if result.ok:
            messages.success(request, f"导入完成：新增 {result.created:,} {spec['unit']}，更新 {result.updated:,} {spec['unit']}，"
                                      f"{result.unchanged:,} {spec['unit']}无变化。")
            return redirect(done_url)
        # The data changed between preview and confirm (someone else edited): show why, nothing written.
        return TemplateResponse(request, template, {**context, "form": ImportUploadForm(), "result": result})
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows = _sheet_rows(upload)
        if rows is not None and rows > IMPORT_JOB_ROWS:
            from .jobs import import_start

            target = _upload_folder() / f"{secrets.token_urlsafe(16)}.xlsx"
            _save_upload(upload, target)
            job = import_start(user=request.user, kind=kind, label=spec["label"], path=target, total=rows,
                               back=request.path)
            return redirect(job)
        result = spec["service"](acting_user=request.user, file=upload, dry_run=True)
        context["result"] = result
        if result.ok:
            token = secrets.token_urlsafe(16)
            target = _upload_folder() / f"{token}.xlsx"
            _save_upload(upload, target)
            old = request.session.get(SESSION_KEY) or {}
            if old.get("path"):
                Path(old["path"]).unlink(missing_ok=True)
            request.session[SESSION_KEY] = {"kind": kind, "token": token, "path": str(target)}
            context["token"] = token
    return TemplateResponse(request, template, {**context, "form": form})
