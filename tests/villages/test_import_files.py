"""Bad files (not xlsx, empty, headers, 50 MB, zip bomb) for both imports, and the upload → preview → confirm pages."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from rosters.choices import Role
from tests.factories import UserFactory, make_id_number
from tests.villages.conftest import xlsx
from villages.models import Household, Village
from villages.services import household_import, village_import

pytestmark = pytest.mark.django_db

SERVICES = [village_import, household_import]


def state():
    return Village.objects.count(), Household.objects.count(), Village.history.count(), Household.history.count()


def named(data, name):
    f = io.BytesIO(data)
    f.name = name
    return f


def zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return named(buffer.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("make_file, message", [
    (lambda: named(b"name,id\n", "data.csv"), "请上传 .xlsx 格式"),
    (lambda: named(b"PK not really a zip", "data.xlsx"), "不是有效的 .xlsx"),
    (lambda: named(b"", "data.xlsx"), "文件为空"),
    (lambda: named(b"\0" * (50 * 1024 * 1024), "big.xlsx"), "文件过大（50.0 MB），上限为 20 MB"),
    (zip_bomb, "解压后体积过大"),
    (lambda: xlsx(None, []), "文件是空的：第一张工作表第1行没有表头"),
    (lambda: xlsx(["备注"], [["x"]]), "缺少必需的列：县（市、区）、乡（镇）、村"),
    (lambda: xlsx(["县（市、区）", "乡（镇）", "村", "备注"], [["a"]]), "无法识别的列：备注。"),
])
def test_bad_files_write_nothing(officer_a, village_a, service, make_file, message):
    before = state()
    result = service(acting_user=officer_a, file=make_file())
    assert any(message in e for e in result.errors), result.errors
    assert state() == before


@pytest.mark.parametrize("service, header, message", [
    (village_import, ["县（市、区）", "乡（镇）", "村"], "表格中没有村数据：表头下面是空的"),
    (household_import, ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号"], "表格中没有贫困户数据"),
])
def test_headers_without_rows(officer_a, service, header, message):
    assert message in service(acting_user=officer_a, file=xlsx(header, [[None], []])).errors[0]


def test_headers_may_carry_spaces_and_half_width_brackets(officer_a, village_a):
    t = village_a.township
    result = household_import(acting_user=officer_a, file=xlsx(
        [" 县(市、区) ", "乡(镇)", "村", "户主 姓名", "户主身份证号"],
        [[t.county.name, t.name, village_a.name, "张三", make_id_number()]],
    ))
    assert result.ok and result.created == 1


def test_merged_place_cells_inherit(officer_a, village_a):
    t = village_a.township
    wb_file = xlsx(["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号"], [
        [t.county.name, t.name, village_a.name, "张三", make_id_number()],
        [None, None, None, "李四", make_id_number(birth="19800101")],
    ])
    from openpyxl import load_workbook as load

    wb = load(wb_file)
    wb.active.merge_cells("A2:A3")
    wb.active.merge_cells("C2:C3")
    out = io.BytesIO()
    wb.save(out)
    result = household_import(acting_user=officer_a, file=named(out.getvalue(), "merged.xlsx"))
    assert result.ok and set(Household.objects.values_list("village__name", flat=True)) == {"大营村"}


def test_import_page_preview_then_confirm(client_a, village_a, django_capture_on_commit_callbacks):
    t = village_a.township
    data = xlsx(["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "联系电话"],
                [[t.county.name, t.name, village_a.name, "张三", make_id_number(), "13812345678"]]).getvalue()
    url = reverse("villages:household_import")
    page = client_a.post(url, {"file": SimpleUploadedFile("h.xlsx", data)})
    assert "将新增 <strong>1</strong> 户" in page.content.decode() and not Household.objects.exists()
    token = page.context["token"]
    assert client_a.post(url, {"confirm": "1", "token": "forged"}, follow=True).redirect_chain
    assert not Household.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client_a.post(url, {"confirm": "1", "token": token}, follow=True)
    assert "导入完成：新增 1 户" in done.content.decode()
    assert Household.objects.get().history.first().history_user.username == "officer_a"


def test_import_page_lists_errors_with_row_and_column(client_a, village_a):
    t = village_a.township
    data = xlsx(["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号"],
                [[t.county.name, t.name, village_a.name, "张三", "410102197001010012"]]).getvalue()
    page = client_a.post(reverse("villages:household_import"), {"file": SimpleUploadedFile("h.xlsx", data)})
    body = page.content.decode()
    assert "第2行“户主身份证号”列：身份证号码校验位不正确" in body and "未写入任何数据" in body
    assert "token" not in page.context


def test_import_page_refuses_big_upload(client_a, settings):
    settings.MAX_UPLOAD_MB = 1
    page = client_a.post(reverse("villages:village_import"),
                         {"file": SimpleUploadedFile("v.xlsx", b"\0" * (2 * 1024 * 1024))})
    assert "文件过大" in page.content.decode() and not Village.objects.exists()


def test_team_members_do_not_import(client, county_a):
    client.force_login(UserFactory(role=Role.TEAM, county=None))
    assert client.get(reverse("villages:village_import")).status_code == 403
    assert client.get(reverse("villages:household_import")).status_code == 403


@pytest.mark.parametrize("kind, headers", [
    ("villages", ["县（市、区）", "乡（镇）", "村", "户籍农业人口", "软弱涣散村"]),
    ("households", ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "帮扶措施"]),
])
def test_templates_have_chinese_headers_and_import_cleanly(client_a, kind, headers):
    response = client_a.get(reverse("villages:import_template", args=[kind]))
    wb = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in wb.worksheets[0][1]]
    assert set(headers) <= set(header) and wb.sheetnames[1] == "填写说明"
    assert client_a.get(reverse("villages:import_template", args=["rosters"])).status_code == 404


def test_admin_import(client, admin_user, village_a):
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:villages_village_changelist")).content.decode()
    url = reverse("admin:villages_village_import")
    assert url in changelist
    t = village_a.township
    data = xlsx(["县（市、区）", "乡（镇）", "村", "信访问题数"], [[t.county.name, t.name, village_a.name, 4]]).getvalue()
    page = client.post(url, {"file": SimpleUploadedFile("v.xlsx", data)})
    assert "更新 <strong>1</strong> 个村" in page.content.decode()
    client.post(url, {"confirm": "1", "token": page.context["token"]})
    village_a.refresh_from_db()
    assert village_a.petition_count == 4
