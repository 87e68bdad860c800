"""Writes of listed supervision (挂牌督战, HN), one transaction each."""

import datetime

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rectification.choices import ItemStatus, SourceKind
from rectification.services import TRANSITIONS, NewItem, item_open, item_report, item_start, item_verify, items_move
from rosters.choices import MemberRole, TeamKind
from rosters.models import Campaign, TeamCounty
from villages.choices import GUARANTEES
from villages.dates import cn_date
from villages.guarantees import FAILING, MEETS_ALL
from villages.models import County, Household, Village
from villages.uploads import check_evidence

from . import selectors
from .choices import IndicatorResult, LeaderLevel, LedgerKind
from .models import (
    IndicatorStatus,
    LedgerProblem,
    ListedCounty,
    ListedVillage,
    Listing,
    MemberUnit,
    MonthlyReport,
    VillageLeader,
    due_date,
)
from .selectors import city_report_figures, first_report_month, month_start

SEED_CAMPAIGN = "河南省2020年脱贫攻坚挂牌督战"


def _refuse_unless(permission, acting_user, obj, message):
    if acting_user is not None and not rules.has_perm(permission, acting_user, obj):
        raise ValidationError(message, code="not_allowed")


# --- the listing ----------------------------------------------------------------------------------

@transaction.atomic
def listing_load_seed(*, acting_user=None, campaign_name=SEED_CAMPAIGN) -> Listing:
    """The 2020 listing from the 挂牌督战 roster and the seed places (idempotent).

    Counties: those the campaign's teams cover (HN 附件1), each with its team's
    leader, plus any county flagged 挂牌督战县 that no team covers yet.
    Villages: the villages flagged 挂牌督战村 (HN 附件2).
    """
    campaign = Campaign.objects.filter(name=campaign_name, kind=TeamKind.LISTED).first()
    if campaign is None:
        raise ValidationError(f"没有找到挂牌督战工作周期“{campaign_name}”，请先导入挂牌督战名单。")
    listing, _ = Listing.objects.get_or_create(
        campaign=campaign, defaults={"name": campaign.name, "target_date": campaign.end_date}
    )
    coverage = (
        TeamCounty.objects.filter(campaign=campaign, kind=TeamKind.LISTED)
        .select_related("team").order_by("team__order", "order")
    )
    leaders = {}
    for tc in coverage:
        member = tc.team.memberships.filter(role=MemberRole.LEADER).select_related("person").first()
        leaders[tc.county_id] = (tc.team, member.person if member else None)
    county_ids = list(leaders) + [
        pk for pk in County.objects.filter(is_listed=True).order_by("city__name", "name").values_list("pk", flat=True)
        if pk not in leaders
    ]
    for order, county_id in enumerate(county_ids, start=1):
        team, person = leaders.get(county_id, (None, None))
        ListedCounty.objects.update_or_create(
            listing=listing, county_id=county_id, defaults={"team": team, "leader": person, "order": order}
        )
    villages = Village.objects.filter(is_listed=True).select_related("county__city").order_by(
        "county__city__name", "county__name", "township__name", "pk"
    )
    for order, village in enumerate(villages, start=1):
        lv = ListedVillage.objects.filter(listing=listing, village=village).first()
        if lv is None:
            ListedVillage(listing=listing, village=village, order=order).save()
    return listing


def listed_village_of(*, listing, village) -> ListedVillage:
    """The village's place in the listing, or a clear refusal for a village that is not listed."""
    lv = ListedVillage.objects.filter(listing=listing, village=village).first()
    if lv is None:
        raise ValidationError(f"{village.name}不是挂牌督战村，不能填报退出指标或分包领导。", code="not_listed")
    return lv


# --- leaders of listed villages (HN 四(二), 四(三)) -------------------------------------------------

