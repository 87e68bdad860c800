"""Writes with a business rule for rectification (整改, HY 四、六; SPEC §8). One transaction each.

Every write asks the permission matrix (rosters/permissions.py) and refuses with a Chinese
message what it refuses. An item's lifecycle lives in ``TRANSITIONS`` below and nowhere else;
each move locks the item's row first, so of two people acting on one item at once only the
move that is still legal after the other's succeeds.
"""

import bisect
import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import rules
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from inspections.choices import ProblemKind, TripStatus
from reminders.calendar import add_working_days, working_days
from villages.dates import cn_date
from villages.uploads import IMAGE_TYPES, check_evidence, image_thumbnail

from . import sources
from .choices import ExtensionStatus, ItemStatus, LetterStatus, NoticeKind, Severity, SourceKind
from .models import (
    EvidenceFile,
    ExtensionRequest,
    ItemTransition,
    LetterCounter,
    LookBack,
    Notice,
    ProblemItem,
    RectificationLetter,
)


def _refuse(message, field=None):
    raise ValidationError({field: [message]} if field else message)


def _require(user, perm, obj, message):
    if not rules.has_perm(perm, user, obj):
        _refuse(message)


# --- letters --------------------------------------------------------------------------------------

def letter_prefix(campaign) -> str:
    """发文字 of the campaign's issuing body: 河扶〔2018〕23号 → 河扶督 (督查整改函)."""
    issuer = (campaign.document_number or "").split("〔", 1)[0].strip()
    if not issuer:
        return getattr(settings, "RECTIFICATION_LETTER_PREFIX", "督查整改")
    return issuer if issuer.endswith("督") else f"{issuer}督"


def default_cc(county) -> str:
    # HY 四: 整改函及问题清单同时抄送所在县区党委、政府.
    return f"中共{county.name}委、{county.name}人民政府"


def default_addressee(county) -> str:
    return f"{county.name}扶贫开发领导小组办公室"


def letter_due_date(trip) -> datetime.date:
    """HY 四: 3天内向被督查单位发出整改函 — by default 3 official working days after the trip ends."""
    days = getattr(settings, "RECTIFICATION_LETTER_DAYS", 3)
    if getattr(settings, "RECTIFICATION_LETTER_WORKING_DAYS", True):
        return add_working_days(trip.end_date, days)
    return trip.end_date + datetime.timedelta(days=days)


def letter_due_dates(trips) -> dict:
    """Each trip's letter due date, counted on one list of working days (one query for any number of trips)."""
    trips = list(trips)
    if not trips:
        return {}
    days = getattr(settings, "RECTIFICATION_LETTER_DAYS", 3)
    if not getattr(settings, "RECTIFICATION_LETTER_WORKING_DAYS", True):
        return {t.pk: t.end_date + datetime.timedelta(days=days) for t in trips}
    first, last = min(t.end_date for t in trips), max(t.end_date for t in trips)
    workdays = working_days(first + datetime.timedelta(days=1), last + datetime.timedelta(days=days * 3 + 21))
    out = {}
    for t in trips:
        later = workdays[bisect.bisect_right(workdays, t.end_date):]
        out[t.pk] = later[days - 1] if len(later) >= days else letter_due_date(t)
    return out


def trip_letter_late(trip, today) -> bool:
    """The trip has no issued letter by its due date (or its first letter went out after it)."""
    due = letter_due_date(trip)
    first = (RectificationLetter.objects.filter(trip=trip, status=LetterStatus.ISSUED)
             .order_by("issued_on").values_list("issued_on", flat=True).first())
    if first is not None:
        return first > due
    return today > due


def letter_is_late(letter) -> bool:
    if letter.due_on is not None:
        return bool(letter.issued_on and letter.issued_on > letter.due_on)
    return bool(letter.trip_id and letter.issued_on and letter.issued_on > letter_due_date(letter.trip))


def _new_letter(*, acting_user, campaign, team, county, trip=None):
    return RectificationLetter.objects.create(
        campaign=campaign, team=team, county=county, trip=trip, prefix=letter_prefix(campaign),
        addressee=default_addressee(county), cc=default_cc(county), created_by=acting_user,
        due_on=letter_due_date(trip) if trip is not None else None)


