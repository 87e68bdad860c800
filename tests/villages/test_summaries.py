"""The villages' household figures (VillageSummary) equal a recount after every kind of write.

Lists and home pages read these figures instead of counting the households; each test makes a
write that changes them, checks the stored figures against a recount of the households, and
checks what the officer sees (the village list's 户数, the household list's count, the home page).
"""

import re

import pytest
from django.urls import reverse

from tests.factories import HouseholdFactory, VillageFactory, make_id_number
from villages import services
from villages.choices import HouseholdStatus
from villages.models import Household, Village, VillageSummary
from villages.summaries import summaries_equal_a_recount, village_summaries_refresh
from villages.tasks import star_ratings_recompute

from .conftest import xlsx

pytestmark = pytest.mark.django_db

HOUSEHOLD_HEADER = ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "家庭人口", "状态"]


def stored(village):
    return VillageSummary.objects.filter(village=village).values(
        "households", "poor", "pre_exit", "exited", "returned", "marginal", "poor_population").first()


def village_row_count(client, village):
    """The 户数 the village list shows for the village."""
    html = client.get(reverse("villages:village_list"), {"q": village.name}).content.decode()
    row = re.search(rf'>{village.name}</a>.*?<td class="text-end nowrap-cell">([\d,]+)</td>', html, re.S)
    return int(row.group(1).replace(",", ""))


def household_list_count(client, **params):
    return client.get(reverse("villages:household_list"), params).context["page"].paginator.count


@pytest.fixture
def two_villages(village_a, county_a):
    other = VillageFactory(township=village_a.township, name="小营村")
    HouseholdFactory.create_batch(3, village=village_a, member_count=2)  # 未脱贫: poor
    HouseholdFactory(village=village_a, status=HouseholdStatus.EXITED, exit_year=2018, member_count=5)
    HouseholdFactory(village=other, status=HouseholdStatus.MARGINAL)
    return village_a, other


def test_household_created_by_the_service_and_the_page(client_a, officer_a, two_villages):
    village, _ = two_villages
    services.household_create(acting_user=officer_a, village=village, head_name="新户", head_id_number=make_id_number(),
                              member_count=4)
    response = client_a.post(reverse("villages:household_create", args=[village.pk]), {
        "head_name": "页面户", "head_id_number": make_id_number(), "member_count": 1, "status": HouseholdStatus.PRE_EXIT,
        "income_measure_count": 0,
    })
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert summaries_equal_a_recount() == {}
    assert stored(village) == {"households": 6, "poor": 4, "pre_exit": 1, "exited": 1, "returned": 0, "marginal": 0,
                               "poor_population": 2 * 3 + 4 + 1}
    assert village_row_count(client_a, village) == 6
    assert household_list_count(client_a) == 7
    assert household_list_count(client_a, status=HouseholdStatus.PRE_EXIT) == 1


def test_household_edited_and_moved_to_another_village(client_a, officer_a, two_villages):
    village, other = two_villages
    household = Household.objects.filter(village=village, status=HouseholdStatus.POOR).first()
    services.household_update(acting_user=officer_a, household=household, status=HouseholdStatus.EXITED, exit_year=2019)
    assert stored(village)["poor"] == 2 and stored(village)["exited"] == 2
    services.household_update(acting_user=officer_a,
                              household=Household.objects.get(pk=household.pk), village=other)
    assert summaries_equal_a_recount() == {}
    assert (stored(village)["households"], stored(other)["households"]) == (3, 2)
    assert village_row_count(client_a, other) == 2
    assert household_list_count(client_a, village=other.pk) == 2


def test_a_guarantee_or_the_low_income_flag_edited_moves_the_monitoring(officer_a, two_villages):
    """The monitoring of listed supervision (两不愁三保障, 不稳定脱贫户) reads these columns too."""
    village, _ = two_villages

    def monitoring():
        s = VillageSummary.objects.get(village=village)
        return s.failing, s.water_ok_not_met, s.unfilled, s.unstable, s.population

    assert monitoring() == (0, 0, 0, 0, 2 * 3 + 5)
    exited = Household.objects.get(village=village, status=HouseholdStatus.EXITED)
    services.household_update(acting_user=officer_a, household=exited, water_ok=False)
    assert monitoring() == (1, 1, 0, 1, 11)  # an exited household failing a guarantee is 不稳定
    poor = Household.objects.filter(village=village, status=HouseholdStatus.POOR).first()
    services.household_update(acting_user=officer_a, household=poor, is_low_income=True, medical_ok=None)
    assert monitoring() == (1, 1, 1, 1, 11)  # 低收入 counts only for exited households; 未填写 is not a failure
    services.household_update(acting_user=officer_a, household=Household.objects.get(pk=exited.pk), water_ok=True,
                              is_low_income=True)
    assert monitoring() == (0, 0, 1, 1, 11)
    assert summaries_equal_a_recount() == {}


