"""Reads for inspection trips (督查, HY 四; SPEC §7), always scoped to the user.

Besides the lists and the monthly coverage, this module holds the sampling rule
(``sample_shortfalls``) and the proposer (``sample_proposal``). The proposer is
set-based: it reads the county's villages, their household counts, their last
trip and guidance dates and the group's recently sampled townships in a fixed
number of queries, however large the county, and ranks them in memory.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db.models import Case, Count, Max, Q, When
from django.utils import timezone

from rosters.choices import Role, TeamKind
from rosters.models import Campaign, Team, TeamCounty
from villages.choices import HouseholdStatus
from villages.models import Household, Village

from .choices import (
    RECENT_DAYS,
    SAMPLE_MIN_ORDINARY_VILLAGES,
    SAMPLE_MIN_POOR_VILLAGES,
    SAMPLE_MIN_TOWNSHIPS,
    SAMPLE_POOR_PER_VILLAGE,
    SAMPLE_PRE_EXIT_PER_VILLAGE,
    FindingCategory,
    SampleLevel,
)
from .models import ArchiveHandover, Finding, GuidanceVisit, InspectionTrip, TripSample

# --- lists ----------------------------------------------------------------------------------------


def _own_team_ids(user):
    if user.is_superuser or user.role != Role.TEAM:
        return None
    return Team.objects.filter(memberships__person__user=user).values("pk")


def inspection_coverage(*, user, campaign=None):
    """Inspection groups' counties the user sees (team members: their own groups only)."""
    coverage = TeamCounty.objects.visible_to(user).filter(kind=TeamKind.INSPECTION)
    if campaign is not None:
        coverage = coverage.filter(campaign=campaign)
    own = _own_team_ids(user)
    return coverage if own is None else coverage.filter(team__in=own)


def plannable_coverage(*, user):
    """The (group, county) pairs for which the user may plan a trip."""
    if not (user.is_city_office or user.role == Role.TEAM):
        return TeamCounty.objects.none()
    return inspection_coverage(user=user).select_related("team", "county", "campaign").order_by(
        "-campaign__start_date", "team__order", "team__name", "order")


def inspection_campaigns(*, user):
    return Campaign.objects.filter(
        kind=TeamKind.INSPECTION, pk__in=TeamCounty.objects.visible_to(user).filter(kind=TeamKind.INSPECTION).values("campaign_id")
    ).order_by("-start_date", "name")


def trip_list(*, user):
    return InspectionTrip.objects.visible_to(user).select_related("campaign", "team", "county").order_by("-start_date", "-pk")


def trip_detail_queryset(*, user):
    return InspectionTrip.objects.visible_to(user).select_related(
        "campaign", "team", "county__city", "created_by", "ended_by", "sample_exception_by", "exchange__recorded_by",
    ).prefetch_related("members")


def trip_samples(trip):
    """Townships, then villages, then households village by village."""
    level_order = Case(When(level=SampleLevel.TOWNSHIP, then=0), When(level=SampleLevel.VILLAGE, then=1), default=2)
    return (trip.samples.select_related("township", "village", "household")
            .annotate(level_order=level_order).order_by("level_order", "township__name", "village__name", "household__status", "household__head_name"))


def trip_findings(trip):
    return trip.findings.select_related("county", "township", "village", "household")


def finding_list(*, user):
    # township: each row's target_label names it (one query a row without it).
    return Finding.objects.visible_to(user).select_related("trip__team", "county", "township", "village", "household")


def finding_counts_by_category(*, findings):
    """Findings per HY 附件 category, in the table's order, counted by the database."""
    counts = dict(findings.values("category").annotate(n=Count("pk")).values_list("category", "n").order_by())
    return [(value, label, counts.get(value, 0)) for value, label in FindingCategory.choices]


def archive_list(*, user):
    qs = ArchiveHandover.objects.visible_to(user).select_related("team__campaign", "handed_over_by").prefetch_related("trips__county")
    own = _own_team_ids(user)
    return qs if own is None else qs.filter(team__in=own)


def village_trips(*, user, village):
    """Trips that sampled the village, with the findings on it, for the village page."""
    return (
        trip_list(user=user).filter(samples__village=village, samples__level=SampleLevel.VILLAGE)
        .annotate(village_findings=Count("findings", filter=Q(findings__village=village), distinct=True))
    )


# --- monthly coverage (HY 四: 原则上每月督查1次) ---------------------------------------------------------