def _add_item(letter, order, source, *, source_kind, description, category, severity, village=None, household=None):
    try:
        with transaction.atomic():
            return ProblemItem.objects.create(
                county_id=letter.county_id, village=village, household=household, description=description,
                category=category, severity=severity, source_kind=source_kind,
                content_type=ContentType.objects.get_for_model(source), object_id=source.pk,
                letter=letter, team_id=letter.team_id, order=order)
    except IntegrityError:
        # Someone drafted a letter from the same problem at the same moment: the one-item-per-source
        # constraint holds, and the second draft is refused in words, with nothing written.
        _refuse("所选问题刚刚已被列入另一份整改函，请刷新页面后重新选择。")


@transaction.atomic
def letter_draft_from_trip(*, acting_user, trip, findings=None) -> RectificationLetter:
    """A draft letter whose 问题清单 are all (or the chosen) findings of an ended trip (HY 四)."""
    _require(acting_user, "rectification.draft_letter", trip, f"您不是{trip.team.name}的成员，不能为该督查起草整改函。")
    if trip.status != TripStatus.ENDED:
        _refuse("督查结束后才能起草整改函。")
    chosen = list(trip.findings.all()) if findings is None else list(findings)
    if not chosen:
        _refuse("请选择至少一个发现问题：没有问题的整改函不能起草。", "findings")
    strangers = [f for f in chosen if f.trip_id != trip.pk]
    if strangers:
        _refuse("所选问题不是本次督查发现的问题。", "findings")
    taken = set(ProblemItem.objects.filter(
        source_kind=SourceKind.FINDING, object_id__in=[f.pk for f in chosen]).values_list("object_id", flat=True))
    if taken:
        _refuse(f"已有{len(taken)}个所选问题列入整改函，不能重复列入。", "findings")
    letter = _new_letter(acting_user=acting_user, campaign=trip.campaign, team=trip.team, county=trip.county, trip=trip)
    for order, f in enumerate(sorted(chosen, key=lambda f: f.pk), start=1):
        _add_item(letter, order, f, source_kind=SourceKind.FINDING, description=f.description,
                  category=f.get_category_display(), severity=f.severity, village=f.village, household=f.household)
    return letter


@transaction.atomic
def letter_draft_from_common_problems(*, acting_user, county, problems) -> RectificationLetter:
    """A draft letter of a county's open 共性问题, fed back for unified rectification (ZZ 五(三))."""
    problems = list(problems)
    if not problems:
        _refuse("请选择至少一个共性问题。", "problems")
    for p in problems:
        _require(acting_user, "rectification.draft_common_letter", p, "只有市扶贫办可以将共性问题反馈县统一整改。")
        if p.county_id != county.pk:
            _refuse(f"所选问题不属于{county.name}。", "problems")
        if p.kind != ProblemKind.COMMON:
            _refuse("个性问题已现场指导整改，只有共性问题反馈县统一整改。", "problems")
        if not p.visit.is_submitted:
            _refuse("所选问题的指导登记表尚未提交。", "problems")
    taken = ProblemItem.objects.filter(source_kind=SourceKind.COMMON_PROBLEM,
                                       object_id__in=[p.pk for p in problems]).count()
    if taken:
        _refuse(f"已有{taken}个所选问题列入整改函，不能重复列入。", "problems")
    letter = _new_letter(acting_user=acting_user, campaign=problems[0].visit.campaign, team=None, county=county)
    for order, p in enumerate(sorted(problems, key=lambda p: p.pk), start=1):
        _add_item(letter, order, p, source_kind=SourceKind.COMMON_PROBLEM, description=p.description,
                  category=p.get_category_display(), severity=Severity.GENERAL, village=p.village)
    return letter


def _next_serial(prefix, year):
    """Take the next serial of (prefix, year) under a row lock: never repeated, never skipped."""
    LetterCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = LetterCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial


