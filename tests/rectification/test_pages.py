"""The rectification pages as their users drive them: the list, an item with its buttons and timeline, a letter."""

import datetime

import pytest
from django.urls import reverse

from rectification import services
from rectification.choices import ItemStatus
from rectification.models import ProblemItem

from .conftest import make_trip


def test_the_county_walks_its_item_through_the_page(client, item_1, officer_a, leader_1):
    client.force_login(officer_a)
    page = client.get(item_1.get_absolute_url()).content.decode()
    assert "开始整改" in page and "销号" not in page.split("整改过程")[0].split("督促")[1]
    move = reverse("rectification:item_move", args=[item_1.pk])
    client.post(move, {"action": "start"})
    response = client.post(move, {"action": "report", "note": ""}, follow=True)
    assert "请填写整改情况。" in response.content.decode()
    assert ProblemItem.objects.get(pk=item_1.pk).status == ItemStatus.IN_PROGRESS
    client.post(move, {"action": "report", "note": "已落实帮扶措施。"})
    assert client.post(move, {"action": "close"}).status_code == 403  # the county cannot close its own item
    client.force_login(leader_1)
    client.post(move, {"action": "verify_pass"})
    response = client.post(move, {"action": "close"}, follow=True)
    page = response.content.decode()
    assert "已销号。" in page and "已销号" in page.split('id="item-status"')[1][:40]
    timeline = page.split('id="timeline"')[1]
    assert timeline.count("<li>") == 4 and "已落实帮扶措施。" in timeline


def test_another_countys_item_and_letter_answer_404(client, item_1, officer_b, leader_2):
    for user in (officer_b, leader_2):
        client.force_login(user)
        assert client.get(item_1.get_absolute_url()).status_code == 404
        assert client.get(item_1.letter.get_absolute_url()).status_code == 404
        assert client.post(reverse("rectification:item_move", args=[item_1.pk]), {"action": "start"}).status_code == 404
        assert not client.get(reverse("rectification:item_list")).context["page"].object_list
    assert ProblemItem.objects.get(pk=item_1.pk).transitions.count() == 0


def test_a_draft_is_hidden_from_the_county_until_issued(client, group_1, county_a, leader_1, officer_a):
    trip = make_trip(group_1, county_a, datetime.date(2018, 9, 28), user=leader_1)
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip)
    client.force_login(officer_a)
    assert client.get(letter.get_absolute_url()).status_code == 404
    assert client.get(letter.items.first().get_absolute_url()).status_code == 404
    assert not client.get(reverse("rectification:item_list")).context["page"].object_list
    client.force_login(leader_1)
    assert "（草稿）" in client.get(letter.get_absolute_url()).content.decode()
    services.letter_issue(acting_user=leader_1, letter=letter, issued_on=datetime.date(2018, 10, 9),
                          deadline=datetime.date(2018, 11, 30))
    client.force_login(officer_a)
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "河扶督〔2018〕1号" in page and "中共登封市委、登封市人民政府" in page
    assert "逾期发函" in page and "2018年10月8日" in page  # due on the first working day after National Day
    assert len(client.get(reverse("rectification:item_list")).context["page"].object_list) == 3


def test_the_list_flags_overdue_items_and_the_navigation_links_it(client, item_1, city_user):
    client.force_login(city_user)
    response = client.get(reverse("rectification:item_list"), {"overdue": "yes"})
    assert len(response.context["page"].object_list) == 3  # deadline 2018-08-31, long past
    assert response.content.decode().count("逾期</span>") == 3
    assert reverse("rectification:item_list") in client.get(reverse("home")).content.decode()  # in the navigation


def test_the_admin_only_looks(client, item_1, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:rectification_problemitem_changelist")).status_code == 200
    assert client.get(reverse("admin:rectification_problemitem_change", args=[item_1.pk])).status_code == 200
    assert client.get(reverse("admin:rectification_problemitem_add")).status_code == 403


def test_a_trip_awaiting_its_letter_is_drafted_and_issued_from_the_pages(client, group_1, county_a, leader_1,
                                                                         member_1, officer_a, time_machine):
    time_machine.move_to(datetime.datetime(2018, 10, 9, 9, 0))
    trip = make_trip(group_1, county_a, datetime.date(2018, 9, 28), user=leader_1)  # due 2018-10-08
    client.force_login(officer_a)
    page = client.get(reverse("rectification:letter_list")).content.decode()
    assert "逾期未发函" in page and "起草整改函" not in page  # the county sees the flag, cannot draft
    client.force_login(member_1)
    awaiting = client.get(reverse("rectification:letter_list")).content.decode().split('id="awaiting"')[1]
    assert "2018年10月8日" in awaiting and "逾期未发函" in awaiting and "起草整改函" in awaiting
    response = client.post(reverse("rectification:letter_draft", args=[trip.pk]))
    letter = trip.letters.get()
    assert response.url == letter.get_absolute_url()
    assert 'id="issue-form"' not in client.get(response.url).content.decode()  # a member drafts, the leader issues
    assert client.post(reverse("rectification:letter_issue", args=[letter.pk]), {"deadline": "2018-11-30"}).status_code == 403
    client.force_login(leader_1)
    issue = reverse("rectification:letter_issue", args=[letter.pk])
    page = client.post(issue, {"issued_on": "2018-10-09", "deadline": "2018-10-01"}, follow=True).content.decode()
    assert "早于发函日期" in page
    letter.refresh_from_db()
    assert letter.status == "draft"
    page = client.post(issue, {"issued_on": "2018-10-09", "deadline": "2018-11-30"}, follow=True).content.decode()
    assert "整改函已签发：河扶督〔2018〕1号。" in page and "逾期发函" in page
    assert "逾期未发函" not in client.get(reverse("rectification:letter_list")).content.decode()


def _queries_of(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["officer_a", "city_user"])
def test_the_lists_do_not_query_per_row(client, group_1, county_a, leader_1, who, request):
    def issue(day, *, draft=False):
        trip = make_trip(group_1, county_a, day, user=leader_1, findings=5)
        letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip)
        if not draft:  # the city office sees the items of drafts too, named after the draft's county
            services.letter_issue(acting_user=leader_1, letter=letter, issued_on=day, deadline=datetime.date(2018, 12, 31))

    issue(datetime.date(2018, 7, 3))
    issue(datetime.date(2018, 7, 4), draft=True)
    client.force_login(request.getfixturevalue(who))
    urls = [reverse("rectification:item_list"), reverse("rectification:letter_list"), reverse("rectification:inbox")]
    few = [_queries_of(client, u) for u in urls]
    for day in (9, 16, 23, 30):
        issue(datetime.date(2018, 7, day), draft=day > 20)
    assert [_queries_of(client, u) for u in urls] == few
