"""Benchmark of the registration form (issue: must not grow with the number of villages).

Not a test: run on demand against the database of DATABASE_URL / VAR_DIR after
loading the city-scale demo data, e.g.

    python manage.py generate_demo --scale city && python manage.py load_seed_rosters && python manage.py create_demo_accounts
    python tests/perf/bench_visit_form.py

Prints, for the demo team member (张振华, 第六小组), the server time (median of
20 requests, through Django's test client, no network) and query count of:
the empty form, the form opened from a village page, each htmx refresh of the
cascading lists, and a submitted visit; plus the number of villages in the
database, so runs at different scales can be compared.
"""

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

from inspections.selectors import form_counties, guidance_campaigns  # noqa: E402
from rosters.models import User  # noqa: E402
from villages.models import Household, Village  # noqa: E402

RUNS = 20


def measure(label, call):
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = call()
            times.append(time.perf_counter() - start)
        assert response.status_code in (200, 302), (label, response.status_code)
    print(f"{label:<28} {statistics.median(times) * 1000:7.1f} ms (median of {RUNS})  {len(queries):3d} queries")


def main():
    user = User.objects.get(username=os.environ.get("BENCH_USER", "team"))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    campaign = guidance_campaigns(user=user).first()
    county = form_counties(user=user, campaign=campaign).first()
    village = Village.objects.filter(county=county).order_by("-pk").first()
    print(f"villages {Village.objects.count():,}; households {Household.objects.count():,}; "
          f"user {user.username}; county {county.name}; village {village.name}")
    url = "/inspections/visits/new/"
    base = {"campaign": campaign.pk, "_refresh": "1"}
    htmx = {"HTTP_HX_REQUEST": "true"}
    measure("GET empty form", lambda: client.get(url))
    measure("GET form for a village", lambda: client.get(f"{url}?village={village.pk}"))
    measure("htmx: county chosen", lambda: client.post(url, {**base, "county": county.pk, "_trigger": "county"}, **htmx))
    measure("htmx: township chosen", lambda: client.post(
        url, {**base, "county": county.pk, "township": village.township_id, "_trigger": "township"}, **htmx))
    measure("htmx: village chosen", lambda: client.post(
        url, {**base, "county": county.pk, "township": village.township_id, "village": village.pk, "_trigger": "village"},
        **htmx))
    signer = user.person.pk
    data = {
        "campaign": campaign.pk, "visit_date": campaign.start_date.isoformat(), "county": county.pk,
        "township": village.township_id, "village": village.pk, "signers": [signer], "reduction_progress": "完成",
        "action": "draft", "problems-TOTAL_FORMS": 1, "problems-INITIAL_FORMS": 0, "problems-0-category": 2,
        "problems-0-kind": "common", "problems-0-description": "档案不全", "checklist-TOTAL_FORMS": 0, "checklist-INITIAL_FORMS": 0,
    }

    def save_draft():
        # Rolled back: the benchmark leaves the database as it found it.
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        return response

    measure("POST save draft", save_draft)


if __name__ == "__main__":
    main()
