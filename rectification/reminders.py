"""What rectification tells the reminders (SPEC §10, HY 四): items due soon, items overdue, letters missing.

Each finder is set-based — a few grouped queries whatever the number of items
or trips — and gives one reminder per county (items) or per trip (letters) per
day; the exactly-once key is the reminders app's. Registered in
``RectificationConfig.ready``. 逾期 is derived from the deadline (ProblemItem
.objects.overdue), so there is nothing to mark here.
"""

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from inspections.choices import TripStatus
from inspections.models import InspectionTrip
from reminders.calendar import working_days
from reminders.recipients import city_office, county_officers, team_leaders
from reminders.registry import Due, TodoRow, register_finder, register_todo
from rosters.choices import Role

from .choices import ExtensionStatus, ItemStatus, LetterStatus, SourceKind
from .models import ExtensionRequest, ProblemItem

SOON_DAYS = 3  # SPEC §10: items due in 3 days


def _by_county(items):
    return list(items.values("county_id", "county__name").annotate(n=Count("pk"), first=Min("deadline")).order_by("county_id"))


def items_due_soon(day):
    """Daily: the responsible county is reminded of its items due within 3 days."""
    rows = _by_county(ProblemItem.objects.open().filter(deadline__gte=day, deadline__lte=day + datetime.timedelta(days=SOON_DAYS)))
    officers = county_officers(r["county_id"] for r in rows)
    for r in rows:
        yield Due(
            target=f"county:{r['county_id']}", recipients=frozenset(officers.get(r["county_id"], ())),
            title=f"{r['county__name']}有{r['n']}项整改问题将于{SOON_DAYS}天内到期（最早{r['first'].month}月{r['first'].day}日）",
            body="请按期完成整改并报告整改情况（河源市工作方案 六）；确需延期的，请及时申请并说明理由。",
            link=reverse("rectification:item_list") + f"?county={r['county_id']}",
        )


def items_overdue(day):
    """Daily: items past their deadline and not closed (逾期) — the county and whoever issued them are told."""
    overdue = ProblemItem.objects.overdue(day)
    rows = _by_county(overdue)
    officers = county_officers(r["county_id"] for r in rows)
    offices = city_office(r["county_id"] for r in rows)
    issuers = defaultdict(set)  # county → the issuing groups' leaders
    pairs = list(overdue.filter(team__isnull=False).values_list("county_id", "team_id").distinct())
    leaders = team_leaders({team_id for _, team_id in pairs})
    for county_id, team_id in pairs:
        issuers[county_id] |= leaders.get(team_id, set())
    for r in rows:
        cid = r["county_id"]
        # A letter issued by the city office (no group) makes the city office the issuer to tell.
        issuer = issuers.get(cid) or offices.get(cid, set())
        yield Due(
            target=f"county:{cid}", recipients=frozenset(officers.get(cid, set()) | issuer),
            title=f"{r['county__name']}有{r['n']}项整改问题已逾期（最早期限{r['first'].month}月{r['first'].day}日）",
            body="整改期限已过仍未销号。请县（市、区）扶贫办尽快整改并报告，发函单位跟踪督促（河源市工作方案 四、六）。",
            link=reverse("rectification:item_list") + f"?county={cid}&overdue=yes",
        )


def letters_missing(day):
    """Daily: ended trips with no letter issued within the days allowed (HY 四 "3天内") — the group leader is told.

    The due dates of all waiting trips are counted on one list of working days (one query).
    """
    trips = list(
        InspectionTrip.objects.filter(status=TripStatus.ENDED, findings__isnull=False, end_date__lt=day)
        .exclude(letters__status=LetterStatus.ISSUED).values("pk", "end_date", "team_id", "team__name", "county__name")
        .distinct().order_by("end_date")
    )
    if not trips:
        return
    days = getattr(settings, "RECTIFICATION_LETTER_DAYS", 3)
    working = getattr(settings, "RECTIFICATION_LETTER_WORKING_DAYS", True)
    workdays = working_days(trips[0]["end_date"], day) if working else []
    leaders = team_leaders({t["team_id"] for t in trips})
    for t in trips:
        if working:
            later = workdays[bisect.bisect_right(workdays, t["end_date"]):]
            due = later[days - 1] if len(later) >= days else None
        else:
            due = t["end_date"] + datetime.timedelta(days=days)
        if due is None or day <= due:
            continue
        yield Due(
            target=f"trip:{t['pk']}", recipients=frozenset(leaders.get(t["team_id"], ())),
            title=f"{t['team__name']}对{t['county__name']}的督查已于{t['end_date'].month}月{t['end_date'].day}日结束，"
                  f"整改函应于{due.month}月{due.day}日前发出，尚未发出",
            body="按河源市工作方案 四，每次督查结束后3天内向被督查单位发出整改函，开具问题清单，明确限期整改。",
            link=reverse("rectification:letter_list"),
        )


def _decide_by(asked_on, workdays, days):
    """The last day to decide a request asked on ``asked_on``: the n-th working day after it."""
    later = workdays[bisect.bisect_right(workdays, asked_on):]
    return later[days - 1] if len(later) >= days else None


