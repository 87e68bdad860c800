"""Reads of rectification (整改; SPEC §8), always scoped to what the user may see."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, FloatField, Max, Min, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, NullIf, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from rosters.choices import MemberRole, Role
from villages.models import County
from villages.scoping import get_visible_or_404

from .choices import ExtensionStatus, ItemStatus, LetterStatus, NoticeKind
from .models import EvidenceFile, ExtensionRequest, Notice, ProblemItem, RectificationLetter


def items_visible_to(user):
    return ProblemItem.objects.visible_to(user)


def letters_visible_to(user):
    return RectificationLetter.objects.visible_to(user)


def item_for(user, pk):
    return get_visible_or_404(ProblemItem.objects.select_related("letter", "team", "county", "village"), user, pk=pk)


def letter_for(user, pk):
    return get_visible_or_404(RectificationLetter.objects.select_related("team", "county", "trip", "campaign"),
                              user, pk=pk)


def evidence_for(user, pk):
    """An evidence file of an item the user sees; another county's file is a 404 like its item."""
    return get_visible_or_404(EvidenceFile.objects.select_related("item"), user, pk=pk)


def extension_for(user, pk):
    return get_visible_or_404(ExtensionRequest.objects.select_related("item", "item__team", "item__letter"), user, pk=pk)


def letter_issuer(letter):
    """版头: who issues the letter — the campaign's leading group and the group, or the city office."""
    campaign = letter.campaign
    body = campaign.parent_body or campaign.issuing_body
    if letter.team_id:
        return f"{body}{letter.team.name}" if body else f"{campaign.name}{letter.team.name}"
    return body or "市扶贫办"


def letter_body(letter):
    """正文: what the drafter wrote, or the standard text of HY 四、六 with the trip's dates."""
    if letter.body:
        return letter.body
    if letter.trip_id:
        trip = letter.trip
        when = (f"{trip.start_date:%Y年%-m月%-d日}" if trip.start_date == trip.end_date
                else f"{trip.start_date:%Y年%-m月%-d日}至{trip.end_date:%-m月%-d日}")
        opening = f"{when}，{letter.team.name if letter.team_id else '市扶贫办'}对你{letter.county.name[-1]}脱贫攻坚工作进行了督查，并与你单位交换了意见。"
    else:
        opening = "市扶贫办在业务指导中发现你县存在以下共性问题，现反馈你县统一整改。"
    return (opening + "现将发现的问题函告如下（见问题清单），请认真组织整改，于各项整改期限前将整改情况（附佐证材料）"
            "报告督查组；对特殊情况确需延长时间的，应及时报告原因和明确延长时限。县区扶贫办要针对问题清单督促全县各镇村"
            "进行自查自纠。")


def notices_visible_to(user):
    return Notice.objects.visible_to(user).select_related("county", "issued_by")


RATE_FORMULA = "整改率 = 已销号问题数 ÷（已到整改期限的问题数 + 提前销号的问题数）"

_GROUPS = {
    "county": ("county_id", "county__name"),
    "team": ("team_id", "team__name"),
}
_PERIODS = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


def rectification_rates(queryset, *, by="county", today=None, start=None, end=None):
    """整改率 per county, group or period (HY 六), computed by the database in one query.

    rate = closed ÷ (items whose deadline has passed + items closed before their deadline):
    every closed item is in the denominator (once), and so is every open item past its
    deadline; open items still within their deadline are not yet counted. ``start``/``end``
    limit the items to those whose deadline falls in the period. Rows are dicts with
    ``key``, ``label``, ``closed``, ``due`` and ``rate`` (a percentage, None when nothing is due).
    """
    today = today or timezone.localdate()
    qs = queryset.filter(deadline__isnull=False)
    if start:
        qs = qs.filter(deadline__gte=start)
    if end:
        qs = qs.filter(deadline__lte=end)
    closed = Q(status=ItemStatus.CLOSED)
    if by in _PERIODS:
        qs = qs.annotate(key=_PERIODS[by]("deadline")).annotate(label=F("key"))
    else:
        key, label = _GROUPS[by]
        qs = qs.annotate(key=F(key), label=Coalesce(F(label), Value("市扶贫办")) if by == "team" else F(label))
    rows = (qs.values("key", "label")
            .annotate(closed=Count("pk", filter=closed), due=Count("pk", filter=closed | Q(deadline__lt=today)))
            .annotate(rate=Cast(F("closed"), FloatField()) * 100.0 / NullIf(Cast(F("due"), FloatField()), 0.0))
            .order_by("key"))
    return list(rows)


def trips_awaiting_letter(user, limit=50):
    """Ended trips the user sees with findings and no issued letter yet (HY 四: 3天内发出整改函)."""
    from inspections.choices import TripStatus
    from inspections.models import InspectionTrip

    return (InspectionTrip.objects.visible_to(user).filter(status=TripStatus.ENDED, findings__isnull=False)
            .exclude(letters__status="issued").select_related("team", "county").distinct()
            .order_by("end_date", "pk")[:limit])


