"""Benchmark of the reminder runs: time and query count of each schedule and of the e-mail digest.

Not a test: run on demand against the database of DATABASE_URL (SQLite by default):

    python tests/perf/bench_reminders.py                 # city scale: 10 counties
    python tests/perf/bench_reminders.py --counties 160  # province scale

Inside one transaction that is rolled back at the end, it adds to whatever the
database holds: N counties with their officers, a guidance campaign whose groups
cover two counties each (with visits for half of the counties), an inspection
campaign, and their leaders' accounts; then runs every schedule on the dates it
fires (a Monday, the 1st, the 4th, a quarter's last working day) twice — the
second run finds everything already sent — and the day's digest. The query
count of a run must not grow with the number of counties, teams or visits
(finders are set-based); the digest costs a few queries per person mailed.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from inspections.choices import VisitStatus  # noqa: E402
from inspections.models import GuidanceVisit  # noqa: E402
from reminders import services  # noqa: E402
from rosters.choices import MemberRole, Role, TeamKind  # noqa: E402
from rosters.models import Campaign, Person, Team, TeamCounty, TeamMember, User  # noqa: E402
from villages.models import City, County, Province, Township, Village  # noqa: E402

D = datetime.date


class Rollback(Exception):
    pass


def build(n_counties, officers_per_county):
    province, _ = Province.objects.get_or_create(name="基准省")
    city = City.objects.create(province=province, name="基准市")
    counties = County.objects.bulk_create([County(city=city, name=f"基准县{i}") for i in range(n_counties)])
    townships = Township.objects.bulk_create([Township(county=c, name="基准镇") for c in counties])
    villages = Village.objects.bulk_create([Village(township=t, county=t.county, name="基准村") for t in townships])
    users = [User(username=f"bench-officer-{c.pk}-{j}", role=Role.COUNTY, county=c, email=f"o{c.pk}-{j}@example.cn")
             for c in counties for j in range(officers_per_county)]
    User.objects.bulk_create(users)
    User.objects.create(username="bench-city", role=Role.CITY, city=city, email="city@example.cn")
    guidance = Campaign.objects.create(name="基准指导", kind=TeamKind.GUIDANCE, start_date=D(2018, 10, 1), end_date=D(2018, 12, 31))
    inspection = Campaign.objects.create(name="基准督查", kind=TeamKind.INSPECTION, start_date=D(2018, 1, 1), end_date=D(2018, 12, 31))
    creator = User.objects.create(username="bench-maker", role=Role.CITY, city=city)
    for campaign in (guidance, inspection):
        for i in range(0, n_counties, 2):
            team = Team.objects.create(campaign=campaign, kind=campaign.kind, name=f"{campaign.name}第{i // 2 + 1}组")
            leader = User.objects.create(username=f"bench-{campaign.kind}-{i}", role=Role.TEAM, email=f"l{campaign.kind}{i}@example.cn")
            TeamMember.objects.create(team=team, person=Person.objects.create(name=f"组长{i}", user=leader), role=MemberRole.LEADER)
            for j, county in enumerate(counties[i:i + 2]):
                TeamCounty.objects.create(team=team, county=county, order=j)
                if campaign is guidance and j == 0:  # half the counties visited in the week of 2018-10-29
                    GuidanceVisit.objects.bulk_create([
                        GuidanceVisit(campaign=campaign, team=team, county=county, village=villages[i], created_by=creator,
                                      visit_date=D(2018, 10, 29) + datetime.timedelta(days=k % 5), status=VisitStatus.SUBMITTED)
                        for k in range(20)
                    ])


def measure(label, fn):
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        out = fn()
        elapsed = time.perf_counter() - start
    print(f"{label:<44} {elapsed * 1000:9.1f} ms {len(ctx.captured_queries):6d} queries   {out}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--officers-per-county", type=int, default=3)
    args = parser.parse_args()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    print(f"database: {connection.vendor}; counties added: {args.counties}; officers per county: {args.officers_per_county}")
    try:
        with transaction.atomic():
            start = time.perf_counter()
            build(args.counties, args.officers_per_county)
            print(f"setup {time.perf_counter() - start:.1f} s")
            runs = [
                ("daily, 2018-11-06", "daily", D(2018, 11, 6)),
                ("weekly Monday, 2018-11-05", "weekly", D(2018, 11, 5)),
                ("monthly 1st, 2018-11-01", "monthly_1", D(2018, 11, 1)),
                ("monthly 4th, 2018-11-04", "monthly_4", D(2018, 11, 4)),
                ("daily on quarter end, 2018-12-29", "daily", D(2018, 12, 29)),
            ]
            for label, schedule, day in runs:
                for attempt in ("", " (again)"):
                    measure(label + attempt, lambda s=schedule, d=day: sum(
                        len(r.sent) for r in services.reminders_run(schedule=s, day=d, catch_up=False)))
            measure("e-mail digest, 2018-11-06", lambda: {
                k: v for k, v in services.notification_digests_send(day=D(2018, 11, 6)).items() if k != "errors"})
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
