import pytest
from django.urls import reverse

from villages import services
from villages.models import CategoryOverride, StarRating

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def categories(db):
    services.seed_load()


def test_village_page_explains_each_category(client_a, village_a):
    village_a.distance_to_county_km = 50
    village_a.save()
    page = client_a.get(village_a.get_absolute_url()).content.decode()
    assert "距县城较远地理位置偏的村" in page and "距县城 50.0 公里" in page and "≥ 30 公里" in page


def test_override_through_the_page(client, city_user, village_a, django_capture_on_commit_callbacks):
    village_a.distance_to_county_km = 50
    village_a.save()
    client.force_login(city_user)
    url = reverse("villages:village_override", args=[village_a.pk])
    client.post(url, {"number": 8, "decision": "not_met", "reason": ""})
    assert not CategoryOverride.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"number": 8, "decision": "not_met", "reason": "新修公路后车程不足半小时"}, follow=True)
    page = response.content.decode()
    assert "人工认定：新修公路后车程不足半小时" in page and city_user.username in page
    assert StarRating.objects.get(village=village_a).categories == []


def test_county_officer_cannot_override_their_own_villages(client_a, village_a):
    """The county is rated by the city office: its officer sees the rating but may not override it."""
    village_a.distance_to_county_km = 50
    village_a.save()
    page = client_a.get(village_a.get_absolute_url()).content.decode()
    assert "保存认定" not in page
    response = client_a.post(reverse("villages:village_override", args=[village_a.pk]),
                             {"number": 8, "decision": "not_met", "reason": "新修公路后车程不足半小时"}, follow=True)
    assert "只有市扶贫办可以人工认定重点村类别" in response.content.decode()
    assert not CategoryOverride.objects.exists()


def test_override_of_another_county_is_404(client_a, village_b):
    response = client_a.post(reverse("villages:village_override", args=[village_b.pk]),
                             {"number": 8, "decision": "met", "reason": "理由理由理由"})
    assert response.status_code == 404 and not CategoryOverride.objects.exists()
