"""The roster import's downloadable templates: one per kind of team, filled in and imported as they are."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rosters.services import roster_import
from tests.rosters.conftest import roster_of

pytestmark = pytest.mark.django_db


def _filled(response, row):
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["名单", "填写说明"]
    headers = [c.value for c in wb.worksheets[0][1]]
    wb.worksheets[0].append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "filled.xlsx"
    return headers, out


@pytest.mark.parametrize("fixture, row, expected", [
    ("guidance_campaign", ["第一小组", "登封市", "郑深怀", "晁俊涛、赵冉冉"], {"第一小组": (["郑深怀"], ["晁俊涛", "赵冉冉"], ["登封市"], [])}),
    ("listed_campaign", ["李文慧", "省人大常委会副主任", "固始县、邓州市"], {"李文慧": (["李文慧"], [], ["固始县", "邓州市"], [])}),
])
def test_template_downloads_and_imports_once_filled(request, client, admin_user, fixture, row, expected):
    campaign = request.getfixturevalue(fixture)
    client.force_login(admin_user)
    page = client.get(reverse("admin:rosters_campaign_import", args=[campaign.pk])).content.decode()
    url = reverse("rosters:roster_template", args=[campaign.kind])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    _, filled = _filled(response, row)
    result = roster_import(acting_user=admin_user, file=filled, campaign=campaign)
    assert result.ok, result.errors
    roster = roster_of(campaign)
    for name, (leaders, members, counties, _) in expected.items():
        assert sorted(roster[name][2]) == sorted(counties)
        if members:
            assert sorted(roster[name][1]) == sorted(members) and roster[name][0] == leaders


def test_inspection_template_headers_and_unknown_kind(client, admin_user):
    client.force_login(admin_user)
    headers, _ = _filled(client.get(reverse("rosters:roster_template", args=["inspection"])), [])
    assert headers == ["组", "负责县区", "组长", "成员", "联络员"]
    assert client.get(reverse("rosters:roster_template", args=["other"])).status_code == 404
