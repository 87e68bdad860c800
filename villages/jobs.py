"""Long exports and imports as background jobs (Celery), with their progress, for the user who started them.

No request of the product may run near gunicorn's timeout: an export of more than EXPORT_JOB_ROWS
rows, or an import of a sheet of more than IMPORT_JOB_ROWS rows, is handed to a worker as a Job
(villages.models.Job). Its page shows a progress bar (rows done of total, polled by htmx about once
a second), and the user may leave and come back to the list of their jobs.

Exports are generic: any export view that answers with ``villages.excel.xlsx_response(...,
request=request)`` becomes a job when it is big. The worker runs the same view again, as the same
user, with the same filters (so the scope is the user's at the time the file is written), and
xlsx_response writes the rows to the job's file instead of the response. Apps above ``villages``
need nothing more than passing ``request`` (and, for an exact progress bar, ``total``).

Files are kept under VAR_DIR/private/jobs (never a public URL), served only to the job's user and
only while the user still sees every county the file was written for; they are removed a day
after (JOB_FILE_HOURS) by the cleanup task on beat (migration 0011).
"""

import logging
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import resolve, reverse
from django.utils import timezone

from .models import Job
from .scoping import visible_county_ids

logger = logging.getLogger(__name__)

EXPORT_JOB_ROWS = getattr(settings, "EXPORT_JOB_ROWS", 5000)  # larger exports run as jobs
IMPORT_JOB_ROWS = getattr(settings, "IMPORT_JOB_ROWS", 5000)  # larger imports run as jobs
JOB_FILE_HOURS = 24  # a finished export is kept for a day
PROGRESS_SECONDS = 0.5  # the job row is updated at most this often


def jobs_folder() -> Path:
    folder = Path(getattr(settings, "JOBS_ROOT", "") or Path(settings.VAR_DIR) / "private" / "jobs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _enqueue(job):
    from .tasks import job_run as task

    transaction.on_commit(lambda: task.delay(job_id=job.pk))


def _scope_of(user):
    ids = visible_county_ids(user)
    return None if ids is None else sorted(ids.values_list("pk", flat=True))


# --- starting jobs ---------------------------------------------------------------------------------

def export_start(request, *, title, total=None) -> Job:
    """A job that runs the current export view again in a worker (see the module docstring)."""
    match = request.resolver_match
    job = Job.objects.create(
        user=request.user, kind=Job.Kind.EXPORT, title=title, target=match.view_name,
        params={"query": request.GET.urlencode(), "args": list(match.args), "kwargs": match.kwargs},
        rows_total=total,
    )
    _enqueue(job)
    return job


def import_start(*, user, kind, label, path, check=None, total=None, back=None) -> Job:
    """A job that checks (check=None: the preview) or writes (check: the preview job it confirms) an upload."""
    job = Job.objects.create(
        user=user, kind=Job.Kind.IMPORT if check else Job.Kind.IMPORT_CHECK, target=kind,
        title=f"{'导入' if check else '检查'}{label}" + (f"（{total:,} 行）" if total else ""),
        params={"path": str(path), "check": check.pk if check else None, "back": back}, rows_total=total,
    )
    _enqueue(job)
    return job


# --- running them ----------------------------------------------------------------------------------

class Progress:
    """Rows done, written to the job's row at most every PROGRESS_SECONDS (the page polls it)."""

    def __init__(self, job):
        self.job = job
        self._last = 0.0

    def __call__(self, done, total=None):
        now = time.monotonic()
        if now - self._last < PROGRESS_SECONDS:
            return
        self._last = now
        fields = {"rows_done": done}
        if total is not None:
            fields["rows_total"] = total
        Job.objects.filter(pk=self.job.pk).update(**fields)


def job_run(*, job_id) -> str:
    """Run a queued job once (a redelivered task finds it taken and returns)."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(status=Job.Status.RUNNING, started_at=now):
        return "skipped"
    job = Job.objects.select_related("user").get(pk=job_id)
    try:
        if job.kind == Job.Kind.EXPORT:
            _run_export(job)
        else:
            _run_import(job)
    except Exception:  # noqa: BLE001 — the job records the failure; the worker goes on
        logger.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, finished_at=timezone.now(),
            error="处理时出错，未能完成。请稍后重试；如果再次失败，请联系系统管理员。",
        )
        return "failed"
    return "done"


def export_request(*, user, target, query="", args=None, kwargs=None, sink):
    """Run an export view as ``user`` with the list's filters, its file going to ``sink`` (see
    villages.excel.xlsx_response) instead of a response. Returns the view's response."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse(target, args=args or None, kwargs=kwargs or None)
    request.GET = QueryDict(query)
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REQUEST_METHOD": "GET"}
    request.user = user
    request.export_sink = sink
    request.resolver_match = match = resolve(request.path)
    return match.func(request, *match.args, **match.kwargs)


