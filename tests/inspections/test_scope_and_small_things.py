"""What a user may see in messages, where a POST may send them, and the small things of the form."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from inspections.models import GuidanceVisit
from rosters.models import TeamMember
from tests.factories import HouseholdFactory, VillageFactory
from tests.inspections.test_pages import CREATE, DAY, form_data
from tests.rosters.factories import PersonFactory, TeamCountyFactory

pytestmark = pytest.mark.django_db


def test_a_message_never_names_villages_of_a_county_the_user_may_not_see(
    client, team_a, county_b, officer_a, leader_a, villages_a, make_visit
):
    """第六小组 covers 登封市 and 巩义市; it already guided two villages of 巩义市 that day."""
    TeamCountyFactory(team=team_a, county=county_b)
    b1 = VillageFactory(township__county=county_b, name="巩义一村")
    b2 = VillageFactory(township=b1.township, name="巩义二村")
    make_visit(b1, DAY)
    make_visit(b2, DAY)
    client.force_login(officer_a)  # 登封市's officer registers the group's third village of the day
    response = client.post(CREATE, form_data(team_a.campaign, villages_a[0], signers=[leader_a.person]))
    page = response.content.decode()
    assert "第六小组在2018年10月23日已指导2个村（在其他县（市、区））" in page
    assert "巩义一村" not in page and "巩义二村" not in page
    assert not GuidanceVisit.objects.filter(village=villages_a[0]).exists()
    # The group's leader sees both counties: the names are given.
    client.force_login(leader_a)
    page = client.post(CREATE, form_data(team_a.campaign, villages_a[0], signers=[leader_a.person])).content.decode()
    assert "已指导2个村（巩义一村、巩义二村）" in page


def test_one_visible_and_one_hidden_village_is_said_so(client, team_a, county_b, officer_a, leader_a, villages_a, make_visit):
    TeamCountyFactory(team=team_a, county=county_b)
    make_visit(VillageFactory(township__county=county_b, name="巩义一村"), DAY)
    make_visit(villages_a[1], DAY)
    client.force_login(officer_a)
    page = client.post(CREATE, form_data(team_a.campaign, villages_a[0], signers=[leader_a.person])).content.decode()
    assert f"已指导2个村（{villages_a[1].name}，另有1个在其他县（市、区））" in page and "巩义一村" not in page


@pytest.mark.parametrize("target", ["https://evil.example.com/phish", "//evil.example.com/", "http:evil.example.com"])
def test_next_never_leaves_the_site(client, city_user, officer_a, villages_a, make_visit, target):
    visit = make_visit(villages_a[0], DAY, experience="光伏收益设公益岗位")
    url = reverse("inspections:experience_promote", args=[visit.pk])
    for user in (officer_a, city_user):  # refused, then allowed: neither goes elsewhere
        client.force_login(user)
        response = client.post(url, {"promoted": "1", "next": target})
        assert response.status_code == 302 and response["Location"] == reverse("inspections:experience_list")
    # A path of this site is honoured.
    response = client.post(url, {"promoted": "0", "next": visit.get_absolute_url()})
    assert response["Location"] == visit.get_absolute_url()


def test_one_navigation_item_is_highlighted(client, officer_a):
    client.force_login(officer_a)
    for url, label in ((reverse("villages:household_list"), "贫困户"), (reverse("villages:key_village_list"), "重点村"),
                       (reverse("inspections:visit_create"), "填写指导登记表")):
        items = client.get(url).context["nav_items"]
        leaves = [leaf for i in items for leaf in i.get("children", [i])]
        assert [i["label"] for i in leaves if i["active"]] == [label], url
        # Its menu, if it sits in one, is highlighted with it; nothing else is.
        assert [i["label"] for i in items if i["active"]] == [label if label != "贫困户" else "村户"], url


def test_signatures_are_offered_in_roster_order(leader_client, team_a, villages_a, leader_a):
    # The leader stands lower in the roster's order than a member: 组长 张振华 still signs first.
    TeamMember.objects.filter(team=team_a, person=leader_a.person).update(order=5)
    TeamMember.objects.create(team=team_a, person=PersonFactory(name="艾青"), role="member", order=1)
    form = leader_client.get(CREATE + f"?village={villages_a[0].pk}").context["form"]
    assert [p.name for p in form.fields["signers"].queryset][:2] == ["张振华", "艾青"]


@time_machine.travel(datetime.datetime(2019, 3, 1, 10, 0))
def test_the_visit_date_is_not_defaulted_outside_every_campaign(leader_client, team_a):
    form = leader_client.get(CREATE).context["form"]
    assert not form.initial.get("visit_date")


@time_machine.travel(datetime.datetime(2018, 11, 5, 10, 0))
def test_the_visit_date_defaults_to_today_inside_the_campaign(leader_client, team_a):
    form = leader_client.get(CREATE).context["form"]
    assert form.initial.get("visit_date") == datetime.date(2018, 11, 5)


def test_a_draft_prints_marked_as_draft(leader_client, villages_a, make_visit):
    draft = make_visit(villages_a[0], DAY, submit=False)
    page = leader_client.get(reverse("inspections:visit_print", args=[draft.pk])).content.decode()
    assert page.count('class="draft-mark"') == 3 and "不是正式登记表" in page
    submitted = make_visit(villages_a[1], DAY)
    assert "draft-mark" not in leader_client.get(reverse("inspections:visit_print", args=[submitted.pk])).content.decode()


def test_household_without_flags_says_none(client_a, village_a):
    household = HouseholdFactory(village=village_a)
    page = client_a.get(household.get_absolute_url()).content.decode()
    assert '户类型</dt><dd class="col-8">' in page and '<span class="text-muted">无</span>' in page