@transaction.atomic
def letter_issue(*, acting_user, letter, issued_on=None, deadline=None, deadlines=None) -> RectificationLetter:
    """Issue a draft: number it (文号) and fix every item's deadline (HY 四: 明确限期整改).

    ``deadline`` applies to every item; ``deadlines`` ({item pk: date}) overrides it per item.
    """
    _require(acting_user, "rectification.issue_letter", letter, "只有发函小组组长或市扶贫办可以签发整改函。")
    letter = RectificationLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != LetterStatus.DRAFT:
        _refuse(f"该整改函已于{cn_date(letter.issued_on)}发出（{letter.number}），不能再次签发。")
    issued_on = issued_on or timezone.localdate()
    items = list(letter.items.all())
    if not items:
        _refuse("整改函没有问题清单，不能签发。")
    deadlines = deadlines or {}
    errors = []
    for item in items:
        day = deadlines.get(item.pk) or deadline or item.deadline
        if day is None:
            errors.append(f"第{item.order}项“{item.description[:20]}”未定整改期限。")
        elif day < issued_on:
            errors.append(f"第{item.order}项的整改期限（{cn_date(day)}）早于发函日期（{cn_date(issued_on)}）。")
        item.deadline = day
    if errors:
        raise ValidationError({"deadline": errors})
    for item in items:
        item.save(update_fields=["deadline"])
    letter.year, letter.serial = issued_on.year, _next_serial(letter.prefix, issued_on.year)
    letter.status, letter.issued_on = LetterStatus.ISSUED, issued_on
    letter.issued_at, letter.issued_by = timezone.now(), acting_user
    letter.save(update_fields=["year", "serial", "status", "issued_on", "issued_at", "issued_by"])
    # HY 六: 发现重大问题要及时……报告市脱贫攻坚督查工作领导小组 — the letter's 重大 items go up as it is issued.
    letter.items.filter(severity=Severity.MAJOR, escalated_at__isnull=True).update(
        escalated_at=letter.issued_at, escalated_by=acting_user,
        escalation_note=f"整改函{letter.number}所列重大问题（{letter.issuer_name}督查发现）。")
    return letter


@transaction.atomic
def letter_edit(*, acting_user, letter, addressee, cc, body) -> RectificationLetter:
    """Amend a draft's 主送, 抄送 and 正文 before it is issued; an issued letter is a sent document."""
    _require(acting_user, "rectification.draft_letter", letter, "只有发函小组成员或市扶贫办可以修改整改函草稿。")
    letter = RectificationLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != LetterStatus.DRAFT:
        _refuse("整改函已发出，不能再修改。")
    addressee, cc, body = (addressee or "").strip(), (cc or "").strip(), (body or "").strip()
    if not addressee:
        _refuse("请填写主送单位。", "addressee")
    letter.addressee, letter.cc, letter.body = addressee[:200], cc[:200], body
    letter.save(update_fields=["addressee", "cc", "body"])
    return letter


# --- items without a letter (the listed-supervision ledger, HN 四(二)) ------------------------------

@dataclass(frozen=True)
class NewItem:
    """A problem to list without a letter: what raised it (its source) and where it lies."""

    source: object  # a saved model instance; one item per source (``item_source_once``)
    county_id: int
    description: str
    village_id: int | None = None
    household_id: int | None = None


