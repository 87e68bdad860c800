"""Every number of every table leads to the list behind it, already filtered: follow each link and count the
rows the list shows — they are exactly the rows the number counts."""

import pytest
from django.urls import reverse

from tests.dashboard.helpers import page

pytestmark = pytest.mark.django_db

TABS = ("key_villages", "guidance", "inspection", "rectification", "problems", "supervision")


def _links(data):
    for t in data.get("tables", []):
        for row in [*t["rows"], *([t["total"]] if t["total"] else [])]:
            for c in row:
                if c.get("u"):
                    yield t["key"], row[0]["v"], c


def _follow(client, data, tab):
    followed = 0
    for key, label, c in _links(data):
        url = c["u"]
        if url.startswith("/dashboard/") and not url.startswith(("/dashboard/villages/", "/dashboard/trips/")):
            continue  # one level down the same panel (city → county → township)
        response = client.get(url)
        assert response.status_code == 200, (key, label, url)
        if c["f"] != "int":
            continue
        listed = response.context["page"].paginator.count if "page" in response.context else None
        if listed is None:
            continue
        if c.get("exact", True):
            assert listed == c["v"], f"{tab}/{key}/{label}: {c['v']} counted, {listed} listed at {url}"
        else:
            assert (listed > 0) == (c["v"] > 0), (key, label, url)
        followed += 1
    return followed


@pytest.mark.parametrize("tab", TABS)
def test_each_number_lists_exactly_what_it_counts(city_client, world, tab):
    assert _follow(city_client, page(city_client, tab), tab) > 0


@pytest.mark.parametrize("params", [{"period": "2018-11"}, {"team": "team2"}, {"campaign": "i"}, {"county": "a"}])
def test_and_so_with_filters(city_client, world, params):
    params = {k: v if v.startswith("20") else getattr(world, v).pk for k, v in params.items()}
    for tab in TABS:
        _follow(city_client, page(city_client, tab, **params), tab)


def test_and_so_for_a_county_officer(client, world):
    """巩义市's officer: the draft letter's item is neither counted nor listed."""
    client.force_login(world.officer_b)
    for tab in TABS:
        _follow(client, page(client, tab), tab)


def test_drill_down_from_the_city_to_a_village(city_client, world):
    """郑州市 → 登封市 (its townships) → 大冶镇's 3-star villages → 甲村's page."""
    data = page(city_client, "key_villages")
    county = next(row for row in data["tables"][0]["rows"] if row[0]["v"] == "登封市")[0]["u"]
    response = city_client.get(county)
    townships = {row[0]["v"]: row for row in response.context["data"]["tables"][0]["rows"]}
    assert set(townships) == {"大冶镇", "告成镇"}
    three_star = townships["大冶镇"][1]
    assert three_star["v"] == 1
    villages = city_client.get(three_star["u"])
    (village,) = villages.context["page"].object_list
    assert village.name == "甲村"
    detail = city_client.get(village.get_absolute_url())
    assert detail.status_code == 200 and "甲村" in detail.content.decode()


def test_a_chart_bar_leads_where_its_table_number_does(city_client):
    data = page(city_client, "rectification")
    status_chart = data["charts"][0]
    table = data["tables"][0]
    for i, row in enumerate(table["rows"]):
        assert status_chart["series"][0]["urls"][i] == row[1]["u"]
        assert status_chart["series"][0]["data"][i] == row[1]["v"]
    assert reverse("rectification:item_list") in status_chart["series"][0]["urls"][0]
