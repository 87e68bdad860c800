"""Long exports and imports as background jobs (villages/jobs.py), through the pages an officer uses.

The thresholds are lowered so that a handful of rows is "big"; tasks run eagerly in-process when
the request's transaction commits (tests/conftest.py). tests/villages/test_jobs_worker.py runs
the same on a real Celery worker.
"""

import io
import zipfile
from urllib.parse import unquote

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import HouseholdFactory, make_id_number
from villages import jobs
from villages.models import Household, Job
from villages.summaries import summaries_equal_a_recount

from .conftest import xlsx

pytestmark = pytest.mark.django_db

EXPORT = reverse("villages:household_export")


@pytest.fixture(autouse=True)
def small_thresholds(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(jobs, "EXPORT_JOB_ROWS", 3)
    monkeypatch.setattr("villages.imports.IMPORT_JOB_ROWS", 2)
    settings.JOBS_ROOT = tmp_path / "jobs"


@pytest.fixture
def households(village_a, village_b):
    HouseholdFactory(village=village_a, head_name="=1+1")  # what an attacker would type: must stay text
    HouseholdFactory.create_batch(4, village=village_a)
    HouseholdFactory.create_batch(2, village=village_b)  # another county


def run_export(client, django_capture_on_commit_callbacks, **params):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXPORT, params)
    return response


def test_a_big_export_is_a_job_with_its_progress_page_and_its_file(client_a, officer_a, households,
                                                                   django_capture_on_commit_callbacks):
    response = run_export(client_a, django_capture_on_commit_callbacks)
    job = Job.objects.get(user=officer_a)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.kind, job.status, job.rows_done, job.rows_total) == ("export", "done", 5, 5)
    page = client_a.get(job.get_absolute_url()).content.decode()
    assert "已完成" in page and "5 / 5 行" in page and reverse("villages:job_download", args=[job.pk]) in page
    assert job.get_absolute_url() in client_a.get(reverse("villages:job_list")).content.decode()
    download = client_a.get(reverse("villages:job_download", args=[job.pk]))
    assert download.status_code == 200 and "贫困户列表" in unquote(download["Content-Disposition"])
    content = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet  # "=1+1" is text, not a formula
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 5  # officer_a's county only
    names = {r[3] for r in rows[1:]}
    assert "=1+1" in names
    assert all("*" in r[4] and len(r[4]) == 18 for r in rows[1:])  # ID numbers masked


def test_a_small_export_is_served_at_once(client_a, households):
    response = client_a.get(EXPORT, {"q": "=1+1"})
    assert response.status_code == 200 and not Job.objects.exists()
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["=1+1"]


def test_an_empty_export_still_names_its_columns(client_a, village_a):
    response = client_a.get(EXPORT)
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("县（市、区）", "乡（镇）", "村", "户主姓名") and len(rows) == 1


def test_the_file_is_refused_to_another_user_and_to_a_user_whose_scope_moved(
        client_a, officer_a, officer_b, city_user, county_b, households, django_capture_on_commit_callbacks):
    from django.test import Client

    run_export(client_a, django_capture_on_commit_callbacks)
    job = Job.objects.get(user=officer_a)
    for other in (officer_b, city_user):  # even the city office, who sees the county: not theirs
        client = Client()
        client.force_login(other)
        assert client.get(job.get_absolute_url()).status_code == 404
        assert client.get(reverse("villages:job_download", args=[job.pk])).status_code == 404
        assert client.get(reverse("villages:job_progress", args=[job.pk])).status_code == 404
        assert job.get_absolute_url() not in client.get(reverse("villages:job_list")).content.decode()
    officer_a.county = county_b  # moved to another county: the file of the old one is no longer theirs
    officer_a.save()
    assert client_a.get(reverse("villages:job_download", args=[job.pk])).status_code == 404
    assert "您已不能查看其中的数据" in client_a.get(job.get_absolute_url()).content.decode()


def test_a_city_wide_file_is_kept_by_a_user_still_seeing_the_city(client, city_user, households,
                                                                    django_capture_on_commit_callbacks):
    client.force_login(city_user)
    run_export(client, django_capture_on_commit_callbacks)
    job = Job.objects.get(user=city_user)
    assert job.rows_done == 7 and sorted(job.scope)  # both counties of the city
    assert client.get(reverse("villages:job_download", args=[job.pk])).status_code == 200