def _run_export(job):
    response = export_request(
        user=job.user, target=job.target, query=job.params.get("query", ""), args=job.params.get("args"),
        kwargs=job.params.get("kwargs"), sink=lambda **kw: export_write(job, **kw),
    )
    job.refresh_from_db()
    if job.status != Job.Status.DONE:  # the view refused (the user's scope or rights changed)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, finished_at=timezone.now(),
            error=f"无法导出（{response.status_code}）：您的账号现在不能查看这些数据。",
        )


def export_write(job, *, filename, write, total=None):
    """Called by xlsx_response in the worker: write the file with progress, and finish the job."""
    path = jobs_folder() / f"{job.pk}-{secrets.token_hex(8)}.xlsx"
    progress = Progress(job)
    if total is not None:
        Job.objects.filter(pk=job.pk).update(rows_total=total)
    with path.open("wb") as fh:
        rows = write(fh, progress)
    finished = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE, rows_done=rows, rows_total=rows, file_path=str(path), file_name=filename,
        scope=_scope_of(job.user), finished_at=finished, expires_at=finished + timezone.timedelta(hours=JOB_FILE_HOURS),
    )


def _run_import(job):
    from .imports import KINDS, result_as_dict

    spec = KINDS[job.target]
    path = Path(job.params["path"])
    dry_run = job.kind == Job.Kind.IMPORT_CHECK
    if not path.is_file():
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, finished_at=timezone.now(),
                                             error="上传的文件已过期，请重新上传。")
        return
    with path.open("rb") as fh:
        result = spec["service"](acting_user=job.user, file=fh, dry_run=dry_run, progress=Progress(job))
    if not dry_run or not result.ok:
        path.unlink(missing_ok=True)  # written (or refused): the upload is not needed any more
    finished = timezone.now()
    rows = result.created + result.updated + result.unchanged
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE, result=result_as_dict(result), rows_done=rows, finished_at=finished,
        expires_at=finished + timezone.timedelta(hours=JOB_FILE_HOURS),
    )


# --- reading them ----------------------------------------------------------------------------------

def job_list(*, user):
    """A user's own jobs, newest first (nobody sees another's)."""
    return Job.objects.filter(user=user)


def file_visible(job, user) -> bool:
    """The job's file may be served: it is the user's, finished, not expired, and the user still sees
    every county the file was written for (a user moved to another county loses the file)."""
    if job.user_id != user.pk or job.status != Job.Status.DONE or not job.file_path:
        return False
    if job.expires_at and job.expires_at <= timezone.now():
        return False
    current = _scope_of(user)
    if current is None:
        return True
    return job.scope is not None and set(job.scope) <= set(current)


def jobs_cleanup(*, now=None) -> int:
    """Remove the files and rows of jobs past their day, and uploads left without a job (beat, hourly)."""
    now = now or timezone.now()
    removed = 0
    for job in Job.objects.filter(expires_at__lte=now):
        for name in (job.file_path, job.params.get("path") if job.kind != Job.Kind.EXPORT else None):
            if name:
                Path(name).unlink(missing_ok=True)
        job.delete()
        removed += 1
    # Jobs that never finished (a worker killed mid-way) are given up after a day as well.
    stale = now - timezone.timedelta(hours=JOB_FILE_HOURS)
    for job in Job.objects.filter(created_at__lte=stale, finished_at__isnull=True):
        for name in (job.file_path, job.params.get("path")):
            if name:
                Path(name).unlink(missing_ok=True)
        job.delete()
        removed += 1
    return removed
