"""Every panel table as Excel, the filters in its title row; the monthly briefing (月度通报), one sheet per table."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.dashboard.helpers import page

pytestmark = pytest.mark.django_db

TABS = ("key_villages", "guidance", "inspection", "rectification", "problems", "supervision")


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name), "no live formula in a dashboard export"
    return load_workbook(io.BytesIO(content))


def _table_rows(ws):
    values = [r for r in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(values) if r and r[0] and i >= 2 and all(v is not None for v in r[:2]))
    return values[0][0], values[1][0], values[header_at], values[header_at + 1:]


@pytest.mark.parametrize("tab", TABS)
def test_every_table_exports_with_its_filters_in_the_title(city_client, world, tab):
    params = {"period": "2018-Q4", "county": world.a.pk}
    data = page(city_client, tab, **params)
    assert data["tables"]
    for table in data["tables"]:
        response = city_client.get(reverse("dashboard:export"), {"tab": tab, "table": table["key"], **params})
        ws = _workbook(response).active
        title, filters, header, body = _table_rows(ws)
        assert title == f"郑州市数据看板 · {table['title']}"
        assert "期间：2018年第4季度" in filters and "县（市、区）：登封市" in filters
        assert list(header) == [c["label"] for c in table["columns"]]
        expected = [*table["rows"], *([table["total"]] if table["total"] else [])]
        if not expected:
            continue
        assert len(body) == len(expected)
        for got, want in zip(body, expected, strict=True):
            assert str(got[0]) == str(want[0]["v"])
            for value, c in zip(got, want, strict=True):
                if c["f"] == "int":
                    assert value == c["v"]
                elif c["f"] == "pct":
                    assert value == (None if c["v"] is None else pytest.approx(c["v"] / 100))


def test_the_rectification_table_in_excel(city_client, world):
    response = city_client.get(reverse("dashboard:export"), {"tab": "rectification", "table": "rectification_items"})
    ws = _workbook(response).active
    _, filters, header, body = _table_rows(ws)
    assert filters.startswith("筛选条件：期间：全部；范围：郑州市")
    by_place = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    assert by_place["登封市"]["逾期"] == 3 and by_place["登封市"]["整改率"] == pytest.approx(0.4)
    assert by_place["合计"]["合计"] == 7


def test_an_unknown_table_or_tab_is_a_404(city_client):
    assert city_client.get(reverse("dashboard:export"), {"tab": "rectification", "table": "nope"}).status_code == 404
    assert city_client.get(reverse("dashboard:export"), {"tab": "nope", "table": "key_villages"}).status_code == 404


def test_the_monthly_briefing_has_every_table_of_the_month(city_client, world):
    response = city_client.get(reverse("dashboard:briefing"), {"period": "2018-11"})
    wb = _workbook(response)
    assert "月度通报_2018年11月.xlsx" in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]
    names = wb.sheetnames
    assert names[0] == "总览"
    expected_tables = sum(len(page(city_client, tab, period="2018-11").get("tables", [])) for tab in TABS)
    empty_tabs = sum(1 for tab in TABS if page(city_client, tab, period="2018-11").get("empty"))
    assert len(names) == 1 + expected_tables + empty_tabs
    overview = wb["总览"]
    assert overview["A1"].value == "郑州市脱贫攻坚督导工作月度通报（2018年11月） · 总览"
    assert "期间：2018年11月" in overview["A2"].value
    # 11月: two items were due (both open, past the deadline): 整改率 0.
    rows = {(r[0], r[1]): r[2] for r in overview.iter_rows(values_only=True) if r and len(r) > 2}
    assert rows[("整改", "整改问题")] == 2 and rows[("整改", "整改率")] == 0
    assert any(name.startswith("整改-") for name in names) and any(name.startswith("挂牌督战-") for name in names)


def test_the_briefing_asks_for_a_month(city_client):
    response = city_client.get(reverse("dashboard:briefing"))
    assert response.status_code == 200
    assert "导出月度通报" in response.content.decode()
    response = city_client.get(reverse("dashboard:briefing"), {"period": "2018"})
    assert "请选择月份" in response.content.decode()
