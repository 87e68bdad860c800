"""The city office opens its dashboard: charts drawn (canvas, no console error), a filter applied from the
dropdown (kept in the URL), a number followed down to a village; screenshots at 1366×768 and 390 wide."""

import importlib

import pytest
import time_machine
from django.apps import apps
from playwright.sync_api import expect

from tests.dashboard.conftest import TODAY, build_world

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Kanban-2018-e2e"


@pytest.fixture
def world(db, settings):
    # A live server needs committed data; the indicators a migration seeds may have been flushed by another test.
    importlib.import_module("supervision.migrations.0002_seed_exit_indicators").seed(apps, None)
    settings.DASHBOARD_PAGE_CACHE = False
    from django.core.cache import cache

    cache.clear()
    with time_machine.travel(TODAY, tick=True):
        w = build_world()
        w.city_user.first_name = "郑州市扶贫办"
        w.city_user.set_password(PASSWORD)
        w.city_user.save()
        yield w


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _watch(page):
    """Console errors and failed loads, but the browser's own request for /favicon.ico (the site has none)."""
    errors = []
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return errors


def test_the_city_office_reads_filters_and_drills_down(page, live_server, world, artifacts):
    errors = _watch(page)
    page.set_viewport_size({"width": 1366, "height": 768})
    _log_in(page, live_server, world.city_user)
    page.locator("#mainnav").get_by_role("link", name="数据看板").click()
    expect(page.get_by_role("heading", name="郑州市数据看板")).to_be_visible()
    expect(page.locator(".dash-chart canvas").first).to_be_visible()
    expect(page.get_by_text("3星村未指导")).to_be_visible()
    page.screenshot(path=str(artifacts / "dashboard_overview_1366.png"), full_page=True)

    page.locator(".dash-tabs").get_by_role("link", name="整改").click()
    expect(page.get_by_text("整改率排名").first).to_be_visible()
    expect(page.locator(".dash-chart canvas").nth(2)).to_be_visible()
    assert not errors, errors
    page.screenshot(path=str(artifacts / "dashboard_rectification_1366.png"), full_page=True)

    # A filter from the dropdown applies at once and stays in the URL.
    page.locator(".dash-tabs").get_by_role("link", name="重点村").click()
    # The tab's own page, its script run (it makes a changed filter apply), before the filter is chosen.
    page.wait_for_url("**/dashboard/key-villages/")
    page.wait_for_load_state("load")
    page.locator("#f-county").select_option(label="登封市")
    page.wait_for_url(f"**/dashboard/key-villages/?county={world.a.pk}")
    expect(page.locator("#table-key_villages").get_by_text("大冶镇")).to_be_visible()
    expect(page.locator(".dash-chart canvas").first).to_be_visible()
    page.screenshot(path=str(artifacts / "dashboard_key_villages_county_1366.png"), full_page=True)

    # 大冶镇's 3-star villages → the list → 甲村's page.
    row = page.locator("#table-key_villages tbody tr", has=page.get_by_text("大冶镇"))
    row.locator("td").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", name="重点村指导情况")).to_be_visible()
    page.get_by_role("link", name="甲村").click()
    expect(page.get_by_role("heading", name="甲村 ★★★")).to_be_visible()
    page.screenshot(path=str(artifacts / "dashboard_drilled_to_village_1366.png"))
    assert "/villages/" in page.url
    assert not errors, errors


def test_the_dashboard_on_a_phone(page, live_server, world, artifacts):
    errors = _watch(page)
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server, world.city_user)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator(".dash-chart canvas").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    page.screenshot(path=str(artifacts / "dashboard_overview_390.png"), full_page=True)
    page.goto(f"{live_server.url}/dashboard/guidance/")
    expect(page.locator(".dash-chart canvas").first).to_be_visible()
    page.screenshot(path=str(artifacts / "dashboard_guidance_390.png"), full_page=True)
    page.goto(f"{live_server.url}/dashboard/rectification/")
    page.screenshot(path=str(artifacts / "dashboard_rectification_390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not errors, errors
