"""Each filter narrows each panel, as the URL holds it (a dashboard view can be bookmarked and sent)."""

import pytest
from django.urls import reverse

from tests.dashboard.helpers import page, rows

pytestmark = pytest.mark.django_db


def _measure(tab, data):
    """One tuple of figures per tab, the ones the filters must move."""
    if tab == "key_villages":
        total = rows(data, "key_villages")["合计"]
        return total["重点村合计"], total["已指导"]
    if tab == "guidance":
        return data.get("headline", {}).get("days", 0), data.get("headline", {}).get("owed", 0)
    if tab == "inspection":
        return (data.get("headline", {}).get("trips", 0),)
    if tab == "rectification":
        return rows(data, "rectification_items")["合计"]["合计"], rows(data, "rectification_letters")["合计"]["应发函的督查"]
    if tab == "problems":
        return data["headline"]["problems"], data["headline"]["experiences"]
    if tab == "supervision":
        reports = data["tables"][2]
        return len(data["tables"][1]["rows"]), len(reports["columns"]) - 4, data["headline"]["ledger_open"]
    raise AssertionError(tab)


UNFILTERED = {
    "key_villages": (5, 4),
    "guidance": (5, 18),
    "inspection": (5,),
    "rectification": (7, 4),
    "problems": (9, 2),
    "supervision": (2, 7, 1),
}

# (tab, filter) → (parameters, figures). Worked out in tests/dashboard/conftest.py's world.
CASES = {
    # November 2018: 丙村 first guided on 11-06; five weeks of November; no trip began in November; two items
    # were due in November; no problem found; one report month, one ledger item due.
    ("key_villages", "period"): ({"period": "2018-11"}, (5, 1)),
    ("guidance", "period"): ({"period": "2018-11"}, (3, 10)),
    ("inspection", "period"): ({"period": "2018-11"}, (0,)),
    ("rectification", "period"): ({"period": "2018-11"}, (2, 0)),
    ("problems", "period"): ({"period": "2018-11"}, (0, 0)),
    ("supervision", "period"): ({"period": "2018-11"}, (2, 1, 1)),
    # A campaign: of the panel's kind, its own rows; of another kind, its months (2018 Q4 guidance → Oct–Dec).
    ("key_villages", "campaign"): ({"campaign": "g2"}, (5, 0)),
    ("guidance", "campaign"): ({"campaign": "g2"}, (0, 0)),
    ("inspection", "campaign"): ({"campaign": "g"}, (2,)),
    ("rectification", "campaign"): ({"campaign": "g"}, (2, 1)),
    ("problems", "campaign"): ({"campaign": "g"}, (4, 2)),
    ("supervision", "campaign"): ({"campaign": "g"}, (2, 3, 1)),
    # 巩义市 alone.
    ("key_villages", "county"): ({"county": "b"}, (2, 1)),
    ("guidance", "county"): ({"county": "b"}, (2, 9)),
    ("inspection", "county"): ({"county": "b"}, (2,)),
    ("rectification", "county"): ({"county": "b"}, (2, 1)),
    ("problems", "county"): ({"county": "b"}, (2, 1)),
    ("supervision", "county"): ({"county": "b"}, (1, 7, 0)),
    # 第二小组 (guidance, 2018 Q4, covers 巩义市): its own visits; elsewhere, its county in its campaign's months.
    ("key_villages", "team"): ({"team": "team2"}, (2, 1)),
    ("guidance", "team"): ({"team": "team2"}, (2, 9)),
    ("inspection", "team"): ({"team": "team2"}, (1,)),
    ("rectification", "team"): ({"team": "team2"}, (1, 0)),
    ("problems", "team"): ({"team": "team2"}, (1, 1)),
    ("supervision", "team"): ({"team": "team2"}, (1, 3, 0)),
}


def _resolve(world, params):
    return {k: getattr(world, v).pk if isinstance(v, str) and not v[0].isdigit() else v for k, v in params.items()}


@pytest.mark.parametrize("tab", sorted(UNFILTERED))
def test_each_filter_narrows_each_panel(city_client, world, tab):
    assert _measure(tab, page(city_client, tab)) == UNFILTERED[tab]
    for (case_tab, name), (params, expected) in sorted(CASES.items()):
        if case_tab != tab:
            continue
        assert expected != UNFILTERED[tab], f"{name} must narrow {tab}"
        assert _measure(tab, page(city_client, tab, **_resolve(world, params))) == expected, f"{name} on {tab}"


def test_an_inspection_group_filters_by_its_own_trips_and_items(city_client, world):
    """督查一组: its three trips; the two items of its letter."""
    assert _measure("inspection", page(city_client, "inspection", team=world.ig1.pk)) == (3,)
    data = page(city_client, "rectification", team=world.ig1.pk)
    assert rows(data, "rectification_items")["合计"]["合计"] == 2


def test_filters_stay_in_the_urls_of_the_tabs_and_links(city_client, world):
    response = city_client.get(reverse("dashboard:rectification"), {"period": "2018-11", "county": world.b.pk})
    html = response.content.decode()
    assert f'href="/dashboard/key-villages/?period=2018-11&amp;county={world.b.pk}"' in html
    assert f"/dashboard/export/?tab=rectification&amp;table=rectification_items&amp;period=2018-11&amp;county={world.b.pk}" in html
    assert '<option value="2018-11" selected>' in html


def test_a_filter_out_of_reach_shows_nothing_and_says_why(city_client, world):
    """洛阳市's county typed into the URL: no figures, a Chinese message — never the unfiltered page."""
    response = city_client.get(reverse("dashboard:rectification"), {"county": world.c.pk})
    assert response.status_code == 200
    assert response.context["data"] is None
    assert "所选县（市、区）不存在或不在您的查看范围内" in response.content.decode()
    for params, message in (({"period": "2018-13"}, "期间格式不正确"),
                            ({"team": world.ig1.pk, "campaign": world.g.pk}, "所选工作组不属于所选工作周期")):
        response = city_client.get(reverse("dashboard:overview"), params)
        assert response.context["data"] is None and message in response.content.decode()
