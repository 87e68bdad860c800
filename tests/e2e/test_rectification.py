"""One problem from a trip's finding to its closing (HY 四、六): the group leader drafts and issues the letter and
prints it to PDF; the county officer finds the item in its inbox, starts, asks for an extension, which the leader
approves, reports with a photo; the leader verifies with a look-back and closes it. Screenshots at 1366×768, and at
390 px for the county's inbox and item page."""
# ruff: noqa: F811

import datetime
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from rectification.models import EvidenceFile, LookBack, ProblemItem
from tests.conftest import skip_or_fail
from tests.inspections.trips.conftest import group_1, leader_1, member_1  # noqa: F401
from tests.rectification.conftest import hy_campaign, make_trip, png_bytes  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Zhenggai-2018-e2e"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def people(leader_1, officer_a):
    for user in (leader_1, officer_a):
        user.set_password(PASSWORD)
        user.save()
    return leader_1, officer_a


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_attached()


def test_a_finding_through_letter_report_extension_look_back_and_closing(page, live_server, people, group_1, county_a,
                                                                       artifacts, tmp_path):
    leader, officer = people
    today = datetime.date.today()
    trip = make_trip(group_1, county_a, today - datetime.timedelta(days=1), user=leader, findings=2)
    deadline = today + datetime.timedelta(days=30)
    page.set_viewport_size(DESKTOP)

    # The leader drafts the letter from the trip waiting for it, and issues it.
    log_in(page, live_server, leader)
    page.goto(f"{live_server.url}/rectification/letters/")
    awaiting = page.locator("#awaiting")
    expect(awaiting.get_by_text(str(trip))).to_be_visible()
    awaiting.get_by_role("button", name="起草整改函").click()
    expect(page.get_by_text("已起草整改函")).to_be_visible()
    page.locator("#id_deadline").fill(deadline.isoformat())
    page.get_by_role("button", name="签发（编文号）").click()
    expect(page.get_by_text("整改函已签发：河扶督〔")).to_be_visible()
    page.screenshot(path=str(artifacts / "rect_letter_1366.png"), full_page=True)

    # Printed as an official letter, to PDF.
    page.get_by_role("link", name="打印整改函").click()
    expect(page.locator(".letter-head")).to_contain_text("第一组")
    expect(page.locator("#problem-list tbody tr")).to_have_count(2)
    page.screenshot(path=str(artifacts / "rect_letter_print_1366.png"), full_page=True)
    pdf = artifacts / "rect_letter.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    if not shutil.which("pdfinfo") or not shutil.which("pdftoppm"):
        skip_or_fail("没有 pdfinfo / pdftoppm（poppler-utils），无法核对打印的整改函。")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\b", info) and "(A4)" in info, info  # one A4 page
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(artifacts / "rect_letter_pdf")],
                   check=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout if shutil.which("pdftotext") else ""
    if text:
        assert "问题清单" in text and "抄送" in text

    item = ProblemItem.objects.filter(letter__trip=trip).order_by("order").last()  # the 一般 one

    # The county officer finds it in the inbox.
    log_in(page, live_server, officer)
    page.locator("#mainnav").get_by_role("link", name="整改", exact=True).click()
    new = page.locator("#section-new")
    expect(new.locator(".inbox-count")).to_have_text("2")
    page.screenshot(path=str(artifacts / "rect_inbox_1366.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts / "rect_inbox_390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    new.get_by_role("link", name=item.description).click()
    page.get_by_role("button", name="开始整改").click()
    expect(page.get_by_text("已开始整改。")).to_be_visible()

    # An extension: a date not after the deadline is refused, then a proper request.
    page.locator("#id_requested_deadline").fill(deadline.isoformat())
    page.locator("#id_reason").fill("需经招投标程序，工期较长。")
    page.get_by_role("button", name="申请延期").click()
    expect(page.get_by_text("必须晚于当前整改期限")).to_be_visible()
    extended = deadline + datetime.timedelta(days=15)
    page.locator("#id_requested_deadline").fill(extended.isoformat())
    page.locator("#id_reason").fill("需经招投标程序，工期较长。")
    page.get_by_role("button", name="申请延期").click()
    expect(page.get_by_text(f"已申请延期至{extended.year}年{extended.month}月{extended.day}日，等待审批。")).to_be_visible()

    # The leader approves it.
    log_in(page, live_server, leader)
    page.goto(f"{live_server.url}{item.get_absolute_url()}")
    page.locator("#id_decision_note").fill("同意延期。")
    page.get_by_role("button", name="批准延期").click()
    expect(page.get_by_text("已批准延期，整改期限已更新。")).to_be_visible()
    expect(page.locator("#item-deadline")).to_contain_text(f"{extended.year}年{extended.month}月{extended.day}日")

    # The county reports with a photo.
    photo = tmp_path / "整改现场.png"
    photo.write_bytes(png_bytes())
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{item.get_absolute_url()}")
    page.locator("#id_note").fill("已将帮扶措施落实到户，附现场照片。")
    page.locator("#id_files").set_input_files(str(photo))
    page.get_by_role("button", name="报告整改情况", exact=True).click()
    expect(page.get_by_text("已报告整改情况。")).to_be_visible()
    thumb = page.locator(".evidence-thumb img")
    expect(thumb).to_have_count(1)
    assert page.evaluate("img => img.naturalWidth", thumb.element_handle()) > 0  # the thumbnail loads through its view
    page.screenshot(path=str(artifacts / "rect_item_reported_1366.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts / "rect_item_390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

    # The leader verifies with a look-back, then closes.
    log_in(page, live_server, leader)
    page.goto(f"{live_server.url}{item.get_absolute_url()}")
    page.locator("#id_lookback_on").fill(today.isoformat())
    page.locator("#id_lookback_people").fill("张翼、黄运彬")
    page.locator("#id_lookback_found").fill("入户核实，帮扶措施已落实。")
    page.get_by_role("button", name="核查通过").click()
    expect(page.get_by_text("已核查通过。")).to_be_visible()
    page.get_by_role("button", name="销号").click()
    expect(page.get_by_text("已销号。")).to_be_visible()
    expect(page.locator("#item-status")).to_contain_text("已销号")
    page.screenshot(path=str(artifacts / "rect_item_closed_1366.png"), full_page=True)

    item.refresh_from_db()
    assert item.status == "closed" and item.deadline == extended
    assert EvidenceFile.objects.get(item=item).thumbnail and LookBack.objects.get(item=item).people == "张翼、黄运彬"
    assert [t.action for t in item.transitions.all()] == [
        "start", "ask_extension", "extend", "report", "verify_pass", "close"]
