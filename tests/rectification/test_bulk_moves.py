"""Many items through one move at once (``rectification.services.items_move``): the same transition table
and matrix as one item's move, the rows locked together, the timeline written in one insert — so the
number of queries does not grow with the number of items (the listed-supervision ledger moves up to 200
a request, HN 四(二) 逐一对账销号)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectification import services
from rectification.models import ItemTransition, ProblemItem

from .conftest import TRIP_END, make_trip

pytestmark = pytest.mark.django_db

D = datetime.date


def issued_letter(team, county, leader, findings):
    trip = make_trip(team, county, TRIP_END, user=leader, findings=findings)
    letter = services.letter_draft_from_trip(acting_user=leader, trip=trip)
    return services.letter_issue(acting_user=leader, letter=letter, issued_on=D(2018, 7, 13), deadline=D(2018, 8, 31))


def timeline(item):
    return [(t.action, t.from_status, t.to_status, t.note, t.by.username) for t in item.transitions.select_related("by")]


@pytest.fixture
def many(group_1, county_a, leader_1):
    return list(issued_letter(group_1, county_a, leader_1, 30).items.order_by("pk"))


def test_many_items_go_through_the_lifecycle_as_each_would_alone(letter_1, officer_a, leader_1, member_1):
    alone, *together = list(letter_1.items.order_by("pk"))
    with time_machine.travel(datetime.datetime(2018, 8, 20, 9, tzinfo=datetime.UTC)):
        services.item_start(acting_user=officer_a, item=alone)
        services.item_report(acting_user=officer_a, item=alone, evidence="已整改。")
        services.item_verify(acting_user=leader_1, item=alone, passed=True, reason="材料齐全")
        services.item_close(acting_user=member_1, item=alone, note="销号")
        services.items_move(acting_user=officer_a, items=together, action="start")
        services.items_move(acting_user=officer_a, items=together, action="report", note="已整改。")
        services.items_move(acting_user=leader_1, items=together, action="verify_pass", note="材料齐全")
        services.items_move(acting_user=member_1, items=together, action="close", note="销号")
    alone.refresh_from_db()
    for item in together:
        item.refresh_from_db()
        assert timeline(item) == timeline(alone)
        assert (item.status, item.report, item.verified_by, item.closed_on) == ("closed", "已整改。", leader_1, D(2018, 8, 20))
    assert timeline(alone) == [("start", "pending", "in_progress", "", "officer_a"),
                               ("report", "in_progress", "reported", "已整改。", "officer_a"),
                               ("verify_pass", "reported", "reported", "材料齐全", leader_1.username),
                               ("close", "reported", "closed", "销号", member_1.username)]


def test_a_round_costs_the_same_queries_for_thirty_items_as_for_three(letter_1, many, officer_a, leader_1):
    def queries(items, action, user, note=""):
        with CaptureQueriesContext(connection) as ctx:
            services.items_move(acting_user=user, items=items, action=action, note=note)
        return len(ctx)

    few = list(letter_1.items.order_by("pk"))
    for action, user, note in (("start", officer_a, ""), ("report", officer_a, "已整改。"),
                               ("verify_pass", leader_1, ""), ("close", leader_1, "")):
        assert queries(many, action, user, note) == queries(few, action, user, note) <= 7, action
    assert ProblemItem.objects.filter(status="closed").count() == 33
    # Each sent back with its own reason, still in one round.
    reasons = {item.pk: f"第{n}户仍未保障" for n, item in enumerate(many)}
    services.items_move(acting_user=leader_1, items=many, action="reopen", note=reasons)
    assert {t.item_id: t.note for t in ItemTransition.objects.filter(action="reopen")} == reasons


def test_one_item_that_may_not_move_refuses_the_round_and_nothing_is_written(letter_1, officer_a, group_2, county_b,
                                                                           leader_2, leader_1):
    mine = list(letter_1.items.order_by("pk"))
    theirs = list(issued_letter(group_2, county_b, leader_2, 1).items.all())
    before = ItemTransition.objects.count()

    with pytest.raises(ValidationError, match="您无权对问题“问题1：帮扶措施未落实到户”执行“开始整改”"):
        services.items_move(acting_user=officer_a, items=mine + theirs, action="start")  # another county's item
    services.item_start(acting_user=officer_a, item=mine[0])
    with pytest.raises(ValidationError, match="当前为“整改中”，只有“待整改”的问题可以开始整改"):
        services.items_move(acting_user=officer_a, items=mine, action="start")  # one has moved on
    services.items_move(acting_user=officer_a, items=mine[1:], action="start")
    services.items_move(acting_user=officer_a, items=mine, action="report", note="已整改。")
    with pytest.raises(ValidationError, match="请填写退回的理由"):
        services.items_move(acting_user=leader_1, items=mine, action="verify_fail",
                            note={mine[0].pk: "照片不清", mine[1].pk: "照片不清"})  # the third has no reason
    with pytest.raises(ValidationError, match="尚未核查通过，不能销号"):
        services.items_move(acting_user=leader_1, items=mine, action="close")

    assert [i.status for i in ProblemItem.objects.filter(letter=letter_1)] == ["reported"] * 3
    assert ProblemItem.objects.get(pk=theirs[0].pk).status == "pending"
    assert ItemTransition.objects.count() == before + 1 + 2 + 3  # the single start, the two starts, three reports