def extensions_waiting(day):
    """Daily: extension requests undecided for more than 2 working days (HY 六) — their deciders are told.

    The issuing group's leader decides (the city office when it issued the item). Set-based: one
    query for the requests, one working-day list for all their deadlines.
    """
    days = getattr(settings, "RECTIFICATION_EXTENSION_DECIDE_DAYS", 2)
    rows = list(ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING, requested_at__date__lt=day)
                .values("pk", "requested_at", "requested_deadline", "item_id", "item__team_id", "item__county_id",
                        "item__county__name", "item__description").order_by("requested_at"))
    if not rows:
        return
    for r in rows:
        r["asked_on"] = timezone.localtime(r["requested_at"]).date()
    workdays = working_days(min(r["asked_on"] for r in rows), day)
    leaders = team_leaders({r["item__team_id"] for r in rows if r["item__team_id"]})
    offices = city_office({r["item__county_id"] for r in rows if not r["item__team_id"]})
    for r in rows:
        due = _decide_by(r["asked_on"], workdays, days)
        if due is None or day <= due:
            continue
        team = r["item__team_id"]
        deciders = leaders.get(team, set()) if team else offices.get(r["item__county_id"], set())
        yield Due(
            target=f"extension:{r['pk']}", recipients=frozenset(deciders),
            title=f"{r['item__county__name']}{r['asked_on'].month}月{r['asked_on'].day}日申请延期"
                  f"（延至{r['requested_deadline'].month}月{r['requested_deadline'].day}日），超过{days}个工作日未审批",
            body=f"问题：{r['item__description'][:60]}。请发函小组组长或市扶贫办及时批准或不批准（河源市工作方案 六）。",
            link=reverse("rectification:item_detail", args=[r["item_id"]]) + "#extensions",
        )


def todo_rows(user, today):
    """我的待办: a county officer's items to report on (due this week or overdue, or sent back);
    a group member's, and the city office's, items awaiting verification."""
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    items = ProblemItem.objects.open().filter(deadline__isnull=False)
    if user.role == Role.COUNTY and user.county_id:
        mine = items.filter(county_id=user.county_id, deadline__lte=week_end).exclude(status=ItemStatus.REPORTED)
        for row in mine.values("status").annotate(n=Count("pk"), first=Min("deadline")).order_by("first"):
            late = row["first"] < today
            yield TodoRow(
                kind="item_overdue" if late else "item_due_soon", due=row["first"],
                title=f"{row['n']}项整改问题（{ItemStatus(row['status']).label}）{'已逾期' if late else '本周到期'}，请整改并报告",
                link=reverse("rectification:item_list") + ("?overdue=yes" if late else f"?status={row['status']}"),
            )
    yield from _extension_todo(user, today)
    if user.role == Role.TEAM:
        waiting = items.filter(status=ItemStatus.REPORTED, team__memberships__person__user=user).aggregate(
            n=Count("pk", distinct=True), first=Min("deadline"))
        if waiting["n"]:
            yield VerifyRow(kind="item_reported", due=waiting["first"], title=f"{waiting['n']}项整改问题已报告整改，待核查销号",
                            link=reverse("rectification:item_list") + f"?status={ItemStatus.REPORTED}&verifier=team")
    yield from _city_verify_todo(user)


@dataclass(frozen=True)
class VerifyRow(TodoRow):
    """A verifier's row of 我的待办: reports waiting to be checked and closed (a to-do, not a reminder kind)."""

    @property
    def kind_label(self):
        return "待核查销号"


def _city_verify_todo(user):
    """我的待办 of the city office where it is the verifier: items with no group — letters it issued itself
    and the listed-supervision ledger (HN 四(二)) — reported and waiting for its check (one query)."""
    if not (user.is_superuser or user.role in (Role.CITY, Role.ADMIN)):
        return
    waiting = ProblemItem.objects.visible_to(user).filter(status=ItemStatus.REPORTED, team__isnull=True).aggregate(
        n=Count("pk"), ledger=Count("pk", filter=Q(source_kind=SourceKind.SUPERVISION)), first=Min("deadline"))
    if waiting["n"]:
        yield VerifyRow(
            kind="item_reported", due=waiting["first"], title=f"{waiting['n']}项整改问题已报告整改，待市扶贫办核查销号",
            detail=f"其中挂牌督战台账{waiting['ledger']}项。" if waiting["ledger"] else "",
            link=reverse("rectification:item_list") + f"?status={ItemStatus.REPORTED}&verifier=city")


def _extension_todo(user, today):
    """我的待办 of the deciders: extension requests waiting for them (the group's leader, the city office)."""
    pending = ExtensionRequest.objects.visible_to(user).filter(status=ExtensionStatus.PENDING).exclude(requested_by=user)
    if user.role == Role.TEAM:
        pending = pending.filter(item__team__memberships__person__user=user,
                                 item__team__memberships__role="leader")
    elif not (user.is_superuser or user.role in (Role.CITY, Role.ADMIN)):
        return
    waiting = pending.aggregate(n=Count("pk", distinct=True), first=Min("requested_at"))
    if waiting["n"]:
        first = timezone.localtime(waiting["first"]).date()
        days = getattr(settings, "RECTIFICATION_EXTENSION_DECIDE_DAYS", 2)
        due = _decide_by(first, working_days(first, first + datetime.timedelta(days=days * 3 + 21)), days)
        yield TodoRow(kind="extension_waiting", due=due, title=f"{waiting['n']}份延期申请待审批",
                      detail=f"最早一份于{first.month}月{first.day}日提出；超过{days}个工作日未审批会提醒。",
                      link=reverse("rectification:inbox") + "#section-extensions")


def register():
    register_finder("item_due_soon", items_due_soon)
    register_finder("item_overdue", items_overdue)
    register_finder("letter_missing", letters_missing)
    register_finder("extension_waiting", extensions_waiting)
    register_todo(todo_rows)
