"""The exports of 存在问题, 典型经验 and 每周指导情况, and the visit columns of the key-village list."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from villages import services as village_services

DAY = datetime.date(2018, 10, 23)


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


def test_problem_export_holds_what_the_page_shows(client, officer_a, officer_b, villages_a, make_visit):
    make_visit(villages_a[0], DAY, problems=[
        {"category": 9, "kind": "common", "description": "产业带贫机制不健全", "fix": ""},
        {"category": 2, "kind": "individual", "description": "明白卡未更新", "fix": "已现场更新"},
    ])
    client.force_login(officer_a)
    rows = sheet(client.get(reverse("inspections:problem_export")))
    assert rows[0][:5] == ("指导时间", "指导小组", "县（市、区）", "乡（镇）", "村")
    assert [r[7] for r in rows[1:]] == ["产业带贫机制不健全"]  # 共性问题, as the page lists by default
    assert rows[1][5] == "共性问题" and rows[1][4] == villages_a[0].name
    assert sorted(r[7] for r in sheet(client.get(reverse("inspections:problem_export"), {"kind": "all"}))[1:]) == [
        "产业带贫机制不健全", "明白卡未更新"]
    page = client.get(reverse("inspections:problem_list")).content.decode()
    assert reverse("inspections:problem_export") in page
    client.force_login(officer_b)
    assert len(sheet(client.get(reverse("inspections:problem_export"), {"kind": "all"}))) == 1  # headers only


def test_experience_export(client, city_user, villages_a, make_visit):
    make_visit(villages_a[0], DAY, experience="“四议两公开”议定产业项目")
    make_visit(villages_a[1], DAY)
    client.force_login(city_user)
    rows = sheet(client.get(reverse("inspections:experience_export")))
    assert rows[1][4:] == (villages_a[0].name, "“四议两公开”议定产业项目", "未推广")
    assert len(rows) == 2
    assert reverse("inspections:experience_export") in client.get(reverse("inspections:experience_list")).content.decode()


def test_quota_export_matches_the_page(client, leader_a, campaign, team_a, villages_a, make_visit):
    make_visit(villages_a[0], datetime.date(2018, 10, 2))
    make_visit(villages_a[2], datetime.date(2018, 10, 17))
    client.force_login(leader_a)
    page = client.get(reverse("inspections:visit_quota"))
    assert f'{reverse("inspections:quota_export")}?campaign={campaign.pk}' in page.content.decode()
    rows = sheet(client.get(reverse("inspections:quota_export"), {"campaign": campaign.pk}))
    assert rows[0][:4] == ("指导小组", "县（市、区）", "10月1日起", "10月8日起")
    assert rows[0][-2:] == ("指导天数", "未到周数")
    (row,) = rows[1:]
    assert row[:6] == ("第六小组", "登封市", "10月2日", "未到", "10月17日", "未到")
    assert row[-2:] == (2, page.context["rows"][0]["missing"])


@pytest.fixture
def key_villages(villages_a):
    village_services.seed_load()
    for v in villages_a:  # far from the county seat: category 8, one star each
        v.distance_to_county_km = 60
        v.save()
    village_services.star_ratings_recompute()
    return villages_a


def names(response):
    return [v.name for v in response.context["page"].object_list]


def test_key_village_list_shows_and_filters_by_visits(client, officer_a, key_villages, make_visit):
    make_visit(key_villages[0], DAY)
    make_visit(key_villages[1], datetime.date(2018, 10, 2), submit=False)  # a draft is not a visit
    client.force_login(officer_a)
    url = reverse("villages:key_village_list")
    response = client.get(url)
    html = response.content.decode()
    assert "最近指导" in html and "本周期已指导" in html
    assert "2018年10月23日" in html and "从未指导" in html
    assert len(names(response)) == 4
    assert names(client.get(url, {"visited": "yes"})) == [key_villages[0].name]
    assert key_villages[0].name not in names(client.get(url, {"visited": "no"}))
    assert len(names(client.get(url, {"visited": "no"}))) == 3
    assert key_villages[0].name not in names(client.get(url, {"last_visit": "never"}))
    # 23 Oct 2018 is long ago today: over 90 days without a visit, like the never-visited ones
    assert len(names(client.get(url, {"last_visit": "90"}))) == 4
    rows = sheet(client.get(reverse("villages:key_village_export"), {"visited": "yes"}))
    assert rows[0][-2:] == ("最近指导", "本周期已指导")
    assert rows[1][4] == key_villages[0].name and rows[1][-1] == "是"
    assert rows[1][-2].date() == DAY


def test_key_village_visit_columns_cost_no_query_per_row(client, officer_a, key_villages, make_visit, django_assert_max_num_queries):
    client.force_login(officer_a)
    url = reverse("villages:key_village_list")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n, v in enumerate(key_villages[:3]):  # no more than 2 villages a day
        make_visit(v, DAY + datetime.timedelta(days=n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
