"""Reads for guidance visits, always scoped to the user (SPEC §1, §6)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from rosters.choices import Role, TeamKind
from rosters.models import Campaign, Team, TeamCounty
from villages.models import County

from .choices import ProblemKind, VisitStatus
from .models import GuidanceVisit, Problem


def _own_team_ids(user):
    """For a team member, the teams they sit on; for offices, None (all teams of counties they see)."""
    if user.is_superuser or user.role != Role.TEAM:
        return None
    return Team.objects.filter(memberships__person__user=user).values("pk")


def _coverage(user, campaign=None):
    coverage = TeamCounty.objects.visible_to(user).filter(kind=TeamKind.GUIDANCE)
    if campaign is not None:
        coverage = coverage.filter(campaign=campaign)
    own = _own_team_ids(user)
    return coverage if own is None else coverage.filter(team__in=own)


def guidance_campaigns(*, user):
    """Guidance campaigns in which the user may record visits, newest first."""
    return Campaign.objects.filter(kind=TeamKind.GUIDANCE, pk__in=_coverage(user).values("campaign_id")).order_by("-start_date", "name")


def default_campaign(campaigns, today=None):
    """The campaign running today, else the one that ended last."""
    today = today or timezone.localdate()
    campaigns = list(campaigns)
    for c in campaigns:
        if c.start_date <= today <= c.end_date:
            return c
    return campaigns[0] if campaigns else None


def form_counties(*, user, campaign):
    """Counties offered on the form: covered by a guidance group in the campaign and visible to the user."""
    if campaign is None:
        return County.objects.none()
    return County.objects.filter(pk__in=_coverage(user, campaign).values("county_id")).order_by("name")


def visit_prefill(village):
    """What the system already knows of the village, for the form (SPEC: a fact is typed once)."""
    from villages.selectors import village_population_summary, village_rating_summary

    figures = village_population_summary(village)
    return {
        "categories": village_rating_summary(village)["categories"],
        **{name: figures[name] for name in (
            "rural_population", "poor_households", "poor_population", "exited_households", "marginal_households",
        )},
    }


def visit_list(*, user):
    return (
        GuidanceVisit.objects.visible_to(user)
        .select_related("campaign", "team", "county", "village__township")
        .order_by("-visit_date", "-pk")
    )


def visit_detail_queryset(*, user):
    return GuidanceVisit.objects.visible_to(user).select_related(
        "campaign", "team", "county__city", "village__township", "created_by", "submitted_by",
        "repeat_exception__granted_by", "experience_promoted_by",
    ).prefetch_related("signers", "problems", "checklist")


def problem_list(*, user):
    """Problems of submitted forms; 共性问题 are those the county rectifies (ZZ 五(三))."""
    return (
        Problem.objects.visible_to(user).filter(visit__status=VisitStatus.SUBMITTED)
        .select_related("visit__team", "county", "village__township")
        .order_by("-visit__visit_date", "visit_id", "order")
    )


def submitted_problems_count(*, user, kind=None):
    """Problems of submitted forms the user sees (of one kind, or all): every problem less those of drafts.

    The first count is read off an index of the problems alone; the second starts from the few drafts —
    neither joins half a million problems to their forms."""
    problems = Problem.objects.visible_to(user).order_by()
    if kind:
        problems = problems.filter(kind=kind)
    return problems.count() - problems.filter(visit__status=VisitStatus.DRAFT).count()


def common_problem_counts(*, user):
    """Per county: 共性问题 of submitted forms, largest first — counted by the database as in
    submitted_problems_count (all, less the drafts'), three short queries."""
    common = Problem.objects.visible_to(user).filter(kind=ProblemKind.COMMON).order_by()
    totals = dict(common.values_list("county_id").annotate(n=Count("pk")))
    drafts = dict(common.filter(visit__status=VisitStatus.DRAFT).values_list("county_id").annotate(n=Count("pk")))
    names = dict(County.objects.filter(pk__in=totals).values_list("pk", "name"))
    rows = [{"county__name": names[pk], "n": n - drafts.get(pk, 0)} for pk, n in totals.items()]
    return sorted((r for r in rows if r["n"]), key=lambda r: (-r["n"], r["county__name"]))


def experience_list(*, user):
    return visit_list(user=user).filter(status=VisitStatus.SUBMITTED).exclude(experience="")


def village_visits(*, user, village):
    return visit_list(user=user).filter(village=village)


@dataclass
class QuotaCell:
    week_start: datetime.date
    days: list
    state: str  # done / missing / current / future / holiday
    holiday: str = ""  # the holiday's name, for a week with no working day


def weekly_quota(*, user, campaign, today=None):
    """ZZ 三: each group visits each county it covers at least one day a week during the campaign.

    Returns (weeks, rows): the campaign's Monday-to-Sunday weeks, and one row per
    (team, county) with, for each week, the days visited. Two queries, whatever
    the number of visits.
    """
    from reminders.calendar import holiday_name, working_days

    today = today or timezone.localdate()
    first_monday = campaign.start_date - datetime.timedelta(days=campaign.start_date.weekday())
    weeks = []
    monday = first_monday
    while monday <= campaign.end_date:
        weeks.append(monday)
        monday += datetime.timedelta(days=7)
    # A week with no official working day inside the campaign (New Year, National Day…) is not owed a visit.
    workdays = set(working_days(campaign.start_date, campaign.end_date))
    owed = {
        start: any(start + datetime.timedelta(days=i) in workdays for i in range(7)) for start in weeks
    }
    holidays = {
        start: _holiday_of_week(start, campaign, holiday_name) for start in weeks if not owed[start]
    }
    coverage = list(
        TeamCounty.objects.visible_to(user).filter(campaign=campaign, kind=TeamKind.GUIDANCE)
        .select_related("team", "county").order_by("team__order", "team__name", "order")
    )
    days = {}
    visited = (
        GuidanceVisit.objects.visible_to(user).submitted().filter(campaign=campaign)
        .values_list("team_id", "county_id", "visit_date").distinct()
    )
    for team_id, county_id, day in visited:
        days.setdefault((team_id, county_id), set()).add(day)
    rows = []
    for tc in coverage:
        visited_days = days.get((tc.team_id, tc.county_id), set())
        cells = []
        for start in weeks:
            end = start + datetime.timedelta(days=6)
            in_week = sorted(d for d in visited_days if start <= d <= end)
            if in_week:
                state = "done"
            elif not owed[start]:
                state = "holiday"
            elif start > today:
                state = "future"
            elif end >= today:
                state = "current"
            else:
                state = "missing"
            cells.append(QuotaCell(start, in_week, state, holidays.get(start, "")))
        rows.append({
            "team": tc.team, "county": tc.county, "cells": cells,
            "missing": sum(c.state == "missing" for c in cells), "days": len(visited_days),
        })
    return weeks, rows


def _holiday_of_week(start, campaign, holiday_name):
    """The name of the holiday that takes a week's campaign days (元旦, 国庆节…), or 假期."""
    for i in range(7):
        day = start + datetime.timedelta(days=i)
        if campaign.start_date <= day <= campaign.end_date and day.weekday() < 5:
            name = holiday_name(day)
            if name:
                return name
    return "假期"


def visit_stats(*, user):
    """Headline figures of guidance work the user may see, in two queries."""
    visits = GuidanceVisit.objects.visible_to(user).aggregate(
        submitted=Count("pk", filter=Q(status=VisitStatus.SUBMITTED)),
        drafts=Count("pk", filter=Q(status=VisitStatus.DRAFT, created_by=user)),
        experiences=Count("pk", filter=Q(status=VisitStatus.SUBMITTED) & ~Q(experience="")),
    )
    visits["common_problems"] = submitted_problems_count(user=user, kind=ProblemKind.COMMON)
    return visits
