"""Division codes (统计用区划代码) on the seeded places, the village page, searches, exports and imports."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.factories import HouseholdFactory, VillageFactory, make_id_number
from villages.models import County, Household, Township, Village
from villages.services import household_import, village_import

pytestmark = pytest.mark.django_db


def book(header, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "data.xlsx"
    return buffer


def test_seeded_places_carry_their_codes(capsys):
    call_command("load_seed")
    out = capsys.readouterr().out
    assert County.objects.get(name="中牟县").code == "410122000000"
    gang = County.objects.get(name="航空港区")
    assert (gang.code, gang.official_name) == ("410173000000", "郑州航空港经济综合实验区")
    assert County.objects.get(name="源城区", city__name="河源市").code == "441602000000"
    # HN 附件2: every seeded county and township has its code …
    assert not County.objects.filter(code="").exclude(name="江东新区").exists()
    assert not Township.objects.filter(code="").exists()
    # … and 46 of the 52 listed villages; the other six are not in the 2023 table, and are listed.
    listed = Village.objects.filter(is_listed=True)
    assert listed.exclude(code="").count() == 46
    daqing = Village.objects.get(name="大青村", county__name="嵩县")
    assert (daqing.code, daqing.official_name) == ("410325107206", "大青村村民委员会")
    assert set(listed.filter(code="").values_list("name", flat=True)) == {
        "竹园村", "观音堂林站宋沟村", "观音堂林站大石扒村", "榭漫村", "花马村", "石家村",
    }
    assert "平顶山市宝丰县大营镇观音堂林站宋沟村" in out and "河源市江东新区" in out
    # The seed creates no place of the table beyond its own.
    assert Village.objects.count() == 52


@pytest.fixture
def coded(village_a, village_b):
    village_a.code = "410185101201"
    village_a.save()
    village_b.code = "410181101201"
    village_b.save()
    return village_a


@pytest.mark.parametrize("q, found", [
    ("410185101201", True), ("410185", True), ("4101851", True), ("410181", False), ("大营", True), ("登封市 大营村", True),
])
def test_village_search_by_code_or_its_prefix(client_a, coded, q, found):
    VillageFactory(township=coded.township, name="小营村", code="410185101202")
    names = [v.name for v in client_a.get(reverse("villages:village_list"), {"q": q}).context["page"].object_list]
    assert ("大营村" in names) == found
    if q == "410185101201":
        assert names == ["大营村"]


def test_household_search_by_village_code(client_a, coded):
    HouseholdFactory(village=coded, head_name="张三")
    HouseholdFactory(village=VillageFactory(township=coded.township, name="小营村", code="410185101202"), head_name="李四")
    page = client_a.get(reverse("villages:household_list"), {"q": "410185101201"}).context["page"]
    assert [h.head_name for h in page.object_list] == ["张三"]


def test_code_on_the_village_page_and_in_the_exports(client_a, coded):
    coded.official_name = "大营村村民委员会"
    coded.save()
    HouseholdFactory(village=coded)
    page = client_a.get(coded.get_absolute_url()).content.decode()
    assert "410185101201" in page and "大营村村民委员会" in page
    for name, header in (("villages:village_export", "统计用区划代码"), ("villages:household_export", "村代码")):
        rows = list(load_workbook(io.BytesIO(client_a.get(reverse(name)).getvalue())).active.values)
        column = rows[0].index(header)
        assert [r[column] for r in rows[1:]] == ["410185101201"]


def test_household_import_by_village_code(officer_a, coded):
    header = ["村代码", "户主姓名", "户主身份证号", "家庭人口"]
    result = household_import(acting_user=officer_a, file=book(header, [["410185101201", "王五", make_id_number(), 3]]))
    assert result.ok and result.created == 1
    assert Household.objects.get(head_name="王五").village == coded
    # Another county's village by code, or an unknown code: refused, nothing written.
    result = household_import(acting_user=officer_a, file=book(header, [
        ["410181101201", "赵六", make_id_number(), 2], ["410185999999", "孙七", make_id_number(), 2],
    ]))
    assert result.errors == [
        "第2行“村代码”列：代码 410181101201 的村不在您的管辖范围内，不能导入。",
        "第3行“村代码”列：系统中没有代码为 410185999999 的村。",
    ]
    assert Household.objects.count() == 1
    # The path still works, and a row needs one or the other.
    full = ["县（市、区）", "乡（镇）", "村", *header]
    t = coded.township
    result = household_import(acting_user=officer_a, file=book(full, [
        [t.county.name, t.name, "大营村", None, "周八", make_id_number(), 1],
        [None, None, None, "410185101201", "吴九", make_id_number(), 1],
    ]))
    assert result.ok and result.created == 2


def test_village_import_by_code(officer_a, coded):
    header = ["统计用区划代码", "户籍农业人口"]
    result = village_import(acting_user=officer_a, file=book(header, [["410185101201", 2345]]))
    assert result.ok and result.updated == 1
    coded.refresh_from_db()
    assert coded.rural_population == 2345
    result = village_import(acting_user=officer_a, file=book(["统计用区划代码", "村", "户籍农业人口"],
                                                             [["410185101201", "小营村", 1]]))
    assert result.errors == ["第2行“村”列：“小营村”与统计用区划代码 410185101201 的村（大营村）不符。"]
    result = village_import(acting_user=officer_a, file=book(header, [["410185999999", 1]]))
    assert result.errors and "新建村请填写县（市、区）、乡（镇）和村名" in result.errors[0]