@dataclass
class MonthCell:
    month: datetime.date
    trips: list
    state: str  # done / missing / current / future


def campaign_months(campaign):
    months, month = [], campaign.start_date.replace(day=1)
    while month <= campaign.end_date:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def monthly_coverage(*, user, campaign, today=None):
    """One row per (group, county) the user sees, with each month's trips. Two queries."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    months = campaign_months(campaign)
    coverage = list(
        TeamCounty.objects.visible_to(user).filter(campaign=campaign, kind=TeamKind.INSPECTION)
        .select_related("team", "county").order_by("team__order", "team__name", "order")
    )
    trips = {}
    for trip in (InspectionTrip.objects.visible_to(user).filter(campaign=campaign)
                 .only("pk", "team_id", "county_id", "start_date", "end_date", "status").order_by("start_date")):
        trips.setdefault((trip.team_id, trip.county_id, trip.start_date.replace(day=1)), []).append(trip)
    rows = []
    for tc in coverage:
        cells = []
        for month in months:
            in_month = trips.get((tc.team_id, tc.county_id, month), [])
            if in_month:
                state = "done"
            elif month > this_month:
                state = "future"
            elif month == this_month:
                state = "current"
            else:
                state = "missing"
            cells.append(MonthCell(month, in_month, state))
        rows.append({"team": tc.team, "county": tc.county, "cells": cells,
                     "trips": sum(len(c.trips) for c in cells), "missing": sum(c.state == "missing" for c in cells)})
    return months, rows


# --- the sampling rule (HY 四) ---------------------------------------------------------------------


def sample_shortfalls(trip):
    """What the trip's recorded sample lacks against HY 四, in Chinese; empty when the rule is met. Two queries."""
    rows = list(trip.samples.values("level", "township_id", "village_id", "village__name", "village__is_poor_village", "household__status"))
    townships = {r["township_id"] for r in rows if r["level"] == SampleLevel.TOWNSHIP}
    villages = {r["village_id"]: r for r in rows if r["level"] == SampleLevel.VILLAGE}
    counts = {}
    for r in rows:
        if r["level"] == SampleLevel.HOUSEHOLD:
            counts.setdefault(r["village_id"], []).append(r["household__status"])
    return _shortfalls(townships, villages, counts)


def sample_shortfalls_by_trip(trip_ids):
    """{trip id: shortfalls} for many trips in one query (the dashboards' sampling compliance)."""
    rows = TripSample.objects.filter(trip_id__in=trip_ids).values(
        "trip_id", "level", "township_id", "village_id", "village__name", "village__is_poor_village", "household__status")
    by_trip = {pk: [] for pk in trip_ids}
    for r in rows:
        by_trip.setdefault(r["trip_id"], []).append(r)
    out = {}
    for pk, trip_rows in by_trip.items():
        townships = {r["township_id"] for r in trip_rows if r["level"] == SampleLevel.TOWNSHIP}
        villages = {r["village_id"]: r for r in trip_rows if r["level"] == SampleLevel.VILLAGE}
        counts = {}
        for r in trip_rows:
            if r["level"] == SampleLevel.HOUSEHOLD:
                counts.setdefault(r["village_id"], []).append(r["household__status"])
        out[pk] = _shortfalls(townships, villages, counts)
    return out


def _shortfalls(townships, villages, statuses_by_village):
    missing = []
    if len(townships) < SAMPLE_MIN_TOWNSHIPS:
        missing.append("尚未抽查乡（镇）：每次至少抽查1个镇。")
    poor = [v for v in villages.values() if v["village__is_poor_village"]]
    if len(poor) < SAMPLE_MIN_POOR_VILLAGES:
        missing.append("尚未抽查贫困村：每次至少抽查1个贫困村。")
    if len(villages) - len(poor) < SAMPLE_MIN_ORDINARY_VILLAGES:
        missing.append("尚未抽查面上村：每次至少抽查1个面上村。")
    for village_id, v in sorted(villages.items(), key=lambda kv: kv[1]["village__name"]):
        statuses = statuses_by_village.get(village_id, [])
        pre_exit = statuses.count(HouseholdStatus.PRE_EXIT)
        poor_n = statuses.count(HouseholdStatus.POOR)
        lacks = []
        if pre_exit < SAMPLE_PRE_EXIT_PER_VILLAGE:
            lacks.append(f"预脱贫户{pre_exit}户（应至少{SAMPLE_PRE_EXIT_PER_VILLAGE}户）")
        if poor_n < SAMPLE_POOR_PER_VILLAGE:
            lacks.append(f"未脱贫户{poor_n}户（应至少{SAMPLE_POOR_PER_VILLAGE}户）")
        if lacks:
            missing.append(f"{v['village__name']}只抽查了{'、'.join(lacks)}：每村至少抽查3户农户（2户预脱贫户、1户未脱贫户）。")
    return missing