@transaction.atomic
def item_open(*, acting_user, problems, source_kind, deadline, category="", severity=Severity.GENERAL) -> list:
    """Open items (待整改) that come with no letter, e.g. the listed-supervision ledger (HN 四(二) 建立工作台账).

    The service that found the problems has asked the matrix for its own action; here the acting
    user must see every problem's county (the 404 rule). No group: ``team`` stays empty, so the city
    office verifies and closes (rectification.verify_item). One insert whatever the number of problems.
    """
    problems = list(problems)
    if not problems:
        return []
    if deadline is None:
        _refuse("请确定整改期限。", "deadline")
    if deadline < timezone.localdate():
        _refuse(f"整改期限（{cn_date(deadline)}）不能早于今天。", "deadline")
    if any(not (p.description or "").strip() for p in problems):
        _refuse("请填写问题描述。", "description")
    from villages.models import County

    county_ids = {p.county_id for p in problems}
    seen = set(County.objects.visible_to(acting_user).filter(pk__in=county_ids).values_list("pk", flat=True))
    if seen != county_ids:
        _refuse("所列问题不在您可以查看的县（市、区），不能列入整改。")
    types = {type(p.source): ContentType.objects.get_for_model(p.source) for p in problems}
    for model, ct in types.items():
        ids = [p.source.pk for p in problems if type(p.source) is model]
        for start in range(0, len(ids), 2000):
            if ProblemItem.objects.filter(content_type=ct, object_id__in=ids[start:start + 2000]).exists():
                _refuse("所列问题已列入整改，不能重复列入。")
    items = [
        ProblemItem(county_id=p.county_id, village_id=p.village_id, household_id=p.household_id,
                    description=p.description.strip(), category=category, severity=severity, source_kind=source_kind,
                    content_type=types[type(p.source)], object_id=p.source.pk, deadline=deadline)
        for p in problems
    ]
    try:
        with transaction.atomic():
            return ProblemItem.objects.bulk_create(items, batch_size=1000)
    except IntegrityError:
        # Listed by someone else at the same moment: the one-item-per-source constraint holds.
        _refuse("所列问题刚刚已被列入整改，请刷新页面后重试。")


# --- the item's lifecycle (the one transition table) ---------------------------------------------

@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple
    target: str
    permission: str
    note_required: str = ""  # the message when a note is required and missing


TRANSITIONS = {
    "start": Transition("开始整改", (ItemStatus.PENDING,), ItemStatus.IN_PROGRESS, "rectification.report_item"),
    # A progress note (with evidence) while the work goes on; the item stays 整改中.
    "progress": Transition("报告整改进展", (ItemStatus.IN_PROGRESS,), ItemStatus.IN_PROGRESS, "rectification.report_item",
                           "请填写整改进展。"),
    # HY 六: 整改情况及时向督查组报告.
    "report": Transition("报告整改情况", (ItemStatus.IN_PROGRESS,), ItemStatus.REPORTED, "rectification.report_item",
                         "请填写整改情况。"),
    "verify_pass": Transition("核查通过", (ItemStatus.REPORTED,), ItemStatus.REPORTED, "rectification.verify_item"),
    "verify_fail": Transition("核查未通过，退回整改", (ItemStatus.REPORTED,), ItemStatus.IN_PROGRESS,
                              "rectification.verify_item", "请填写退回的理由。"),
    "close": Transition("销号", (ItemStatus.REPORTED,), ItemStatus.CLOSED, "rectification.verify_item"),
    "reopen": Transition("重新打开", (ItemStatus.CLOSED,), ItemStatus.IN_PROGRESS, "rectification.verify_item",
                         "请填写重新打开的理由。"),
}


def allowed_actions(user, item, hidden=()):
    """The actions the user may take on the item now (for the item page's buttons).

    ``hidden``: actions the item's source takes elsewhere (``sources.page_note``), not offered here.
    """
    out = []
    for name, t in TRANSITIONS.items():
        if name in hidden or item.status not in t.sources or not rules.has_perm(t.permission, user, item):
            continue
        if name == "close" and not item.is_verified:
            continue
        if name == "verify_pass" and item.is_verified:
            continue
        if item.letter_id and not item.letter.is_issued:
            continue
        out.append((name, t.label))
    return out


def _verified(item):
    if not item.is_verified:
        _refuse("该问题尚未核查通过，不能销号：请先核查（必要时“回头看”）。")


def _not_verified(item):
    if item.is_verified:
        _refuse("该问题已核查通过，请销号。")


# What a move asks of the item beyond its state, and what it writes on it besides the state.
GUARDS = {"verify_pass": _not_verified, "close": _verified}
WRITES = {
    "report": ("report", "verified_at", "verified_by", "sent_back_at"),  # a new report is verified afresh
    "verify_pass": ("verified_at", "verified_by"),
    "verify_fail": ("verified_at", "verified_by", "sent_back_at"),
    "close": ("closed_on",),
    "reopen": ("closed_on", "verified_at", "verified_by", "sent_back_at"),
}


