import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import HouseholdFactory
from tests.rosters.factories import TeamCountyFactory, TeamFactory, team_member_user

pytestmark = pytest.mark.django_db

FULL_ID = "410102197001010013"


def _xlsx_rows(response):
    content = b"".join(response.streaming_content)
    return [list(r) for r in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)], content


def test_login_page_in_chinese(client):
    page = client.get(reverse("login")).content.decode()
    assert "用户名" in page and "密码" in page and "登录" in page


def test_wrong_password_message_in_chinese(client, officer_a):
    page = client.post(reverse("login"), {"username": "officer_a", "password": "wrong"}).content.decode()
    assert "用户名或密码不正确" in page


def test_logout_returns_to_login(client_a):
    response = client_a.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client_a.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("who, expected", [
    ("officer_a", "扶贫办"), ("city_user", "扶贫督导概况"), ("admin_user", "系统管理"),
])
def test_home_page_per_role(client, request, who, expected):
    client.force_login(request.getfixturevalue(who))
    assert expected in client.get(reverse("home")).content.decode()


def test_team_member_home_lists_team_counties(client, county_a):
    team = TeamFactory(name="第六小组")
    TeamCountyFactory(team=team, county=county_a)
    client.force_login(team_member_user(team, username="zhang"))
    page = client.get(reverse("home")).content.decode()
    assert "第六小组" in page and county_a.name in page


def test_county_officer_lists_only_own_villages(client_a, village_a, village_b):
    page = client_a.get(reverse("villages:village_list")).content.decode()
    assert village_a.township.name in page
    assert village_b.township.name not in page and village_b.county.name not in page


@pytest.mark.parametrize("name", ["villages:village_detail", "villages:village_edit", "villages:household_create"])
def test_other_county_village_pages_are_404(client_a, village_b, name):
    kwargs = {"village_pk": village_b.pk} if name.endswith("create") else {"pk": village_b.pk}
    assert client_a.get(reverse(name, kwargs=kwargs)).status_code == 404
    assert client_a.post(reverse(name, kwargs=kwargs), {"petition_count": 9}).status_code == 404
    village_b.refresh_from_db()
    assert village_b.petition_count == 0


@pytest.mark.parametrize("name", ["villages:household_detail", "villages:household_edit"])
def test_other_county_household_pages_are_404(client_a, village_b, name):
    other = HouseholdFactory(village=village_b)
    assert client_a.get(reverse(name, args=[other.pk])).status_code == 404


def test_exports_hold_only_own_county(client_a, village_a, village_b):
    HouseholdFactory(village=village_a, head_name="本县户")
    HouseholdFactory(village=village_b, head_name="外县户")
    rows, _ = _xlsx_rows(client_a.get(reverse("villages:household_export")))
    names = [r[3] for r in rows[1:]]
    assert names == ["本县户"]
    rows, _ = _xlsx_rows(client_a.get(reverse("villages:village_export")))
    assert [r[1] for r in rows[1:]] == [village_a.county.name]


def test_id_number_masked_in_pages_and_exports(client_a, village_a):
    household = HouseholdFactory(village=village_a, head_id_number=FULL_ID, head_phone="13812345678")
    for url in (reverse("villages:household_list"), household.get_absolute_url(), village_a.get_absolute_url(),
                reverse("villages:household_edit", args=[household.pk])):
        page = client_a.get(url).content.decode()
        assert FULL_ID not in page and "13812345678" not in page
    assert "410***********0013" in client_a.get(household.get_absolute_url()).content.decode()
    rows, content = _xlsx_rows(client_a.get(reverse("villages:household_export")))
    assert rows[1][4] == "410***********0013" and rows[1][5] == "138****5678"
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        assert not any(FULL_ID.encode() in zf.read(n) for n in zf.namelist())


def test_id_number_masked_in_admin(client, admin_user, village_a):
    household = HouseholdFactory(village=village_a, head_id_number=FULL_ID)
    client.force_login(admin_user)
    for url in (reverse("admin:villages_household_changelist"),
                reverse("admin:villages_household_change", args=[household.pk]),
                reverse("admin:villages_household_history", args=[household.pk])):
        page = client.get(url).content.decode()
        assert FULL_ID not in page, url
    assert "410***********0013" in client.get(reverse("admin:villages_household_changelist")).content.decode()


def test_formula_text_is_exported_as_text(client_a, village_a):
    HouseholdFactory(village=village_a, head_name="=HYPERLINK(\"http://x\")")
    _, content = _xlsx_rows(client_a.get(reverse("villages:household_export")))
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" in sheet


def test_edit_household_keeps_id_when_left_blank(client_a, village_a):
    household = HouseholdFactory(village=village_a, head_id_number=FULL_ID)
    data = {"head_name": "新名字", "head_id_number": "", "head_phone": "", "member_count": 4, "status": "poor", "income_measure_count": 0}
    response = client_a.post(reverse("villages:household_edit", args=[household.pk]), data)
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.head_name, household.head_id_number, household.member_count) == ("新名字", FULL_ID, 4)
    assert household.history.first().history_user.username == "officer_a"


def test_list_query_count_does_not_grow(client_a, village_a, django_assert_max_num_queries):
    from tests.factories import VillageFactory

    for _ in range(30):
        HouseholdFactory(village=VillageFactory(township=village_a.township))
    with django_assert_max_num_queries(12):
        client_a.get(reverse("villages:village_list"))
    with django_assert_max_num_queries(12):
        client_a.get(reverse("villages:household_list"))


def test_add_household_with_bad_id_keeps_input_and_writes_nothing(client_a, village_a):
    from villages.models import Household

    url = reverse("villages:household_create", args=[village_a.pk])
    data = {"head_name": "李四", "head_id_number": "410102197001010012", "member_count": 3, "status": "poor",
            "income_measure_count": 2}
    page = client_a.post(url, data).content.decode()
    assert "身份证号码校验位不正确" in page and 'value="李四"' in page
    assert not Household.objects.exists()
    data["head_id_number"] = FULL_ID
    response = client_a.post(url, data)
    assert response.status_code == 302 and Household.objects.get().head_name == "李四"