@transaction.atomic
def leader_assign(*, acting_user, listed_village: ListedVillage, level, name, position="", county=None, city=None):
    _refuse_unless("supervision.assign_leader", acting_user, listed_village, "只有市扶贫办可以登记分包领导。")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写领导姓名。"})
    village_county = listed_village.village.county
    if level == LeaderLevel.COUNTY:
        # HN 四(三): 县级干部分包联系本县未出列的贫困村.
        if county is None:
            raise ValidationError({"county": "请选择县级领导所在的县（市、区）。"})
        if county.pk != village_county.pk:
            raise ValidationError({"county": f"{county.name}的县级领导不能分包{village_county.name}的村。"})
        city = None
    elif level == LeaderLevel.CITY:
        # HN 四(二): 市级干部分包本市的县和未出列贫困村.
        city = city or village_county.city
        if city.pk != village_county.city_id:
            raise ValidationError({"city": f"{city.name}的市级领导不能分包{village_county.city.name}的村。"})
        county = None
    else:
        raise ValidationError({"level": "请选择市级或县级领导。"})
    if VillageLeader.objects.filter(listed_village=listed_village, level=level, name=name).exists():
        raise ValidationError({"name": f"{name}已分包此村。"})
    return VillageLeader.objects.create(
        listed_village=listed_village, level=level, name=name, position=(position or "").strip(),
        county=county, city=city, assigned_by=acting_user,
    )


@transaction.atomic
def leader_remove(*, acting_user, leader: VillageLeader):
    _refuse_unless("supervision.assign_leader", acting_user, leader.listed_village, "只有市扶贫办可以调整分包领导。")
    leader.delete()


# --- exit indicators and the ledger (HN 四(一)3, 四(二)) -------------------------------------------

def _check_evidence_file(upload):
    """The type comes from the bytes, never from the name; the size is bounded (one check: villages.uploads)."""
    return check_evidence(upload, max_bytes=settings.MAX_UPLOAD_MB * 1024 * 1024, field="evidence_file")


def _ledger_item_of(status):
    """The indicator's ledger item not yet closed (at most one: each change of the indicator locks its row)."""
    if status is None or status.pk is None:
        return None
    return selectors.ledger_items().filter(ledger_problem__indicator_status=status).open().first()


def _may_verify(user, item):
    return rules.has_perm("rectification.verify_item", user, item)


def _ledger_check(acting_user, item, result):
    """Refuse, before anything is written, a change the item's lifecycle does not allow from this user.

    HN 四(二): the county rectifies and reports, the city office checks against the ledger and closes.
    """
    if item is None:
        return
    if result == IndicatorResult.MET and item.status != ItemStatus.REPORTED and not rules.has_perm(
        "rectification.report_item", acting_user, item
    ):
        raise ValidationError(
            f"该指标的督战台账问题“{item.get_status_display()}”：认定达标即报告整改情况，须由{item.county.name}扶贫办填报；"
            "市扶贫办核查后销号。", code="not_allowed")
    if result == IndicatorResult.NOT_MET and item.status == ItemStatus.REPORTED and not _may_verify(acting_user, item):
        raise ValidationError(
            "该指标已报告整改、等待市扶贫办核查，不能改为未达标；如核查未通过，市扶贫办会退回整改。", code="reported")


def ledger_deadline(listing, found_on):
    """HN 三: by the listing's target date (2020年9月底前), but never less than
    SUPERVISION_LEDGER_MIN_DAYS after the problem was found."""
    return max(listing.target_date, found_on + datetime.timedelta(days=settings.SUPERVISION_LEDGER_MIN_DAYS))


def _open_items(*, acting_user, listing, kind, category, problems):
    """Put problems on the ledger: one LedgerProblem each, and the rectification item it is the source of."""
    rows = LedgerProblem.objects.bulk_create(
        [LedgerProblem(listing=listing, kind=kind, found_by=acting_user, **fields) for fields, _ in problems],
        batch_size=1000,
    )
    return item_open(
        acting_user=acting_user, source_kind=SourceKind.SUPERVISION, category=category,
        deadline=ledger_deadline(listing, timezone.localdate()),
        problems=[NewItem(source=row, **where) for row, (_, where) in zip(rows, problems, strict=True)],
    )


