"""Speed at scale is measured by the benchmark (``manage.py bench_dashboard``); here, what keeps it: a page's
query count is fixed — the same for a small city and a bigger one, for a city and the province — and a
cached page is served again until a write changes what it counts."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard.summaries import summaries_rebuild
from tests.dashboard.conftest import _more
from tests.dashboard.helpers import rows

pytestmark = pytest.mark.django_db

TABS = ("overview", "key_villages", "guidance", "inspection", "rectification", "problems", "supervision")
LISTS = ("dashboard:village_list", "dashboard:trip_list")
MAX_QUERIES = 25


def _count(client, name, **params):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _counts(client, world):
    params = {"period": "2018-Q4", "team": world.team1.pk}
    return {name: (_count(client, name), _count(client, name, **params)) for name in
            [f"dashboard:{tab}" for tab in TABS] + list(LISTS)}


def test_query_counts_do_not_grow_with_the_data(client, world):
    """Every page and list, with and without filters, as the city office and as the province: at most 25 queries,
    and the same number once three more counties with villages, visits, trips and items are there."""
    users = (world.city_user, world.province_user, world.officer_a)
    small = {}
    for user in users:
        client.force_login(user)
        small[user.username] = _counts(client, world)
        assert all(n <= MAX_QUERIES for pair in small[user.username].values() for n in pair), small[user.username]
    for n in range(3):
        _more(world, n)
    summaries_rebuild()
    for user in users:
        client.force_login(user)
        assert _counts(client, world) == small[user.username], user.username


def test_a_cached_page_costs_a_few_queries_and_a_write_makes_it_stale(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.city_user)
    url = reverse("dashboard:rectification")
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        second = client.get(url)
    assert len(warm.captured_queries) <= 5 < len(cold.captured_queries)
    assert rows(second.context["data"], "rectification_items") == rows(first.context["data"], "rectification_items")
    # 巩义市's reported item is closed: the next page counts it at once.
    from rectification.models import ProblemItem

    with django_capture_on_commit_callbacks(execute=True):
        item = ProblemItem.objects.get(description="识别不准")
        item.status, item.closed_on = "closed", datetime.date(2018, 12, 10)
        item.save()
    third = client.get(url)
    assert rows(third.context["data"], "rectification_items")["巩义市"]["已销号"] == 1


def test_users_of_one_scope_share_the_cache_and_others_do_not(client, world):
    from tests.factories import UserFactory

    colleague = UserFactory(username="city_zz_2", role="city", city=world.zhengzhou, county=None)
    cache.clear()
    client.force_login(world.city_user)
    client.get(reverse("dashboard:key_villages"))
    client.force_login(colleague)
    with CaptureQueriesContext(connection) as shared:
        client.get(reverse("dashboard:key_villages"))
    client.force_login(world.officer_a)
    with CaptureQueriesContext(connection) as own:
        response = client.get(reverse("dashboard:key_villages"))
    assert len(shared.captured_queries) < len(own.captured_queries)
    assert set(rows(response.context["data"], "key_villages")) == {"大冶镇", "告成镇", "合计"}


def test_a_whole_page_is_sent_again_to_its_user_until_the_figures_change(client, world, settings,
                                                                        django_capture_on_commit_callbacks):
    """The page cache: the same user in the same browser gets the same page with two queries (session, user);
    another user never gets it; a write that changes the figures makes it stale at once."""
    settings.DASHBOARD_PAGE_CACHE = True
    client.force_login(world.city_user)
    url = reverse("dashboard:rectification")
    client.get(url)  # sets the CSRF cookie of this browser
    first = client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url)
    assert again.content == first.content and len(ctx.captured_queries) <= 3
    assert again.context is None  # not rendered
    colleague_page = None
    from tests.factories import UserFactory

    colleague = UserFactory(username="city_zz_3", role="city", city=world.zhengzhou, county=None, first_name="李四")
    client.force_login(colleague)
    client.cookies["csrftoken"] = client.cookies["csrftoken"].value
    colleague_page = client.get(url)
    assert colleague_page.context is not None and "李四" in colleague_page.content.decode()
    client.force_login(world.city_user)
    from rectification.models import ProblemItem

    with django_capture_on_commit_callbacks(execute=True):
        item = ProblemItem.objects.get(description="识别不准")
        item.status, item.closed_on = "closed", datetime.date(2018, 12, 10)
        item.save()
    after = client.get(url)
    assert after.context is not None
    assert rows(after.context["data"], "rectification_items")["巩义市"]["已销号"] == 1
