"""两不愁三保障: unknown (未填写) until someone enters it, in the form, the page, the import and the export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import HouseholdFactory, make_id_number
from tests.villages.conftest import xlsx
from villages.choices import GUARANTEES
from villages.models import Household
from villages.services import household_import

pytestmark = pytest.mark.django_db
LABELS = [label for _, label in GUARANTEES]


def test_new_household_form_offers_a_choice_and_nothing_is_preselected(client_a, village_a):
    html = client_a.get(reverse("villages:household_create", args=[village_a.pk])).content.decode()
    assert 'type="checkbox" name="food_ok"' not in html
    assert '<option value="unknown" selected>未填写</option>' in html
    assert '<option value="true">已保障</option>' in html and '<option value="false">未保障</option>' in html
    response = client_a.post(reverse("villages:household_create", args=[village_a.pk]), {
        "head_name": "张三", "head_id_number": make_id_number(), "member_count": 3, "status": "poor",
        "identified_year": 2016, "food_ok": "true", "water_ok": "false", "housing_ok": "unknown", "income_measure_count": 0,
    })
    assert response.status_code == 302, response.context["form"].errors
    h = Household.objects.get()
    assert (h.food_ok, h.water_ok, h.housing_ok, h.medical_ok) == (True, False, None, None)
    page = client_a.get(h.get_absolute_url()).content.decode()
    assert "已保障" in page and "未保障" in page and "未填写" in page


def test_template_import_and_export_carry_the_six_columns(client_a, officer_a, village_a):
    template = load_workbook(io.BytesIO(client_a.get(reverse("villages:import_template", args=["households"])).content))
    headers = [c.value for c in template.worksheets[0][1]]
    assert set(LABELS + ["低保户", "残疾人户"]) <= set(headers)
    t = village_a.township
    result = household_import(acting_user=officer_a, file=xlsx(
        ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", *LABELS],
        [[t.county.name, t.name, village_a.name, "李四", make_id_number(), "是", "否", "", "已保障", "未保障", None]],
    ))
    assert result.ok, result.errors
    h = Household.objects.get()
    assert [getattr(h, name) for name, _ in GUARANTEES] == [True, False, None, True, False, None]
    response = client_a.get(reverse("villages:household_export"))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    columns = [rows[0].index(label) for label in LABELS]
    assert [rows[1][i] for i in columns] == ["是", "否", None, "是", "否", None]
    assert rows[1][rows[0].index("低保户")] == "否"


def test_a_wrong_value_is_a_row_error(officer_a, village_a):
    t = village_a.township
    result = household_import(acting_user=officer_a, file=xlsx(
        ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "不愁吃"],
        [[t.county.name, t.name, village_a.name, "李四", make_id_number(), "差不多"]],
    ))
    assert any("第2行“不愁吃”列" in e and "差不多" in e for e in result.errors), result.errors


def test_existing_households_keep_their_values(village_a):
    h = HouseholdFactory(village=village_a, food_ok=False, water_ok=True)
    h.refresh_from_db()
    assert (h.food_ok, h.water_ok) == (False, True)

