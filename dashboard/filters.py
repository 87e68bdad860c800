"""The dashboards' filters — period, campaign, city, county, group — read from the URL and resolved once.

Every panel applies every filter; how depends on what the panel counts:

- **period** (a year, a quarter or a month) bounds the dates: a visit's day, a trip's
  first day, an item's deadline, a report's month;
- **campaign** (工作周期) is of one kind (guidance, inspection, listed supervision): the
  rows of that kind belong to it; rows of the other kinds are bounded by its months;
- **county**/**city** narrow the counties, within what the user may see;
- **group** (工作组): the rows of its kind are its own (its visits, its trips, the items
  it issued); the other panels are narrowed to the counties it covers and, like a chosen
  campaign, to its campaign's months.

The guidance and inspection panels show one campaign (its weeks, its months): the one
chosen, the group's, or else the one running today (the latest before the period's
end when none is).
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from rosters.choices import TeamKind

QUARTERS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime.date
    end: datetime.date


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_period(key):
    """"2018" / "2018-Q4" / "2018-10" → a Period, else None."""
    key = (key or "").strip()
    try:
        if len(key) == 4 and key.isdigit():
            year = int(key)
            return Period(key, f"{year}年", datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        if len(key) == 7 and key[4:6] == "-Q" and key[:4].isdigit() and key[6] in "1234":
            year, q = int(key[:4]), int(key[6])
            first, last = QUARTERS[q]
            return Period(key, f"{year}年第{q}季度", datetime.date(year, first, 1),
                          month_end(datetime.date(year, last, 1)))
        if len(key) == 7 and key[4] == "-" and key[:4].isdigit() and key[5:].isdigit():
            year, month = int(key[:4]), int(key[5:])
            if 1 <= month <= 12:
                start = datetime.date(year, month, 1)
                return Period(f"{year}-{month:02d}", f"{year}年{month}月", start, month_end(start))
    except ValueError:
        return None
    return None


def period_choices(years):
    """Grouped choices for the years given: each year, its quarters and its months."""
    groups = []
    for year in sorted(years, reverse=True):
        options = [(str(year), f"{year}年全年")]
        options += [(f"{year}-Q{q}", f"{year}年第{q}季度") for q in (4, 3, 2, 1)]
        options += [(f"{year}-{mo:02d}", f"{year}年{mo}月") for mo in range(12, 0, -1)]
        groups.append((f"{year}年", options))
    return groups


def months_between(start, end):
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return out


def _intersect(a, b):
    """Two (start, end) ranges, either end possibly None (open)."""
    starts = [d for d in (a[0], b[0]) if d]
    ends = [d for d in (a[1], b[1]) if d]
    return (max(starts) if starts else None, min(ends) if ends else None)


@dataclass
class Choices:
    """What the user may choose, loaded once per scope (and cached with the summaries' version)."""

    counties: dict  # id → {"name", "city_id", "city"}
    campaigns: dict  # id → {"name", "kind", "start", "end", "listing"}
    teams: dict  # id → {"name", "kind", "campaign_id", "order", "counties"}
    years: list = field(default_factory=list)
    sees_all: bool = False  # the province (or the admin): every county there is

    @property
    def cities(self):
        out = {}
        for c in self.counties.values():
            out.setdefault(c["city_id"], c["city"])
        return dict(sorted(out.items(), key=lambda kv: kv[1]))


def load_choices(user, *, today=None):
    """Three queries: the counties, campaigns and groups the user may see (SPEC §1)."""
    from rosters.models import Campaign, Team
    from supervision.models import Listing
    from villages.models import County

    today = today or timezone.localdate()
    counties = {
        c.pk: {"name": c.name, "city_id": c.city_id, "city": c.city.name}
        for c in County.objects.visible_to(user).select_related("city").order_by("city__name", "name")
    }
    # The groups of counties the user sees (their counties are read only for the group chosen).
    teams = {
        t["pk"]: {"name": t["name"], "kind": t["kind"], "campaign_id": t["campaign_id"], "order": t["order"]}
        for t in Team.objects.visible_to(user).order_by("campaign_id", "order", "name").values(
            "pk", "name", "kind", "campaign_id", "order")
    }
    campaign_ids = {t["campaign_id"] for t in teams.values()}
    listings = dict(Listing.objects.values_list("campaign_id", "pk"))
    # Listed supervision's campaigns are few and public; the panel shows only the listed places the user sees.
    campaign_ids |= set(listings)
    campaigns = {
        c.pk: {"name": c.name, "kind": c.kind, "start": c.start_date, "end": c.end_date, "listing": listings.get(c.pk)}
        for c in Campaign.objects.filter(pk__in=campaign_ids).order_by("-start_date", "name")
    }
    years = {today.year} | {y for c in campaigns.values() for y in range(c["start"].year, c["end"].year + 1)}
    return Choices(counties=counties, campaigns=campaigns, teams=teams, years=sorted(years), sees_all=visible_all(user))


def visible_all(user):
    from villages.scoping import visible_county_ids

    return visible_county_ids(user) is None


def scope_key(user):
    """Users who see the same counties see the same dashboards: the cache is shared by scope, not by user."""
    if visible_all(user):
        return "all"
    if user.county_id and user.role == "county":
        return f"county{user.county_id}"
    if user.city_id:
        return f"city{user.city_id}"
    return f"user{user.pk}"


PARAMS = ("period", "campaign", "city", "county", "team")


@dataclass
class Filters:
    """The resolved filters of one request; panels ask it how to narrow their rows."""

    user: object
    choices: Choices
    today: datetime.date
    period: Period | None = None
    campaign: int | None = None
    city: int | None = None
    county: int | None = None
    team: int | None = None
    errors: list = field(default_factory=list)
    is_county_officer: bool = False

    # --- reading the URL -----------------------------------------------------------------------------

    @classmethod
    def from_query(cls, query, *, user, choices, today=None):
        f = cls(user=user, choices=choices, today=today or timezone.localdate(),
                is_county_officer=getattr(user, "is_county_officer", False))
        raw = {name: str(query.get(name) or "").strip() for name in PARAMS}
        if raw["period"]:
            f.period = parse_period(raw["period"])
            if f.period is None:
                f.errors.append("期间格式不正确，应为年份（2018）、季度（2018-Q4）或月份（2018-10）。")
        for name, known, label in (("campaign", choices.campaigns, "工作周期"), ("city", choices.cities, "市"),
                                   ("county", choices.counties, "县（市、区）"), ("team", choices.teams, "工作组")):
            value = raw[name]
            if not value:
                continue
            if not value.isdigit() or int(value) not in known:
                # Another county's id typed into the URL is as unknown as a made-up one (SPEC §1).
                f.errors.append(f"所选{label}不存在或不在您的查看范围内。")
                continue
            setattr(f, name, int(value))
        if f.team and f.campaign and choices.teams[f.team]["campaign_id"] != f.campaign:
            f.errors.append("所选工作组不属于所选工作周期。")
        if f.county and f.city and choices.counties[f.county]["city_id"] != f.city:
            f.errors.append("所选县（市、区）不属于所选市。")
        return f

    @property
    def is_valid(self):
        return not self.errors

    def params(self, **override):
        """The filters as URL parameters (for the dashboard's own links), with some replaced."""
        values = {"period": self.period.key if self.period else "", "campaign": self.campaign, "city": self.city,
                  "county": self.county, "team": self.team}
        values.update(override)
        return {k: v for k, v in values.items() if v not in (None, "")}

    def cache_part(self):
        return "|".join(f"{k}={v}" for k, v in sorted(self.params().items()))

    # --- what the panels ask ---------------------------------------------------------------------------

    @property
    def team_info(self):
        return self.choices.teams.get(self.team) if self.team else None

    @property
    def team_counties(self):
        """The counties the chosen group covers (one query, the first time they are asked for)."""
        if getattr(self, "_team_counties", None) is None:
            from rosters.models import TeamCounty

            self._team_counties = set(TeamCounty.objects.filter(team_id=self.team).values_list("county_id", flat=True))
        return self._team_counties

    @property
    def campaign_info(self):
        return self.choices.campaigns.get(self.campaign) if self.campaign else None

    def county_ids(self, kind=None):
        """The counties a panel counts: what the user sees, narrowed by city, county and — unless the
        panel counts rows of the group's own kind, which it filters by the group itself — the group's."""
        ids = list(self.choices.counties)
        if self.city:
            ids = [c for c in ids if self.choices.counties[c]["city_id"] == self.city]
        if self.county:
            ids = [c for c in ids if c == self.county]
        team = self.team_info
        if team and team["kind"] != kind:
            ids = [c for c in ids if c in self.team_counties]
        return ids

    def team_for(self, kind):
        team = self.team_info
        return self.team if team and team["kind"] == kind else None

    def campaign_for(self, kind):
        """The chosen campaign, or the group's, when it is of this kind."""
        if self.campaign and self.choices.campaigns[self.campaign]["kind"] == kind:
            return self.campaign
        team = self.team_info
        if team and team["kind"] == kind:
            return team["campaign_id"]
        return None

    def dates_for(self, kind):
        """(start, end) bounding rows of this kind: the period, and a campaign of another kind by its months."""
        window = (self.period.start, self.period.end) if self.period else (None, None)
        other = None
        if self.campaign and self.choices.campaigns[self.campaign]["kind"] != kind:
            other = self.choices.campaigns[self.campaign]
        elif not self.campaign and self.team_info and self.team_info["kind"] != kind:
            other = self.choices.campaigns.get(self.team_info["campaign_id"])
        if other:
            window = _intersect(window, (other["start"].replace(day=1), month_end(other["end"])))
        return window

    def campaign_in_effect(self, kind):
        """The one campaign a guidance or inspection panel shows: chosen, the group's, or the current one."""
        chosen = self.campaign_for(kind)
        if chosen:
            return chosen
        start, end = self.dates_for(kind)
        candidates = [(pk, c) for pk, c in self.choices.campaigns.items() if c["kind"] == kind]
        if start or end:
            candidates = [(pk, c) for pk, c in candidates
                          if (not end or c["start"] <= end) and (not start or c["end"] >= start)]
        if not candidates:
            return None
        for pk, c in candidates:
            if c["start"] <= self.today <= c["end"]:
                return pk
        return max(candidates, key=lambda kv: (kv[1]["start"], kv[0]))[0]

    def listing(self):
        """The listed-supervision listing shown: the chosen campaign's, the group's, or the newest."""
        pk = self.campaign_for(TeamKind.LISTED)
        if pk:
            return self.choices.campaigns[pk]["listing"]
        listed = [c for c in self.choices.campaigns.values() if c["listing"]]
        return max(listed, key=lambda c: (c["end"], c["listing"]))["listing"] if listed else None

    @property
    def level(self):
        """The rows of the per-place tables: cities for the province, counties within a city,
        townships within one county (drill-down: city → county → township → village)."""
        ids = self.county_ids()
        if self.county or len(self.choices.counties) == 1:
            return "township"
        if len({self.choices.counties[c]["city_id"] for c in ids}) > 1 and not self.city and not self.team:
            return "city"
        return "county"

    def describe(self):
        """The filters in words, for headings and the exports' title row."""
        parts = [f"期间：{self.period.label if self.period else '全部'}"]
        if self.campaign:
            parts.append(f"工作周期：{self.choices.campaigns[self.campaign]['name']}")
        if self.city:
            parts.append(f"市：{self.choices.cities[self.city]}")
        if self.county:
            parts.append(f"县（市、区）：{self.choices.counties[self.county]['name']}")
        elif not self.city:
            cities = {c["city"] for c in self.choices.counties.values()}
            parts.append(f"范围：{'、'.join(sorted(cities)) if len(cities) <= 3 else '全省'}")
        if self.team:
            parts.append(f"工作组：{self.choices.teams[self.team]['name']}")
        return "；".join(parts)
