"""An inspection-group member plans a trip, takes the proposed sample, swaps a village, records a finding on a
household and the opinion exchange, and ends the trip (HY 四)."""
# ruff: noqa: F811

import pytest
from playwright.sync_api import expect

from inspections.models import Finding, InspectionTrip
from tests.inspections.trips.conftest import (  # noqa: F401
    coverage_1,
    group_1,
    hy_campaign,
    leader_1,
    member_1,
    places_a,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Ducha-2018-e2e"


@pytest.fixture
def member(member_1, leader_1, places_a):
    member_1.set_password(PASSWORD)
    member_1.save()
    return member_1


def test_plan_sample_swap_find_exchange_and_end(page, live_server, member, places_a, artifacts):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(member.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("#mainnav").get_by_role("link", name="督查记录").click()
    page.get_by_role("link", name="安排督查").click()

    page.locator("#id_coverage").select_option(label="河源市2018年脱贫攻坚督促检查 · 第一组 · 登封市")
    page.locator("#id_start_date").fill("2018-07-10")
    page.locator("#id_end_date").fill("2018-07-12")  # three days: refused, input kept
    page.get_by_label("黄运彬").check()
    page.get_by_label("张翼").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("每次督查安排1-2天")).to_be_visible()
    expect(page.get_by_label("黄运彬")).to_be_checked()
    page.screenshot(path=str(artifacts / "trip_form_error_1366.png"), full_page=True)
    page.locator("#id_end_date").fill("2018-07-11")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已安排督查")).to_be_visible()
    page.get_by_role("button", name="开始督查").click()
    expect(page.get_by_text("督查已开始")).to_be_visible()

    page.get_by_role("link", name="建议抽查对象").click()
    expect(page.get_by_text("贫困村，3星村，从未督查，从未指导")).to_be_visible()
    page.screenshot(path=str(artifacts / "trip_propose_1366.png"), full_page=True)
    page.get_by_role("button", name="采用建议").click()
    expect(page.get_by_text("抽查对象符合要求。")).to_be_visible()

    # Swap 北村 (the proposed 面上村) for 西村.
    page.locator("#id_village").select_option(label="北村")
    page.locator("#id_replacement").select_option(label="城关镇 / 西村（面上村）")
    page.get_by_role("button", name="替换").click()
    expect(page.get_by_text("已将北村换成西村")).to_be_visible()
    expect(page.get_by_text("抽查对象符合要求。")).to_be_visible()
    page.get_by_role("link", name="手动调整").click()
    expect(page.get_by_label("城关镇 / 西村（面上村）")).to_be_checked()
    page.screenshot(path=str(artifacts / "trip_sample_form_1366.png"), full_page=True)
    page.go_back()
    household = InspectionTrip.objects.get().samples.filter(level="household", village=places_a["西村"]).first().household

    target = page.locator("#id_target")
    target.select_option(value=f"household:{household.pk}")
    page.locator("#id_category").select_option(label="贫困识别退出情况")
    page.locator("#id_method").select_option(label="入户核实")
    page.get_by_label("重大").check()
    page.locator("#id_description").fill("预脱贫户“八有”中住房安全指标未落实。")
    page.get_by_role("button", name="记录问题").click()
    expect(page.get_by_text("已记录重大问题")).to_be_visible()
    expect(page.locator("#findings td", has_text=household.masked_id_number)).to_be_visible()

    page.locator("#id_with_whom").fill("登封市扶贫办、分管副市长")
    page.locator("#id_summary").fill("督查组反馈了抽查发现的问题，被督查单位表示立即整改。")
    page.get_by_role("button", name="记录交换意见").click()
    expect(page.get_by_text("交换意见已记录")).to_be_visible()
    page.screenshot(path=str(artifacts / "trip_detail_1366.png"), full_page=True)

    page.get_by_role("button", name="结束督查").click()
    expect(page.get_by_text("督查已结束，记录已锁定")).to_be_visible()
    expect(page.get_by_role("button", name="记录问题")).to_have_count(0)
    page.screenshot(path=str(artifacts / "trip_ended_1366.png"), full_page=True)
    assert InspectionTrip.objects.get().status == "ended" and Finding.objects.get().household == household

    page.locator("#mainnav").get_by_role("link", name="督查记录").click()
    expect(page.get_by_role("cell", name="登封市")).to_be_visible()
    page.screenshot(path=str(artifacts / "trip_list_1366.png"), full_page=True)
    page.get_by_role("link", name="每月督查情况").click()
    expect(page.get_by_text("第一组 · 登封市")).to_be_visible()
    page.screenshot(path=str(artifacts / "trip_coverage_1366.png"), full_page=True)
