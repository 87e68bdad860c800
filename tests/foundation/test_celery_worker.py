"""A task executed by a real Celery worker, on the broker the settings name (Redis in CI)."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app
from tests.conftest import skip_or_fail
from tests.factories import HouseholdFactory, VillageFactory
from villages.models import StarRating


def _broker_reachable():
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        return True
    except Exception as exc:  # noqa: BLE001 — any failure means "not reachable"
        return str(exc)


@pytest.fixture
def real_worker():
    reachable = _broker_reachable()
    if reachable is not True:
        skip_or_fail(f"Celery broker {settings.CELERY_BROKER_URL} unreachable: {reachable}")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_star_recompute_runs_on_a_real_worker(real_worker):
    import os

    if os.environ.get("CI_BROKER") and not settings.CELERY_BROKER_URL.startswith(os.environ["CI_BROKER"]):
        pytest.fail(f"CI asked for a {os.environ['CI_BROKER']} broker, settings have {settings.CELERY_BROKER_URL}")
    village = VillageFactory(rural_population=100, distance_to_county_km=80)
    for _ in range(4):
        HouseholdFactory(village=village, member_count=3, measures="产业扶贫")  # 12 poor of 100 people: 12 % ≥ 3 %
    from villages.tasks import star_ratings_recompute

    result = star_ratings_recompute.delay(village_ids=[village.pk])
    assert result.get(timeout=60) == 1
    rating = StarRating.objects.get(village=village)
    assert rating.categories == [1, 8] and rating.stars == 2
