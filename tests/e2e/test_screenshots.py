"""Screenshots of the lists, an import preview and an error page, at 1366×768 and on a 390 px phone.

Saved under test-artifacts/ for a person to look at; the assertions check what
matters on a phone: names and statuses on one line, the table scrolling
sideways rather than squeezing its words.
"""

import pytest
from playwright.sync_api import expect

from tests.factories import HouseholdFactory, VillageFactory, make_id_number
from tests.villages.conftest import xlsx

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Shouji-390-e2e"
SIZES = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}


@pytest.fixture
def officer(officer_a, village_a):
    from villages.services import seed_load, star_ratings_recompute

    seed_load()
    officer_a.set_password(PASSWORD)
    officer_a.save()
    for n, name in enumerate(["大营村", "东沟村", "西岭村", "南坡村", "石门沟村", "马鞍山村"]):
        village = village_a if n == 0 else VillageFactory(township=village_a.township, name=name, distance_to_county_km=40 + n)
        for i, head in enumerate(["欧阳建国", "张三", "李秀英", "王五", "司马长风"]):
            status = ["poor", "exited", "marginal", "pre_exit", "poor"][i]
            HouseholdFactory(village=village, head_name=head, member_count=2 + i, status=status,
                             exit_year=2018 if status == "exited" else None)
    star_ratings_recompute()
    return officer_a


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_attached()


def one_line(page, selector):
    """Every matching element fits on one line (its height is that of one line of its text)."""
    return page.eval_on_selector_all(selector, """els => els.filter(el => {
        const r = document.createRange(); r.selectNodeContents(el);
        const rects = [...r.getClientRects()].filter(x => x.width > 0);
        const lh = parseFloat(getComputedStyle(el).fontSize) || 16;
        return rects.length && Math.max(...rects.map(x => x.bottom)) - Math.min(...rects.map(x => x.top)) > lh * 1.9;
    }).map(el => el.textContent.trim())""")


def shoot(page, artifacts, name):
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(artifacts / f"{name}_{size}.png"), full_page=True)


def test_lists_preview_and_error_page(page, live_server, officer, village_a, artifacts):
    log_in(page, live_server, officer)
    for name, path in [("village_list", "/villages/?per_page=20"), ("household_list", "/villages/households/?per_page=20"),
                       ("key_village_list", "/villages/key/")]:
        page.goto(f"{live_server.url}{path}")
        shoot(page, artifacts, name)
        page.set_viewport_size(SIZES["390"])
        assert one_line(page, "table.phone-table td.nowrap-cell") == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself never scrolls sideways

    t = village_a.township
    upload = xlsx(["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "家庭人口", "不愁吃"], [
        [t.county.name, t.name, village_a.name, f"新户{n}", make_id_number(birth="19850505"), 3, "是"] for n in range(3)
    ])
    page.set_viewport_size(SIZES["1366"])
    page.goto(f"{live_server.url}/villages/households/import/")
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "households.xlsx", "buffer": upload.getvalue(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }])
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("预览（尚未写入）")).to_be_visible()
    expect(page.locator("#preview-created")).to_contain_text("新户2")
    shoot(page, artifacts, "household_import_preview")

    page.goto(f"{live_server.url}/villages/999999/")
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    shoot(page, artifacts, "error_404")