def test_household_deleted_by_the_service_and_in_the_admin(client, admin_user, officer_a, two_villages):
    village, other = two_villages
    services.household_delete(acting_user=officer_a, household=Household.objects.filter(village=village).first())
    assert stored(village)["households"] == 3
    client.force_login(admin_user)
    gone = Household.objects.get(village=other)
    response = client.post(reverse("admin:villages_household_delete", args=[gone.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Household.objects.filter(pk=gone.pk).exists()
    assert summaries_equal_a_recount() == {}
    assert stored(other)["households"] == 0 and stored(other)["marginal"] == 0


def test_a_household_of_another_county_cannot_be_deleted(officer_b, two_villages):
    from django.core.exceptions import ValidationError

    village, _ = two_villages
    with pytest.raises(ValidationError):
        services.household_delete(acting_user=officer_b, household=Household.objects.filter(village=village).first())
    assert stored(village)["households"] == 4


def test_villages_created_edited_and_deleted(client_a, officer_a, two_villages):
    village, other = two_villages
    new = services.village_create(acting_user=officer_a, township=village.township, name="新村")
    services.household_create(acting_user=officer_a, village=new, head_name="甲", head_id_number=make_id_number())
    services.village_update_facts(acting_user=officer_a, village=village, rural_population=2000)
    assert summaries_equal_a_recount() == {}
    assert village_row_count(client_a, new) == 1
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="还有贫困户"):
        services.village_delete(acting_user=officer_a, village=new)
    services.household_delete(acting_user=officer_a, household=Household.objects.get(village=new))
    services.village_delete(acting_user=officer_a, village=new)
    assert not VillageSummary.objects.filter(village_id=new.pk).exists()
    assert summaries_equal_a_recount() == {}


def test_a_village_moved_to_another_township_carries_its_summary(two_villages, county_b):
    from tests.factories import TownshipFactory

    village, _ = two_villages
    township = TownshipFactory(county=county_b)
    village.township = township
    village.save()
    summary = VillageSummary.objects.get(village=village)
    assert (summary.county_id, summary.township_id) == (county_b.pk, township.pk)


def test_household_import_new_and_moved(client_a, officer_a, two_villages):
    village, other = two_villages
    t = village.township
    moved = Household.objects.filter(village=village).first()
    rows = [[t.county.name, t.name, other.name, "导入甲", make_id_number(), 3, "未脱贫"],
            [t.county.name, t.name, other.name, "导入乙", make_id_number(), 2, "返贫"],
            [t.county.name, t.name, other.name, moved.head_name, moved.head_id_number, moved.member_count, "未脱贫"]]
    result = services.household_import(acting_user=officer_a, file=xlsx(HOUSEHOLD_HEADER, rows))
    assert (result.created, result.updated, result.errors) == (2, 1, [])
    assert summaries_equal_a_recount() == {}
    assert (stored(village)["households"], stored(other)["households"]) == (3, 4)
    assert stored(other)["returned"] == 1 and stored(other)["poor_population"] == 3 + 2 + moved.member_count
    assert village_row_count(client_a, other) == 4


def test_a_refused_import_changes_no_figure(officer_a, two_villages):
    village, _ = two_villages
    t = village.township
    rows = [[t.county.name, t.name, village.name, "导入甲", make_id_number(), 3, "未脱贫"],
            [t.county.name, t.name, "没有这个村", "导入乙", make_id_number(), 2, "未脱贫"]]
    before = stored(village)
    result = services.household_import(acting_user=officer_a, file=xlsx(HOUSEHOLD_HEADER, rows))
    assert result.errors and stored(village) == before
    assert summaries_equal_a_recount() == {}


def test_village_import_creates_villages_with_no_households(client_a, officer_a, two_villages):
    village, _ = two_villages
    t = village.township
    result = services.village_import(acting_user=officer_a, file=xlsx(["县（市、区）", "乡（镇）", "村"],
                                                                       [[t.county.name, t.name, "导入村"]]))
    assert (result.created, result.errors) == (1, [])
    assert summaries_equal_a_recount() == {}
    assert village_row_count(client_a, Village.objects.get(name="导入村")) == 0


def test_the_nightly_recompute_rebuilds_every_summary(two_villages):
    village, other = two_villages
    VillageSummary.objects.filter(village=village).update(households=999)  # drifted (a raw write, say)
    Household.objects.filter(village=other).update(status=HouseholdStatus.POOR)  # a write without signals
    assert set(summaries_equal_a_recount()) == {village.pk, other.pk}
    star_ratings_recompute()  # the nightly task, as beat calls it: no village ids
    assert summaries_equal_a_recount() == {}
    assert stored(village)["households"] == 4 and stored(other)["poor"] == 1


def test_home_page_figures_come_from_the_summaries(client_a, two_villages, village_b):
    HouseholdFactory.create_batch(2, village=village_b)  # another county: not counted for officer_a
    html = client_a.get(reverse("home")).content.decode()
    counts = client_a.get(reverse("home")).context["counts"]
    assert (counts["villages"], counts["households"], counts["poor_households"], counts["poor_population"]) == (2, 5, 3, 6)
    assert "未脱贫人口" in html


def test_refresh_of_villages_that_no_longer_exist_is_harmless(two_villages):
    assert village_summaries_refresh(village_ids=[10**9]) == 1
    assert summaries_equal_a_recount() == {}
