"""A team leader fills the registration form in the browser, submits it, finds it, prints it."""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Zhidao-2018-e2e"


@pytest.fixture
def leader(leader_a, member_a, villages_a):
    from villages.services import star_ratings_recompute

    leader_a.set_password(PASSWORD)
    leader_a.save()
    star_ratings_recompute()
    return leader_a


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#mainnav").get_by_role("link", name="填写指导登记表")).to_be_visible()


def test_fill_submit_find_and_print(page, live_server, leader, villages_a, artifacts):
    village = villages_a[0]
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, leader)
    page.locator("#mainnav").get_by_role("link", name="填写指导登记表").click()
    expect(page.get_by_role("heading", name="郑州市脱贫攻坚业务指导登记表")).to_be_visible()

    page.locator("#id_visit_date").fill("2018-10-23")
    page.locator("#id_county").select_option(label=village.county.name)
    expect(page.locator("#id_township option", has_text=village.township.name)).to_have_count(1)
    page.locator("#id_township").select_option(label=village.township.name)
    expect(page.locator("#id_village option", has_text=village.name)).to_have_count(1)
    page.locator("#id_village").select_option(label=village.name)
    # The village's figures arrive from its households (3 households of 4 people).
    expect(page.locator("#id_poor_population")).to_have_value("12")
    page.get_by_label("张振华").check()
    page.get_by_label("周敏").check()
    page.locator("#id_reduction_progress").fill("今年计划脱贫 3 户 12 人，已完成 2 户 8 人。")
    page.get_by_role("button", name="＋ 添加一条问题").click()
    page.locator("#id_problems-0-category").select_option("2")
    page.locator("#id_problems-0-kind_1").check()  # 共性问题
    page.locator("#id_problems-0-description").fill("贫困户档案资料不完整，帮扶记录未及时更新。")
    page.locator("#id_experience").fill("村里用光伏收益设立公益岗位，带动弱劳动力就业。")
    page.locator("#id_others_present").fill("村支书、第一书记")
    page.screenshot(path=str(artifacts / "visit_form_1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "visit_form_390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})

    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_text("登记表已提交")).to_be_visible()
    expect(page.get_by_text("贫困户档案资料不完整")).to_be_visible()
    page.screenshot(path=str(artifacts / "visit_detail_1366.png"), full_page=True)

    page.get_by_role("link", name="指导记录", exact=True).first.click()
    expect(page.get_by_role("link", name=village.name)).to_be_visible()
    page.screenshot(path=str(artifacts / "visit_list_1366.png"))
    page.get_by_role("link", name="每周指导情况").click()
    expect(page.get_by_text("第六小组 · 登封市")).to_be_visible()
    page.screenshot(path=str(artifacts / "visit_quota_1366.png"), full_page=True)
    page.go_back()

    page.get_by_role("link", name="打印").first.click()
    expect(page.locator(".copy-label")).to_have_text(["市脱贫攻坚领导小组办公室", "县脱贫攻坚领导小组办公室", "被指导村"])
    page.screenshot(path=str(artifacts / "visit_print_1366.png"), full_page=True)
    pdf = artifacts / "visit_print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    if not shutil.which("pdfinfo"):
        skip_or_fail("没有 pdfinfo（poppler-utils），无法核对打印页数。")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+3\b", info), info  # three copies, one per page
