"""The 8-category key-village rating (ZZ 四(一)): each category at, just below and just above its threshold."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import HouseholdFactory, VillageFactory
from villages import services
from villages.models import StarRating
from villages.rating import register_problem_source

pytestmark = pytest.mark.django_db

YEAR = 2018
T = {"incidence_percent": 10, "poor_population": 20, "empty_measures_percent": 50, "flagged_households": 3,
     "petition_count": 3, "problem_count": 4, "distance_km": 30}


@pytest.fixture(autouse=True)
def categories(db):
    services.seed_load()


def rate(village, **thresholds):
    services.star_ratings_recompute(village_ids=[village.pk], year=YEAR, thresholds={**T, **thresholds})
    return StarRating.objects.get(village=village)


def poor(village, n, members=1, **kw):
    for _ in range(n):
        HouseholdFactory(village=village, member_count=members, measures=kw.pop("measures", "产业扶贫"), **kw)


@pytest.mark.parametrize("poor_people, met", [(9, False), (10, True), (11, True)])
def test_category_1_incidence(poor_people, met):
    village = VillageFactory(rural_population=100)
    poor(village, poor_people)
    assert (1 in rate(village, poor_population=10**6).categories) is met


@pytest.mark.parametrize("poor_people, met", [(19, False), (20, True), (21, True)])
def test_category_2_poor_population(poor_people, met):
    village = VillageFactory(rural_population=10**6)
    poor(village, 1, members=poor_people)
    assert (2 in rate(village).categories) is met


@pytest.mark.parametrize("empty, met", [(4, False), (5, True), (6, True)])
def test_category_3_empty_measures(empty, met):
    village = VillageFactory(rural_population=10**6)
    poor(village, 10 - empty)
    for _ in range(empty):
        HouseholdFactory(village=village, member_count=1, measures="")
    assert (3 in rate(village).categories) is met


@pytest.mark.parametrize("flagged, met", [(2, False), (3, True), (4, True)])
def test_category_4_flagged_households(flagged, met):
    village = VillageFactory(rural_population=10**6)
    kinds = [{"is_dibao": True}, {"is_wubao": True}, {"status": "marginal"}, {"is_disabled": True}]
    for kw in kinds[:flagged]:
        HouseholdFactory(village=village, member_count=1, measures="x", **kw)
    HouseholdFactory(village=village, member_count=1, measures="x", is_elderly=True)  # not one of the five
    assert (4 in rate(village).categories) is met


def test_category_5_weak_party_org():
    assert 5 in rate(VillageFactory(is_weak_party_org=True)).categories
    assert 5 not in rate(VillageFactory(is_weak_party_org=False)).categories


@pytest.mark.parametrize("petitions, met", [(2, False), (3, True), (4, True)])
def test_category_6_petitions(petitions, met):
    assert (6 in rate(VillageFactory(petition_count=petitions)).categories) is met


@pytest.mark.parametrize("problems, met", [(1, False), (2, True), (3, True)])
def test_category_7_problems_and_negative_reports(problems, met):
    village = VillageFactory(negative_report_count=2)

    def source(villages):
        return [{"village_id": village.pk, "n": problems}]

    register_problem_source(source)
    try:
        assert (7 in rate(village).categories) is met
    finally:
        from villages import rating

        rating._problem_sources.remove(source)


@pytest.mark.parametrize("km, met", [(29.9, False), (30, True), (30.1, True)])
def test_category_8_distance(km, met):
    assert (8 in rate(VillageFactory(distance_to_county_km=km)).categories) is met


@pytest.mark.parametrize("facts, stars", [
    ({}, 0),
    ({"petition_count": 3}, 1),
    ({"petition_count": 3, "distance_to_county_km": 40}, 2),
    ({"petition_count": 3, "distance_to_county_km": 40, "is_weak_party_org": True}, 3),
    ({"petition_count": 3, "distance_to_county_km": 40, "is_weak_party_org": True, "negative_report_count": 9}, 3),
])
def test_star_levels(facts, stars):
    rating = rate(VillageFactory(**facts))
    assert rating.stars == stars and rating.category_count == len(rating.categories)


def test_thresholds_saved_by_the_city_office_are_used(city_user, officer_a):
    village = VillageFactory(distance_to_county_km=25)
    services.star_ratings_recompute(village_ids=[village.pk], year=YEAR)
    assert 8 not in StarRating.objects.get(village=village).categories  # default 30 km
    with pytest.raises(ValidationError, match="只有市扶贫办"):
        services.rating_threshold_save(acting_user=officer_a, year=YEAR, distance_km=20)
    services.rating_threshold_save(acting_user=city_user, year=YEAR, distance_km=20)
    services.star_ratings_recompute(village_ids=[village.pk], year=YEAR)
    assert 8 in StarRating.objects.get(village=village).categories


def test_override_with_reason_and_history(city_user, officer_a, village_a, officer_b):
    village_a.distance_to_county_km = 50
    village_a.save()
    with pytest.raises(ValidationError, match="理由"):
        services.category_override_set(acting_user=city_user, village=village_a, number=8, met=False, reason=" ")
    # The county's own officer may not decide its key-village categories (the city office's decision).
    for officer in (officer_a, officer_b):
        with pytest.raises(ValidationError, match="只有市扶贫办可以人工认定"):
            services.category_override_set(acting_user=officer, village=village_a, number=8, met=False, reason="新修公路，已不偏远")
    with pytest.raises(ValidationError, match="编辑村基本情况"):
        services.category_override_set(acting_user=city_user, village=village_a, number=5, met=True, reason="党支部软弱")
    override = services.category_override_set(
        acting_user=city_user, village=village_a, number=8, met=False, reason="2018年新修公路，车程已不足半小时"
    )
    assert 8 not in rate(village_a).categories
    services.category_override_set(acting_user=city_user, village=village_a, number=1, met=True, reason="外出务工返乡致贫较多")
    assert rate(village_a).categories == [1]
    assert override.history.first().history_user == city_user
    with pytest.raises(ValidationError, match="只有市扶贫办"):
        services.category_override_remove(acting_user=officer_a, village=village_a, number=8)
    services.category_override_remove(acting_user=city_user, village=village_a, number=8)
    assert rate(village_a).categories == [1, 8]


def test_stars_follow_a_household_change(officer_a, village_a, django_capture_on_commit_callbacks):
    village_a.rural_population = 100
    village_a.save()
    services.star_ratings_recompute(village_ids=[village_a.pk])
    assert StarRating.objects.get(village=village_a).stars == 0
    with django_capture_on_commit_callbacks(execute=True):
        household = services.household_create(
            acting_user=officer_a, village=village_a, head_name="张三", head_id_number=HouseholdFactory.build().head_id_number,
            member_count=12, measures="产业扶贫",
        )
    assert StarRating.objects.get(village=village_a).categories == [1]  # 12 poor of 100
    with django_capture_on_commit_callbacks(execute=True):
        services.household_update(acting_user=officer_a, household=household, status="exited", exit_year=2018)
    assert StarRating.objects.get(village=village_a).categories == []



@pytest.mark.parametrize("swing, met", [(19, False), (20, True), (21, True)])
def test_category_3_big_swings_between_monthly_snapshots(swing, met):
    import datetime

    village = VillageFactory(rural_population=10**6)
    poor(village, 1, members=10)
    services.village_snapshots_take(month=datetime.date(2018, 9, 1))
    poor(village, 1, members=swing)
    services.village_snapshots_take(month=datetime.date(2018, 10, 15))  # stored as 2018-10-01
    assert (3 in rate(village, poor_population=10**6).categories) is met


def test_snapshot_is_idempotent_per_month():
    import datetime

    from villages.models import VillageSnapshot

    village = VillageFactory()
    poor(village, 2, members=3)
    services.village_snapshots_take(month=datetime.date(2018, 10, 1))
    poor(village, 1, members=4)
    services.village_snapshots_take(month=datetime.date(2018, 10, 20))
    snapshot = VillageSnapshot.objects.get(village=village)
    assert (snapshot.month, snapshot.poor_population) == (datetime.date(2018, 10, 1), 10)
