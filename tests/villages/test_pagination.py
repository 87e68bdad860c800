"""Page numbers, a jump to any page, rows per page; county chips on the home pages."""

import re

import pytest
from django.urls import reverse

from tests.factories import HouseholdFactory, make_id_number
from villages.listing import page_window
from villages.models import Household
from villages.summaries import village_summaries_refresh

pytestmark = pytest.mark.django_db
LIST = reverse("villages:household_list")


@pytest.fixture
def many(village_a, village_b):
    # 1,001 households in the officer's county, a few in another one
    Household.objects.bulk_create([
        HouseholdFactory.build(village=village_a, head_id_number=make_id_number(birth=f"1960{1 + n // 28 % 12:02d}{1 + n % 28:02d}"))
        for n in range(1001)
    ])
    village_summaries_refresh(village_ids=[village_a.pk])  # a bulk insert sends no signal (villages/summaries.py)
    HouseholdFactory.create_batch(3, village=village_b)


def test_count_page_numbers_and_jump_form(client_a, many):
    response = client_a.get(LIST)
    html = response.content.decode()
    assert "共 1,001 条，第 1/21 页" in html
    assert 'href="?page=21"' in html and 'href="?page=3"' in html  # the last page and the pages near this one
    assert 'href="?page=10"' not in html  # not all 21 pages
    assert re.search(r'<input type="number"[^>]*name="page"[^>]*max="21"', html)
    options = re.findall(r'<option value="(\d+)"( selected)?>每页 \d+ 条', html)
    assert options == [("20", ""), ("50", " selected"), ("100", "")]


def test_jump_to_a_page_keeps_the_filters(client_a, many, village_a):
    response = client_a.get(LIST, {"q": village_a.name, "page": "15"})
    assert response.context["page"].number == 15
    html = response.content.decode()
    assert f'<input type="hidden" name="q" value="{village_a.name}">' in html
    assert f'href="?q={_quoted(village_a.name)}&page=16"' in html
    # a page beyond the last shows the last one, nonsense the first
    assert client_a.get(LIST, {"page": "999"}).context["page"].number == 21
    assert client_a.get(LIST, {"page": "abc"}).context["page"].number == 1


def _quoted(text):
    from urllib.parse import quote_plus

    return quote_plus(text)


def test_rows_per_page_is_chosen_kept_in_links_and_bounded(client_a, many):
    response = client_a.get(LIST, {"per_page": "20"})
    page = response.context["page"]
    assert len(page.object_list) == 20 and page.paginator.num_pages == 51
    assert 'href="?per_page=20&page=2"' in response.content.decode()
    assert len(client_a.get(LIST, {"per_page": "100"}).context["page"].object_list) == 100
    # anything but 20, 50 or 100 falls back to the page's default
    assert len(client_a.get(LIST, {"per_page": "100000"}).context["page"].object_list) == 50
    assert len(client_a.get(LIST, {"per_page": "-1"}).context["page"].object_list) == 50


def test_page_window():
    from django.core.paginator import Paginator

    paginator = Paginator(range(1000), 10)
    assert page_window(paginator.page(1)) == [1, 2, 3, None, 100]
    assert page_window(paginator.page(50)) == [1, None, 48, 49, 50, 51, 52, None, 100]
    assert page_window(paginator.page(100)) == [1, None, 98, 99, 100]
    assert page_window(Paginator(range(30), 10).page(2)) == [1, 2, 3]


def test_county_chips_on_the_city_home_open_the_filtered_lists(client, city_user, county_a, county_b):
    client.force_login(city_user)
    html = client.get(reverse("home")).content.decode()
    for county in (county_a, county_b):
        assert f'href="{reverse("villages:village_list")}?county={county.pk}"' in html
        assert f'href="{reverse("villages:household_list")}?county={county.pk}"' in html