def test_progress_while_queued_then_the_page_reloads_when_done(client_a, officer_a, households,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_a.get(EXPORT)
    job = Job.objects.get(user=officer_a)
    fragment = client_a.get(reverse("villages:job_progress", args=[job.pk])).content.decode()
    assert "排队中" in fragment and 'hx-trigger="every 1s"' in fragment and "0 / 5 行" in fragment
    for callback in callbacks:
        callback()
    done = client_a.get(reverse("villages:job_progress", args=[job.pk]), {"running": "1"})
    assert done["HX-Refresh"] == "true"
    assert 'hx-trigger' not in client_a.get(reverse("villages:job_progress", args=[job.pk])).content.decode()


def test_a_job_runs_once_however_often_it_is_delivered(client_a, officer_a, households,
                                                       django_capture_on_commit_callbacks):
    run_export(client_a, django_capture_on_commit_callbacks)
    job = Job.objects.get(user=officer_a)
    assert jobs.job_run(job_id=job.pk) == "skipped"


def test_files_are_removed_a_day_after(client_a, officer_a, households, django_capture_on_commit_callbacks):
    from pathlib import Path

    run_export(client_a, django_capture_on_commit_callbacks)
    job = Job.objects.get(user=officer_a)
    path = Path(job.file_path)
    assert path.is_file()
    from villages.tasks import jobs_cleanup

    assert jobs_cleanup() == 0 and path.is_file()  # within the day
    with time_machine.travel(job.expires_at + jobs.timezone.timedelta(minutes=1)):
        assert jobs_cleanup() == 1
    assert not path.exists() and not Job.objects.exists()


def test_the_cleanup_is_on_beat():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="villages.tasks.jobs_cleanup")
    assert task.crontab.minute == "17" and str(task.crontab.timezone) == "Asia/Shanghai"


HEADER = ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "家庭人口", "状态"]


def test_a_big_import_is_checked_then_written_by_jobs(client_a, officer_a, village_a,
                                                     django_capture_on_commit_callbacks):
    t = village_a.township
    rows = [[t.county.name, t.name, village_a.name, f"导入{n}", make_id_number(), 2, "未脱贫"] for n in range(3)]
    url = reverse("villages:household_import")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(url, {"file": xlsx(HEADER, rows)})
    check = Job.objects.get(user=officer_a, kind=Job.Kind.IMPORT_CHECK)
    assert response.url == check.get_absolute_url() and check.status == "done"
    page = client_a.get(check.get_absolute_url()).content.decode()
    assert "将新增 <strong>3</strong> 户" in page and "确认导入" in page and not Household.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(url, {"confirm": "1", "job": check.pk})
    write = Job.objects.get(user=officer_a, kind=Job.Kind.IMPORT)
    assert response.url == write.get_absolute_url() and write.status == "done"
    assert "导入完成：新增 3 户" in client_a.get(write.get_absolute_url()).content.decode()
    assert Household.objects.filter(village=village_a).count() == 3
    assert summaries_equal_a_recount() == {}
    # The same preview cannot be confirmed twice.
    response = client_a.post(url, {"confirm": "1", "job": check.pk}, follow=True)
    assert "预览已失效" in response.content.decode() and Household.objects.count() == 3


def test_a_big_import_with_errors_shows_them_by_row_and_cannot_be_confirmed(
        client_a, officer_a, village_a, django_capture_on_commit_callbacks):
    t = village_a.township
    rows = [[t.county.name, t.name, village_a.name, "甲", make_id_number(), 2, "未脱贫"],
            [t.county.name, t.name, "没有这个村", "乙", make_id_number(), 2, "未脱贫"],
            [t.county.name, t.name, village_a.name, "丙", make_id_number(), 40, "未脱贫"]]
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(reverse("villages:household_import"), {"file": xlsx(HEADER, rows)})
    check = Job.objects.get(user=officer_a)
    page = client_a.get(check.get_absolute_url()).content.decode()
    assert page.index("第3行") < page.index("第4行“家庭人口”列") and "确认导入" not in page
    response = client_a.post(reverse("villages:household_import"), {"confirm": "1", "job": check.pk}, follow=True)
    assert "预览已失效" in response.content.decode() and not Household.objects.exists()


