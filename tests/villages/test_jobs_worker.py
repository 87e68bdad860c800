"""A big export as a job on a real Celery worker (Redis in CI), followed through its page as an officer would."""

import io
import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from config.celery import app
from tests.conftest import skip_or_fail
from tests.factories import HouseholdFactory
from villages import jobs
from villages.models import Job


@pytest.fixture
def real_worker():
    if connection.vendor == "sqlite":
        # The in-memory test database is shared between threads with table locks: the worker's write of the
        # job fails at once ("table is locked") while the page reads it. CI's PostgreSQL round runs this.
        pytest.skip("真实 worker 上的后台任务在 CI 的 PostgreSQL 一轮中测试（SQLite 内存测试库在两个线程同时读写时锁表）。")
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # noqa: BLE001 — any failure means "not reachable"
        skip_or_fail(f"Celery broker {settings.CELERY_BROKER_URL} unreachable: {exc}")
    if os.environ.get("CI_BROKER") and not settings.CELERY_BROKER_URL.startswith(os.environ["CI_BROKER"]):
        pytest.fail(f"CI asked for a {os.environ['CI_BROKER']} broker, settings have {settings.CELERY_BROKER_URL}")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_an_export_job_runs_on_the_worker_and_its_page_shows_progress_and_the_file(
        real_worker, village_a, officer_a, officer_b, monkeypatch, settings, tmp_path):
    monkeypatch.setattr(jobs, "EXPORT_JOB_ROWS", 10)
    settings.JOBS_ROOT = tmp_path / "jobs"
    HouseholdFactory.create_batch(25, village=village_a)
    client = Client()
    client.force_login(officer_a)
    response = client.get(reverse("villages:household_export"))
    job = Job.objects.get(user=officer_a)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert "25 行" in client.get(job.get_absolute_url()).content.decode()  # the total, from the start
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # as the page's htmx polling does, about once a second
        fragment = client.get(reverse("villages:job_progress", args=[job.pk]))
        job.refresh_from_db()
        if job.is_finished:
            break
        assert fragment.status_code == 200 and 'hx-trigger="every 1s"' in fragment.content.decode()
        time.sleep(0.5)
    assert job.status == Job.Status.DONE, job.error
    page = client.get(job.get_absolute_url()).content.decode()
    assert "已完成" in page and "25 / 25 行" in page and "100%" in page
    download = client.get(reverse("villages:job_download", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 26
    other = Client()
    other.force_login(officer_b)
    assert other.get(reverse("villages:job_download", args=[job.pk])).status_code == 404
