import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import VillageFactory
from villages import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(db, county_a, county_b, village_a):
    services.seed_load()
    three = VillageFactory(township=village_a.township, name="三星村", petition_count=9, distance_to_county_km=60, is_weak_party_org=True)
    two = VillageFactory(township=village_a.township, name="二星村", petition_count=9, distance_to_county_km=60)
    one = VillageFactory(township=village_a.township, name="一星村", distance_to_county_km=60)
    other = VillageFactory(township__county=county_b, name="外县三星村", petition_count=9, distance_to_county_km=60, is_weak_party_org=True)
    services.star_ratings_recompute()
    return three, two, one, other


def names(response):
    return [v.name for v in response.context["page"].object_list]


def test_sorted_by_stars_and_scoped(client_a, rated):
    response = client_a.get(reverse("villages:key_village_list"))
    assert names(response) == ["三星村", "二星村", "一星村"]  # village_a has no stars and is not listed
    assert response.context["counts"] == [{"county__name": "登封市", "three": 1, "two": 1, "one": 1, "total": 3}]
    assert "外县三星村" not in response.content.decode()


@pytest.mark.parametrize("params, expected", [
    ({"stars": 2}, ["二星村"]),
    ({"category": 5}, ["三星村"]),
    ({"category": 8}, ["三星村", "二星村", "一星村"]),
    ({"category": 1}, []),
])
def test_filters(client_a, rated, params, expected):
    assert names(client_a.get(reverse("villages:key_village_list"), params)) == expected


def test_county_filter_offers_only_own_county(client_a, rated, county_b):
    page = client_a.get(reverse("villages:key_village_list")).content.decode()
    assert county_b.name not in page


def test_export(client_a, rated):
    response = client_a.get(reverse("villages:key_village_export"), {"stars": 3})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][:5] == (3, 3, "登封市", rated[0].township.name, "三星村")
    assert len(rows) == 2


def test_thresholds_page_city_edits_county_reads(client, city_user, officer_a, rated, django_capture_on_commit_callbacks):
    from django.utils import timezone

    year = timezone.localdate().year  # the nightly recompute rates the current year
    url = reverse("villages:rating_thresholds") + f"?year={year}"
    client.force_login(officer_a)
    page = client.get(url).content.decode()
    assert "系统默认值" in page and "评定标准由市扶贫办设定" in page
    data = {"incidence_percent": 3, "poor_population": 100, "empty_measures_percent": 20, "flagged_households": 30,
            "petition_count": 3, "problem_count": 5, "distance_km": 70, "swing_people": 20}
    client.post(url, data)
    from villages.models import RatingThreshold

    assert not RatingThreshold.objects.exists()
    client.force_login(city_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert "已保存" in response.content.decode()
    assert RatingThreshold.objects.get(year=year).distance_km == 70
    assert rated[2].star_rating.__class__.objects.get(village=rated[2]).stars == 0  # 60 km < 70 km now
