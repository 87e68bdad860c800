"""A long export in the browser: the job's page polls its progress (htmx) and shows the file when done.

Screenshots at 1366×768 and 390 px of a running job, a finished one and the list of jobs."""

import pytest
from playwright.sync_api import expect

from tests.factories import HouseholdFactory
from villages import jobs
from villages.models import Job

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Daochu-e2e-2018"
SIZES = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}


def test_progress_bar_follows_the_job_and_the_file_appears(page, live_server, officer_a, village_a, artifacts,
                                                         monkeypatch, settings, tmp_path):
    settings.JOBS_ROOT = tmp_path / "jobs"
    officer_a.set_password(PASSWORD)
    officer_a.save()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(officer_a.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_attached()

    # A job as the worker leaves it half-way: the page shows the bar and keeps asking.
    running = Job.objects.create(user=officer_a, kind=Job.Kind.EXPORT, status=Job.Status.RUNNING,
                                 title="导出贫困户（200,000 行）", target="villages:household_export",
                                 rows_done=84_000, rows_total=200_000)
    page.goto(f"{live_server.url}{running.get_absolute_url()}")
    expect(page.locator(".job-rows")).to_contain_text("84,000 / 200,000 行")
    expect(page.locator(".progress-bar")).to_have_text("42%")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(artifacts / f"job_running_{size}.png"), full_page=True)
    Job.objects.filter(pk=running.pk).update(rows_done=150_000)
    expect(page.locator(".job-rows")).to_contain_text("150,000 / 200,000 行", timeout=5000)  # polled, not reloaded
    Job.objects.filter(pk=running.pk).update(status=Job.Status.FAILED, error="处理时出错，未能完成。")
    expect(page.get_by_text("处理时出错，未能完成。")).to_be_visible(timeout=5000)  # the page reloads when it ends

    # A real export through the list's button: more rows than the threshold, so a job (run at once here).
    monkeypatch.setattr(jobs, "EXPORT_JOB_ROWS", 5)
    HouseholdFactory.create_batch(8, village=village_a)
    page.goto(f"{live_server.url}/villages/households/")
    page.get_by_role("link", name="导出 Excel").click()
    expect(page.get_by_role("heading", name="导出贫困户（8 行）")).to_be_visible()
    expect(page.locator(".job-rows")).to_contain_text("已完成：已处理 8 / 8 行")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载").click()
    assert download.value.suggested_filename.startswith("贫困户列表_")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(artifacts / f"job_done_{size}.png"), full_page=True)
    page.get_by_role("link", name="我的导出和导入").first.click()
    expect(page.locator("tbody tr")).to_have_count(2)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(artifacts / f"job_list_{size}.png"), full_page=True)
