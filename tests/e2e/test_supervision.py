"""A county officer marks an exit indicator 未达标 and the ledger item appears; the item's page sends the officer
back to the indicator, where after the work the officer marks it 达标 with evidence, which reports the item; the city office verifies and closes it (销号) and
submits the month's report, assembled from what the county entered."""

import pytest
from playwright.sync_api import expect

from rectification.models import ProblemItem
from supervision.models import ExitIndicator, MonthlyReport
from tests.supervision.conftest import (  # noqa: F401
    _exit_indicators,
    _private_var,
    county_c,
    leader_team,
    listed_campaign,
    listing,
    lv_a,
    other_city,
    village_c,
)

# A live server needs committed data: the exit indicators a migration seeds are seeded again here
# (_exit_indicators, autouse), since an earlier transactional test may have flushed them.
pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Douzhan-2020-e2e"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#mainnav").get_by_role("link", name="挂牌督战")).to_be_visible()


def test_indicator_ledger_and_monthly_report(page, live_server, officer_a, city_user, listing, lv_a, artifacts, tmp_path):  # noqa: F811
    from tests.factories import UserFactory

    province = UserFactory(username="province", role="city", city=None, county=None, first_name="河南省扶贫办")
    for user in (officer_a, city_user, province):
        user.set_password(PASSWORD)
        user.save()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, officer_a)
    page.locator("#mainnav").get_by_role("link", name="挂牌督战").click()
    expect(page.get_by_role("heading", name="河南省2020年脱贫攻坚挂牌督战")).to_be_visible()
    expect(page.get_by_text("李文慧")).to_be_visible()
    page.screenshot(path=str(artifacts / "supervision_campaign_county_1366.png"), full_page=True)

    page.get_by_role("link", name="大营村").click()
    transport_id = f"#indicator-{ExitIndicator.objects.get(name='交通').pk}"
    transport = page.locator(transport_id)
    transport.get_by_label("未达标").check()
    transport.locator("textarea").fill("村内主干道3公里未硬化")
    transport.get_by_role("button", name="保存交通").click()
    expect(page.get_by_text("交通：已认定为未达标。督战台账问题待整改")).to_be_visible()
    ledger = page.locator("#ledger")
    expect(ledger.get_by_role("link", name="大营村退出指标“交通”未达标：村内主干道3公里未硬化")).to_be_visible()
    expect(ledger.get_by_text("待整改")).to_be_visible()
    expect(page.locator(transport_id).locator(".ledger-item")).to_contain_text("待整改")

    # The item's page sends the county back to the indicator: there, 达标 with evidence is the report.
    page.locator(transport_id).locator(".ledger-item a").click()
    expect(page.locator("#source-note")).to_contain_text("在挂牌督战村页面认定“达标”并写明佐证")
    page.get_by_role("button", name="开始整改").click()
    expect(page.get_by_text("已开始整改。")).to_be_visible()
    expect(page.get_by_role("button", name="报告整改进展")).to_be_visible()
    expect(page.get_by_role("button", name="报告整改情况")).to_have_count(0)
    page.screenshot(path=str(artifacts / "supervision_item_county_1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "supervision_item_county_390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.locator("#source-note").get_by_role("link", name="到挂牌督战村页面填报指标").click()
    expect(page.locator(transport_id).get_by_role("button", name="保存交通")).to_be_visible()

    # 达标 without evidence is refused, with the choice kept.
    power_id = f"#indicator-{ExitIndicator.objects.get(name='电力').pk}"
    power = page.locator(power_id)
    power.get_by_label("达标", exact=True).check()
    power.get_by_role("button", name="保存电力").click()
    expect(page.get_by_text("认定达标必须填写佐证说明")).to_be_visible()
    page.screenshot(path=str(artifacts / "supervision_indicator_refused_1366.png"), full_page=True)
    power = page.locator(power_id)
    expect(power.get_by_label("达标", exact=True)).to_be_checked()
    power.locator("textarea").fill("已通动力电，供电所验收单见附件")
    photo = tmp_path / "验收单.png"
    photo.write_bytes(PNG)
    power.locator("input[type=file]").set_input_files(str(photo))
    power.get_by_role("button", name="保存电力").click()
    expect(page.get_by_text("电力：已认定为达标。")).to_be_visible()
    expect(page.get_by_role("link", name="下载佐证材料：验收单.png")).to_be_visible()

    # The road is built: 达标 with evidence is the county's report on the ledger item.
    transport = page.locator(transport_id)
    transport.get_by_label("达标", exact=True).check()
    transport.locator("textarea").fill("主干道3公里已硬化，交通运输局验收合格")
    transport.get_by_role("button", name="保存交通").click()
    expect(page.get_by_text("督战台账问题已报告整改，待市扶贫办核查销号。")).to_be_visible()
    expect(page.locator("#ledger").get_by_text("已整改待核查")).to_be_visible()
    page.screenshot(path=str(artifacts / "supervision_village_1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "supervision_village_390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    item = ProblemItem.objects.get()
    assert item.status == "reported" and "交通运输局验收合格" in item.report

    # The city office checks the ledger and closes the item (销号) on its page.
    page.get_by_role("button", name="退出登录").click()
    log_in(page, live_server, city_user)
    page.locator("#mainnav").get_by_role("link", name="挂牌督战").click()
    page.get_by_role("link", name="1 条", exact=True).last.click()  # 其中已报告整改、待核查 1 条
    expect(page.get_by_role("heading", name="督战台账")).to_be_visible()
    row = page.locator("tbody tr", has_text="大营村退出指标“交通”未达标")
    expect(row).to_contain_text("已整改待核查")
    page.screenshot(path=str(artifacts / "supervision_ledger_1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "supervision_ledger_390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    row.get_by_role("link", name="大营村退出指标“交通”未达标：村内主干道3公里未硬化").click()
    expect(page.locator("#timeline")).to_contain_text("交通运输局验收合格")
    expect(page.locator("#source-note")).to_contain_text("认定达标，即报告整改情况：主干道3公里已硬化")
    page.screenshot(path=str(artifacts / "supervision_item_reported_city_1366.png"), full_page=True)
    page.get_by_role("button", name="核查通过").click()
    expect(page.get_by_text("已核查通过。")).to_be_visible()
    page.get_by_label("说明（退回、重新打开时必填）").fill("对照验收单和现场照片核对无误")
    page.get_by_role("button", name="销号").click()
    expect(page.locator("#item-status")).to_contain_text("已销号")
    expect(page.locator("#timeline li")).to_have_count(4)
    page.screenshot(path=str(artifacts / "supervision_item_closed_1366.png"), full_page=True)
    item.refresh_from_db()
    assert item.status == "closed" and item.verified_by == city_user

    page.locator("#mainnav").get_by_role("link", name="挂牌督战").click()
    page.get_by_role("link", name="月度进展").click()
    page.get_by_role("link", name="报送本月进展").click()
    expect(page.get_by_text("由各县填报的情况自动汇总")).to_be_visible()
    figures = page.locator("table").first
    expect(figures.locator("tr", has_text="本月新建台账（条）")).to_contain_text("1")
    expect(figures.locator("tr", has_text="本月销号（条）")).to_contain_text("1")
    expect(figures.locator("tr", has_text="其中已达标（项）")).to_contain_text("2")
    page.screenshot(path=str(artifacts / "supervision_report_form_1366.png"), full_page=True)
    page.get_by_label("工作进展").fill("大营村道路硬化已完成并销号；电力已达标。")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("已报送")).to_be_visible()
    expect(page.get_by_text("大营村道路硬化已完成并销号")).to_be_visible()
    page.screenshot(path=str(artifacts / "supervision_report_detail_1366.png"), full_page=True)
    report = MonthlyReport.objects.get()
    assert report.figures["ledger_opened"] == 1 and report.figures["ledger_closed"] == 1
    assert report.figures["ledger_open"] == 0 and report.figures["indicators_met"] == 2

    # The provincial office sees who reported this month and who has not.
    page.get_by_role("button", name="退出登录").click()
    log_in(page, live_server, province)
    page.locator("#mainnav").get_by_role("link", name="挂牌督战").click()
    expect(page.get_by_role("heading", name="挂牌督战县（1 个）")).to_be_visible()
    expect(page.get_by_role("heading", name="挂牌督战村（3 个）")).to_be_visible()
    page.screenshot(path=str(artifacts / "supervision_campaign_province_1366.png"), full_page=True)
    page.get_by_role("link", name="月度进展").click()
    rows = page.locator("tbody tr")
    expect(rows.filter(has_text="郑州市")).to_contain_text("按时报送")
    expect(rows.filter(has_text="南阳市")).to_contain_text("未报")
    page.screenshot(path=str(artifacts / "supervision_reports_province_1366.png"), full_page=True)
    rows.filter(has_text="郑州市").get_by_role("link", name="查看").click()
    expect(page.get_by_text("大营村道路硬化已完成并销号")).to_be_visible()
