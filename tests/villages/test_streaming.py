"""villages.streaming.read_ahead: the rows in order, read ahead in a thread on PostgreSQL."""

import threading

import pytest
from django.db import connection

from tests.factories import HouseholdFactory
from villages.models import Household
from villages.streaming import read_ahead


def test_the_rows_come_in_order_through_the_thread():
    assert list(read_ahead(iter(range(10_001)), threaded=True)) == list(range(10_001))


def test_an_error_while_reading_is_raised_to_the_reader():
    def rows():
        yield from range(5)
        raise RuntimeError("连接中断")

    with pytest.raises(RuntimeError, match="连接中断"):
        list(read_ahead(rows(), threaded=True))


def test_a_reader_that_stops_early_stops_the_thread():
    produced = []

    def rows():
        for i in range(1_000_000):
            produced.append(i)
            yield i

    reader = read_ahead(rows(), threaded=True)
    assert [next(reader) for _ in range(3)] == [0, 1, 2]
    reader.close()  # as when the writer fails half-way
    assert not any(t.name == "read-ahead" for t in threading.enumerate())
    assert len(produced) < 50_000  # a few chunks ahead, not the whole query


@pytest.mark.django_db
def test_inside_a_transaction_the_rows_are_read_on_its_connection(village_a):
    # Another connection could not see the rows this test's transaction has not committed.
    HouseholdFactory.create_batch(3, village=village_a)
    assert connection.in_atomic_block
    rows = read_ahead(Household.objects.values_list("pk", flat=True).iterator())
    assert len(list(rows)) == 3


@pytest.mark.django_db(transaction=True)
def test_committed_rows_are_read_ahead_on_postgresql(village_a):
    if connection.vendor != "postgresql":
        pytest.skip("提前读取只在 PostgreSQL 上另开线程（CI 的 PostgreSQL 一轮运行此项）。")
    HouseholdFactory.create_batch(5, village=village_a)
    expected = list(Household.objects.order_by("pk").values_list("pk", "head_name"))
    assert list(read_ahead(Household.objects.order_by("pk").values_list("pk", "head_name").iterator())) == expected
