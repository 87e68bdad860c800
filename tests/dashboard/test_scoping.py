"""Who sees the dashboards and what: a county officer their county, the city office its city, the provincial
office (a city-office account with no city) every city; team members and strangers nothing."""

import pytest
from django.urls import reverse

from tests.dashboard.helpers import page, rows
from tests.factories import UserFactory
from tests.rosters.factories import team_member_user

pytestmark = pytest.mark.django_db

TABS = ("overview", "key_villages", "guidance", "inspection", "rectification", "problems", "supervision")


def test_a_county_officer_sees_their_county_down_to_its_townships(client, world):
    client.force_login(world.officer_b)
    data = page(client, "key_villages")
    assert set(rows(data, "key_villages")) == {"回郭镇", "合计"}  # townships of 巩义市
    assert rows(data, "key_villages")["合计"]["重点村合计"] == 2
    items = rows(page(client, "rectification"), "rectification_items")
    # The draft letter's item is the issuer's until it is sent: 巩义市 sees only the reported one.
    assert set(items) == {"巩义市", "合计"} and items["巩义市"]["合计"] == 1
    guidance = rows(page(client, "guidance"), "guidance_quota")
    assert set(guidance) == {"第二小组"}
    sup = page(client, "supervision")
    assert set(rows(sup, "supervision_villages")) == {"巩义市 / 回郭镇 / 戊村"}
    response = client.get(reverse("dashboard:overview"))
    assert response.context["title"] == "巩义市数据看板"
    html = response.content.decode()
    assert "登封市" not in html and "嵩县" not in html


def test_a_county_officer_cannot_reach_another_county_by_url(client, world):
    client.force_login(world.officer_b)
    for tab in TABS:
        response = client.get(reverse(f"dashboard:{tab}"), {"county": world.a.pk})
        assert response.context["data"] is None, tab
        assert "登封市" not in response.content.decode()
    export = client.get(reverse("dashboard:export"), {"tab": "rectification", "table": "rectification_items",
                                                      "county": world.a.pk})
    assert export.status_code == 404


def test_the_provincial_office_sees_every_city_then_a_city_s_counties(client, world):
    client.force_login(world.province_user)
    data = page(client, "key_villages")
    r = rows(data, "key_villages")
    assert set(r) == {"郑州市", "洛阳市", "合计"}
    assert (r["郑州市"]["重点村合计"], r["洛阳市"]["重点村合计"], r["合计"]["重点村合计"]) == (5, 1, 6)
    # A city's numbers lead to the same panel for that city (city → county → township → village).
    drill = next(row for row in data["tables"][0]["rows"] if row[0]["v"] == "洛阳市")[1]["u"]
    assert drill.startswith(reverse("dashboard:key_villages")) and f"city={world.luoyang.pk}" in drill
    r = rows(page(client, "key_villages", city=world.luoyang.pk), "key_villages")
    assert set(r) == {"嵩县", "合计"}
    items = rows(page(client, "rectification"), "rectification_items")
    assert (items["郑州市"]["合计"], items["洛阳市"]["合计"]) == (7, 1)
    # The weekly quota per city (each group-county pair of the city), then per group within a city.
    quota = rows(page(client, "guidance"), "guidance_quota")
    assert set(quota) == {"郑州市", "洛阳市"}
    assert (quota["郑州市"]["分包县（市、区）"], quota["郑州市"]["指导天数"], quota["郑州市"]["未指导（县·周）"]) == (
        "2个县（市、区）", 5, 13)
    assert set(rows(page(client, "guidance", city=world.zhengzhou.pk), "guidance_quota")) == {"第一小组", "第二小组"}
    sup = page(client, "supervision")
    assert len(sup["tables"][1]["rows"]) == 3  # 甲村, 戊村 and 洛阳市's 庚村
    assert client.get(reverse("dashboard:overview")).context["title"] == "全省数据看板"


def test_the_city_office_does_not_see_another_city(city_client, world):
    for tab in TABS:
        html = city_client.get(reverse(f"dashboard:{tab}")).content.decode()
        assert "嵩县" not in html and "洛阳" not in html and "庚村" not in html, tab


def test_team_members_and_strangers_are_refused(client, world):
    member = team_member_user(world.team1, username="member_one")
    client.force_login(member)
    for name in ("dashboard:overview", "dashboard:guidance", "dashboard:export", "dashboard:briefing",
                 "dashboard:village_list", "dashboard:trip_list"):
        assert client.get(reverse(name)).status_code == 403, name
    client.logout()
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_navigation_offers_the_dashboard_to_those_who_see_it(client, world):
    admin = UserFactory(username="root", role="admin", county=None, is_superuser=True, is_staff=True)
    for user, shown in ((world.city_user, True), (world.officer_a, True), (world.province_user, True), (admin, True),
                        (team_member_user(world.team2, username="member_two"), False)):
        client.force_login(user)
        nav = client.get(reverse("home")).context["nav_items"]
        assert any(i.get("url") == reverse("dashboard:overview") for i in nav) == shown, user.username


def test_the_city_office_home_page_links_to_the_dashboard(city_client):
    html = city_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("dashboard:overview")}">查看数据看板</a>' in html
