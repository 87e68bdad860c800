"""SPEC §10 daily reminders of rectification: items due within 3 days, items overdue, letters not sent in time.

trip_1 of 第一组 (leader 张翼) to 登封市 ended on Wednesday 2018-07-11; letter_1 was issued on 07-13 with
every item due on 2018-08-31.
"""

import datetime

import pytest

from reminders import services
from reminders.models import Notification

pytestmark = pytest.mark.django_db

D = datetime.date


def _sent(kind):
    return {(n.recipient.username, n.title) for n in Notification.objects.filter(kind=kind).select_related("recipient")}


def test_items_due_within_three_days_remind_the_county(letter_1, officer_a, officer_b):
    services.reminders_send(kind="item_due_soon", day=D(2018, 8, 27))  # four days before: nothing yet
    assert not _sent("item_due_soon")
    services.reminders_send(kind="item_due_soon", day=D(2018, 8, 28))
    services.reminders_send(kind="item_due_soon", day=D(2018, 8, 28))  # run twice: sent once
    assert _sent("item_due_soon") == {("officer_a", "登封市有3项整改问题将于3天内到期（最早8月31日）")}


def test_overdue_items_tell_the_county_and_the_issuing_group(letter_1, officer_a, leader_1, leader_2):
    services.reminders_send(kind="item_overdue", day=D(2018, 8, 31))  # the deadline itself: not overdue
    assert not _sent("item_overdue")
    services.reminders_send(kind="item_overdue", day=D(2018, 9, 1))
    assert {user for user, _ in _sent("item_overdue")} == {"officer_a", leader_1.username}  # not 第二组's leader


def test_a_closed_item_is_never_overdue(letter_1, officer_a, leader_1):
    from rectification import services as rect

    item = letter_1.items.first()
    rect.item_start(acting_user=officer_a, item=item)
    rect.item_report(acting_user=officer_a, item=item, evidence="已落实帮扶措施")
    rect.item_verify(acting_user=leader_1, item=item, passed=True)
    rect.item_close(acting_user=leader_1, item=item)
    services.reminders_send(kind="item_overdue", day=D(2018, 9, 1))
    assert "登封市有2项整改问题已逾期" in {title for _, title in _sent("item_overdue")}.pop()


def test_a_trip_without_its_letter_after_three_working_days_tells_the_leader(trip_1, leader_1):
    # Ended Wednesday 07-11: the 3rd working day after it is Monday 07-16.
    services.reminders_send(kind="letter_missing", day=D(2018, 7, 16))
    assert not _sent("letter_missing")
    services.reminders_send(kind="letter_missing", day=D(2018, 7, 17))
    ((user, title),) = _sent("letter_missing")
    assert user == leader_1.username and "整改函应于7月16日前发出" in title


def test_no_reminder_once_the_letter_is_issued(letter_1):
    services.reminders_send(kind="letter_missing", day=D(2018, 7, 17))
    assert not _sent("letter_missing")


def test_my_todo_shows_the_county_its_items_and_the_group_what_awaits_verification(client, letter_1, officer_a, leader_1):
    import time_machine
    from django.urls import reverse

    from rectification import services as rect

    with time_machine.travel(datetime.datetime(2018, 8, 29, 9, 0)):
        client.force_login(officer_a)
        page = client.get(reverse("reminders:todo")).content.decode()
        assert "3项整改问题（待整改）本周到期" in page
        item = letter_1.items.first()
        rect.item_start(acting_user=officer_a, item=item)
        rect.item_report(acting_user=officer_a, item=item, evidence="已落实帮扶措施")
        client.force_login(leader_1)
        assert "1项整改问题已报告整改，待核查销号" in client.get(reverse("reminders:todo")).content.decode()



def test_the_operations_page_cites_hy_six_for_extensions_waiting(client, city_user):
    # HY 六 (not 四) holds the extension rule: 对特殊情况确需延长时间的，应及时报告原因和明确延长时限.
    client.force_login(city_user)
    html = client.get("/reminders/operations/").content.decode()
    row = html.split("延期申请超过2个工作日未审批", 1)[1].split("</tr>", 1)[0]
    assert '<td class="small">HY 六</td>' in row
    letters = html.split("督查结束3个工作日未发整改函", 1)[1].split("</tr>", 1)[0]
    assert '<td class="small">HY 四</td>' in letters


def test_my_todo_shows_the_city_office_the_reports_it_verifies_itself(client, letter_1, officer_a, leader_1, city_user,
                                                                     campaign, village_a, make_visit):
    """Items with no group (letters the city office issued itself, the listed-supervision ledger) wait for the city
    office's check; a group's items wait for the group — they are not on the city office's list."""
    import time_machine
    from django.urls import reverse

    from inspections.choices import ProblemKind
    from inspections.models import Problem
    from rectification import services as rect
    from tests.factories import CityFactory, CountyFactory, UserFactory

    visit = make_visit(village_a, D(2018, 10, 9), problems=[
        {"category": 5, "kind": "common", "description": "帮扶计划不合格", "fix": ""}])
    own = rect.letter_draft_from_common_problems(acting_user=city_user, county=village_a.county,
                                                 problems=list(Problem.objects.filter(visit=visit, kind=ProblemKind.COMMON)))
    rect.letter_issue(acting_user=city_user, letter=own, issued_on=D(2018, 10, 12), deadline=D(2018, 11, 30))
    own_item, group_item = own.items.get(), letter_1.items.first()
    elsewhere = UserFactory(username="nanyang", role="city", city=CityFactory(name="南阳市"), county=None)
    CountyFactory(city=elsewhere.city, name="新野县")

    def todo(user):
        client.force_login(user)
        return client.get(reverse("reminders:todo")).content.decode()

    with time_machine.travel(datetime.datetime(2018, 11, 5, 9, 0)):
        for item in (own_item, group_item):
            rect.item_start(acting_user=officer_a, item=item)
            rect.item_report(acting_user=officer_a, item=item, evidence="已整改")
        page = todo(city_user)
        assert "1项整改问题已报告整改，待市扶贫办核查销号" in page and "待核查销号</span>" in page
        link = reverse("rectification:item_list") + "?status=reported&amp;verifier=city"
        assert link in page
        listed = client.get(link.replace("&amp;", "&")).context["page"].object_list
        assert [i.pk for i in listed] == [own_item.pk]  # not 第一组's item, which 第一组 verifies
        assert "1项整改问题已报告整改，待核查销号" in todo(leader_1)  # the group's own row is unchanged
        assert "待市扶贫办核查销号" not in todo(elsewhere)  # another city's office: nothing of 郑州市
        rect.item_verify(acting_user=city_user, item=own_item, passed=True)
        assert "1项整改问题已报告整改，待市扶贫办核查销号" in todo(city_user)  # verified, not yet closed: still to do
        rect.item_close(acting_user=city_user, item=own_item)
        assert "待市扶贫办核查销号" not in todo(city_user)
