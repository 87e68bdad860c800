"""Verification with a look-back (回头看, HY 四: 必要时组织“回头看”), closing, and the escalation of major problems
to the city's leading group (HY 六: 发现重大问题……报告市脱贫攻坚督查工作领导小组), shown to the city office until
acknowledged. trip_1's first finding is 重大; letter_1 was issued on 2018-07-13."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rectification import services
from rectification.choices import ItemStatus, Severity
from rectification.models import LookBack, ProblemItem

from .conftest import walk

D = datetime.date
LOOK = services.LookBackInput(D(2018, 8, 20), "张翼、黄运彬", "入户核实，帮扶措施已落实，群众满意。")


def test_a_look_back_recorded_with_the_verification_then_closing(item_1, officer_a, leader_1):
    item = walk(item_1, officer_a, leader_1, "reported")
    item = services.item_verify(acting_user=leader_1, item=item, passed=True, lookback=LOOK)
    lb = LookBack.objects.get()
    assert (lb.visited_on, lb.people, lb.found, lb.recorded_by) == (LOOK.visited_on, LOOK.people, LOOK.found, leader_1)
    assert lb.transition.action == "verify_pass"
    item = services.item_close(acting_user=leader_1, item=item, closed_on=D(2018, 8, 21))
    assert item.status == ItemStatus.CLOSED


def test_a_look_back_that_finds_the_work_undone_sends_the_item_back(client, item_1, officer_a, leader_1):
    item = walk(item_1, officer_a, leader_1, "reported")
    client.force_login(leader_1)
    page = client.post(reverse("rectification:item_move", args=[item.pk]), {
        "action": "verify_fail", "note": "回头看发现仍未落实", "lookback_on": "2018-08-20",
        "lookback_people": "张翼", "lookback_found": "3户帮扶措施仍未落实"}, follow=True).content.decode()
    assert "已核查未通过，退回整改。" in page and "3户帮扶措施仍未落实" in page.split('id="lookbacks"')[1]
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS and item.sent_back_at is not None
    # The county sees it among the items sent back; reporting again takes it out.
    client.force_login(officer_a)
    inbox = client.get(reverse("rectification:inbox")).content.decode()
    assert item.description in inbox.split('id="section-sent_back"')[1].split("</section>")[0]
    services.item_report(acting_user=officer_a, item=item, evidence="已补齐")
    item.refresh_from_db()
    assert item.sent_back_at is None


@pytest.mark.parametrize("lookback, field, message", [
    (services.LookBackInput(None, "张翼", "好"), "visited_on", "请填写回头看日期。"),
    (services.LookBackInput(D(2018, 7, 12), "张翼", "好"), "visited_on", "回头看日期不能早于发函日期（2018年7月13日）。"),
    (services.LookBackInput(D(2099, 1, 1), "张翼", "好"), "visited_on", "回头看日期不能晚于今天。"),
    (services.LookBackInput(D(2018, 8, 20), " ", "好"), "people", "请填写参加回头看的人员。"),
    (services.LookBackInput(D(2018, 8, 20), "张翼", ""), "found", "请填写回头看发现的情况。"),
])
def test_a_bad_look_back_refuses_the_verification_and_changes_nothing(item_1, officer_a, leader_1, lookback, field, message):
    item = walk(item_1, officer_a, leader_1, "reported")
    steps = item.transitions.count()
    with pytest.raises(ValidationError) as e:
        services.item_verify(acting_user=leader_1, item=item, passed=True, lookback=lookback)
    assert e.value.message_dict[field] == [message]
    item.refresh_from_db()
    assert item.status == ItemStatus.REPORTED and not item.is_verified and item.transitions.count() == steps
    assert not LookBack.objects.exists()


def test_closing_an_item_nobody_verified_is_refused(client, item_1, officer_a, leader_1):
    item = walk(item_1, officer_a, leader_1, "reported")
    client.force_login(leader_1)
    page = client.post(reverse("rectification:item_move", args=[item.pk]), {"action": "close"}, follow=True)
    assert "尚未核查通过，不能销号" in page.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.REPORTED and item.closed_on is None


# --- escalation (重大问题上报) ----------------------------------------------------------------------------

def test_a_major_finding_is_reported_when_its_letter_is_issued(letter_1, leader_1):
    major = letter_1.items.get(severity=Severity.MAJOR)
    assert major.escalated_by == leader_1 and major.escalation_waiting
    assert "河扶督〔2018〕1号" in major.escalation_note
    assert not letter_1.items.filter(severity=Severity.GENERAL, escalated_at__isnull=False).exists()


def test_a_draft_escalates_nothing(trip_1, leader_1):
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip_1)
    assert not letter.items.filter(escalated_at__isnull=False).exists()
    with pytest.raises(ValidationError, match="整改函尚未签发"):
        services.item_escalate(acting_user=leader_1, item=letter.items.last(), note="重大")


def test_an_item_raised_later_and_the_city_inbox_until_acknowledged(client, letter_1, member_1, city_user, officer_a):
    general = letter_1.items.filter(severity=Severity.GENERAL).first()
    for refused in (officer_a,):
        with pytest.raises(ValidationError, match="只有发函小组成员或市扶贫办"):
            services.item_escalate(acting_user=refused, item=general, note="重大")
    with pytest.raises(ValidationError, match="请写明上报的理由"):
        services.item_escalate(acting_user=member_1, item=general, note="")
    services.item_escalate(acting_user=member_1, item=general, note="涉及资金挪用，金额较大")
    general.refresh_from_db()
    assert general.severity == Severity.MAJOR and general.escalated_by == member_1
    with pytest.raises(ValidationError, match="不能重复上报"):
        services.item_escalate(acting_user=member_1, item=general, note="again")
    client.force_login(city_user)
    section = client.get(reverse("rectification:inbox")).content.decode().split('id="section-escalated"')[1].split("</section>")[0]
    assert section.count("<tr>") == 3  # the header and the two major items
    page = client.post(reverse("rectification:item_acknowledge", args=[general.pk]), follow=True).content.decode()
    assert "已确认收到重大问题报告。" in page
    section = client.get(reverse("rectification:inbox")).content.decode().split('id="section-escalated"')[1].split("</section>")[0]
    assert section.count("<tr>") == 2  # the header and the one not yet acknowledged
    assert ProblemItem.objects.filter(escalated_at__isnull=False, acknowledged_at__isnull=True).count() == 1
    with pytest.raises(ValidationError, match="已于"):
        services.item_acknowledge(acting_user=city_user, item=general)


def test_only_the_city_office_acknowledges(letter_1, leader_1, officer_a, officer_b, city_user):
    major = letter_1.items.get(severity=Severity.MAJOR)
    for refused in (leader_1, officer_a):
        with pytest.raises(ValidationError, match="只有市扶贫办"):
            services.item_acknowledge(acting_user=refused, item=major)
    major.refresh_from_db()
    assert major.escalation_waiting


def test_the_county_cannot_escalate_through_the_page(client, letter_1, officer_a):
    general = letter_1.items.filter(severity=Severity.GENERAL).first()
    client.force_login(officer_a)
    page = client.post(reverse("rectification:item_escalate", args=[general.pk]), {"note": "x"}, follow=True).content.decode()
    assert "只有发函小组成员或市扶贫办可以上报重大问题。" in page
    general.refresh_from_db()
    assert general.severity == Severity.GENERAL and general.escalated_at is None
