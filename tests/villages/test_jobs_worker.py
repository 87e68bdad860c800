"""A big export as a job on a real Celery worker (Redis in CI), followed through its page as an officer would."""

import io
import time

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import HouseholdFactory
from villages import jobs
from villages.models import Job


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
