"""Benchmark: import of a 200,000-household workbook and the export of 200,000 households.

Run on demand against the configured database (after `generate_demo --scale city`):

    python tests/perf/bench_households.py [--rows 200000]

Prints wall times, peak memory and query counts; it is not a test.
"""

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from rosters.models import User  # noqa: E402
from villages.demo import id_number  # noqa: E402
from villages.models import Household, Village  # noqa: E402
from villages.services import household_import  # noqa: E402


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--export-only", action="store_true",
                        help="measure the export alone, in a fresh process, so that its peak memory is its own")
    args = parser.parse_args()
    if not args.export_only:
        bench_import(args.rows)
    bench_export()


def bench_import(rows):
    villages = list(Village.objects.values_list("county__name", "township__name", "name")[:5000])
    if not villages:
        sys.exit("No villages: run `python manage.py generate_demo --scale city` first.")
    started = time.monotonic()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "家庭人口", "状态", "帮扶措施"])
    offset = 5_000_000  # ID numbers the demo generator does not use
    for i in range(rows):
        c, t, v = villages[i % len(villages)]
        ws.append([c, t, v, f"导入户{i}", id_number(offset + i), 1 + i % 6, "未脱贫", "产业扶贫"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "bench.xlsx"
    print(f"workbook: {rows:,} rows, {len(buffer.getvalue()) / 1024 / 1024:.1f} MB, written in {time.monotonic() - started:.1f} s")

    Household.objects.filter(head_id_number__in=[id_number(offset + i) for i in range(rows)]).delete()
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        created, updated, errors = household_import(acting_user=None, file=buffer)
    print(f"import: {created:,} created, {updated:,} updated, {len(errors)} errors, "
          f"{time.monotonic() - started:.1f} s, {len(queries)} queries")
    buffer.seek(0)
    started = time.monotonic()
    created, updated, errors = household_import(acting_user=None, file=buffer)
    print(f"re-import of the same file: {created} created, {updated} updated, {time.monotonic() - started:.1f} s")


def bench_export():
    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench", password="x")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    before = rss_mb()
    started = time.monotonic()
    response = client.get("/villages/households/export/")
    size = sum(len(chunk) for chunk in response.streaming_content)
    print(f"export: {Household.objects.count():,} households, {size / 1024 / 1024:.1f} MB xlsx, "
          f"{time.monotonic() - started:.1f} s, peak RSS {rss_mb():.0f} MB (was {before:.0f} MB before the export)")


if __name__ == "__main__":
    main()
