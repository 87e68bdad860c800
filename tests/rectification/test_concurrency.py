"""Two people at once: letter numbers never repeat or skip, and of two moves on one item only the one
still legal after the other succeeds. The threaded tests need PostgreSQL's row locks; SQLite runs one
writer at a time, so on the SQLite pass they are skipped."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from rectification import services
from rectification.choices import ItemStatus
from rectification.models import LetterCounter, ProblemItem, RectificationLetter

from .conftest import make_trip


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL 的行锁（CI 的 PostgreSQL 一轮运行此项）。")


def run_together(*calls):
    """Run the calls in threads released at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as e:  # noqa: BLE001 — the test inspects what was raised
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_letters_issued_at_once_take_consecutive_numbers(group_1, county_a, leader_1, city_user):
    needs_postgresql()
    day = datetime.date(2018, 7, 13)
    for round_ in range(3):
        letters = [services.letter_draft_from_trip(
            acting_user=leader_1, trip=make_trip(group_1, county_a, datetime.date(2018, 7, 2 + 4 * round_ + k), user=leader_1))
            for k in range(2)]
        results = run_together(*[
            (lambda lt=lt, u=u: services.letter_issue(acting_user=u, letter=lt, issued_on=day,
                                                        deadline=datetime.date(2018, 8, 31)))
            for lt, u in zip(letters, (leader_1, city_user), strict=True)])
        assert all(isinstance(r, RectificationLetter) for r in results), results
    serials = sorted(RectificationLetter.objects.values_list("serial", flat=True))
    assert serials == [1, 2, 3, 4, 5, 6]  # no repeat, no gap
    assert LetterCounter.objects.get(prefix="河扶督", year=2018).last_serial == 6


@pytest.mark.django_db(transaction=True)
def test_closing_and_sending_back_at_once_only_one_succeeds(letter_1, officer_a, leader_1, member_1):
    needs_postgresql()
    for item in letter_1.items.all():
        item = services.item_report(acting_user=officer_a, item=services.item_start(acting_user=officer_a, item=item),
                                    evidence="已整改。")
        item = services.item_verify(acting_user=leader_1, item=item, passed=True)
        stale_a, stale_b = ProblemItem.objects.get(pk=item.pk), ProblemItem.objects.get(pk=item.pk)
        results = run_together(
            lambda a=stale_a: services.item_close(acting_user=leader_1, item=a),
            lambda b=stale_b: services.item_verify(acting_user=member_1, item=b, passed=False, reason="照片与现场不符"),
        )
        failures = [r for r in results if isinstance(r, ValidationError)]
        successes = [r for r in results if isinstance(r, ProblemItem)]
        assert len(failures) == 1 and len(successes) == 1, results
        assert "该问题当前为" in failures[0].messages[0]
        item.refresh_from_db()
        assert item.status == successes[0].status in (ItemStatus.CLOSED, ItemStatus.IN_PROGRESS)
        assert item.transitions.count() == 4  # start, report, verify_pass and the one move that won


def test_a_move_on_a_stale_copy_is_judged_on_the_current_state(item_1, officer_a, leader_1):
    """Any database: the service reads the row again, so a page opened before another's move cannot redo it."""
    stale = ProblemItem.objects.get(pk=item_1.pk)
    services.item_start(acting_user=officer_a, item=item_1)
    with pytest.raises(ValidationError, match="该问题当前为“整改中”"):
        services.item_start(acting_user=officer_a, item=stale)
    assert item_1.transitions.count() == 1
