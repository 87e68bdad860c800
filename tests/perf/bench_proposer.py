"""Benchmark of the sample proposer (HY 四): time and queries for a county of province size.

Not a test: run on demand against the database of DATABASE_URL (SQLite by default):

    python manage.py migrate && python tests/perf/bench_proposer.py

Builds, inside a transaction that is rolled back at the end, a county of 300
villages in 15 townships with 40 households each (12,000; 预脱贫户, 未脱贫户 and
others), star ratings, earlier trips and guidance visits; proposes a sample
(median of 10 runs) and prints the time and the query count. Then it adds three
more counties of the same size and measures again: the figures must not grow
with the number of counties (nor, by the query count, with the county's size).
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from inspections.choices import SampleLevel, TripStatus, VisitStatus  # noqa: E402
from inspections.models import GuidanceVisit, InspectionTrip, TripSample  # noqa: E402
from inspections.trip_selectors import sample_proposal  # noqa: E402
from rosters.choices import Role, TeamKind  # noqa: E402
from rosters.models import Campaign, Team, TeamCounty, User  # noqa: E402
from villages.choices import HouseholdStatus  # noqa: E402
from villages.models import City, County, Household, Province, StarRating, Township, Village  # noqa: E402

RUNS = 10
VILLAGES, TOWNSHIPS, PER_VILLAGE = 300, 15, 40
STATUSES = [HouseholdStatus.PRE_EXIT] * 12 + [HouseholdStatus.POOR] * 8 + [HouseholdStatus.MARGINAL] * 5 + [HouseholdStatus.RETURNED] * 2
_ids = iter(range(10**9))


class Rollback(Exception):
    pass


def build_county(city, name, rng):
    county = County.objects.create(city=city, name=name)
    townships = Township.objects.bulk_create(Township(county=county, name=f"{name}{t}镇") for t in range(TOWNSHIPS))
    villages = Village.objects.bulk_create(
        Village(township=townships[v % TOWNSHIPS], county=county, name=f"{name}{v}村", is_poor_village=v % 3 == 0)
        for v in range(VILLAGES))
    StarRating.objects.bulk_create(StarRating(village=v, year=2018, stars=rng.choice((0, 0, 1, 2, 3))) for v in villages)
    Household.objects.bulk_create(
        (Household(village=v, head_name=f"户主{n}", head_id_number=f"B{next(_ids):017d}",
                   status=STATUSES[n % len(STATUSES)] if n < len(STATUSES) else HouseholdStatus.EXITED,
                   exit_year=2017 if n >= len(STATUSES) else None)
         for v in villages for n in range(PER_VILLAGE)), batch_size=2000)
    return county, villages


def measure(label, trip):
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            proposal = sample_proposal(trip=trip)
            times.append(time.perf_counter() - start)
    print(f"{label:<44} {statistics.median(times) * 1000:7.1f} ms (median of {RUNS})  {len(queries):2d} queries  "
          f"meets rule: {'是' if proposal.meets_rule else '否'}")
    return proposal


def main():
    rng = random.Random(2018)
    started = time.perf_counter()
    try:
        with transaction.atomic():
            province = Province.objects.get_or_create(name="基准省")[0]
            city = City.objects.create(province=province, name="基准市")
            user = User.objects.create(username="bench_proposer", role=Role.CITY, city=city)
            campaign = Campaign.objects.create(name="基准督查", kind=TeamKind.INSPECTION, start_date=datetime.date(2018, 1, 1),
                                               end_date=datetime.date(2018, 12, 31))
            team = Team.objects.create(campaign=campaign, kind=TeamKind.INSPECTION, name="基准组")
            county, villages = build_county(city, "基准县", rng)
            TeamCounty.objects.create(team=team, county=county)
            # Earlier trips sampling some villages and townships, and guidance visits in the county.
            for month in range(1, 7):
                earlier = InspectionTrip.objects.create(campaign=campaign, team=team, county=county, start_date=datetime.date(2018, month, 10),
                                                        end_date=datetime.date(2018, month, 10), status=TripStatus.ENDED, created_by=user)
                for v in rng.sample(villages, 4):
                    TripSample.objects.create(trip=earlier, level=SampleLevel.VILLAGE, township_id=v.township_id, village=v)
                    TripSample.objects.get_or_create(trip=earlier, level=SampleLevel.TOWNSHIP, township_id=v.township_id)
            guidance = Team.objects.create(campaign=campaign, kind=TeamKind.GUIDANCE, name="基准指导组")
            GuidanceVisit.objects.bulk_create(
                GuidanceVisit(campaign=campaign, team=guidance, county=county, village=v, created_by=user,
                              visit_date=datetime.date(2018, rng.randint(1, 6), rng.randint(1, 28)), status=VisitStatus.SUBMITTED)
                for v in rng.sample(villages, 60))
            trip = InspectionTrip.objects.create(campaign=campaign, team=team, county=county, start_date=datetime.date(2018, 7, 10),
                                                 end_date=datetime.date(2018, 7, 11), created_by=user)
            print(f"built 1 county: {Village.objects.filter(county=county).count():,} villages, "
                  f"{Household.objects.filter(village__county=county).count():,} households "
                  f"({time.perf_counter() - started:.1f} s); database {connection.vendor}")
            proposal = measure("proposal, 1 county of this size", trip)
            for item in proposal.items[:4]:
                print(f"    {item.label}: {item.reason}")
            for n in range(3):
                build_county(city, f"另{n}县", rng)
            print(f"built 3 more counties: {Household.objects.filter(village__county__city=city).count():,} households in the city")
            measure("proposal, same county, 4 counties in the city", trip)
            raise Rollback
    except Rollback:
        print(f"rolled back; total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