# --- the proposer ----------------------------------------------------------------------------------


@dataclass
class ProposedItem:
    level: str
    pk: int
    label: str
    reason: str
    township_id: int
    village_id: int | None = None


@dataclass
class SampleProposal:
    seed: int
    townships: list = field(default_factory=list)
    villages: list = field(default_factory=list)
    households: list = field(default_factory=list)
    shortfalls: list = field(default_factory=list)

    @property
    def meets_rule(self):
        return not self.shortfalls

    @property
    def items(self):
        return [*self.townships, *self.villages, *self.households]

    def reasons(self):
        """(level, pk) → reason, for the sample rows."""
        return {(i.level, i.pk): i.reason for i in self.items}


def _since(day, last, what):
    if last is None:
        return f"从未{what}"
    days = (day - last).days
    if days >= RECENT_DAYS:
        return f"近{RECENT_DAYS}天未{what}"
    return f"{days}天前{what}过"


def village_facts(*, county_id, day, team_id=None, exclude_trip_id=None):
    """Everything the proposer weighs, per village of the county: five queries, whatever the county's size."""
    facts = {
        v["pk"]: {**v, "stars": v["star_rating__stars"] or 0, "pre_exit": 0, "poor": 0, "last_trip": None, "last_visit": None,
                  "township_last": None}
        for v in Village.objects.filter(county_id=county_id).values(
            "pk", "name", "township_id", "township__name", "is_poor_village", "star_rating__stars")
    }
    for row in (Household.objects.filter(village__county_id=county_id, status__in=(HouseholdStatus.PRE_EXIT, HouseholdStatus.POOR))
                .values("village_id", "status").annotate(n=Count("pk")).order_by()):
        facts[row["village_id"]]["pre_exit" if row["status"] == HouseholdStatus.PRE_EXIT else "poor"] = row["n"]
    earlier = TripSample.objects.filter(trip__county_id=county_id, trip__start_date__lte=day).exclude(trip_id=exclude_trip_id)
    for row in (earlier.filter(level=SampleLevel.VILLAGE).values("village_id").annotate(last=Max("trip__start_date")).order_by()):
        facts[row["village_id"]]["last_trip"] = row["last"]
    for row in (GuidanceVisit.objects.submitted().filter(county_id=county_id, visit_date__lte=day)
                .values("village_id").annotate(last=Max("visit_date")).order_by()):
        facts[row["village_id"]]["last_visit"] = row["last"]
    township_last = dict(
        earlier.filter(level=SampleLevel.TOWNSHIP, trip__team_id=team_id).values("township_id")
        .annotate(last=Max("trip__start_date")).values_list("township_id", "last").order_by()
    ) if team_id else {}
    for f in facts.values():
        f["township_last"] = township_last.get(f["township_id"])
    return facts


def _recent(day, last):
    return last is not None and (day - last).days < RECENT_DAYS


def _rank_key(f, day, tiebreak):
    """Higher is better: can meet the household rule, more stars, not inspected or guided lately,
    township not sampled by the group lately, longer since the last visit of any kind, then the seed."""
    last = max((d for d in (f["last_trip"], f["last_visit"]) if d), default=None)
    return (
        f["pre_exit"] >= SAMPLE_PRE_EXIT_PER_VILLAGE and f["poor"] >= SAMPLE_POOR_PER_VILLAGE,
        f["stars"],
        not _recent(day, f["last_trip"]) and not _recent(day, f["last_visit"]),
        not _recent(day, f["township_last"]),
        (day - last).days if last else 10**6,
        tiebreak[f["pk"]],
    )


def _village_reason(f, day):
    parts = [f"{f['stars']}星村" if f["stars"] else "非重点村", _since(day, f["last_trip"], "督查"), _since(day, f["last_visit"], "指导")]
    if f["township_last"] is None or not _recent(day, f["township_last"]):
        parts.append("所在乡（镇）本组近期未抽查")
    return "，".join(parts)