@transaction.atomic
def indicator_status_set(
    *, acting_user, listed_village: ListedVillage, indicator, result, assessed_on, evidence="", evidence_file=None
) -> IndicatorStatus:
    """Record 达标 / 未达标 for one exit indicator; its ledger item follows (HN 四(二) 逐一对账销号).

    未达标 with no item still open puts the problem on the ledger (a rectification item, 待整改,
    addressed to the village's county). 达标 with evidence from the county is its report on that
    item (→ 已整改待核查); the city office then verifies and closes it (销号) on the item's page.
    """
    _refuse_unless(
        "supervision.update_indicator", acting_user, listed_village, "只有本县（市、区）扶贫办和市扶贫办可以填报退出指标。"
    )
    if not indicator.is_active:
        raise ValidationError({"indicator": f"指标“{indicator.name}”已停用。"})
    if result not in IndicatorResult.values:
        raise ValidationError({"result": "请选择达标或未达标。"})
    if assessed_on is None:
        raise ValidationError({"assessed_on": "请填写认定日期。"})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "认定日期不能晚于今天。"})
    evidence = (evidence or "").strip()
    status = (
        IndicatorStatus.objects.select_for_update().order_by()
        .filter(listed_village=listed_village, indicator=indicator).first()
    )
    if result == IndicatorResult.MET and not evidence:
        # HN 四(二) 逐一对账销号: nothing is closed on a word alone.
        raise ValidationError({"evidence": "认定达标必须填写佐证说明（可另附材料）。"})
    mime = _check_evidence_file(evidence_file) if evidence_file else None
    item = _ledger_item_of(status)
    _ledger_check(acting_user, item, result)
    if status is None:
        status = IndicatorStatus(listed_village=listed_village, indicator=indicator)
    status.result, status.assessed_on, status.evidence, status.updated_by = result, assessed_on, evidence, acting_user
    if evidence_file:
        status.evidence_file.save(evidence_file.name.rsplit("/", 1)[-1][:100], evidence_file, save=False)
        status.evidence_content_type = mime
        status.evidence_name = evidence_file.name.rsplit("/", 1)[-1][:255]
    status.full_clean(exclude=["updated_by"])
    status.save()
    _ledger_follow_indicator(acting_user=acting_user, status=status, item=item, evidence_file=evidence_file)
    return status



def _ledger_follow_indicator(*, acting_user, status, item, evidence_file):
    lv = status.listed_village
    day = cn_date(status.assessed_on)
    if status.result == IndicatorResult.NOT_MET:
        if item is None:
            # The first failure, or one that came back after its item was closed: a new problem.
            note = f"：{status.evidence}" if status.evidence else ""
            _open_items(
                acting_user=acting_user, listing=lv.listing, kind=LedgerKind.INDICATOR,
                category=f"退出指标：{status.indicator.name}",
                problems=[({"listed_village": lv, "indicator_status": status},
                           {"county_id": lv.county_id, "village_id": lv.village_id,
                            "description": f"{lv.village.name}退出指标“{status.indicator.name}”未达标{note}"})],
            )
        elif item.status == ItemStatus.REPORTED:
            # The city office finds it not met after the county reported it met: back to 整改中.
            item_verify(acting_user=acting_user, item=item, passed=False,
                        reason=f"{day}重新认定“{status.indicator.name}”未达标" + (f"：{status.evidence}" if status.evidence else ""))
        return
    if item is None or item.status == ItemStatus.REPORTED:
        return  # nothing on the ledger, or already reported and waiting for the city office
    # The county's 达标 with evidence is its report on the item (HY 六 / HN 四(二)): the city office verifies it.
    if item.status == ItemStatus.PENDING:
        item = item_start(acting_user=acting_user, item=item)
    attached = f"（附佐证材料：{status.evidence_name}）" if evidence_file and status.evidence_name else ""
    item_report(acting_user=acting_user, item=item,
                evidence=f"{day}认定“{status.indicator.name}”达标：{status.evidence}{attached}")


# --- an exit indicator and its ledger item, kept in step from either side ---------------------------
#
# The indicator's page moves the item (``_ledger_follow_indicator``); a move made on the item's page
# (rectification) comes here through ``rectification.sources``, registered in SupervisionConfig.ready:
#   - 报告整改情况 is the county's 达标 with evidence, made on the indicator: refused on the item while the
#     indicator is 未达标 (the item page sends the county to the indicator);
#   - 核查通过 and 销号 need the indicator 达标: an item is never closed with its indicator left 未达标;
#   - 退回整改 and 重新打开 put the indicator back to 未达标, with the reason and who decided;
#   - 重新打开 is refused while a newer item of the same indicator (or household) is open: one open item each.

def _ledger_problems(items):
    """{item pk: its LedgerProblem} (one query for any number of items)."""
    problems = LedgerProblem.objects.in_bulk({i.object_id for i in items})
    return {i.pk: problems[i.object_id] for i in items if i.object_id in problems}


