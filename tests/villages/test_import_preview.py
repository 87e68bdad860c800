"""The import preview lists the rows it will write: 新增, 更新, 不变, the first 50 of each, with their counts."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import HouseholdFactory, VillageFactory, make_id_number
from tests.villages.conftest import xlsx
from villages.models import Household
from villages.services import PREVIEW_ROWS, household_import, village_import

pytestmark = pytest.mark.django_db
HEADERS = ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "联系电话", "家庭人口", "低保户"]


def test_household_preview_rows_of_each_kind(client_a, village_a):
    t = village_a.township
    kept = HouseholdFactory(village=village_a, head_name="李四", head_phone="13800000001", member_count=3, is_dibao=False)
    changed = HouseholdFactory(village=village_a, head_name="王五", head_phone="13800000002", member_count=3, is_dibao=False)
    new_ids = [make_id_number(birth="19800101") for _ in range(PREVIEW_ROWS + 5)]
    rows = [
        [t.county.name, t.name, village_a.name, "李四", kept.head_id_number, "13800000001", 3, "否"],
        [t.county.name, t.name, village_a.name, "王五", changed.head_id_number, "13800000002", 5, "是"],
        *([t.county.name, t.name, village_a.name, f"新户{n}", idn, "", 2, "否"] for n, idn in enumerate(new_ids)),
    ]
    data = xlsx(HEADERS, rows).getvalue()
    response = client_a.post(reverse("villages:household_import"), {"file": SimpleUploadedFile("h.xlsx", data)})
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (PREVIEW_ROWS + 5, 1, 1)
    assert len(result.samples["created"]) == PREVIEW_ROWS  # the first 50; the count says how many in all
    (update,) = result.samples["updated"]
    assert update.line == 3 and update.name == "王五"
    assert update.changes == [("家庭人口", "3", "5"), ("低保户", "否", "是")]
    html = response.content.decode()
    assert "<strong>新增</strong> 55 户（下表列出前 50 户）" in html
    assert "<strong>更新</strong> 1 户" in html and "<strong>不变</strong> 1 户" in html
    assert "新户0" in html and "新户49" in html and "新户50" not in html
    assert re.search(r"家庭人口：<span[^>]*>3</span> → <strong>5</strong>", html)
    assert changed.head_id_number not in html  # ID numbers masked in the preview too
    assert Household.objects.count() == 2  # a preview writes nothing


def test_village_preview_lists_new_and_changed_villages(officer_a, village_a):
    t = village_a.township
    other = VillageFactory(township=t, name="小河村", petition_count=0)
    data = xlsx(["县（市、区）", "乡（镇）", "村", "信访问题数", "村类型"], [
        [t.county.name, t.name, "新建村", 2, "贫困村"],
        [t.county.name, t.name, other.name, 3, "面上村"],
    ])
    result = village_import(acting_user=officer_a, file=data, dry_run=True)
    (created,) = result.samples["created"]
    assert created.name == "新建村" and ("信访问题数", "2") in created.values and ("村类型", "贫困村") in created.values
    (updated,) = result.samples["updated"]
    assert updated.name == "小河村" and updated.changes == [("信访问题数", "0", "3")]


def test_service_without_dry_run_keeps_its_counts(officer_a, village_a):
    t = village_a.township
    data = xlsx(HEADERS[:5], [[t.county.name, t.name, village_a.name, "赵六", make_id_number()]])
    assert household_import(acting_user=officer_a, file=data) == (1, 0, [])