def _write(item, action, acting_user, now, note, closed_on):
    if action == "report":
        item.report, item.sent_back_at = note, None
    if action in ("report", "verify_fail", "reopen"):
        item.verified_at = item.verified_by = None
    if action in ("verify_fail", "reopen"):
        item.sent_back_at = now
    if action == "verify_pass":
        item.verified_at, item.verified_by = now, acting_user
    if action == "close":
        item.closed_on = closed_on or timezone.localdate()
    if action == "reopen":
        item.closed_on = None


def _moves(acting_user, items, action, note="", *, closed_on=None):
    """Apply one entry of TRANSITIONS to one or many items: the one place an item's state changes.

    ``note`` is one text for all, or {item pk: text}. The rows are locked (in pk order, so two movers
    never deadlock) and their state read again: a concurrent move waits here and then sees the new
    state. Every item must be movable by the acting user, or nothing is written. The matrix is asked
    once per (county, issuing group) — all that its rectification predicates read of an item. The
    items are written in one update and their timeline rows in one insert, whatever their number;
    the app that owns the items' source checks first and follows after (``rectification.sources``).
    Returns the items and their new timeline rows, in pk order.
    """
    t = TRANSITIONS[action]
    items = list(items)
    if not items:
        return [], []
    sources.check(items, action, acting_user)
    locked = list(ProblemItem.objects.select_for_update(of=("self",)).select_related("letter", "team")
                  .filter(pk__in=[i.pk for i in items]).order_by("pk"))
    one = len(locked) == 1
    allowed = {}
    notes = {}
    for item in locked:
        key = (item.county_id, item.team_id)
        if key not in allowed:
            allowed[key] = rules.has_perm(t.permission, acting_user, item)
        which = "该问题" if one else f"问题“{item.description[:30]}”"
        if not allowed[key]:
            _refuse(f"您无权对{which}执行“{t.label}”。")
        if item.letter_id and not item.letter.is_issued:
            _refuse("整改函尚未签发，问题还不能整改。")
        if item.status not in t.sources:
            states = "、".join(f"“{ItemStatus(s).label}”" for s in t.sources)
            _refuse(f"{which}当前为“{item.get_status_display()}”，只有{states}的问题可以{t.label}。")
        notes[item.pk] = ((note.get(item.pk, "") if isinstance(note, dict) else note) or "").strip()
        if t.note_required and not notes[item.pk]:
            _refuse(t.note_required, "note")
        if action in GUARDS:
            GUARDS[action](item)
    now = timezone.now()
    transitions = [ItemTransition(item=item, action=action, from_status=item.status, to_status=t.target,
                                  note=notes[item.pk], by=acting_user, at=now) for item in locked]
    for item in locked:
        item.status = t.target
        _write(item, action, acting_user, now, notes[item.pk], closed_on)
    fields = ["status", *WRITES.get(action, ())]
    if one:
        locked[0].save(update_fields=fields)
    else:
        ProblemItem.objects.bulk_update(locked, fields, batch_size=500)
    transitions = ItemTransition.objects.bulk_create(transitions, batch_size=1000)
    sources.follow(locked, action, acting_user, notes)
    return locked, transitions


def items_move(*, acting_user, items, action, note="") -> list:
    """Many items through one move at once (no files, no look-back): the county's report of the
    households its data show rectified, the city office's check of them (HN 四(二) 逐一对账销号).

    The same rules as one item's move (``_moves``); ``note`` is one text, or {item pk: text}.
    """
    items = list(items)
    if not items:
        return []  # nothing to move: not even a savepoint
    with transaction.atomic():
        return _moves(acting_user, items, action, note)[0]


def _log(acting_user, item, action, note):
    """A timeline row for what is not a move of the table (an extension, an escalation): the state stays."""
    return ItemTransition.objects.create(item=item, action=action, from_status=item.status, to_status=item.status,
                                         note=note, by=acting_user, at=timezone.now())


