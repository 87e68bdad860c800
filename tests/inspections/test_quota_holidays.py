"""每周指导情况: a week with no official working day inside the campaign is not owed a visit."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from reminders.models import CalendarDay
from tests.rosters.factories import CampaignFactory, TeamCountyFactory, TeamFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2019, 1, 10, 12, 0))
def test_holiday_weeks_are_greyed_not_missing(leader_client, campaign, team_a):
    response = leader_client.get(reverse("inspections:visit_quota"))
    (row,) = response.context["rows"]
    states = [c.state for c in row["cells"]]
    # 2018-10-01..07: National Day; 2018-12-31 (the campaign's last day): New Year's Day.
    assert states[0] == "holiday" and row["cells"][0].holiday == "国庆节"
    assert states[-1] == "holiday" and row["cells"][-1].holiday == "元旦"
    assert states[1:-1] == ["missing"] * 12
    assert row["missing"] == 12
    page = response.content.decode()
    assert 'title="国庆节">假期' in page and "按周一至周五计算" not in page


@time_machine.travel(datetime.datetime(2027, 3, 1, 12, 0))
def test_a_year_unknown_to_the_calendar_says_so_and_uses_the_holiday_table(client, county_a, leader_a):
    campaign = CampaignFactory(name="2027年指导", start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2027, 1, 17))
    team = TeamFactory(campaign=campaign, name="第一小组")
    TeamCountyFactory(team=team, county=county_a)
    # The admin entered the 2027 New Year holiday: Fri 1st (Sat 2nd and Sun 3rd are a weekend anyway).
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    from rosters.models import Person, TeamMember

    TeamMember.objects.create(team=team, person=Person.objects.get(user=leader_a), role="leader")
    client.force_login(leader_a)
    response = client.get(reverse("inspections:visit_quota") + f"?campaign={campaign.pk}")
    (row,) = response.context["rows"]
    # Week of 2026-12-28: only Fri 2027-01-01..Sun 01-03 lie in the campaign — a holiday and a weekend.
    assert [c.state for c in row["cells"]] == ["holiday", "missing", "missing"]
    assert row["cells"][0].holiday == "元旦"
    assert "按周一至周五计算" in response.content.decode()
