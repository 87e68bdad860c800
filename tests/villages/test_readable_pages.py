"""Counts with thousands separators, one date style, category badges that say what they are."""

import datetime

import pytest
from django.urls import reverse

from rosters.models import Campaign
from tests.factories import VillageFactory
from tests.rosters.factories import CampaignFactory, TeamCountyFactory
from villages import services
from villages.models import VillageSnapshot

pytestmark = pytest.mark.django_db


def test_village_page_groups_thousands(client_a, village_a):
    village_a.rural_population = 59403
    village_a.save()
    page = client_a.get(village_a.get_absolute_url()).content.decode()
    assert "59,403" in page
    assert "59403" not in page


def test_dates_read_like_2018年10月1日(client, city_user, county_a):
    campaign = CampaignFactory(start_date=datetime.date(2018, 10, 1), end_date=datetime.date(2018, 12, 31))
    TeamCountyFactory(team__campaign=campaign, county=county_a)
    client.force_login(city_user)
    page = client.get(reverse("rosters:campaign_list")).content.decode()
    assert "2018年10月1日" in page
    assert "2018年10月01日" not in page and "2018-10-01" not in page
    assert Campaign.objects.count() == 1


def test_snapshot_month_without_leading_zero(village_a):
    snapshot = VillageSnapshot(village=village_a, month=datetime.date(2018, 3, 1), poor_population=1, exited_population=0)
    assert str(snapshot) == f"{village_a.name} 2018年3月"


def test_category_badges_and_legend_on_key_village_page(client_a, village_a):
    services.seed_load()
    VillageFactory(township=village_a.township, name="远村", distance_to_county_km=60)
    services.star_ratings_recompute()
    page = client_a.get(reverse("villages:key_village_list")).content.decode()
    assert "第8类 距县城远" in page  # the badge says what the category is
    assert 'title="第8类：距县城较远地理位置偏的村"' in page
    legend = page[page.index("八类村（图例）"):]
    for text in ("第1类 贫困发生率高", "贫困发生率高的村（含非贫困村）", "第5类 软弱涣散", "信访问题突出村"):
        assert text in legend
