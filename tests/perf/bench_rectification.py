"""Benchmark of rectification's pages on the current database (not a test).

    python tests/perf/bench_rectification.py [--add-items N] [--runs 5] [--year 2018]

Prints, for a county officer (the county with the most items), its city's office and a provincial
office (a city-office account with no city), the server time (median of --runs requests through
Django's test client) and the query count of: the inbox, the item list, the letter list, the 整改率
page and the yearly assessment table. Accounts that are missing are made for the run; with
--add-items N, N more items are spread over the counties first. Everything the benchmark writes is
in one transaction, rolled back at the end.
"""

import argparse
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

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from rectification.models import ProblemItem  # noqa: E402
from rosters.choices import Role  # noqa: E402
from rosters.models import User  # noqa: E402
from villages.models import County  # noqa: E402


class Rollback(Exception):
    pass


def measure(client, label, url, runs):
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (label, url, response.status_code)
    print(f"  {label:<16} {statistics.median(times) * 1000:9.1f} ms (median of {runs})  {len(queries):3d} queries")


def account(username, **fields):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **fields)
        user.set_unusable_password()
        user.save()
    return user


def add_items(n, rng):
    counties = list(County.objects.values_list("pk", flat=True))
    today = datetime.date.today()
    statuses = ["pending", "in_progress", "reported", "closed"]
    rows = []
    for k in range(n):
        status = rng.choice(statuses)
        deadline = today + datetime.timedelta(days=rng.randint(-400, 60))
        rows.append(ProblemItem(county_id=rng.choice(counties), description=f"基准问题{k}", status=status,
                                deadline=deadline, closed_on=deadline if status == "closed" else None,
                                severity="major" if k % 50 == 0 else "general"))
    ProblemItem.objects.bulk_create(rows, batch_size=5000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--add-items", type=int, default=0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=None, help="整改率 and assessment year (default: the page's own)")
    parser.add_argument("--county-user", help="the county officer to measure (default: the busiest county's)")
    parser.add_argument("--city-user", help="the city office to measure (default: that county's city office)")
    parser.add_argument("--province-user", help="the provincial office to measure (default: a city-office account with no city)")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    try:
        with transaction.atomic():
            if args.add_items:
                started = time.perf_counter()
                add_items(args.add_items, random.Random(2018))
                print(f"added {args.add_items:,} items in {time.perf_counter() - started:.1f} s")
            run(args)
            raise Rollback
    except Rollback:
        pass


def run(args):
    total = ProblemItem.objects.count()
    named = {k: User.objects.get(username=getattr(args, f"{k}_user")) for k in ("county", "city", "province")
             if getattr(args, f"{k}_user")}
    if "county" in named:
        county_id = named["county"].county_id
    else:
        busiest = ProblemItem.objects.values("county_id").annotate(n=Count("pk")).order_by("-n").first()
        if busiest is None:
            print("no problem items in this database")
            return
        county_id = busiest["county_id"]
    county = County.objects.select_related("city").get(pk=county_id)
    print(f"{connection.vendor}: {total:,} problem items; county {county.city.name}{county.name} has "
          f"{ProblemItem.objects.filter(county=county).count():,}, "
          f"its city {ProblemItem.objects.filter(county__city=county.city).count():,}")
    users = {
        "county": named.get("county") or User.objects.filter(role=Role.COUNTY, county=county, is_active=True).first()
        or account("bench_county", role=Role.COUNTY, county=county),
        "city": named.get("city") or User.objects.filter(role=Role.CITY, city=county.city, is_active=True).first()
        or account("bench_city", role=Role.CITY, city=county.city),
        "province": named.get("province") or User.objects.filter(role=Role.CITY, city__isnull=True, is_active=True).first()
        or account("bench_province", role=Role.CITY, city=None),
    }
    year = f"?year={args.year}" if args.year else ""
    pages = [("inbox", reverse("rectification:inbox")), ("item list", reverse("rectification:item_list")),
             ("letter list", reverse("rectification:letter_list")), ("整改率", reverse("rectification:rates") + year),
             ("assessment", reverse("rectification:assessment") + year)]
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        print(f"{role} ({user.username}):")
        for label, url in pages:
            measure(client, label, url, args.runs)


if __name__ == "__main__":
    main()
