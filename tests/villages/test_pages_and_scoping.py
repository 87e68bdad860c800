"""Every village page, form and export is scoped; IDs and phones masked; formulas exported as text."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import HouseholdFactory, VillageFactory
from villages import services
from villages.models import StarRating, Village

pytestmark = pytest.mark.django_db

FULL_ID = "410102197001010013"


@pytest.fixture(autouse=True)
def categories(db):
    services.seed_load()


def xlsx(response):
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    return rows, sheet


@pytest.fixture
def other(village_b):
    household = HouseholdFactory(village=village_b, head_name="外县户")
    village_b.petition_count = 9
    village_b.save()
    services.star_ratings_recompute()
    return village_b, household


@pytest.mark.parametrize("name, args", [
    ("villages:village_detail", "village"), ("villages:village_edit", "village"),
    ("villages:village_override", "village"), ("villages:household_create", "village"),
    ("villages:household_detail", "household"), ("villages:household_edit", "household"),
])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_countys_object_is_404(client_a, other, name, args, method):
    village, household = other
    url = reverse(name, args=[village.pk if args == "village" else household.pk])
    assert getattr(client_a, method)(url, {"head_name": "改名", "petition_count": 0}).status_code == 404
    household.refresh_from_db()
    village.refresh_from_db()
    assert (household.head_name, village.petition_count) == ("外县户", 9)


@pytest.mark.parametrize("name", [
    "villages:village_list", "villages:household_list", "villages:key_village_list", "villages:rating_thresholds",
    "villages:village_import", "villages:household_import",
])
def test_lists_and_dropdowns_do_not_leak_other_counties(client_a, village_a, other, name):
    page = client_a.get(reverse(name)).content.decode()
    assert "巩义市" not in page and "外县户" not in page and other[0].township.name not in page


def test_township_dropdown_of_another_county_stays_empty(client_a, village_a, other):
    response = client_a.get(reverse("villages:village_list"), {"county": other[0].county_id})
    assert list(response.context["filter"].filters["township"].queryset) == []
    assert other[0].township.name not in response.content.decode()


def test_dropdown_options_are_escaped(client_a, village_a):
    township = village_a.township
    township.name = '<b>"大营"&镇</b>'
    township.save()
    html = client_a.get(reverse("villages:village_list"), {"county": village_a.county_id}).content.decode()
    assert "&lt;b&gt;&quot;大营&quot;&amp;镇&lt;/b&gt;</option>" in html and "<b>" not in html


@pytest.mark.parametrize("name, column", [
    ("villages:village_export", 3), ("villages:household_export", 2), ("villages:key_village_export", 4),
])
def test_exports_are_scoped(client_a, village_a, other, name, column):
    village_a.petition_count = 9
    village_a.save()
    HouseholdFactory(village=village_a)
    services.star_ratings_recompute()
    rows, _ = xlsx(client_a.get(reverse(name)))
    assert len(rows) == 2 and rows[1][column] == "大营村"
    assert "巩义市" not in str(rows)


def test_exports_follow_the_filters(client_a, village_a):
    HouseholdFactory(village=village_a, head_name="甲", status="poor")
    HouseholdFactory(village=village_a, head_name="乙", status="marginal")
    rows, _ = xlsx(client_a.get(reverse("villages:household_export"), {"status": "marginal"}))
    assert [r[3] for r in rows[1:]] == ["乙"]


def test_household_export_masks_and_writes_formulas_as_text(client_a, village_a):
    HouseholdFactory(village=village_a, head_id_number=FULL_ID, head_phone="13812345678", head_name="=HYPERLINK(\"x\")",
                     helper_name="@SUM(A1)")
    rows, sheet = xlsx(client_a.get(reverse("villages:household_export")))
    helper = rows[0].index("帮扶责任人")
    assert rows[1][3] == '=HYPERLINK("x")' and rows[1][helper] == "@SUM(A1)"
    assert rows[1][4] == "410***********0013" and rows[1][5] == "138****5678"
    assert "<f>" not in sheet and FULL_ID not in sheet and "13812345678" not in sheet


def test_village_export_writes_formula_looking_names_as_text(client_a, village_a):
    VillageFactory(township=village_a.township, name="-1+1村")
    rows, sheet = xlsx(client_a.get(reverse("villages:village_export")))
    assert "-1+1村" in [r[3] for r in rows] and "<f>" not in sheet


def test_pages_mask_id_and_phone(client_a, village_a):
    household = HouseholdFactory(village=village_a, head_id_number=FULL_ID, head_phone="13812345678")
    for url in (reverse("villages:household_list"), household.get_absolute_url(), village_a.get_absolute_url(),
                reverse("villages:household_edit", args=[household.pk])):
        page = client_a.get(url).content.decode()
        assert FULL_ID not in page and "13812345678" not in page
    assert "410***********0013" in client_a.get(household.get_absolute_url()).content.decode()


def test_admin_masks_id(client, admin_user, village_a):
    household = HouseholdFactory(village=village_a, head_id_number=FULL_ID)
    client.force_login(admin_user)
    for url in (reverse("admin:villages_household_changelist"), reverse("admin:villages_household_change", args=[household.pk]),
                reverse("admin:villages_household_history", args=[household.pk])):
        assert FULL_ID not in client.get(url).content.decode()


@pytest.mark.parametrize("name", ["villages:village_list", "villages:household_list", "villages:key_village_list"])
def test_list_query_count_does_not_grow_with_rows(client_a, village_a, name, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            v = VillageFactory(township=village_a.township, petition_count=9, distance_to_county_km=50)
            HouseholdFactory(village=v)
        services.star_ratings_recompute()

    add(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client_a.get(reverse(name))
    add(40)
    with django_assert_max_num_queries(len(few)):
        response = client_a.get(reverse(name))
    assert len(response.context["page"].object_list) >= 42


def test_village_page_query_count_does_not_grow_with_households(client_a, village_a, django_assert_max_num_queries):
    HouseholdFactory(village=village_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client_a.get(village_a.get_absolute_url())
    for _ in range(30):
        HouseholdFactory(village=village_a)
    with django_assert_max_num_queries(len(few)):
        client_a.get(village_a.get_absolute_url())


@pytest.mark.parametrize("q", ["大营", "登封市{t}大营村", "登封市 大营村", "登封市/{t}/大营村", "郑州市登封市"])
def test_search_by_name_or_full_path(client_a, village_a, q):
    q = q.format(t=village_a.township.name)
    VillageFactory(township=village_a.township, name="小河村")
    names = [v.name for v in client_a.get(reverse("villages:village_list"), {"q": q}).context["page"].object_list]
    assert "大营村" in names and ("小河村" in names) is (q == "郑州市登封市")


def test_village_list_filters_by_category_and_stars(client_a, village_a):
    far = VillageFactory(township=village_a.township, name="远村", distance_to_county_km=80)
    services.star_ratings_recompute()
    url = reverse("villages:village_list")
    assert [v.name for v in client_a.get(url, {"category": 8}).context["page"].object_list] == ["远村"]
    assert [v.name for v in client_a.get(url, {"stars": 0}).context["page"].object_list] == ["大营村"]
    assert StarRating.objects.get(village=far).stars == 1


def test_village_facts_form_records_who_and_recomputes(client_a, village_a, django_capture_on_commit_callbacks):
    data = {"exit_status": "not_exited", "rural_population": 800, "distance_to_county_km": "45", "petition_count": 5,
            "negative_report_count": 0, "code": "", "is_weak_party_org": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("villages:village_edit", args=[village_a.pk]), data, follow=True)
    assert "村基本情况已保存" in response.content.decode()
    assert StarRating.objects.get(village=village_a).categories == [5, 6, 8]
    page = client_a.get(village_a.get_absolute_url()).content.decode()
    assert "officer_a" in page or "修改" in page
    assert Village.history.filter(id=village_a.pk).first().history_user.username == "officer_a"


def test_village_facts_form_rejects_exited_without_year(client_a, village_a):
    data = {"exit_status": "exited", "rural_population": 800, "petition_count": 0, "negative_report_count": 0}
    response = client_a.post(reverse("villages:village_edit", args=[village_a.pk]), data)
    assert "已出列的村必须填写出列年份" in response.content.decode()
    village_a.refresh_from_db()
    assert village_a.exit_status == "not_exited"


def test_team_member_reads_but_does_not_write(client, village_a):
    from tests.rosters.factories import TeamCountyFactory, TeamFactory, team_member_user

    team = TeamFactory()
    TeamCountyFactory(team=team, county=village_a.county)
    client.force_login(team_member_user(team, username="member"))
    assert client.get(village_a.get_absolute_url()).status_code == 200
    data = {"exit_status": "not_exited", "rural_population": 1, "petition_count": 7, "negative_report_count": 0}
    response = client.post(reverse("villages:village_edit", args=[village_a.pk]), data)
    assert response.status_code == 403
    village_a.refresh_from_db()
    assert village_a.petition_count == 0


def test_city_office_sees_every_county(client, city_user, village_a, other):
    client.force_login(city_user)
    names = [v.county.name for v in client.get(reverse("villages:village_list")).context["page"].object_list]
    assert sorted(names) == ["巩义市", "登封市"]


def test_registered_sections_appear_on_the_village_page(client_a, village_a, settings, tmp_path):
    from villages.sections import register_village_section, unregister_village_section

    # The guidance visits section (inspections) is registered: an empty list, not the placeholder card.
    first = client_a.get(village_a.get_absolute_url()).content.decode()
    assert "本村暂无指导记录" in first and "本村暂无指导、督查记录" not in first
    (tmp_path / "section.html").write_text("<div>指导记录 {{ n }} 条 {{ village.name }}</div>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    register_village_section("section.html", lambda request, village: {"n": 7}, title="指导记录")
    try:
        page = client_a.get(village_a.get_absolute_url()).content.decode()
        assert "指导记录 7 条 大营村" in page and "本村暂无指导、督查记录" not in page
    finally:
        unregister_village_section("section.html")


def test_household_form_reads_full_width_numbers_and_refuses_a_known_id(client_a, village_a):
    url = reverse("villages:household_create", args=[village_a.pk])
    data = {"head_name": "王五", "head_id_number": "４１０１０２１９７００１０１００１３", "head_phone": "138 1234 5678",
            "member_count": 3, "status": "poor", "income_measure_count": 0}
    assert client_a.post(url, data).status_code == 302
    household = village_a.households.get()
    assert (household.head_id_number, household.head_phone) == (FULL_ID, "13812345678")
    page = client_a.post(url, {**data, "head_name": "赵六", "head_id_number": FULL_ID}).content.decode()
    assert "该身份证号已登记在其他贫困户中。" in page and village_a.households.count() == 1
