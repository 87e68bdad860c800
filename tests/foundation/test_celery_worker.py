"""A task executed by a real Celery worker, on the broker the settings name (Redis in CI)."""

import pytest

from tests.factories import HouseholdFactory, VillageFactory
from villages.models import StarRating


@pytest.mark.django_db(transaction=True)
def test_star_recompute_runs_on_a_real_worker(real_worker):
    village = VillageFactory(rural_population=100, distance_to_county_km=80)
    for _ in range(4):
        HouseholdFactory(village=village, member_count=3, measures="产业扶贫")  # 12 poor of 100 people: 12 % ≥ 3 %
    from villages.tasks import star_ratings_recompute

    result = star_ratings_recompute.delay(village_ids=[village.pk])
    assert result.get(timeout=60) == 1
    rating = StarRating.objects.get(village=village)
    assert rating.categories == [1, 8] and rating.stars == 2