# --- the inbox (整改收件箱) ----------------------------------------------------------------------------

INBOX_ROWS = 10  # rows shown per section; the rest is one click away in the filtered item list
DUE_SOON_DAYS = 7


@dataclass
class Section:
    key: str
    title: str
    count: int
    rows: list
    more: str = ""  # the item list's query for the whole section
    hint: str = ""
    kind: str = "items"  # items | extensions | letters


@dataclass
class Inbox:
    sections: list = field(default_factory=list)
    letters: list = field(default_factory=list)

    @property
    def total(self):
        return sum(s.count for s in self.sections)


def _item_rows(qs, order):
    return list(qs.select_related("county", "letter__county", "village", "team").order_by(*order)[:INBOX_ROWS])


def _deciding(user):
    """Pending extension requests this user may decide: the issuing group's leader, or the city office."""
    pending = ExtensionRequest.objects.visible_to(user).filter(status=ExtensionStatus.PENDING).exclude(requested_by=user)
    if user.is_superuser or user.role in (Role.CITY, Role.ADMIN):
        return pending
    if user.role == Role.TEAM:
        return pending.filter(item__team__memberships__person__user=user,
                              item__team__memberships__role=MemberRole.LEADER)
    return pending.none()


def inbox(user, today=None):
    """What awaits the user in rectification, section by section, each a count and its first rows.

    County office: the letters and items addressed to the county — new (待整改), due within 7 days,
    overdue, sent back — and its extension requests. Issuing groups and the city office: reports
    awaiting verification, extension requests awaiting a decision, and (city office) major problems
    reported and not yet acknowledged (HY 六). One grouped count and one short query per section:
    the number of queries does not grow with the number of items.
    """
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    items = ProblemItem.objects.visible_to(user).filter(Q(letter__isnull=True) | Q(letter__status=LetterStatus.ISSUED))
    box = Inbox()
    open_ = ~Q(status=ItemStatus.CLOSED)
    if user.role == Role.COUNTY:
        conditions = {
            "new": Q(status=ItemStatus.PENDING),
            "due_soon": open_ & Q(deadline__gte=today, deadline__lte=soon),
            "overdue": open_ & Q(deadline__lt=today),
            "sent_back": Q(status=ItemStatus.IN_PROGRESS, sent_back_at__isnull=False),
        }
        counts = items.aggregate(**{k: Count("pk", filter=q) for k, q in conditions.items()})
        box.sections = [
            Section("new", "新收到（待整改）", counts["new"], _item_rows(items.filter(conditions["new"]), ["deadline", "pk"]),
                    "status=pending", "整改函已签发、尚未开始整改的问题。"),
            Section("due_soon", f"{DUE_SOON_DAYS}天内到期", counts["due_soon"],
                    _item_rows(items.filter(conditions["due_soon"]), ["deadline", "pk"]), "due_soon=yes",
                    "请按期完成并报告整改情况；确需延期的，请在到期前申请（河源市工作方案 六）。"),
            Section("overdue", "已逾期", counts["overdue"],
                    _item_rows(items.filter(conditions["overdue"]), ["deadline", "pk"]), "overdue=yes",
                    "整改期限已过仍未销号。"),
            Section("sent_back", "被退回（核查未通过或重新打开）", counts["sent_back"],
                    _item_rows(items.filter(conditions["sent_back"]), ["-sent_back_at", "pk"]), "sent_back=yes",
                    "督查组核查未通过或重新打开的问题，退回理由见问题页面。"),
        ]
        mine = ExtensionRequest.objects.visible_to(user).filter(
            Q(status=ExtensionStatus.PENDING) | Q(decided_at__date__gte=today - datetime.timedelta(days=30)))
        box.sections.append(Section(
            "extensions", "延期申请（待审批和近30天已审批）", mine.count(),
            list(mine.select_related("item", "item__county", "decided_by").order_by("-requested_at")[:INBOX_ROWS]),
            kind="extensions"))
        letters = RectificationLetter.objects.visible_to(user).filter(status=LetterStatus.ISSUED)
        box.letters = list(letters.select_related("team", "county").annotate(
            n_items=Count("items"), n_open=Count("items", filter=~Q(items__status=ItemStatus.CLOSED)),
            n_overdue=Count("items", filter=~Q(items__status=ItemStatus.CLOSED) & Q(items__deadline__lt=today)),
        ).order_by("-issued_on", "-pk")[:INBOX_ROWS])
        return box

    reported = items.filter(status=ItemStatus.REPORTED)
    if user.role == Role.TEAM:
        reported = reported.filter(team__memberships__person__user=user).distinct()
    deciding = _deciding(user)
    box.sections = [
        Section("reported", "已报告整改，待核查销号", reported.count(),
                _item_rows(reported, ["deadline", "pk"]), "status=reported",
                "核查（必要时“回头看”）后销号，或写明理由退回整改（河源市工作方案 四）。"),
        Section("extensions", "延期申请待审批", deciding.count(),
                list(deciding.select_related("item", "item__county", "requested_by").order_by("requested_at")[:INBOX_ROWS]),
                "extension=pending", "由发函小组组长或市扶贫办审批；不能审批自己提出的申请。", kind="extensions"),
    ]
    if user.is_superuser or user.role in (Role.CITY, Role.ADMIN):
        waiting = items.filter(escalated_at__isnull=False, acknowledged_at__isnull=True)
        box.sections.insert(0, Section(
            "escalated", "重大问题报告（待确认）", waiting.count(), _item_rows(waiting, ["escalated_at", "pk"]),
            "escalation=waiting", "督查中发现的重大问题，报告市脱贫攻坚督查工作领导小组（河源市工作方案 六）；确认后移出此处。"))
    return box


