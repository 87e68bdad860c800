"""Benchmark of the village app: household import, household export, star recompute.

Not a test: run on demand against the database of DATABASE_URL (SQLite by default),
after loading data, e.g.

    python manage.py migrate && python manage.py load_seed
    python manage.py generate_demo --scale city        # ~3,400 villages, ~60,000 households
    python tests/perf/bench_villages.py --rows 200000

The imported households are named 导入户N; a re-run removes the previous run's
ones first. Queued star recomputations go to an in-memory broker (nothing is
left in a shared queue).

    # province scale (45,753 villages, ~1,900,000 households) needs PostgreSQL:
    DATABASE_URL=postgres://user:pass@127.0.0.1:5432/db python manage.py generate_demo --scale province
    DATABASE_URL=... python tests/perf/bench_villages.py --skip-import --skip-export

Each phase runs in a fresh process so that its peak memory (ru_maxrss) is its own.
Prints wall times, query counts and peak memory. Targets: import of 200,000 households ≤ 15 s on
SQLite with peak memory ≤ 250 MB; export of every household of the province ≤ 60 s; recompute ≤ 60 s.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ID_OFFSET = 5_000_000  # ID numbers the demo generator does not use
BENCH_PREFIX = "导入户"


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s():
    """This process's CPU time: on a machine shared with other work, a steadier figure than the wall time
    (on SQLite the database's work is in this process too)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    import django

    django.setup()


class Queries:
    """Count the statements sent (an executemany counts once) without the debug cursor,
    whose formatting of every parameter would distort the times."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)


def phase_workbook(rows, path):
    from openpyxl import Workbook

    from villages.demo import id_number
    from villages.models import Village

    villages = list(Village.objects.values_list("county__name", "township__name", "name")[:5000])
    if not villages:
        sys.exit("No villages: run `python manage.py generate_demo --scale city` first.")
    started = time.monotonic()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "联系电话", "家庭人口", "状态", "低保户", "帮扶措施"])
    for i in range(rows):
        c, t, v = villages[i % len(villages)]
        ws.append([c, t, v, f"{BENCH_PREFIX}{i}", id_number(ID_OFFSET + i), f"138{i:08d}", 1 + i % 6, "未脱贫",
                   "是" if i % 7 == 0 else "否", "产业扶贫；就业扶贫"])
    wb.save(path)
    print(f"workbook: {rows:,} rows, {os.path.getsize(path) / 1024 / 1024:.1f} MB, written in "
          f"{time.monotonic() - started:.1f} s")


def phase_import(path):
    from django.db import connection

    from rosters.models import User
    from villages.models import Household
    from villages.services import household_import

    # A previous run's rows go without per-row delete signals (this is a benchmark's clean-up, not a change).
    from villages.summaries import village_summaries_refresh

    Household.history.model.objects.filter(head_name__startswith=BENCH_PREFIX)._raw_delete(connection.alias)
    stale = set(Household.objects.filter(head_name__startswith=BENCH_PREFIX).values_list("village_id", flat=True))
    Household.objects.filter(head_name__startswith=BENCH_PREFIX)._raw_delete(connection.alias)
    village_summaries_refresh(village_ids=stale)  # the raw delete sent no signal
    importer = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench", password=None)
    history = Household.history.model.objects
    before = rss_mb()
    for label in ("import (all new)", "re-import of the same file"):
        history_before = history.count()
        started, cpu = time.monotonic(), cpu_s()
        with open(path, "rb") as file, Queries() as queries:
            result = household_import(acting_user=importer, file=file)
        print(f"{label}: {result.created:,} created, {result.updated:,} updated, {result.unchanged:,} unchanged, "
              f"{len(result.errors)} errors, {time.monotonic() - started:.1f} s ({cpu_s() - cpu:.1f} s CPU), "
              f"{queries.count:,} queries, "
              f"{history.count() - history_before:,} history rows")
    print(f"import peak RSS: {rss_mb():.0f} MB ({before:.0f} MB before the import)")


def phase_export():
    """The household export as its background job writes it (villages.jobs.export_request), all households."""
    from rosters.models import User
    from villages.jobs import export_request
    from villages.models import Household

    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench", password=None)
    count = Household.objects.count()
    before = rss_mb()
    started, cpu = time.monotonic(), cpu_s()
    written = {}

    def sink(*, filename, total, write):
        with tempfile.TemporaryFile() as fh:
            written["rows"] = write(fh, None)
            written["size"] = fh.tell()

    export_request(user=user, target="villages:household_export", sink=sink)
    peak = rss_mb()
    print(f"export: {count:,} households ({written['rows']:,} rows), {written['size'] / 1024 / 1024:.1f} MB xlsx, "
          f"{time.monotonic() - started:.1f} s ({cpu_s() - cpu:.1f} s CPU in this process), "
          f"peak RSS {peak:.0f} MB ({peak - before:+.0f} MB over the {before:.0f} MB before the export)")


def phase_recompute():
    from django.db import connection

    from villages.models import Household, StarRating, Village
    from villages.services import star_ratings_recompute, village_snapshots_take

    villages, households = Village.objects.count(), Household.objects.count()
    print(f"database: {connection.vendor}, {villages:,} villages, {households:,} households")
    started = time.monotonic()
    with Queries() as queries:
        rated = star_ratings_recompute()
    print(f"star recompute (all villages): {rated:,} rated in {time.monotonic() - started:.1f} s, "
          f"{queries.count} queries; stars 3/2/1: "
          + "/".join(str(StarRating.objects.filter(stars=n).count()) for n in (3, 2, 1)))
    one = Village.objects.order_by("pk").values_list("pk", flat=True).first()
    started = time.monotonic()
    with Queries() as queries:
        star_ratings_recompute(village_ids=[one])
    print(f"star recompute (one village, after a change): {1000 * (time.monotonic() - started):.0f} ms, "
          f"{queries.count} queries")
    started = time.monotonic()
    village_snapshots_take()
    print(f"monthly snapshot (all villages): {time.monotonic() - started:.1f} s")
    print(f"recompute peak RSS: {rss_mb():.0f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="households in the imported workbook")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-recompute", action="store_true")
    parser.add_argument("--phase", choices=["workbook", "import", "export", "recompute"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        setup_django()
        phases = {
            "workbook": lambda: phase_workbook(args.rows, args.file),
            "import": lambda: phase_import(args.file),
            "export": phase_export,
            "recompute": phase_recompute,
        }
        phases[args.phase]()
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "households.xlsx")
        phases = ["workbook", "import"] if not args.skip_import else []
        phases += [p for p in ("export", "recompute") if not getattr(args, f"skip_{p}")]
        for phase in phases:
            print(f"--- {phase}", flush=True)
            subprocess.run([sys.executable, __file__, "--phase", phase, "--rows", str(args.rows), "--file", path],
                           check=True)


if __name__ == "__main__":
    main()