# --- evidence (整改佐证材料) -------------------------------------------------------------------------

MB = 1024 * 1024


def evidence_limits():
    """Per file, per item (MB) and per upload (files): settings RECTIFICATION_EVIDENCE_*."""
    return (getattr(settings, "RECTIFICATION_EVIDENCE_MAX_MB", 10),
            getattr(settings, "RECTIFICATION_EVIDENCE_ITEM_MAX_MB", 50),
            getattr(settings, "RECTIFICATION_EVIDENCE_MAX_FILES", 10))


def _check_files(item, files):
    """Every file checked (type from the bytes, size, photo decodes) before anything is written."""
    files = [f for f in files or () if f is not None]
    per_file, per_item, per_upload = evidence_limits()
    if len(files) > per_upload:
        _refuse(f"一次最多上传{per_upload}个文件。", "files")
    checked = []
    for f in files:
        mime = check_evidence(f, max_bytes=per_file * MB, field="files")
        thumb = image_thumbnail(f, field="files") if mime in IMAGE_TYPES else None
        checked.append((f, mime, thumb))
    if checked:
        before = item.evidence.aggregate(n=Sum("size"))["n"] or 0
        adding = sum(f.size for f, _, _ in checked)
        if before + adding > per_item * MB:
            _refuse(f"每个问题的佐证材料合计不能超过 {per_item} MB（已有 {before / MB:.1f} MB，本次 {adding / MB:.1f} MB）。",
                    "files")
    return checked


_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf", "application/msword": "doc",
               "application/vnd.ms-excel": "xls",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}


def _save_files(acting_user, item, transition, checked):
    for f, mime, thumb in checked:
        # On disk under a name of our own: the officer's file name is kept only as text.
        stem = uuid.uuid4().hex
        ev = EvidenceFile(item=item, transition=transition, name=(f.name or "佐证材料").rsplit("/", 1)[-1][:255],
                          content_type=mime, size=f.size, uploaded_by=acting_user)
        f.seek(0)
        ev.file.save(f"{stem}.{_EXTENSIONS.get(mime, 'bin')}", f, save=False)
        if thumb:
            ev.thumbnail.save(f"{stem}.jpg", ContentFile(thumb), save=False)
        ev.save()


# --- the moves ------------------------------------------------------------------------------------

def _move(acting_user, item, action, note="", closed_on=None):
    (item,), (transition,) = _moves(acting_user, [item], action, note, closed_on=closed_on)
    return item, transition


@transaction.atomic
def item_start(*, acting_user, item) -> ProblemItem:
    return _move(acting_user, item, "start")[0]


@transaction.atomic
def item_progress(*, acting_user, item, note: str, files=()) -> ProblemItem:
    """整改进展: a note and evidence while the item stays 整改中."""
    item, transition = _move(acting_user, item, "progress", note)
    _save_files(acting_user, item, transition, _check_files(item, files))
    return item


@transaction.atomic
def item_report(*, acting_user, item, evidence: str, files=()) -> ProblemItem:
    """整改情况 with its evidence files; the item goes to 已整改待核查 (HY 六: 整改情况及时向督查组报告)."""
    item, transition = _move(acting_user, item, "report", evidence)
    _save_files(acting_user, item, transition, _check_files(item, files))
    return item


@dataclass(frozen=True)
class LookBackInput:
    """回头看: when, who went, what they found."""

    visited_on: datetime.date | None
    people: str
    found: str