# --- 整改率 page and the yearly assessment (HY 六) -----------------------------------------------------

def years_with_items(user):
    """The years from the first item's deadline to the last one's, newest first (for the year pickers).

    Two ends read off the deadline index, not a sort of every item's year."""
    span = ProblemItem.objects.visible_to(user).order_by().aggregate(first=Min("deadline"), last=Max("deadline"))
    if span["first"] is None:
        return []
    return list(range(span["last"].year, span["first"].year - 1, -1))


def rate_points(rate):
    """整改率得分: RECTIFICATION_RATE_POINTS × 整改率; a county with nothing due has lost nothing."""
    top = Decimal(getattr(settings, "RECTIFICATION_RATE_POINTS", 10))
    if rate is None:
        return top
    return (top * Decimal(str(rate)) / 100).quantize(Decimal("0.1"))


ASSESSMENT_FORMULA = ("整改考核得分 = 整改率 × {points} 分 + 通报加减分（没有到期问题的按满分计）；"
                      "问题按整改期限所在年度计入，整改函按发函日期计入")


def assessment(user, year, today=None):
    """The yearly table per county (HY 六: 整改完成情况及整改率列入……年度扶贫开发考核) and per issuing group.

    Each figure is one grouped query: letters received, items (deadline in the year), closed, overdue,
    整改率, notices and their points; per group, letters issued and issued on time (HY 四: 3天内).
    """
    today = today or timezone.localdate()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    closed = Q(status=ItemStatus.CLOSED)
    letters = (RectificationLetter.objects.visible_to(user).filter(status=LetterStatus.ISSUED, issued_on__range=(start, end)))
    received = dict(letters.values("county_id").annotate(n=Count("pk")).values_list("county_id", "n"))
    items = ProblemItem.objects.visible_to(user).filter(deadline__range=(start, end))
    item_rows = {r["county_id"]: r for r in items.values("county_id").annotate(
        items=Count("pk"), closed=Count("pk", filter=closed), overdue=Count("pk", filter=~closed & Q(deadline__lt=today)),
        due=Count("pk", filter=closed | Q(deadline__lt=today))).order_by()}
    notice_rows = {r["county_id"]: r for r in Notice.objects.visible_to(user).filter(issued_on__range=(start, end))
                   .values("county_id").annotate(praise=Count("pk", filter=Q(kind=NoticeKind.PRAISE)),
                                                 criticism=Count("pk", filter=Q(kind=NoticeKind.CRITICISM)),
                                                 points=Sum("score_change")).order_by()}
    ids = set(received) | set(item_rows) | set(notice_rows)
    counties = County.objects.filter(pk__in=ids).select_related("city").order_by("city__name", "code", "name")
    rows = []
    for county in counties:
        i = item_rows.get(county.pk, {})
        n = notice_rows.get(county.pk, {})
        rate = i["closed"] * 100.0 / i["due"] if i.get("due") else None
        adjust = n.get("points") or Decimal("0")
        rows.append({
            "county": county, "letters": received.get(county.pk, 0), "items": i.get("items", 0),
            "closed": i.get("closed", 0), "overdue": i.get("overdue", 0), "due": i.get("due", 0), "rate": rate,
            "praise": n.get("praise", 0), "criticism": n.get("criticism", 0), "adjust": adjust,
            "rate_points": rate_points(rate), "score": rate_points(rate) + adjust,
        })
    on_time = Q(due_on__isnull=True) | Q(issued_on__lte=F("due_on"))
    groups = list(letters.filter(team__isnull=False).values("team_id", "team__name", "team__campaign__name")
                  .annotate(issued=Count("pk"), on_time=Count("pk", filter=on_time), late=Count("pk", filter=~on_time))
                  .order_by("team__campaign__name", "team__name"))
    group_rates = {r["key"]: r for r in rectification_rates(ProblemItem.objects.visible_to(user).filter(team__isnull=False),
                                                            by="team", today=today, start=start, end=end)}
    for g in groups:
        r = group_rates.get(g["team_id"], {})
        g["closed"], g["due"], g["rate"] = r.get("closed", 0), r.get("due", 0), r.get("rate")
    return {"rows": rows, "groups": groups, "year": year,
            "formula": ASSESSMENT_FORMULA.format(points=getattr(settings, "RECTIFICATION_RATE_POINTS", 10))}
