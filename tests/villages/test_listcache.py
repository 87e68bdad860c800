"""The village and household lists' cached results (villages/listcache.py) follow every kind of write.

Each test opens the list (which keeps its results), makes a write the way the product makes it —
a page, a service, an import, a bulk update — lets the transaction commit, and opens the list again:
it must show the write. The cache is on (as with Redis in production), in this process's memory.
"""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import HouseholdFactory, VillageFactory, make_id_number
from villages import listcache, services
from villages.choices import ExitStatus, HouseholdStatus
from villages.models import County, Household, StarRating, Township

from .conftest import xlsx

pytestmark = pytest.mark.django_db

VILLAGES = reverse("villages:village_list")
HOUSEHOLDS = reverse("villages:household_list")


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.LIST_CACHE = True
    cache = caches["default"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as if its transaction committed (the callbacks that move the lists' version on).

    What the fixtures wrote is committed first: the version moves once per transaction, so a callback
    still pending from them would stand for this write's too."""
    def run(write, *args, **kwargs):
        pending, connection.run_on_commit[:] = connection.run_on_commit[:], []
        for _, callback, _ in pending:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)
    return run


def rows(client, url, **params):
    """The first cell's link texts of the list's rows."""
    html = client.get(url, params).content.decode()
    return re.findall(r'<td class="nowrap-cell"><a href="[^"]+">([^<]+)</a>', html)


def cells(client, url, **params):
    return client.get(url, params).content.decode()


@pytest.fixture
def households(village_a):
    return [HouseholdFactory(village=village_a, head_name=name, member_count=2) for name in ("张一", "李二")]


def test_the_second_view_comes_from_the_cache(client_a, households):
    with CaptureQueriesContext(connection) as first:
        page = client_a.get(HOUSEHOLDS).content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client_a.get(HOUSEHOLDS).content.decode()
    assert "张一" in page and again.count("张一") == page.count("张一")
    assert len(second) < len(first)  # no count and no rows read
    assert not any("villages_household" in q["sql"] for q in second.captured_queries)


def test_a_household_edited_on_its_page(client_a, households, commit):
    assert "张一" in rows(client_a, HOUSEHOLDS)
    household = households[0]
    response = commit(client_a.post, reverse("villages:household_edit", args=[household.pk]), {
        "head_name": "张一改", "head_id_number": household.head_id_number, "member_count": 3,
        "status": HouseholdStatus.POOR, "income_measure_count": 0,
    })
    assert response.status_code == 302
    assert "张一改" in rows(client_a, HOUSEHOLDS) and "张一" not in rows(client_a, HOUSEHOLDS)


def test_a_household_created_and_deleted_by_the_services(client_a, officer_a, village_a, households, commit):
    rows(client_a, HOUSEHOLDS)
    added = commit(services.household_create, acting_user=officer_a, village=village_a, head_name="王三",
                   head_id_number=make_id_number(), member_count=1)
    assert "王三" in rows(client_a, HOUSEHOLDS)
    commit(services.household_delete, acting_user=officer_a, household=added)
    assert "王三" not in rows(client_a, HOUSEHOLDS)


def test_households_imported(client_a, officer_a, village_a, households, commit):
    rows(client_a, HOUSEHOLDS)
    before = re.search(r"共 (\d+) 条", cells(client_a, VILLAGES)).group(1)
    t = village_a.township
    result = commit(services.household_import, acting_user=officer_a, file=xlsx(
        ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "家庭人口", "状态"],
        [[t.county.name, t.name, village_a.name, "导入户", make_id_number(), 3, "未脱贫"]]))
    assert (result.created, result.errors) == (1, [])
    assert "导入户" in rows(client_a, HOUSEHOLDS)
    assert re.search(r"共 (\d+) 条", cells(client_a, VILLAGES)).group(1) == before  # villages: same number
    assert '<td class="text-end nowrap-cell">3</td>' in cells(client_a, VILLAGES)  # 户数 2 → 3


def test_a_village_edited(client_a, officer_a, village_a, commit):
    assert "已出列（2018年）" not in cells(client_a, VILLAGES)
    commit(services.village_update_facts, acting_user=officer_a, village=village_a, exit_status=ExitStatus.EXITED,
           exit_year=2018)
    assert "已出列（2018年）" in cells(client_a, VILLAGES)


def test_bulk_writes_of_ratings_and_places(client_a, village_a, commit):
    assert '<td class="stars">★' not in cells(client_a, VILLAGES)
    commit(StarRating.objects.update_or_create, village=village_a, defaults={"year": 2018, "stars": 2, "categories": [1, 2]})
    assert '<td class="stars">★★</td>' in cells(client_a, VILLAGES)
    commit(StarRating.objects.filter(village=village_a).update, stars=3)  # a bulk update, no signal
    assert '<td class="stars">★★★</td>' in cells(client_a, VILLAGES)
    commit(Township.objects.filter(pk=village_a.township_id).update, name="新名镇")
    assert '<td class="d-none d-md-table-cell">新名镇</td>' in cells(client_a, VILLAGES)
    commit(County.objects.filter(pk=village_a.county_id).update, name="新名县")
    assert '<td class="d-none d-md-table-cell">新名县</td>' in cells(client_a, VILLAGES)


def test_a_write_that_is_not_committed_keeps_the_entry(client_a, households):
    # The version moves on at the commit: until then the others still read the committed rows.
    rows(client_a, HOUSEHOLDS)
    Household.objects.filter(pk=households[0].pk).update(head_name="未提交")
    assert "未提交" not in rows(client_a, HOUSEHOLDS)


def test_users_of_other_scopes_never_share_an_entry(client, officer_a, officer_b, village_a, village_b, households):
    HouseholdFactory(village=village_b, head_name="外县户")
    client.force_login(officer_a)
    assert "外县户" not in rows(client, HOUSEHOLDS)
    client.force_login(officer_b)
    assert rows(client, HOUSEHOLDS) == ["外县户"]
    VillageFactory(township=village_b.township, name="外县村")
    client.force_login(officer_a)
    assert "外县村" not in cells(client, VILLAGES)


def test_a_cache_that_is_down_leaves_the_lists_to_the_database(client_a, households, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:9/0"}}  # nothing listens there
    assert sorted(rows(client_a, HOUSEHOLDS)) == ["张一", "李二"]
    listcache._bump()  # after a commit: logged, never an error for the write that is already saved
    assert "列表缓存不可用" in caplog.text
