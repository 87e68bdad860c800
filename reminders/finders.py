"""What is due, for the kinds whose data lives in the apps below reminders (rosters, inspections).

Each finder takes a date and answers ``Due`` rows in a few set-based queries
(no query per team, county or item). The to-do providers at the bottom give
each person the same facts as rows of 我的待办.
"""

import datetime

from django.urls import reverse

from inspections.models import GuidanceVisit, InspectionTrip
from rosters.choices import MemberRole, Role, TeamKind
from rosters.models import Team, TeamCounty, TeamMember
from villages.dates import cn_date
from villages.models import County

from . import calendar, recipients
from .registry import Due, TodoRow


def week_of(day):
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def guidance_gaps(monday, *, team_ids=None, county_ids=None):
    """ZZ 三: (team, county) assignments of guidance groups with no submitted visit in the week of ``monday``.

    A week is owed only if it has an official working day inside the campaign
    (a National Day week, or a week before the campaign began, is not); the
    rule is the quota page's, counted here with its own three queries.
    """
    sunday = monday + datetime.timedelta(days=6)
    coverage = TeamCounty.objects.filter(
        kind=TeamKind.GUIDANCE, campaign__start_date__lte=sunday, campaign__end_date__gte=monday,
    )
    if team_ids is not None:
        coverage = coverage.filter(team_id__in=team_ids)
    if county_ids is not None:
        coverage = coverage.filter(county_id__in=county_ids)
    rows = list(coverage.values(
        "pk", "team_id", "team__name", "county_id", "county__name", "campaign__start_date", "campaign__end_date",
    ).order_by("team__order", "team__name", "order"))
    if not rows:
        return []
    workdays = calendar.working_days(monday, sunday)
    visited = set(
        GuidanceVisit.objects.submitted()
        .filter(visit_date__range=(monday, sunday), team_id__in={r["team_id"] for r in rows})
        .values_list("team_id", "county_id").distinct()
    )
    gaps = []
    for r in rows:
        owed = [d for d in workdays if r["campaign__start_date"] <= d <= r["campaign__end_date"]]
        if owed and (r["team_id"], r["county_id"]) not in visited:
            gaps.append({**r, "last_working_day": owed[-1]})
    return gaps


def guidance_week_missed(day):
    """Monday (ZZ 三): groups that did not visit a covered county last week, holiday weeks excepted."""
    monday, sunday = week_of(day - datetime.timedelta(days=7))
    gaps = guidance_gaps(monday)
    who = recipients.leaders_and_liaisons(g["pk"] for g in gaps)
    link = reverse("inspections:visit_quota")
    for g in gaps:
        yield Due(
            target=f"teamcounty:{g['pk']}",
            recipients=frozenset(who.get(g["pk"], ())),
            title=f"{g['team__name']}上周（{cn_date(monday)}—{cn_date(sunday)}）未到{g['county__name']}指导",
            body=(f"按工作方案（ZZ 三），指导小组每周至少到分包县（市、区）指导一天。"
                  f"{g['team__name']}在{cn_date(monday)}至{cn_date(sunday)}一周没有提交对{g['county__name']}的指导登记表。"),
            link=link,
        )


def _teams_active(kind, start, end):
    return Team.objects.filter(kind=kind, campaign__start_date__lte=end, campaign__end_date__gte=start)


def team_monthly_report(day):
    """1st of the month (HY 四 "原则上每月听取各小组专题汇报1次以上"): each inspection group reports last month's work."""
    last = day.replace(day=1) - datetime.timedelta(days=1)
    first = last.replace(day=1)
    teams = list(_teams_active(TeamKind.INSPECTION, first, last).values("pk", "name", "campaign__name"))
    who = recipients.team_leaders(t["pk"] for t in teams)
    for t in teams:
        yield Due(
            target=f"team:{t['pk']}",
            recipients=frozenset(who.get(t["pk"], ())),
            title=f"请向督查工作领导小组专题汇报{last.year}年{last.month}月督查工作（{t['name']}）",
            body=f"{t['campaign__name']}：按 HY 四，领导小组原则上每月听取各小组专题汇报1次以上。",
            link=reverse("rosters:team_detail", args=[t["pk"]]),
        )


def inspection_no_trip(day):
    """1st of the month (HY 四 "原则上每月督查1次"): a covered county with no trip planned this month.

    Two queries: the month's assignments of running inspection campaigns, and the
    (team, county) pairs with a trip starting in the month.
    """
    first = day.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    rows = list(
        TeamCounty.objects.filter(kind=TeamKind.INSPECTION, campaign__start_date__lte=last, campaign__end_date__gte=first)
        .values("pk", "team_id", "team__name", "county_id", "county__name").order_by("team__order", "order")
    )
    planned = set(
        InspectionTrip.objects.filter(start_date__range=(first, last), team_id__in={r["team_id"] for r in rows})
        .values_list("team_id", "county_id")
    )
    gaps = [r for r in rows if (r["team_id"], r["county_id"]) not in planned]
    who = recipients.leaders_and_liaisons(g["pk"] for g in gaps)
    link = reverse("inspections:trip_create")
    for g in gaps:
        yield Due(
            target=f"teamcounty:{g['pk']}",
            recipients=frozenset(who.get(g["pk"], ())),
            title=f"{g['team__name']}本月（{first.year}年{first.month}月）尚未安排对{g['county__name']}的督查",
            body="按 HY 四，督查小组原则上每月到负责的县区督查1次，每次1—2天。",
            link=link,
        )


