"""A problem item's lifecycle (HY 六; SPEC §8): every legal and illegal move, who may make it, the timeline."""

import datetime

import pytest
import rules
from django.core.exceptions import ValidationError

from rectification import services
from rectification.choices import ItemStatus
from rectification.models import ItemTransition, ProblemItem
from tests.factories import CityFactory, UserFactory

from .conftest import TRIP_END, make_trip

S = ItemStatus


def do(action, user, item, **kw):
    """Run one move by its name in the transition table, with what each move needs."""
    if action == "start":
        return services.item_start(acting_user=user, item=item)
    if action == "report":
        return services.item_report(acting_user=user, item=item, evidence=kw.get("note", "已完成整改，附照片。"))
    if action == "verify_pass":
        return services.item_verify(acting_user=user, item=item, passed=True)
    if action == "verify_fail":
        return services.item_verify(acting_user=user, item=item, passed=False, reason=kw.get("note", "照片不清楚"))
    if action == "close":
        return services.item_close(acting_user=user, item=item, closed_on=kw.get("closed_on"))
    if action == "reopen":
        return services.item_reopen(acting_user=user, item=item, reason=kw.get("note", "回头看发现反弹"))
    raise AssertionError(action)


def bring_to(item, state, officer, checker):
    """Walk an item to a state (and, for "verified", to 已整改待核查 with the check passed)."""
    path = {"pending": [], "in_progress": ["start"], "reported": ["start", "report"],
            "verified": ["start", "report", "verify_pass"], "closed": ["start", "report", "verify_pass", "close"]}
    for action in path[state]:
        item = do(action, officer if action in ("start", "report") else checker, item)
    return item


def test_the_whole_life_of_an_item_and_its_timeline(item_1, officer_a, leader_1, member_1):
    item = do("start", officer_a, item_1)
    assert item.status == S.IN_PROGRESS
    item = do("report", officer_a, item, note="已将帮扶措施落实到户。")
    assert item.status == S.REPORTED and item.report == "已将帮扶措施落实到户。"
    item = do("verify_fail", member_1, item, note="入户核实未落实")
    assert item.status == S.IN_PROGRESS and not item.is_verified
    item = do("report", officer_a, item, note="已补齐。")
    item = do("verify_pass", member_1, item)
    assert item.status == S.REPORTED and item.verified_by == member_1
    item = do("close", leader_1, item, closed_on=datetime.date(2018, 8, 20))
    assert item.status == S.CLOSED and item.closed_on == datetime.date(2018, 8, 20)
    item = do("reopen", leader_1, item, note="回头看发现问题反弹")
    assert item.status == S.IN_PROGRESS and item.closed_on is None and not item.is_verified
    timeline = list(item.transitions.values_list("action", "from_status", "to_status", "by__username", "note"))
    assert timeline == [
        ("start", S.PENDING, S.IN_PROGRESS, "officer_a", ""),
        ("report", S.IN_PROGRESS, S.REPORTED, "officer_a", "已将帮扶措施落实到户。"),
        ("verify_fail", S.REPORTED, S.IN_PROGRESS, "huangyb", "入户核实未落实"),
        ("report", S.IN_PROGRESS, S.REPORTED, "officer_a", "已补齐。"),
        ("verify_pass", S.REPORTED, S.REPORTED, "huangyb", ""),
        ("close", S.REPORTED, S.CLOSED, "zhangyi", ""),
        ("reopen", S.CLOSED, S.IN_PROGRESS, "zhangyi", "回头看发现问题反弹"),
    ]


LEGAL = {  # state → the moves the table allows from it
    "pending": {"start"},
    "in_progress": {"report"},
    "reported": {"verify_pass", "verify_fail"},
    "verified": {"verify_fail", "close"},
    "closed": {"reopen"},
}
ACTIONS = ("start", "report", "verify_pass", "verify_fail", "close", "reopen")


