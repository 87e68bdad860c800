"""Benchmark of listed supervision's pages on the current database (not a test).

    python manage.py load_seed && python manage.py load_seed_rosters && python manage.py load_listing
    python manage.py create_listing_demo_accounts
    python tests/perf/bench_supervision.py [--households N]

With --households N it first adds N households (in a transaction rolled back at the end) spread over
the 52 listed villages and one village in each listed county, a tenth failing a guarantee. Prints, for
the provincial office (all 20 counties, 52 villages) and for 南阳市, the server time (median of 10
requests through Django's test client) and the query count of: the campaign view, its export, the
month's report form (figures assembled), the ledger page, and the household ledger check.

Then the ledger's round (HN 四(二) 逐一对账销号) with --rectified M (default 200, one request's worth): in the county with the
most household items, M of them get households meeting every guarantee; a county officer reports them
(one POST) and the provincial office's next check verifies and closes them (one POST) — time and
queries of each. --rounds R repeats the round on the next M items, R times (each a fresh set), for a median.
"""

import argparse
import os
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from rosters.models import User  # noqa: E402
from supervision.models import ListedCounty, ListedVillage  # noqa: E402
from supervision.selectors import current_listing  # noqa: E402
from villages.models import Household, Township, Village  # noqa: E402

RUNS = 10


def measure(label, call, runs=RUNS):
    times = []
    for _ in range(runs):
        connection.queries_log.clear()  # the log keeps 9,000 queries: counts beyond it would be wrong
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = call()
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append(time.perf_counter() - start)
        assert response.status_code in (200, 302), (label, response.status_code)
    print(f"  {label:<24} {statistics.median(times) * 1000:8.1f} ms (median of {runs})  {len(queries):3d} queries")


def add_households(n, listing):
    villages = [lv.village for lv in ListedVillage.objects.filter(listing=listing).select_related("village")]
    for lc in ListedCounty.objects.filter(listing=listing).select_related("county"):
        township, _ = Township.objects.get_or_create(county=lc.county, name="基准镇")
        village = Village.objects.filter(township=township, name="基准村").first()
        if village is None:
            village = Village(township=township, name="基准村", is_poor_village=True)
            village.save()
        villages.append(village)
    rows = []
    for i in range(n):
        v = villages[i % len(villages)]
        rows.append(Household(
            village=v, head_name=f"基准{i}", head_id_number=f"9{i:017d}", member_count=1 + i % 5,
            status=("poor", "exited", "marginal", "pre_exit")[i % 4], exit_year=2019 if i % 4 == 1 else None,
            food_ok=i % 10 != 0, is_low_income=i % 17 == 0,
        ))
    Household.objects.bulk_create(rows, batch_size=2000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=0)
    parser.add_argument("--rectified", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--skip-pages", action="store_true", help="only the first household check and the ledger round")
    args = parser.parse_args()
    listing = current_listing()
    with transaction.atomic():
        if args.households:
            add_households(args.households, listing)
        print(f"{connection.vendor}; households {Household.objects.count():,}; listed counties "
              f"{listing.counties.count()}, villages {listing.villages.count()}")
        for username in () if args.skip_pages else ("province", "nanyang"):
            user = User.objects.get(username=username)
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            print(f"{username}:")
            measure("campaign view", lambda c=client: c.get(listing.get_absolute_url()))
            measure("campaign export", lambda c=client: c.get(reverse("supervision:campaign_export", args=[listing.pk])))
            if username == "nanyang":
                measure("report form (figures)", lambda c=client: c.get(reverse("supervision:report_submit")))
            measure("ledger page", lambda c=client: c.get(reverse("supervision:ledger_list")))
            measure("household ledger check", lambda c=client: c.post(reverse("supervision:ledger_sync", args=[listing.pk])),
                    runs=3)
        if args.skip_pages:  # the round needs the ledger's household items: the first check opens them
            client = Client(HTTP_HOST="localhost")
            client.force_login(User.objects.get(username="province"))
            measure("first household check", lambda: client.post(reverse("supervision:ledger_sync", args=[listing.pk])),
                    runs=1)
        if connection.vendor == "postgresql":
            # The first check wrote tens of thousands of ledger rows in this (uncommitted) transaction; in
            # production autovacuum would have analysed them. Without it the planner takes the table for
            # empty and the round's own selection of items runs for minutes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE supervision_ledgerproblem, rectification_problemitem")
        for _ in range(args.rounds):
            ledger_round(listing, args.rectified)
        transaction.set_rollback(True)


def ledger_round(listing, n):
    from django.db.models import Count

    from rectification.choices import ItemStatus
    from rosters.choices import Role
    from supervision.selectors import ledger_items

    pending = ledger_items(listing=listing).filter(household__isnull=False, status=ItemStatus.PENDING)
    busiest = pending.values("county_id", "county__name").annotate(n=Count("pk")).order_by("-n").first()
    if busiest is None:
        return
    officer, _ = User.objects.get_or_create(username=f"bench_county_officer_{busiest['county_id']}",
                                            defaults={"role": Role.COUNTY, "county_id": busiest["county_id"]})
    items = pending.filter(county_id=busiest["county_id"])
    ids = list(items.order_by("pk").values_list("household_id", flat=True)[:n])
    Household.objects.filter(pk__in=ids).update(food_ok=True, clothing_ok=True, education_ok=True, medical_ok=True,
                                                housing_ok=True, water_ok=True)
    print(f"ledger round: {len(ids)} of {busiest['n']:,} household items of {busiest['county__name']} rectified")
    county, province = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    county.force_login(officer)
    province.force_login(User.objects.get(username="province"))
    measure("county reports them", lambda: county.post(
        reverse("supervision:ledger_report_households", args=[listing.pk])), runs=1)
    measure("check closes them", lambda: province.post(reverse("supervision:ledger_sync", args=[listing.pk])), runs=1)
    closed = ledger_items(listing=listing).filter(household_id__in=ids, status=ItemStatus.CLOSED).count()
    print(f"  closed: {closed}")


if __name__ == "__main__":
    main()
