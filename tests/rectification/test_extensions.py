"""Extensions (延期, HY 六 "确需延长时间的，应及时报告原因和明确延长时限"): the county asks with a reason and a new
date after the current deadline; the issuing group's leader or the city office decides, never on their own request;
the deadline changes only on approval; every request is kept and shown; a request waiting over 2 working days
reminds its deciders.

letter_1 (第一组, leader 张翼) was issued on 2018-07-13 with every deadline on 2018-08-31."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from rectification import services
from rectification.choices import ExtensionStatus
from rectification.models import ExtensionRequest, ProblemItem
from reminders import services as reminders
from reminders.models import Notification

from .conftest import walk

D = datetime.date
AUG31, SEP30 = D(2018, 8, 31), D(2018, 9, 30)


def ask(item, user, day=SEP30, reason="雨季施工受阻，需延期一个月。"):
    return services.extension_request(acting_user=user, item=item, requested_deadline=day, reason=reason)


def test_asked_approved_the_deadline_moves_only_then(item_1, officer_a, leader_1):
    ext = ask(item_1, officer_a)
    item_1.refresh_from_db()
    assert item_1.deadline == AUG31 and ext.status == ExtensionStatus.PENDING and ext.current_deadline == AUG31
    services.extension_decide(acting_user=leader_1, extension=ext, approve=True, note="同意")
    item_1.refresh_from_db()
    ext.refresh_from_db()
    assert item_1.deadline == SEP30
    assert (ext.status, ext.decided_by, ext.decision_note) == (ExtensionStatus.APPROVED, leader_1, "同意")
    assert item_1.transitions.filter(action="extend", note__contains="由2018年8月31日延至2018年9月30日").exists()
    # The new deadline is what "overdue" counts from.
    assert not ProblemItem.objects.filter(pk=item_1.pk).overdue(D(2018, 9, 15)).exists()


def test_rejected_needs_a_reason_and_leaves_the_deadline(item_1, officer_a, city_user):
    ext = ask(item_1, officer_a)
    with pytest.raises(ValidationError, match="不批准延期时请填写理由"):
        services.extension_decide(acting_user=city_user, extension=ext, approve=False, note="")
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.PENDING
    services.extension_decide(acting_user=city_user, extension=ext, approve=False, note="理由不充分")
    item_1.refresh_from_db()
    assert item_1.deadline == AUG31 and ExtensionRequest.objects.get().status == ExtensionStatus.REJECTED
    # Every request is kept: a second one after the refusal is a new row.
    ask(item_1, officer_a, D(2018, 9, 15), "再次申请")
    assert list(ExtensionRequest.objects.values_list("status", flat=True)) == ["rejected", "pending"]


@pytest.mark.parametrize("day, message", [
    (AUG31, "申请延至的日期（2018年8月31日）必须晚于当前整改期限（2018年8月31日）"),
    (D(2018, 8, 1), "必须晚于当前整改期限"),
    (None, "请填写申请延至的日期"),
])
def test_a_date_not_after_the_current_deadline_is_refused(item_1, officer_a, day, message):
    with pytest.raises(ValidationError, match=message):
        ask(item_1, officer_a, day)
    assert not ExtensionRequest.objects.exists() and not item_1.transitions.exists()


def test_a_reason_is_required_and_one_request_waits_at_a_time(item_1, officer_a):
    with pytest.raises(ValidationError, match="请写明延期的原因"):
        ask(item_1, officer_a, reason=" ")
    ask(item_1, officer_a)
    with pytest.raises(ValidationError, match="已有一份待审批的延期申请（申请延至2018年9月30日）"):
        ask(item_1, officer_a, D(2018, 10, 31))
    assert ExtensionRequest.objects.count() == 1


def test_nobody_approves_their_own_request(item_1, city_user, officer_a):
    """The city office may enter a request for the county (e.g. received on paper), but then may not approve it."""
    ext = ask(item_1, city_user)
    with pytest.raises(ValidationError, match="不能审批自己提出的延期申请"):
        services.extension_decide(acting_user=city_user, extension=ext, approve=True)
    ext.refresh_from_db()
    item_1.refresh_from_db()
    assert ext.status == ExtensionStatus.PENDING and item_1.deadline == AUG31


def test_who_may_decide(item_1, officer_a, member_1, leader_2, officer_b, leader_1):
    ext = ask(item_1, officer_a)
    for refused in (member_1, leader_2, officer_a, officer_b):  # a member, another group, the counties
        with pytest.raises(ValidationError):
            services.extension_decide(acting_user=refused, extension=ext, approve=True)
    assert ExtensionRequest.objects.get().status == ExtensionStatus.PENDING
    services.extension_decide(acting_user=leader_1, extension=ext, approve=True)
    with pytest.raises(ValidationError, match="已于.*审批（已批准）"):
        services.extension_decide(acting_user=leader_1, extension=ext, approve=False, note="改主意")


def test_no_extension_for_a_closed_item_or_another_county(item_1, officer_a, officer_b, leader_1):
    with pytest.raises(ValidationError, match="只有本县"):
        ask(item_1, officer_b)
    closed = walk(item_1, officer_a, leader_1, "closed")
    with pytest.raises(ValidationError, match="已销号，不能申请延期"):
        ask(closed, officer_a)


def test_through_the_pages_all_requests_shown(client, item_1, officer_a, officer_b, leader_1):
    client.force_login(officer_a)
    url = reverse("rectification:extension_request", args=[item_1.pk])
    page = client.post(url, {"requested_deadline": "2018-08-30", "reason": "施工"}, follow=True).content.decode()
    assert "必须晚于当前整改期限" in page and not ExtensionRequest.objects.exists()
    page = client.post(url, {"requested_deadline": "2018-09-30", "reason": "雨季施工受阻"}, follow=True).content.decode()
    assert "已申请延期至2018年9月30日，等待审批。" in page and 'id="decide-form"' not in page
    assert client.get(reverse("rectification:item_list")).content.decode().count("延期待审批</span>") == 1
    ext = ExtensionRequest.objects.get()
    client.force_login(officer_b)
    assert client.post(url, {"requested_deadline": "2018-10-30", "reason": "x"}).status_code == 404
    assert client.post(reverse("rectification:extension_decide", args=[ext.pk]), {"decision": "approve"}).status_code == 404
    client.force_login(leader_1)
    page = client.get(item_1.get_absolute_url()).content.decode()
    assert 'id="decide-form"' in page and "雨季施工受阻" in page
    page = client.post(reverse("rectification:extension_decide", args=[ext.pk]), {"decision": "approve", "note": "同意"},
                       follow=True).content.decode()
    assert "已批准延期，整改期限已更新。" in page
    deadline = page.split('id="item-deadline"')[1][:80]
    assert "2018年9月30日" in deadline and "原期限2018年8月31日" in deadline
    extensions = page.split('id="extensions"')[1].split("整改过程")[0]
    assert "已批准" in extensions and "同意" in extensions


# --- the reminder: a request undecided for more than 2 working days (reminders.registry: extension_waiting) --

def _sent():
    return {(n.recipient.username, n.title) for n in Notification.objects.filter(kind="extension_waiting")
            .select_related("recipient")}


def test_a_request_waiting_over_two_working_days_reminds_the_leader(item_1, officer_a, leader_1, city_user):
    # Asked on Friday 2018-09-28; Sat 09-29 and Sun 09-30 were worked (National Day swap), so the 2nd working
    # day after it is Sunday 09-30 — the decision was due that day, and the reminder goes out on 10-01.
    with time_machine.travel(datetime.datetime(2018, 9, 28, 10, 0)):
        ask(item_1, officer_a)
    reminders.reminders_send(kind="extension_waiting", day=D(2018, 9, 30))  # the last day to decide: not yet
    assert not _sent()
    reminders.reminders_send(kind="extension_waiting", day=D(2018, 10, 1))  # the day after
    assert _sent() == {("zhangyi", "登封市9月28日申请延期（延至9月30日），超过2个工作日未审批")}


def test_the_city_office_is_reminded_of_its_own_items_and_nothing_once_decided(item_1, officer_a, city_user, leader_1):
    ProblemItem.objects.filter(pk=item_1.pk).update(team=None)  # an item the city office issued
    item_1.refresh_from_db()
    with time_machine.travel(datetime.datetime(2018, 8, 6, 10, 0)):  # a Monday
        ext = ask(item_1, officer_a)
    reminders.reminders_send(kind="extension_waiting", day=D(2018, 8, 8))  # Wednesday: the 2nd working day
    assert not _sent()
    reminders.reminders_send(kind="extension_waiting", day=D(2018, 8, 9))
    assert {user for user, _ in _sent()} == {"city"}
    services.extension_decide(acting_user=city_user, extension=ext, approve=True)
    Notification.objects.all().delete()
    reminders.reminders_send(kind="extension_waiting", day=D(2018, 8, 10))
    assert not _sent()


def test_my_todo_shows_the_deciders_what_waits(client, item_1, officer_a, leader_1, member_1):
    with time_machine.travel(datetime.datetime(2018, 9, 28, 10, 0)):
        ask(item_1, officer_a)
        client.force_login(leader_1)
        page = client.get(reverse("reminders:todo")).content.decode()
        assert "1份延期申请待审批" in page
        client.force_login(member_1)  # a member does not decide
        assert "延期申请待审批" not in client.get(reverse("reminders:todo")).content.decode()