@pytest.mark.parametrize("state", LEGAL)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_move_from_every_state(state, action, item_1, officer_a, leader_1):
    item = bring_to(item_1, state, officer_a, leader_1)
    before = (item.status, item.verified_at, item.closed_on, item.transitions.count())
    user = officer_a if action in ("start", "report") else leader_1
    if action in LEGAL[state]:
        moved = do(action, user, item)
        assert moved.transitions.count() == before[3] + 1
        assert ProblemItem.objects.get(pk=item.pk).status == services.TRANSITIONS[action].target
    else:
        with pytest.raises(ValidationError) as e:
            do(action, user, item)
        message = " ".join(e.value.messages)
        assert "当前为" in message or "核查通过" in message
        item.refresh_from_db()
        assert (item.status, item.verified_at, item.closed_on, item.transitions.count()) == before


def test_the_messages_of_illegal_moves_say_why(item_1, officer_a, leader_1):
    with pytest.raises(ValidationError, match="该问题当前为“待整改”，只有“已整改待核查”的问题可以销号。"):
        do("close", leader_1, item_1)
    item = bring_to(item_1, "reported", officer_a, leader_1)
    with pytest.raises(ValidationError, match="尚未核查通过，不能销号"):
        do("close", leader_1, item)
    item = do("close", leader_1, do("verify_pass", leader_1, item))
    with pytest.raises(ValidationError, match="该问题当前为“已销号”，只有“整改中”的问题可以报告整改情况。"):
        do("report", officer_a, item)


def test_notes_are_required_where_a_reason_is(item_1, officer_a, leader_1):
    item = do("start", officer_a, item_1)
    with pytest.raises(ValidationError) as e:
        services.item_report(acting_user=officer_a, item=item, evidence="  ")
    assert e.value.message_dict == {"note": ["请填写整改情况。"]}
    item = do("report", officer_a, item)
    with pytest.raises(ValidationError, match="请填写退回的理由"):
        services.item_verify(acting_user=leader_1, item=item, passed=False, reason="")
    item = do("close", leader_1, do("verify_pass", leader_1, item))
    with pytest.raises(ValidationError, match="请填写重新打开的理由"):
        services.item_reopen(acting_user=leader_1, item=item, reason="")
    assert ProblemItem.objects.get(pk=item.pk).status == S.CLOSED


def test_the_county_reports_and_the_issuing_group_or_the_office_checks(item_1, officer_a, officer_b, leader_1,
                                                                      member_1, leader_2, city_user):
    for refused in (leader_1, city_user, officer_b, leader_2):
        with pytest.raises(ValidationError, match="您无权对该问题执行“开始整改”"):
            do("start", refused, item_1)
    item = do("report", officer_a, do("start", officer_a, item_1))
    for refused in (officer_a, officer_b, leader_2):
        with pytest.raises(ValidationError, match="您无权"):
            do("verify_pass", refused, item)
    assert do("verify_pass", city_user, item).verified_by == city_user
    assert do("close", member_1, item).status == S.CLOSED
    assert ItemTransition.objects.filter(item=item).count() == 4


def test_an_item_of_a_draft_letter_cannot_move(trip_1, leader_1, officer_a):
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip_1)
    item = letter.items.first()
    with pytest.raises(ValidationError, match="整改函尚未签发"):
        do("start", officer_a, item)
    assert services.allowed_actions(officer_a, item) == []


def test_allowed_actions_follow_the_table_and_the_matrix(item_1, officer_a, leader_1, officer_b):
    assert services.allowed_actions(officer_a, item_1) == [("start", "开始整改")]
    assert services.allowed_actions(leader_1, item_1) == []
    item = bring_to(item_1, "reported", officer_a, leader_1)
    assert services.allowed_actions(leader_1, item) == [("verify_pass", "核查通过"), ("verify_fail", "核查未通过，退回整改")]
    item = do("verify_pass", leader_1, item)
    assert services.allowed_actions(leader_1, item) == [("verify_fail", "核查未通过，退回整改"), ("close", "销号")]
    assert services.allowed_actions(officer_a, item) == []