def _indicator_statuses(items, *, lock, problems=None):
    """{item pk: the IndicatorStatus of an indicator item, read again}; household items have none.
    ``problems``: the items' ledger problems when already read."""
    problems = _ledger_problems(items) if problems is None else problems
    problems = {pk: p for pk, p in problems.items() if p.kind == LedgerKind.INDICATOR}
    if not problems:
        return {}
    statuses = IndicatorStatus.objects.select_related("indicator", "listed_village__village").filter(
        pk__in={p.indicator_status_id for p in problems.values()}).order_by("pk")
    if lock:  # before the items (rectification locks them next): the order indicator_status_set keeps too
        statuses = statuses.select_for_update(of=("self",))
    by_pk = {s.pk: s for s in statuses}
    return {pk: by_pk[p.indicator_status_id] for pk, p in problems.items()}


def ledger_item_check(items, action, acting_user):
    """Before a move of ledger items on rectification's side: lock their indicators, refuse what breaks the step."""
    if action not in ("report", "verify_pass", "close", "verify_fail", "reopen"):
        return
    problems = _ledger_problems(items)
    statuses = _indicator_statuses(items, lock=True, problems=problems)
    for item in items:
        status = statuses.get(item.pk)
        if status is None or status.result == IndicatorResult.MET or action in ("verify_fail", "reopen"):
            continue
        where = f"{status.listed_village.village.name}退出指标“{status.indicator.name}”"
        if action == "report":
            raise ValidationError(
                f"此问题是{where}未达标：整改后请在挂牌督战村页面认定“达标”并写明佐证（可附材料），即报告整改情况。",
                code="report_on_indicator")
        raise ValidationError(
            f"{where}仍为未达标，不能{TRANSITIONS[action].label}：须由县（市、区）扶贫办在挂牌督战村页面认定达标"
            "并写明佐证后再核查销号。", code="indicator_not_met")
    if action in ("report", "verify_pass", "close"):
        _refuse_household_still_failing(items, action, problems)
    if action == "reopen":
        _refuse_second_open_item(items, problems)


def _refuse_household_still_failing(items, action, problems):
    """A household's item is reported, verified and closed on the household data (HN 四(二) 逐一对账销号):
    not while those data still show a guarantee unmet."""
    ids = {p.household_id for p in problems.values() if p.kind == LedgerKind.HOUSEHOLD}
    if not ids:
        return
    meeting = set(Household.objects.filter(pk__in=ids).filter(MEETS_ALL).values_list("pk", flat=True))
    failing = ids - meeting
    if not failing:
        return
    household = Household.objects.select_related("village").filter(pk__in=failing).order_by("pk").first()
    raise ValidationError(
        f"{household.village.name}{household.head_name}户的贫困户数据仍显示{_missing_guarantees(household)}未保障或未填写，"
        f"不能{TRANSITIONS[action].label}：请县（市、区）扶贫办先在贫困户信息中更新（对账销号以贫困户数据为准）。",
        code="household_not_met")


def _refuse_second_open_item(items, problems):
    for item in items:
        problem = problems.get(item.pk)
        if problem is None:
            continue
        same = ({"ledger_problem__indicator_status_id": problem.indicator_status_id}
                if problem.kind == LedgerKind.INDICATOR else {"ledger_problem__household_id": problem.household_id})
        newer = selectors.ledger_items().filter(**same).open().exclude(pk=item.pk).first()
        if newer is not None:
            raise ValidationError(
                f"同一{'指标' if problem.kind == LedgerKind.INDICATOR else '贫困户'}已有未销号的台账问题"
                f"（{cn_date(timezone.localtime(newer.created_at).date())}建账，{newer.get_status_display()}），"
                "请在该问题上整改，不能重新打开此问题。",
                code="open_item_exists")


def ledger_item_follow(items, action, acting_user, notes):
    """After 退回整改 or 重新打开 on rectification's side: the indicator is 未达标 again, with the reason."""
    if action not in ("verify_fail", "reopen"):
        return
    today = timezone.localdate()
    for pk, status in _indicator_statuses(items, lock=False).items():
        if status.result == IndicatorResult.NOT_MET:
            continue  # set on the indicator's own page, which moved the item
        why = "核查未通过，退回整改" if action == "verify_fail" else "台账问题重新打开"
        status.result, status.assessed_on, status.updated_by = IndicatorResult.NOT_MET, today, acting_user
        status.evidence = f"{cn_date(today)}{why}：{notes.get(pk, '')}".rstrip("：")
        status._change_reason = why
        status.save()


