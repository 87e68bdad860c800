"""What the household import writes, batch by batch: the rows, their history, the villages' figures,
the lists' cache — and what it leaves in the query log under DEBUG."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import HouseholdFactory, VillageFactory, make_id_number
from villages import listcache, services
from villages.models import Household, VillageSummary
from villages.summaries import FIGURES, summaries_equal_a_recount, village_summaries_refresh

from .conftest import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "家庭人口", "状态", "脱贫年份", "低保户", "不愁吃",
          "帮扶措施"]


@pytest.fixture
def two_villages(village_a):
    other = VillageFactory(township=village_a.township)
    return village_a, other


def test_households_and_their_history_over_several_batches(officer_a, two_villages, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_BATCH", 3)
    village, other = two_villages
    t = village.township
    kept = HouseholdFactory(village=village, head_name="原有户", member_count=2, is_dibao=False, food_ok=None)
    moved = HouseholdFactory(village=village, head_name="搬迁户", member_count=4)
    rows = [[t.county.name, t.name, other.name if n % 2 else village.name, f"导入{n}", make_id_number(), 1 + n % 5,
             "已脱贫" if n % 3 == 0 else "未脱贫", 2019 if n % 3 == 0 else None, "是" if n % 4 == 0 else "否",
             "否" if n % 5 == 0 else None, "产业扶贫；就业扶贫"] for n in range(8)]
    rows.insert(4, [t.county.name, t.name, village.name, "原有户", kept.head_id_number, 2, "未脱贫", None, "是", "是", ""])
    rows.append([t.county.name, t.name, other.name, "搬迁户", moved.head_id_number, 4, "未脱贫", None, "否", None, ""])
    history_before = Household.history.count()

    result = services.household_import(acting_user=officer_a, file=xlsx(HEADER, rows))

    assert (result.created, result.updated, result.unchanged, result.errors) == (8, 2, 0, [])
    kept.refresh_from_db()
    moved.refresh_from_db()
    assert (kept.is_dibao, kept.food_ok, moved.village_id) == (True, True, other.pk)
    assert [c for c in result.samples["updated"][0].changes] == [("低保户", "否", "是"), ("不愁吃", "空", "是")]
    three = Household.objects.get(head_name="导入3")
    assert (three.village_id, three.member_count, three.status, three.exit_year, three.is_dibao, three.food_ok,
            three.measures) == (other.pk, 4, "exited", 2019, False, None, "产业扶贫\n就业扶贫")
    assert Household.objects.get(head_name="导入0").food_ok is False
    # One history row per written household, naming the importer and the reason, holding what was stored.
    assert Household.history.count() == history_before + 10
    for household in Household.objects.filter(head_name__startswith="导入") | Household.objects.filter(pk=kept.pk):
        last = household.history.first()
        assert (last.history_user, last.history_change_reason) == (officer_a, services.HISTORY_REASON)
        assert last.history_type == ("~" if household.pk == kept.pk else "+")
        assert (last.head_name, last.member_count, last.is_dibao, last.food_ok, last.village_id) == (
            household.head_name, household.member_count, household.is_dibao, household.food_ok, household.village_id)
    assert summaries_equal_a_recount() == {}
    assert VillageSummary.objects.get(village=other).households == 5


def test_reimport_compares_stored_values_and_changes_nothing(officer_a, village_a):
    t = village_a.township
    rows = [[t.county.name, t.name, village_a.name, f"户{n}", make_id_number(), 3, "未脱贫", None, "是", "否", ""]
            for n in range(5)]
    assert services.household_import(acting_user=officer_a, file=xlsx(HEADER, rows)).created == 5
    history = Household.history.count()
    again = services.household_import(acting_user=officer_a, file=xlsx(HEADER, rows))
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 5, [])
    assert Household.history.count() == history


def test_the_query_log_keeps_no_row_values_under_debug(officer_a, village_a):
    """Under DEBUG every statement is logged with its values quoted: for a big file, seconds of work and
    tens of megabytes. On SQLite the rows go in one executemany a batch, which the log keeps as one line."""
    if connection.vendor != "sqlite":
        pytest.skip("只有 SQLite 逐行执行同一条插入语句（executemany）；其他数据库一条语句插入多行，日志照常记录取值。")
    t = village_a.township
    rows = [[t.county.name, t.name, village_a.name, f"日志户{n}", make_id_number(), 2, "未脱贫", None, "否", None, ""]
            for n in range(30)]
    with CaptureQueriesContext(connection) as queries:
        result = services.household_import(acting_user=officer_a, file=xlsx(HEADER, rows))
    assert (result.created, result.errors) == (30, [])
    assert not [q["sql"] for q in queries.captured_queries if "日志户" in q["sql"]]


def test_a_recount_that_only_updates_moves_the_lists_version(settings, village_a, django_capture_on_commit_callbacks):
    """The figures are written with INSERT … ON CONFLICT, not through the queryset: it says so itself."""
    settings.LIST_CACHE = True
    cache = caches["default"]
    cache.clear()
    HouseholdFactory(village=village_a)
    connection.run_on_commit[:] = []
    assert VillageSummary.objects.filter(village=village_a).exists()
    cache.set(listcache.VERSION_KEY, 1, None)
    with django_capture_on_commit_callbacks(execute=True):
        village_summaries_refresh(village_ids=[village_a.pk])
    assert cache.get(listcache.VERSION_KEY) != 1
    cache.clear()


def test_figures_of_a_village_with_no_households_are_zero(village_a):
    VillageSummary.objects.filter(village=village_a).delete()
    village_summaries_refresh(village_ids=[village_a.pk, 10**9])  # a village that is not there is left out
    stored = VillageSummary.objects.filter(village=village_a).values(*FIGURES).get()
    assert set(stored.values()) == {0}
    assert not VillageSummary.objects.filter(village_id=10**9).exists()