def test_overdue_is_one_query_and_a_closed_item_is_never_overdue(item_1, officer_a, leader_1, group_1, county_a):
    # letter_1's deadline is 2018-08-31.
    letter_items = ProblemItem.objects.filter(letter=item_1.letter)
    assert not letter_items.overdue(datetime.date(2018, 8, 31)).exists()
    assert letter_items.overdue(datetime.date(2018, 9, 1)).count() == 3
    assert item_1.is_overdue_on(datetime.date(2018, 9, 1)) and not item_1.is_overdue_on(datetime.date(2018, 8, 31))
    item = bring_to(item_1, "closed", officer_a, leader_1)
    assert letter_items.overdue(datetime.date(2018, 9, 1)).count() == 2
    assert not item.is_overdue_on(datetime.date(2019, 1, 1))
    # A draft letter's items have no deadline yet: never overdue.
    services.letter_draft_from_trip(acting_user=leader_1, trip=make_trip(group_1, county_a, TRIP_END, user=leader_1))
    assert ProblemItem.objects.overdue(datetime.date(2030, 1, 1)).count() == 2


# --- the rows of the matrix (rosters/permissions.py) -------------------------------------------------

@pytest.fixture
def people(officer_a, officer_b, leader_1, member_1, leader_2, city_user, admin_user, hy_campaign):
    from rosters.choices import MemberRole, TeamKind
    from tests.rosters.factories import TeamCountyFactory, TeamFactory, team_member_user

    # A guidance group that also covers county_a: it sees the county but did not issue the letter.
    guidance = TeamFactory(campaign=hy_campaign, name="指导组", kind=TeamKind.GUIDANCE)
    TeamCountyFactory(team=guidance, county=officer_a.county)
    return {
        "leader": leader_1, "member": member_1, "other_leader": leader_2,
        "guidance_member": team_member_user(guidance, username="zhidao", role=MemberRole.LEADER),
        "county": officer_a, "other_county": officer_b, "city": city_user, "admin": admin_user,
        "other_city": UserFactory(username="luoyang", role="city", city=CityFactory(name="洛阳市"), county=None),
    }


MATRIX_CASES = {
    # permission: who may (everyone else in `people` may not)
    "rectification.draft_letter": {"leader", "member", "city", "admin"},
    "rectification.draft_common_letter": {"city", "admin"},
    "rectification.issue_letter": {"leader", "city", "admin"},
    "rectification.report_item": {"county"},
    "rectification.verify_item": {"leader", "member", "city", "admin"},
    "rectification.request_extension": {"county", "city", "admin"},
    "rectification.decide_extension": {"leader", "city", "admin"},  # the county asked; never the asker
    "rectification.escalate_item": {"leader", "member", "city", "admin"},
    "rectification.acknowledge_escalation": {"city", "admin"},
    "rectification.issue_notice": {"city", "admin"},
}


@pytest.mark.parametrize("perm", MATRIX_CASES)
def test_every_cell_of_the_rectification_rows(perm, people, trip_1, item_1, village_a):
    from inspections.models import Problem
    from rectification.models import ExtensionRequest, Notice

    common = Problem(county=trip_1.county, village=village_a)  # duck-typed: what the predicate asks of a 共性问题
    extension = ExtensionRequest(item=item_1, requested_by=people["county"], reason="r",
                                 current_deadline=item_1.deadline, requested_deadline=item_1.deadline)
    obj = {"rectification.draft_letter": trip_1, "rectification.draft_common_letter": common,
           "rectification.issue_letter": item_1.letter, "rectification.decide_extension": extension,
           "rectification.issue_notice": Notice(county=trip_1.county)}.get(perm, item_1)
    allowed = {name for name, user in people.items() if rules.has_perm(perm, user, obj)}
    assert allowed == MATRIX_CASES[perm]


def test_the_asker_never_decides_even_the_office(people, item_1):
    from rectification.models import ExtensionRequest

    extension = ExtensionRequest(item=item_1, requested_by=people["city"], reason="r",
                                 current_deadline=item_1.deadline, requested_deadline=item_1.deadline)
    allowed = {name for name, user in people.items() if rules.has_perm("rectification.decide_extension", user, extension)}
    assert allowed == {"leader", "admin"}


def test_an_office_issued_item_is_checked_by_the_office_only(people, item_1):
    ProblemItem.objects.filter(pk=item_1.pk).update(team=None)
    item_1.refresh_from_db()
    allowed = {name for name, user in people.items() if rules.has_perm("rectification.verify_item", user, item_1)}
    assert allowed == {"city", "admin"}
