"""The county's inbox (letters and items addressed to it: new, due within 7 days, overdue, sent back) and the
deciders' inbox; neither it nor the item list grows in queries with the number of items."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from rectification import services
from rectification.models import ProblemItem

from .conftest import make_trip, walk

D = datetime.date
TODAY = datetime.datetime(2018, 8, 27, 9, 0)  # a Monday; letter_1's items are due on Friday 08-31


def section(page, key):
    return page.split(f'id="section-{key}"')[1].split("</section>")[0]


def issue(group, county, leader, end, deadline, findings=3):
    trip = make_trip(group, county, end, user=leader, findings=findings)
    letter = services.letter_draft_from_trip(acting_user=leader, trip=trip)
    return services.letter_issue(acting_user=leader, letter=letter, issued_on=end + datetime.timedelta(days=1),
                                 deadline=deadline)


def test_the_county_sees_new_due_soon_overdue_and_sent_back(client, group_1, county_a, leader_1, officer_a):
    due_soon = issue(group_1, county_a, leader_1, D(2018, 7, 11), D(2018, 8, 31))  # 3 items due in 4 days
    late = issue(group_1, county_a, leader_1, D(2018, 7, 4), D(2018, 8, 20), findings=2)  # 2 items overdue
    later = issue(group_1, county_a, leader_1, D(2018, 8, 1), D(2018, 10, 31), findings=1)  # not due soon
    back = walk(later.items.get(), officer_a, leader_1, "reported")
    services.item_verify(acting_user=leader_1, item=back, passed=False, reason="照片不清楚")
    walk(late.items.first(), officer_a, leader_1, "in_progress")
    with time_machine.travel(TODAY):
        client.force_login(officer_a)
        page = client.get(reverse("rectification:inbox")).content.decode()
    assert 'inbox-count">4<' in section(page, "new")  # 3 + 1 not started
    assert section(page, "due_soon").count("2018年8月31日") == 3 and 'inbox-count">3<' in section(page, "due_soon")
    assert 'inbox-count">2<' in section(page, "overdue") and "逾期" in section(page, "overdue")
    assert back.description in section(page, "sent_back") and 'inbox-count">1<' in section(page, "sent_back")
    letters = page.split('id="letters"')[1]
    assert all(lt.number in letters for lt in (due_soon, late, later))
    # Each section links the whole list, filtered the same way.
    assert "?due_soon=yes" in page and "?overdue=yes" in page and "?sent_back=yes" in page


def test_another_countys_items_are_not_in_the_inbox(client, item_1, officer_b):
    client.force_login(officer_b)
    page = client.get(reverse("rectification:inbox")).content.decode()
    assert item_1.description not in page and "还没有收到整改函" in page


def test_the_leader_sees_reports_to_check_and_requests_to_decide(client, letter_1, officer_a, leader_1, member_1):
    first, second, _ = letter_1.items.order_by("order")
    walk(first, officer_a, leader_1, "reported")
    services.extension_request(acting_user=officer_a, item=second, requested_deadline=D(2018, 9, 30), reason="雨季")
    client.force_login(leader_1)
    page = client.get(reverse("rectification:inbox")).content.decode()
    assert first.description in section(page, "reported") and "雨季" in section(page, "extensions")
    assert 'id="section-escalated"' not in page  # the group reports major problems; the city office receives them
    client.force_login(member_1)  # a member checks, the leader decides
    page = client.get(reverse("rectification:inbox")).content.decode()
    assert first.description in section(page, "reported") and "雨季" not in section(page, "extensions")


def _grow(group, county, leader, officer, n):
    for k in range(n):
        letter = issue(group, county, leader, D(2018, 7, 2) + datetime.timedelta(days=k), D(2018, 8, 26) + datetime.timedelta(days=k % 5))
        items = list(letter.items.all())
        walk(items[0], officer, leader, "in_progress")
        services.item_verify(acting_user=leader, item=walk(items[1], officer, leader, "reported"), passed=False, reason="不合格")
        services.extension_request(acting_user=officer, item=items[2], requested_deadline=D(2018, 10, 31), reason="延期")


@pytest.mark.parametrize("who", ["officer_a", "leader_1", "city_user"])
def test_the_inbox_and_the_item_list_do_not_grow_with_the_items(client, group_1, county_a, leader_1, officer_a, city_user,
                                                                 who, django_assert_max_num_queries):
    user = {"officer_a": officer_a, "leader_1": leader_1, "city_user": city_user}[who]
    client.force_login(user)
    urls = [reverse("rectification:inbox"), reverse("rectification:item_list"), reverse("rectification:letter_list")]

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    with time_machine.travel(TODAY):
        _grow(group_1, county_a, leader_1, officer_a, 1)
        few = count_queries()
        _grow(group_1, county_a, leader_1, officer_a, 6)  # 3 → 21 items
        assert ProblemItem.objects.count() == 21
        for url, n in zip(urls, few, strict=True):
            with django_assert_max_num_queries(n):
                assert client.get(url).status_code == 200


def test_trips_awaiting_their_letter_are_dated_in_one_query(client, group_1, county_a, leader_1, city_user,
                                                            django_assert_max_num_queries):
    """The letter list's waiting trips: due dates from one list of working days, the matrix asked once per group."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_trip(group_1, county_a, D(2018, 7, 3), user=leader_1)
    client.force_login(city_user)
    url = reverse("rectification:letter_list")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    for day in (10, 17, 24, 31):
        make_trip(group_1, county_a, D(2018, 7, day), user=leader_1)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        page = client.get(url).content.decode()
    assert page.split('id="awaiting"')[1].count("逾期未发函") == 5