def data_push_check(day):
    """4th of the month (HY 附件7): last month's data pushed to the 三保障 departments and checked."""
    last = day.replace(day=1) - datetime.timedelta(days=1)
    officers = recipients.county_officers(
        County.objects.filter(users__role=Role.COUNTY, users__is_active=True).values_list("pk", flat=True).distinct()
    )
    names = dict(County.objects.filter(pk__in=list(officers)).values_list("pk", "name"))
    link = reverse("villages:household_list")
    for county_id, users in officers.items():
        yield Due(
            target=f"county:{county_id}",
            recipients=frozenset(users),
            title=f"请推送并核对{names.get(county_id, '')}{last.year}年{last.month}月数据",
            body="按 HY 附件7，每月初将上月贫困人口数据推送至教育、卫健、住建等三保障部门并核对。",
            link=link,
        )


def archive_handover(day):
    """Last working day of the quarter (HY 四): inspection groups hand their records to the business section."""
    q_first = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    teams = list(_teams_active(TeamKind.INSPECTION, q_first, day).values("pk", "name"))
    who = recipients.team_leaders(t["pk"] for t in teams)
    quarter = (day.month - 1) // 3 + 1
    for t in teams:
        yield Due(
            target=f"team:{t['pk']}",
            recipients=frozenset(who.get(t["pk"], ())),
            title=f"请于今天（{cn_date(day)}）将{t['name']}第{quarter}季度档案材料移交业务科室",
            body="按 HY 四，督查工作的档案材料每季度末移交业务科室归档。",
            link=reverse("rosters:team_detail", args=[t["pk"]]),
        )


# --- 我的待办 --------------------------------------------------------------------------------------

def todo_rows_for_rosters(user, today):
    """What the data of rosters and inspections makes due for ``user`` this week."""
    monday, sunday = week_of(today)
    if user.role == Role.COUNTY and user.county_id and today.day <= 7:
        last = today.replace(day=1) - datetime.timedelta(days=1)
        yield TodoRow(
            kind="data_push_check", title=f"推送并核对{last.year}年{last.month}月数据（三保障部门）",
            due=today.replace(day=4), link=reverse("villages:household_list"), detail="HY 附件7",
        )
    if user.role == Role.TEAM:
        own = list(TeamMember.objects.filter(person__user=user).values_list("team_id", "team__kind", "role"))
        guidance = {t for t, kind, _ in own if kind == TeamKind.GUIDANCE}
        for g in guidance_gaps(monday, team_ids=guidance) if guidance else []:
            yield TodoRow(
                kind="guidance_week_missed", title=f"本周尚未到{g['county__name']}指导（{g['team__name']}）",
                due=g["last_working_day"], link=reverse("inspections:visit_quota"), detail="ZZ 三：每周至少一天",
            )
        led = {t for t, kind, role in own if kind == TeamKind.INSPECTION and role == MemberRole.LEADER}
        if led:
            yield from _inspection_leader_rows(led, today, sunday)


def _inspection_leader_rows(team_ids, today, sunday):
    teams = list(Team.objects.filter(pk__in=team_ids, campaign__end_date__gte=today - datetime.timedelta(days=31))
                 .values("pk", "name", "campaign__start_date"))
    quarter_day = calendar.last_working_day_of_quarter(today)
    for t in teams:
        link = reverse("rosters:team_detail", args=[t["pk"]])
        if today.day <= 7 and t["campaign__start_date"] < today.replace(day=1):
            last = today.replace(day=1) - datetime.timedelta(days=1)
            yield TodoRow(kind="team_monthly_report", title=f"向领导小组专题汇报{last.month}月督查工作（{t['name']}）",
                          due=today.replace(day=1), link=link, detail="HY 四")
        if today <= quarter_day <= sunday + datetime.timedelta(days=7):
            yield TodoRow(kind="archive_handover", title=f"移交第{(today.month - 1) // 3 + 1}季度档案材料（{t['name']}）",
                          due=quarter_day, link=link, detail="HY 四：每季度末")


def todo_rows_for_city(user, today):
    """City office: the guidance groups of its counties that missed last week (ZZ 三)."""
    if not (user.role == Role.CITY or user.is_superuser):
        return
    monday, _ = week_of(today - datetime.timedelta(days=7))
    visible = user.visible_county_ids()
    for g in guidance_gaps(monday, county_ids=visible):
        yield TodoRow(
            kind="guidance_week_missed", title=f"{g['team__name']}上周未到{g['county__name']}指导",
            due=g["last_working_day"], link=reverse("inspections:visit_quota"), detail="ZZ 三",
        )
