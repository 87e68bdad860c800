"""Monitoring figures from the households (HN 四(一)3) and the campaign view (HN 三)."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from supervision.selectors import household_figures
from supervision.services import indicator_status_set
from tests.factories import HouseholdFactory, VillageFactory
from villages.choices import HouseholdStatus


@pytest.fixture
def households(county_a, village_a, village_b, village_c):
    """A known set. In county_a (listed): village_a and a second village. Elsewhere: village_b, village_c."""
    other_a = VillageFactory(township=village_a.township, name="东沟村")
    HouseholdFactory(village=village_a, status=HouseholdStatus.POOR, member_count=4, food_ok=False)
    HouseholdFactory(village=village_a, status=HouseholdStatus.POOR, member_count=3, housing_ok=False, water_ok=False)
    HouseholdFactory(village=village_a, status=HouseholdStatus.EXITED, exit_year=2019, member_count=2, medical_ok=False)
    HouseholdFactory(village=village_a, status=HouseholdStatus.EXITED, exit_year=2019, member_count=5, is_low_income=True)
    HouseholdFactory(village=village_a, status=HouseholdStatus.EXITED, exit_year=2019, member_count=3)
    HouseholdFactory(village=village_a, status=HouseholdStatus.MARGINAL, member_count=2)
    HouseholdFactory(village=other_a, status=HouseholdStatus.RETURNED, member_count=6, education_ok=False)
    HouseholdFactory(village=village_b, status=HouseholdStatus.POOR, member_count=1, clothing_ok=False)
    HouseholdFactory(village=village_c, status=HouseholdStatus.POOR, member_count=1, food_ok=False)


def test_figures_of_a_listed_county_computed_from_households(households, county_a):
    f = household_figures(county_ids=[county_a.pk])
    assert f["households"] == 7
    assert f["poor_households"] == 3 and f["poor_population"] == 13
    assert f["failing"] == 4  # food; housing+water; medical; education
    assert f["food_ok_not_met"] == 1 and f["housing_ok_not_met"] == 1 and f["water_ok_not_met"] == 1
    assert f["medical_ok_not_met"] == 1 and f["education_ok_not_met"] == 1 and f["clothing_ok_not_met"] == 0
    assert f["unstable"] == 2  # exited with medical not met; exited and low income
    assert f["marginal"] == 1
    assert f["unfilled"] == 0


def test_county_page_shows_the_figures_and_rule(client, officer_a, listing, households, county_a):
    client.force_login(officer_a)
    listed = listing.counties.get(county=county_a)
    body = client.get(listed.get_absolute_url()).content.decode()
    assert "李文慧" in body
    assert "不稳定脱贫户 <b>2</b>" in body and "未全部达标 <b class=\"text-danger\">4</b>" in body
    assert "低收入户的，计为不稳定脱贫户" in body


@time_machine.travel(datetime.datetime(2020, 6, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_campaign_view_per_county_and_village_with_days_left(client, city_user, listing, households, lv_a, transport,
                                                             django_assert_max_num_queries):
    indicator_status_set(acting_user=city_user, listed_village=lv_a, indicator=transport, result="not_met",
                         assessed_on=datetime.date(2020, 5, 30))
    client.force_login(city_user)
    with django_assert_max_num_queries(25):
        response = client.get(listing.get_absolute_url())
    body = response.content.decode()
    assert "距2020年9月30日还有 121 天" in body
    county_rows = response.context["county_rows"]
    assert [r["listed"].county.name for r in county_rows] == ["登封市"]
    assert county_rows[0]["households"]["failing"] == 4 and county_rows[0]["ledger"]["open"] == 1
    # The city office sees its city's two villages (both named 大营村), not 南阳市's.
    assert [r["listed"].village.county.name for r in response.context["village_rows"]] == ["登封市", "巩义市"]
    assert "官寺村" not in body
    row_a = next(r for r in response.context["village_rows"] if r["listed"] == lv_a)
    assert row_a["indicators_not_met"] == 1 and row_a["indicators_total"] == 7 and row_a["households"]["failing"] == 3
    # The campaign's totals (added up from the rows) are those of every household of its counties and villages.
    totals = response.context["totals"]
    assert totals == household_figures(county_ids=[r["listed"].county_id for r in county_rows],
                                       village_ids=[r["listed"].village_id for r in response.context["village_rows"]])
    assert totals["households"] == 8 and totals["failing"] == 5  # 登封市's seven, and 巩义市's listed village's one


def test_province_sees_every_city_county_officer_only_theirs(client, province_user, officer_a, officer_c, listing, households):
    client.force_login(province_user)
    names = {r["listed"].village.name for r in client.get(listing.get_absolute_url()).context["village_rows"]}
    assert len(names) == 2 and "官寺村" in names  # 大营村 twice (two counties) + 官寺村
    assert len(client.get(listing.get_absolute_url()).context["village_rows"]) == 3
    client.force_login(officer_c)
    response = client.get(listing.get_absolute_url())
    assert [r["listed"].village.name for r in response.context["village_rows"]] == ["官寺村"]
    assert response.context["county_rows"] == []
    assert "李文慧" not in response.content.decode()
    client.force_login(officer_a)
    assert client.get(reverse("supervision:county_detail", args=[listing.counties.get().pk])).status_code == 200
    client.force_login(officer_c)
    assert client.get(reverse("supervision:county_detail", args=[listing.counties.get().pk])).status_code == 404


def test_export_is_scoped_and_has_the_figures(client, city_user, listing, households):
    client.force_login(city_user)
    response = client.get(reverse("supervision:campaign_export", args=[listing.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "类型"
    kinds = [r[0] for r in rows[1:]]
    assert kinds.count("挂牌督战县") == 1 and kinds.count("挂牌督战村") == 2
    assert not any("官寺村" == r[4] for r in rows)
    county = dict(zip(rows[0], next(r for r in rows if r[0] == "挂牌督战县"), strict=True))
    assert county["县（市、区）"] == "登封市" and county["省级督战领导 / 分包领导"] == "李文慧"
    assert county["“两不愁三保障”未达标户"] == 4


def test_home_without_a_listing_says_so(client, officer_a):
    client.force_login(officer_a)
    assert "尚未建立挂牌督战名单" in client.get(reverse("supervision:home")).content.decode()


def test_nav_shows_listed_supervision(client, officer_a, listing):
    client.force_login(officer_a)
    response = client.get(reverse("supervision:home"), follow=True)
    assert any(i["label"] == "挂牌督战" for i in response.context["nav_items"])


def test_village_page_shows_the_listing_card_for_listed_villages_only(client, officer_a, lv_a, transport, county_a):
    indicator_status_set(acting_user=officer_a, listed_village=lv_a, indicator=transport, result="not_met",
                         assessed_on=datetime.date.today())
    client.force_login(officer_a)
    body = client.get(lv_a.village.get_absolute_url()).content.decode()
    assert "village-listing" in body and "未销号台账 <b>1</b> 条" in body
    other = VillageFactory(township=lv_a.village.township, name="小河村")
    assert "village-listing" not in client.get(other.get_absolute_url()).content.decode()