def test_another_users_check_cannot_be_confirmed(client, officer_a, officer_b, village_a,
                                                django_capture_on_commit_callbacks):
    t = village_a.township
    rows = [[t.county.name, t.name, village_a.name, f"导入{n}", make_id_number(), 2, "未脱贫"] for n in range(3)]
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("villages:household_import"), {"file": xlsx(HEADER, rows)})
    check = Job.objects.get()
    client.force_login(officer_b)
    response = client.post(reverse("villages:household_import"), {"confirm": "1", "job": check.pk}, follow=True)
    assert "预览已失效" in response.content.decode() and not Household.objects.exists()


def test_the_commands_print_a_progress_bar(tmp_path, officer_a, village_a, households):
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "户.xlsx"
    call_command("export_list", "villages:household_export", "--user", officer_a.username, "-o", str(target),
                 stdout=out, stderr=err)
    assert "[" in err.getvalue() and "100%" in err.getvalue() and "5 / 5 行" in err.getvalue()
    assert "已导出 5 行" in out.getvalue() and len(list(load_workbook(target).active.iter_rows())) == 6
    t = village_a.township
    path = tmp_path / "in.xlsx"
    path.write_bytes(xlsx(HEADER, [[t.county.name, t.name, village_a.name, "命令户", make_id_number(), 2, "未脱贫"]]).read())
    err = io.StringIO()
    call_command("import_households", str(path), "--user", officer_a.username, stdout=io.StringIO(), stderr=err)
    assert "100%" in err.getvalue() and Household.objects.filter(head_name="命令户").exists()


def test_export_command_refuses_an_unknown_user_and_filters_by_the_list(tmp_path, officer_a, households):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不存在"):
        call_command("export_list", "villages:household_export", "--user", "nobody")
    target = tmp_path / "one.xlsx"
    call_command("export_list", "villages:household_export", "--user", officer_a.username, "--filter", "q==1+1",
                 "-o", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    assert [r[3] for r in load_workbook(target).active.iter_rows(min_row=2, values_only=True)] == ["=1+1"]


def test_inspections_exports_become_jobs_too(client, city_user, django_capture_on_commit_callbacks, monkeypatch):
    """Any export that passes its request to xlsx_response: here the empty visit export stays direct,
    and with the threshold at zero rows it runs as a job."""
    client.force_login(city_user)
    assert client.get(reverse("inspections:visit_export")).status_code == 200
    monkeypatch.setattr(jobs, "EXPORT_JOB_ROWS", -1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("inspections:visit_export"))
    job = Job.objects.get(user=city_user)
    assert response.url == job.get_absolute_url() and job.status == "done" and job.target == "inspections:visit_export"
    assert client.get(reverse("villages:job_download", args=[job.pk])).status_code == 200


def test_job_list_is_the_users_own(client, officer_a, officer_b):
    Job.objects.create(user=officer_b, kind=Job.Kind.EXPORT, title="别人的导出", target="villages:household_export")
    client.force_login(officer_a)
    assert "别人的导出" not in client.get(reverse("villages:job_list")).content.decode()


def test_a_list_longer_than_an_excel_sheet_goes_on_more_sheets(client_a, officer_a, households, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    from villages import excel

    monkeypatch.setattr(excel, "SHEET_ROWS", 2)  # Excel's 1,048,575 rows, made small
    run_export(client_a, django_capture_on_commit_callbacks)
    job = Job.objects.get(user=officer_a)
    assert job.status == "done" and job.rows_done == 5
    content = b"".join(client_a.get(reverse("villages:job_download", args=[job.pk])).streaming_content)
    book = load_workbook(io.BytesIO(content))
    sheets = book.worksheets
    assert [ws.title for ws in sheets] == ["贫困户", "贫困户（2）", "贫困户（3）"]
    assert all(ws.cell(1, 1).value == "县（市、区）" for ws in sheets)  # each with its header
    assert sum(ws.max_row - 1 for ws in sheets) == 5


def test_free_text_longer_than_an_excel_cell_is_cut_not_a_failed_export(client_a, village_a):
    # Excel refuses a cell of more than 32,767 characters: the export writes the first 32,767.
    HouseholdFactory(village=village_a, head_name="长措施户", measures="种植" * 20000)
    response = client_a.get(EXPORT)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == "长措施户")
    assert row[header.index("帮扶措施")] == ("种植" * 20000)[:32767]
