"""What makes the lists province-scale: query counts that do not grow with the data, the search on
the households' own columns, the sheet read in slices, and the streamed import's all-or-nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import HouseholdFactory, TownshipFactory, UserFactory, VillageFactory, make_id_number
from villages import services
from villages.choices import HouseholdStatus
from villages.models import Household

from .conftest import xlsx

pytestmark = pytest.mark.django_db

PAGES = ["home", "villages:village_list", "villages:household_list", "villages:key_village_list", "villages:job_list"]


def grow(county, villages, households_each):
    township = TownshipFactory(county=county)
    for _ in range(villages):
        village = VillageFactory(township=township)
        Household.objects.bulk_create([HouseholdFactory.build(village=village) for _ in range(households_each)])
    from villages.summaries import village_summaries_refresh

    village_summaries_refresh()


def query_counts(client):
    counts = {}
    for name in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize("who", ["province", "city", "county"])
def test_query_counts_are_the_same_at_two_sizes(client, who, city, county_a, county_b):
    from rosters.choices import Role

    user = {
        "province": lambda: UserFactory(username="prov", role=Role.CITY, city=None, county=None),
        "city": lambda: UserFactory(username="cityx", role=Role.CITY, city=city, county=None),
        "county": lambda: UserFactory(username="countyx", role=Role.COUNTY, county=county_a),
    }[who]()
    client.force_login(user)
    grow(county_a, 2, 3)
    small = query_counts(client)
    grow(county_a, 30, 20)
    grow(county_b, 10, 10)
    assert query_counts(client) == small


@pytest.fixture
def people(village_a, village_b):
    HouseholdFactory(village=village_a, head_name="王建国", head_id_number="410102197001010035")
    HouseholdFactory(village=village_a, head_name="李王建")
    HouseholdFactory(village=village_a, head_name="张三")
    HouseholdFactory(village=village_b, head_name="王建民")  # another county
    return village_a


def names(client, q):
    page = client.get(reverse("villages:household_list"), {"q": q}).context["page"]
    assert page.paginator.count == len(page.object_list)
    return sorted(h.head_name for h in page.object_list)


def test_household_search_by_name_id_tail_and_place(client_a, people):
    assert names(client_a, "王建") == ["李王建", "王建国"]  # two characters: at the start or the end of a name
    assert names(client_a, "建国") == ["王建国"]
    assert names(client_a, "王建国") == ["王建国"]
    assert names(client_a, "0035") == ["王建国"]  # the ID number's last four, as the masked number shows them
    assert names(client_a, "410102197001010035") == ["王建国"]
    assert names(client_a, people.name) == ["张三", "李王建", "王建国"]  # the village's name
    assert names(client_a, f"{people.township.name} 张") == ["张三"]


def test_household_list_count_follows_the_filters(client_a, people, village_a):
    HouseholdFactory(village=village_a, status=HouseholdStatus.EXITED, exit_year=2018)
    list_url = reverse("villages:household_list")
    assert client_a.get(list_url).context["page"].paginator.count == 4
    assert client_a.get(list_url, {"status": HouseholdStatus.EXITED}).context["page"].paginator.count == 1
    assert client_a.get(list_url, {"township": village_a.township_id}).context["page"].paginator.count == 4
    assert client_a.get(list_url, {"county": "999999"}).context["page"].paginator.count == 0  # not theirs


def test_a_sheet_read_in_slices_gives_what_openpyxl_gives(make_xlsx):
    from openpyxl import load_workbook

    from villages.importers import FirstSheet

    rows = [[f"名{n}", n, None if n % 3 else "空格后", n * 1.5] for n in range(1, 400)]
    rows[50] = []  # an empty row inside
    file = make_xlsx(["甲", "乙", "丙", "丁"], rows)
    sliced = FirstSheet(file, chunk_bytes=2000)
    assert sliced._sheet is None  # really in slices
    ours = {r: [v for v in values] for r, values in sliced.rows()}
    file.seek(0)
    theirs = {r: list(v) for r, v in enumerate(load_workbook(file).active.iter_rows(values_only=True), start=1)}
    assert {r: v for r, v in ours.items() if any(x is not None for x in v)} == \
        {r: v for r, v in theirs.items() if any(x is not None for x in v)}
    assert sliced.total_rows() == len([v for v in theirs.values() if any(x is not None for x in v)])  # rows written


def test_a_sheet_cut_off_in_a_later_slice_is_unreadable_and_nothing_is_written(officer_a, village_a, monkeypatch):
    import io
    import zipfile

    from villages.importers import FirstSheet

    monkeypatch.setattr(FirstSheet, "CHUNK_BYTES", 3000)
    t = village_a.township
    header = ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号"]
    file = xlsx(header, [[t.county.name, t.name, village_a.name, f"户{n}", make_id_number()] for n in range(200)])
    out = io.BytesIO()
    with zipfile.ZipFile(file) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: int(len(data) * 0.8)]
            dst.writestr(info.filename, data)
    out.seek(0)
    out.name = "cut.xlsx"
    result = services.household_import(acting_user=officer_a, file=out)
    assert result.errors == ["无法读取该 Excel 文件，请确认文件未损坏且为 .xlsx 格式。"]
    assert not Household.objects.exists()


def test_an_error_in_a_later_batch_undoes_the_batches_written_before(officer_a, village_a, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_BATCH", 5)
    t = village_a.township
    header = ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "家庭人口"]
    rows = [[t.county.name, t.name, village_a.name, f"户{n}", make_id_number(), 2] for n in range(20)]
    rows[17][5] = 99  # row 19 of the sheet, in the fourth batch
    progress = []
    result = services.household_import(acting_user=officer_a, file=xlsx(header, rows),
                                       progress=lambda done, total: progress.append((done, total)))
    assert result.errors == ["第19行“家庭人口”列：应在1至30之间，现为99"]
    assert not Household.objects.exists() and not Household.history.exists()
    assert progress[-1] == (21, 21) and len(progress) == 4
