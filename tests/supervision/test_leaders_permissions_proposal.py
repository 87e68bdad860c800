"""City- and county-level leaders of listed villages (HN 四(二), 四(三)); the permission matrix rows;
a listing proposed from data (HN 二)."""

import pytest
import rules
from django.core.exceptions import ValidationError
from django.urls import reverse

from supervision.models import MemberUnit, VillageLeader
from supervision.services import ReportTarget, leader_assign
from tests.factories import HouseholdFactory, VillageFactory
from villages.choices import ExitStatus, HouseholdStatus


def test_city_office_assigns_leaders_through_the_page(client, city_user, lv_a, county_a):
    client.force_login(city_user)
    url = reverse("supervision:leader_create", args=[lv_a.pk])
    response = client.post(url, {"level": "county", "name": "王县长", "position": "副县长", "county": county_a.pk})
    assert response.status_code == 302
    response = client.post(url, {"level": "city", "name": "赵市长", "position": "副市长"})
    assert response.status_code == 302
    body = client.get(lv_a.get_absolute_url()).content.decode()
    assert "王县长" in body and "赵市长" in body
    assert VillageLeader.objects.get(name="赵市长").city == city_user.city


def test_leader_outside_the_county_refused(client, city_user, lv_a, county_b):
    client.force_login(city_user)
    response = client.post(reverse("supervision:leader_create", args=[lv_a.pk]),
                           {"level": "county", "name": "李县长", "county": county_b.pk})
    assert response.status_code == 400
    assert "巩义市的县级领导不能分包登封市的村" in response.content.decode()
    assert not VillageLeader.objects.exists()


def test_city_leader_of_another_city_refused(city_user, lv_a, other_city):
    with pytest.raises(ValidationError, match="南阳市的市级领导不能分包郑州市的村"):
        leader_assign(acting_user=city_user, listed_village=lv_a, level="city", name="周市长", city=other_city)


def test_county_officer_may_not_assign(client, officer_a, lv_a, county_a):
    client.force_login(officer_a)
    response = client.post(reverse("supervision:leader_create", args=[lv_a.pk]),
                           {"level": "county", "name": "王县长", "county": county_a.pk})
    assert response.status_code == 403
    assert not VillageLeader.objects.exists()


# --- every cell of the new rows of the matrix ----------------------------------------------------

@pytest.fixture
def users(officer_a, officer_b, city_user, other_city_user, province_user, admin_user, leader_user):
    return {"officer_a": officer_a, "officer_b": officer_b, "city": city_user, "other_city": other_city_user,
            "province": province_user, "admin": admin_user, "team": leader_user}


@pytest.mark.parametrize(("who", "allowed"), [
    ("officer_a", True), ("officer_b", False), ("city", True), ("other_city", False), ("province", True),
    ("admin", True), ("team", False),
])
def test_update_indicator(users, lv_a, who, allowed):
    assert rules.has_perm("supervision.update_indicator", users[who], lv_a) is allowed


@pytest.mark.parametrize(("who", "allowed"), [
    ("officer_a", False), ("officer_b", False), ("city", True), ("other_city", False), ("province", True),
    ("admin", True), ("team", False),
])
def test_assign_leader(users, lv_a, who, allowed):
    assert rules.has_perm("supervision.assign_leader", users[who], lv_a) is allowed


@pytest.mark.parametrize(("who", "allowed"), [
    ("officer_a", False), ("officer_b", False), ("city", True), ("other_city", False), ("province", False),
    ("admin", False), ("team", False),
])
def test_submit_city_report(users, city, who, allowed):
    assert rules.has_perm("supervision.submit_city_report", users[who], ReportTarget(city=city)) is allowed


@pytest.mark.parametrize(("who", "allowed"), [
    ("officer_a", True), ("officer_b", False), ("city", False), ("other_city", False), ("province", True),
    ("admin", False), ("team", False),
])
def test_submit_unit_report(users, who, allowed):
    unit = MemberUnit.objects.create(name="省民政厅")
    unit.reporters.add(users["officer_a"])
    assert rules.has_perm("supervision.submit_unit_report", users[who], ReportTarget(unit=unit)) is allowed


@pytest.mark.parametrize(("who", "allowed"), [
    ("officer_a", False), ("officer_b", False), ("city", False), ("other_city", False), ("province", True),
    ("admin", True), ("team", False),
])
def test_see_all(users, who, allowed):
    assert rules.has_perm("supervision.see_all", users[who]) is allowed


@pytest.mark.parametrize(("who", "allowed"), [
    ("officer_a", False), ("officer_b", False), ("city", True), ("other_city", True), ("province", True),
    ("admin", True), ("team", False),
])
def test_sync_ledger(users, who, allowed):
    assert rules.has_perm("supervision.sync_ledger", users[who]) is allowed


@pytest.mark.parametrize(("who", "allowed"), [
    ("officer_a", False), ("officer_b", False), ("city", True), ("other_city", True), ("province", True),
    ("admin", True), ("team", False),
])
def test_propose_listing(users, client, who, allowed):
    assert rules.has_perm("supervision.propose_listing", users[who]) is allowed
    client.force_login(users[who])
    assert client.get(reverse("supervision:proposal")).status_code == (200 if allowed else 403)


# --- a listing proposed from data -----------------------------------------------------------------

@pytest.fixture
def poor_data(county_a, county_b, village_a, village_b):
    # county_a: 5,001 poor people; county_b: exactly 5,000 (not more than the threshold).
    HouseholdFactory(village=village_a, member_count=30, status=HouseholdStatus.POOR)
    for _ in range(166):
        HouseholdFactory(village=village_a, member_count=30, status=HouseholdStatus.PRE_EXIT)
    HouseholdFactory(village=village_a, member_count=11, status=HouseholdStatus.RETURNED)
    HouseholdFactory(village=village_a, member_count=30, status=HouseholdStatus.EXITED, exit_year=2019)
    HouseholdFactory(village=village_a, member_count=30, status=HouseholdStatus.MARGINAL)
    for _ in range(166):
        HouseholdFactory(village=village_b, member_count=30, status=HouseholdStatus.POOR)
    HouseholdFactory(village=village_b, member_count=20, status=HouseholdStatus.POOR)
    village_a.is_poor_village = True
    village_a.save()
    VillageFactory(township=village_b.township, name="已出列村", is_poor_village=True,
                   exit_status=ExitStatus.EXITED, exit_year=2019)
    VillageFactory(township=village_b.township, name="面上村", is_poor_village=False)


def test_proposal_counties_above_the_threshold_and_villages_not_exited(client, city_user, poor_data):
    client.force_login(city_user)
    response = client.get(reverse("supervision:proposal"))
    counties = response.context["counties"]
    assert [(c.name, c.poor_population) for c in counties] == [("登封市", 5021)]
    villages = [v.name for v in response.context["page"].object_list]
    assert villages == ["大营村"]
    body = response.content.decode()
    assert "5,021" in body
    response = client.get(reverse("supervision:proposal"), {"threshold": "4999"})
    assert [c.name for c in response.context["counties"]] == ["登封市", "巩义市"]
    response = client.get(reverse("supervision:proposal"), {"threshold": "abc"})
    assert response.context["threshold"] == 5000 and "门槛须为不小于0的整数" in response.content.decode()


def test_proposal_is_scoped(client, other_city_user, poor_data):
    client.force_login(other_city_user)
    response = client.get(reverse("supervision:proposal"), {"threshold": "0"})
    assert list(response.context["counties"]) == [] and "登封市" not in response.content.decode()