def sample_proposal(*, trip, seed=None, exclude_village_ids=()):
    """Propose a sample meeting HY 四 for the trip, explaining each choice; reproducible for a given seed.

    When the county's data cannot meet the rule, ``shortfalls`` says exactly what is
    missing and the proposal is the best the data allow.
    """
    seed = trip.pk if seed is None else seed
    day = trip.start_date
    facts = village_facts(county_id=trip.county_id, day=day, team_id=trip.team_id, exclude_trip_id=trip.pk)
    rng = random.Random(seed)
    tiebreak = {pk: rng.random() for pk in sorted(facts)}
    proposal = SampleProposal(seed=seed)
    if not facts:
        proposal.shortfalls.append(f"{trip.county.name}没有登记的村，无法抽样：请先登记村和贫困户。")
        return proposal
    candidates = [f for pk, f in facts.items() if pk not in set(exclude_village_ids)]
    chosen = []
    for is_poor, kind in ((True, "贫困村"), (False, "面上村")):
        pool = [f for f in candidates if f["is_poor_village"] == is_poor]
        if not pool:
            proposal.shortfalls.append(f"{trip.county.name}没有可抽查的{kind}，不能满足“每次至少抽查1个{kind}”的要求。")
            continue
        best = max(pool, key=lambda f: _rank_key(f, day, tiebreak))
        chosen.append((best, kind))
    for f, kind in chosen:
        proposal.villages.append(ProposedItem(SampleLevel.VILLAGE, f["pk"], f"{f['township__name']} / {f['name']}",
                                              f"{kind}，{_village_reason(f, day)}", f["township_id"], f["pk"]))
        if f["pre_exit"] < SAMPLE_PRE_EXIT_PER_VILLAGE:
            proposal.shortfalls.append(
                f"{f['name']}只有{f['pre_exit']}户预脱贫户，不能满足“每村抽查2户预脱贫户”的要求；县内没有更合适的{kind}。")
        if f["poor"] < SAMPLE_POOR_PER_VILLAGE:
            proposal.shortfalls.append(f"{f['name']}没有未脱贫户，不能满足“每村抽查1户未脱贫户”的要求；县内没有更合适的{kind}。")
    seen = set()
    for f, _ in chosen:
        if f["township_id"] in seen:
            continue
        seen.add(f["township_id"])
        names = "、".join(g["name"] for g, _ in chosen if g["township_id"] == f["township_id"])
        freshness = (f"本组{(day - f['township_last']).days}天前抽查过" if _recent(day, f["township_last"])
                     else _since(day, f["township_last"], "被本组抽查"))
        proposal.townships.append(ProposedItem(SampleLevel.TOWNSHIP, f["township_id"], f["township__name"],
                                               f"所选{names}所在乡（镇），{freshness}", f["township_id"]))
    proposal.households = propose_households(village_ids=[f["pk"] for f, _ in chosen], seed=seed)
    return proposal


def propose_households(*, village_ids, seed):
    """2 预脱贫户 and 1 未脱贫户 per village (HY 四), drawn with the seed from the village's households. One query."""
    by_village = {}
    for h in (Household.objects.filter(village_id__in=village_ids, status__in=(HouseholdStatus.PRE_EXIT, HouseholdStatus.POOR))
              .values("pk", "head_name", "head_id_number", "village_id", "village__township_id", "status").order_by("pk")):
        by_village.setdefault(h["village_id"], {}).setdefault(h["status"], []).append(h)
    from villages.validators import mask_id_number

    items = []
    for village_id in village_ids:
        rng = random.Random(f"{seed}-{village_id}")
        for status, wanted, label in ((HouseholdStatus.PRE_EXIT, SAMPLE_PRE_EXIT_PER_VILLAGE, "预脱贫户"),
                                      (HouseholdStatus.POOR, SAMPLE_POOR_PER_VILLAGE, "未脱贫户")):
            pool = by_village.get(village_id, {}).get(status, [])
            picked = rng.sample(pool, min(wanted, len(pool)))
            for n, h in enumerate(picked, start=1):
                items.append(ProposedItem(
                    SampleLevel.HOUSEHOLD, h["pk"], f"{h['head_name']}（{mask_id_number(h['head_id_number'])}）",
                    f"{label}（本村{len(pool)}户中随机抽取，第{n}户）", h["village__township_id"], village_id,
                ))
    return items