GUARANTEE_LABELS = dict(GUARANTEES)
# Items moved through their lifecycle in one request (one set-based move of them all): a request stays short.
LEDGER_BATCH = 200


def _failing_guarantees(household):
    return "、".join(label for name, label in GUARANTEES if getattr(household, name) is False)


def _missing_guarantees(household):
    """Not met, or not yet entered: what keeps a reported household item from being closed."""
    return "、".join(label for name, label in GUARANTEES if getattr(household, name) is not True)


@transaction.atomic
def ledger_sync_households(*, acting_user, listing: Listing) -> dict:
    """The city office checks the households against the ledger (HN 四(二) 逐一对账销号).

    - A household of a listed county or village failing 两不愁三保障, with no item still open,
      is put on the ledger (a new item, 待整改, addressed to its county) — in one insert.
    - An item the county has reported (已整改待核查) is checked against the household's data:
      all six guarantees met → verified and closed (销号); not → sent back (整改中) with the reason.
    - Items whose household now meets every guarantee but which the county has not reported are
      counted: the county reports them (``ledger_report_households``).

    Limited to the counties the acting user may see; one check at a time per listing. Reports are
    checked at most ``LEDGER_BATCH`` a time (moved together through the item's lifecycle), so one
    request stays short; ``reported_left`` says how many wait for the next check.
    """
    _refuse_unless("supervision.sync_ledger", acting_user, None, "只有市扶贫办可以核对贫困户台账。")
    Listing.objects.select_for_update().filter(pk=listing.pk).first()
    households = selectors.listing_households(listing=listing).visible_to(acting_user)
    items = selectors.ledger_items(listing=listing).filter(ledger_problem__kind=LedgerKind.HOUSEHOLD)
    unclosed = items.open().visible_to(acting_user)
    failing = (
        households.filter(FAILING).exclude(pk__in=unclosed.values("household_id"))
        .select_related("village").order_by("pk")
    )
    lv_by_village = dict(ListedVillage.objects.filter(listing=listing).values_list("village_id", "pk"))
    problems = [
        ({"household": h, "listed_village_id": lv_by_village.get(h.village_id)},
         {"county_id": h.village.county_id, "village_id": h.village_id, "household_id": h.pk,
          "description": f"{h.village.name}贫困户{h.head_name}“两不愁三保障”未达标：{_failing_guarantees(h)}"})
        for h in failing.iterator(chunk_size=2000)
    ]
    opened = _open_items(acting_user=acting_user, listing=listing, kind=LedgerKind.HOUSEHOLD, category="两不愁三保障",
                         problems=problems)
    reported = unclosed.filter(status=ItemStatus.REPORTED)
    batch = list(reported.select_related("household").order_by("pk")[:LEDGER_BATCH])
    agree = [i for i in batch if all(getattr(i.household, name) is True for name in GUARANTEE_LABELS)]
    differ = [i for i in batch if i.pk not in {a.pk for a in agree}]
    items_move(acting_user=acting_user, items=[i for i in agree if not i.is_verified], action="verify_pass",
               note="与贫困户数据核对：“两不愁三保障”六项均已保障")
    items_move(acting_user=acting_user, items=agree, action="close", note="对账销号（与贫困户数据核对一致）")
    items_move(acting_user=acting_user, items=differ, action="verify_fail", note={
        i.pk: f"与贫困户数据核对：{_missing_guarantees(i.household)}仍未保障或未填写，退回整改" for i in differ})
    closed, sent_back = len(agree), len(differ)
    awaiting = unclosed.exclude(status=ItemStatus.REPORTED).filter(
        household__in=Household.objects.filter(MEETS_ALL)).count()
    return {"opened": len(opened), "closed": closed, "sent_back": sent_back, "awaiting_report": awaiting,
            "reported_left": reported.count()}