def _check_lookback(item, lookback):
    errors = {}
    if lookback.visited_on is None:
        errors["visited_on"] = ["请填写回头看日期。"]
    elif lookback.visited_on > timezone.localdate():
        errors["visited_on"] = ["回头看日期不能晚于今天。"]
    elif item.letter_id and item.letter.issued_on and lookback.visited_on < item.letter.issued_on:
        errors["visited_on"] = [f"回头看日期不能早于发函日期（{cn_date(item.letter.issued_on)}）。"]
    if not (lookback.people or "").strip():
        errors["people"] = ["请填写参加回头看的人员。"]
    if not (lookback.found or "").strip():
        errors["found"] = ["请填写回头看发现的情况。"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def item_verify(*, acting_user, item, passed: bool, reason: str = "", lookback: LookBackInput | None = None) -> ProblemItem:
    """The issuing group checks the report — if needed by a look-back (回头看, HY 四) recorded with it."""
    item, transition = _move(acting_user, item, "verify_pass" if passed else "verify_fail", reason)
    if lookback is not None:
        _check_lookback(item, lookback)  # refused: the whole move rolls back
        LookBack.objects.create(item=item, transition=transition, visited_on=lookback.visited_on,
                                people=lookback.people.strip()[:200], found=lookback.found.strip(),
                                recorded_by=acting_user)
    return item


@transaction.atomic
def item_close(*, acting_user, item, closed_on=None, note="") -> ProblemItem:
    return _move(acting_user, item, "close", note, closed_on=closed_on)[0]


@transaction.atomic
def item_reopen(*, acting_user, item, reason: str) -> ProblemItem:
    return _move(acting_user, item, "reopen", reason)[0]


# --- escalation of major problems (HY 六) ----------------------------------------------------------

def _locked(item):
    return ProblemItem.objects.select_for_update(of=("self",)).select_related("letter", "team").get(pk=item.pk)


@transaction.atomic
def item_escalate(*, acting_user, item, note: str) -> ProblemItem:
    """Raise an item to 重大 and report it to the city's leading group (报告市脱贫攻坚督查工作领导小组)."""
    _require(acting_user, "rectification.escalate_item", item, "只有发函小组成员或市扶贫办可以上报重大问题。")
    item = _locked(item)
    if item.letter_id and not item.letter.is_issued:
        _refuse("整改函尚未签发：签发时其中的重大问题会一并上报。")
    if item.escalated_at is not None:
        _refuse(f"该问题已于{cn_date(timezone.localtime(item.escalated_at))}上报，不能重复上报。")
    if item.status == ItemStatus.CLOSED:
        _refuse("该问题已销号，不能再上报。")
    note = (note or "").strip()
    if not note:
        _refuse("请写明上报的理由（为什么是重大问题）。", "note")
    item.severity, item.escalation_note = Severity.MAJOR, note
    item.escalated_at, item.escalated_by = timezone.now(), acting_user
    item.save(update_fields=["severity", "escalation_note", "escalated_at", "escalated_by"])
    _log(acting_user, item, "escalate", f"认定为重大问题并上报市脱贫攻坚督查工作领导小组：{note}")
    return item


@transaction.atomic
def item_acknowledge(*, acting_user, item) -> ProblemItem:
    """The city office acknowledges a reported major problem; it then leaves the office's inbox."""
    _require(acting_user, "rectification.acknowledge_escalation", item, "只有市扶贫办可以确认收到重大问题报告。")
    item = _locked(item)
    if item.escalated_at is None:
        _refuse("该问题没有上报，无需确认。")
    if item.acknowledged_at is not None:
        _refuse(f"该报告已于{cn_date(timezone.localtime(item.acknowledged_at))}确认。")
    item.acknowledged_at, item.acknowledged_by = timezone.now(), acting_user
    item.save(update_fields=["acknowledged_at", "acknowledged_by"])
    _log(acting_user, item, "acknowledge", "市脱贫攻坚督查工作领导小组（市扶贫办）已确认收到重大问题报告。")
    return item


# --- extensions (延期, HY 六) -------------------------------------------------------------------------

@transaction.atomic
def extension_request(*, acting_user, item, requested_deadline, reason: str) -> ExtensionRequest:
    """HY 六: 确需延长时间的，应及时报告原因和明确延长时限. The deadline changes only on approval."""
    _require(acting_user, "rectification.request_extension", item, "只有本县（市、区）扶贫办可以申请延期。")
    item = _locked(item)
    if item.letter_id and not item.letter.is_issued:
        _refuse("整改函尚未签发，不能申请延期。")
    if item.status == ItemStatus.CLOSED:
        _refuse("该问题已销号，不能申请延期。")
    if item.deadline is None:
        _refuse("该问题尚未确定整改期限，不能申请延期。")
    waiting = item.extensions.filter(status=ExtensionStatus.PENDING).first()
    if waiting is not None:
        _refuse(f"该问题已有一份待审批的延期申请（申请延至{cn_date(waiting.requested_deadline)}），请等待审批。")
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = ["请写明延期的原因。"]
    if requested_deadline is None:
        errors["requested_deadline"] = ["请填写申请延至的日期。"]
    elif requested_deadline <= item.deadline:
        errors["requested_deadline"] = [
            f"申请延至的日期（{cn_date(requested_deadline)}）必须晚于当前整改期限（{cn_date(item.deadline)}）。"]
    if errors:
        raise ValidationError(errors)
    extension = ExtensionRequest.objects.create(item=item, reason=reason, current_deadline=item.deadline,
                                                requested_deadline=requested_deadline, requested_by=acting_user)
    _log(acting_user, item, "ask_extension", f"申请延期至{cn_date(requested_deadline)}：{reason}")
    return extension


@transaction.atomic
def extension_decide(*, acting_user, extension, approve: bool, note: str = "") -> ExtensionRequest:
    """The issuing group's leader or the city office approves or rejects; nobody decides their own request."""
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.requested_by_id == acting_user.pk:
        _refuse("不能审批自己提出的延期申请。")
    _require(acting_user, "rectification.decide_extension", extension, "只有发函小组组长或市扶贫办可以审批延期申请。")
    if extension.status != ExtensionStatus.PENDING:
        _refuse(f"该延期申请已于{cn_date(timezone.localtime(extension.decided_at))}审批（{extension.get_status_display()}）。")
    item = _locked(extension.item)
    note = (note or "").strip()
    if approve:
        if item.status == ItemStatus.CLOSED:
            _refuse("该问题已销号，无需延期。")
        if item.deadline and extension.requested_deadline <= item.deadline:
            _refuse(f"申请延至的日期已不晚于当前整改期限（{cn_date(item.deadline)}）。")
    elif not note:
        _refuse("不批准延期时请填写理由。", "note")
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = acting_user, timezone.now(), note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        before, item.deadline = item.deadline, extension.requested_deadline
        item.save(update_fields=["deadline"])
        _log(acting_user, item, "extend", f"整改期限由{cn_date(before)}延至{cn_date(item.deadline)}"
                                          + (f"（{note}）" if note else ""))
    else:
        _log(acting_user, item, "refuse_extension", f"不批准延期至{cn_date(extension.requested_deadline)}：{note}")
    return extension


# --- notices (通报表扬 / 通报批评, HY 六) -------------------------------------------------------------

@transaction.atomic
def notice_issue(*, acting_user, county, kind, points, reason: str, issued_on=None, unit: str = "",
                 document_number: str = "") -> Notice:
    """HY 六: 通报表扬……适当加分；通报批评……扣分. Issued by the city office to a county or a unit in it."""
    _require(acting_user, "rectification.issue_notice", Notice(county=county), "只有市扶贫办可以通报表扬或批评。")
    errors = {}
    if kind not in NoticeKind.values:
        errors["kind"] = ["请选择通报表扬或通报批评。"]
    try:
        points = Decimal(str(points)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        points = None
    top = Decimal(str(getattr(settings, "RECTIFICATION_NOTICE_MAX_POINTS", 5)))
    if points is None or points <= 0:
        errors["points"] = ["请填写大于 0 的分值（表扬为加分，批评为扣分）。"]
    elif points > top:
        errors["points"] = [f"每次通报的加减分不能超过 {top} 分。"]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["请写明通报的事由。"]
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        errors["issued_on"] = ["通报日期不能晚于今天。"]
    if errors:
        raise ValidationError(errors)
    return Notice.objects.create(
        kind=kind, county=county, unit=(unit or "").strip()[:200], reason=reason, issued_on=issued_on,
        document_number=(document_number or "").strip()[:50], issued_by=acting_user,
        score_change=points if kind == NoticeKind.PRAISE else -points)