@transaction.atomic
def ledger_report_households(*, acting_user, listing: Listing) -> tuple[int, int]:
    """The county reports, item by item, the households its data now show meeting every guarantee
    (HN 四(二)): the household data are the evidence, so nothing is typed again. The city office's
    next check (``ledger_sync_households``) verifies and closes them.

    At most ``LEDGER_BATCH`` a time; returns (reported, still to report)."""
    if not rules.has_perm("rectification.report_item", acting_user):
        raise ValidationError("只有县（市、区）扶贫办可以报告本县台账问题的整改情况。", code="not_allowed")
    items = (
        selectors.ledger_items(listing=listing).filter(ledger_problem__kind=LedgerKind.HOUSEHOLD)
        .visible_to(acting_user).filter(status__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS])
        .filter(household__in=Household.objects.filter(MEETS_ALL)).order_by("pk")
    )
    batch = list(items[:LEDGER_BATCH])
    # One move of the whole batch (rectification.services.items_move): a few queries, not a dozen an item.
    items_move(acting_user=acting_user, items=[i for i in batch if i.status == ItemStatus.PENDING], action="start")
    items_move(acting_user=acting_user, items=batch, action="report",
               note=f"{cn_date(timezone.localdate())}贫困户数据显示“两不愁三保障”六项均已保障（"
                    + "、".join(GUARANTEE_LABELS.values()) + "）。")
    return len(batch), items.count()


# --- monthly reports (HN 五(三)) ------------------------------------------------------------------

class ReportTarget:
    """What the permission matrix asks of a report not yet written: whose it is."""

    def __init__(self, city=None, unit=None):
        self.city_id = city.pk if city else None
        self.unit = unit


@transaction.atomic
def report_submit(*, acting_user, listing: Listing, month: datetime.date, narrative, city=None, unit=None, now=None):
    """Submit a city's or a member unit's report for the month; a second submission edits the first.

    Due by the 25th (HN 五(三)); one submitted later is accepted and marked late.
    Returns (report, created).
    """
    if (city is None) == (unit is None):
        raise ValidationError("月度进展须由一个市或一个成员单位报送。")
    if city is not None:
        _refuse_unless("supervision.submit_city_report", acting_user, ReportTarget(city=city),
                       f"只有{city.name}扶贫办可以报送{city.name}的月度进展。")
        if not (ListedCounty.objects.filter(listing=listing, county__city=city).exists()
                or ListedVillage.objects.filter(listing=listing, county__city=city).exists()):
            raise ValidationError(f"{city.name}没有挂牌督战县、村，无需报送挂牌督战进展。")
    else:
        _refuse_unless("supervision.submit_unit_report", acting_user, ReportTarget(unit=unit),
                       f"只有{unit.name}的填报账号和省扶贫办可以报送该单位的月度进展。")
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    month = month_start(month)
    if month > month_start(today):
        raise ValidationError({"month": "不能报送尚未到来的月份。"})
    first = first_report_month(listing)
    if month < first:
        raise ValidationError({"month": f"挂牌督战月度进展自{first.year}年{first.month}月开始报送，不能报送更早的月份。"})
    narrative = (narrative or "").strip()
    if not narrative:
        raise ValidationError({"narrative": "请填写本月挂牌督战工作进展。"})
    figures = city_report_figures(listing=listing, city=city, month=month) if city else {}
    report = (
        # No ordering: the default one joins the city and unit, and PostgreSQL locks no outer join.
        MonthlyReport.objects.select_for_update().order_by()
        .filter(listing=listing, month=month, city=city, unit=unit).first()
    )
    if report is not None:
        # One report per reporter and month: a second submission edits it, its history keeps the first.
        report.narrative, report.figures = narrative, figures
        report._change_reason = "修改"
        report.save()
        return report, False
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(
                listing=listing, month=month, city=city, unit=unit, narrative=narrative, figures=figures,
                submitted_at=now, submitted_by=acting_user, is_late=today > due_date(month),
            )
    except IntegrityError:
        # Two first submissions at once: the one that lost edits the one that won.
        report = MonthlyReport.objects.get(listing=listing, month=month, city=city, unit=unit)
        report.narrative, report.figures = narrative, figures
        report.save()
        return report, False
    return report, True


@transaction.atomic
def member_unit_create(*, acting_user, name, reporters=()):
    _refuse_unless("supervision.see_all", acting_user, None, "只有省扶贫办可以登记成员单位。")
    unit = MemberUnit(name=(name or "").strip())
    unit.full_clean()
    unit.save()
    unit.reporters.set(reporters)
    return unit
