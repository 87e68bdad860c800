"""Writes of listed supervision (挂牌督战, HN), one transaction each."""

import datetime

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from rosters.choices import MemberRole, TeamKind
from rosters.models import Campaign, TeamCounty
from villages.models import County, Household, Village

from .choices import IndicatorResult, LeaderLevel, LedgerSource, LedgerStatus
from .models import (
    IndicatorStatus,
    LedgerEntry,
    ListedCounty,
    ListedVillage,
    Listing,
    MemberUnit,
    MonthlyReport,
    VillageLeader,
    due_date,
)
from .selectors import FAILING, city_report_figures, first_report_month, month_start

SEED_CAMPAIGN = "河南省2020年脱贫攻坚挂牌督战"

# Evidence a county office sends: photos, scans, PDFs, spreadsheets and documents — detected from the bytes.
EVIDENCE_TYPES = {
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "application/pdf": "PDF 文件",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 文件",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文件",
}


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
    from villages.uploads import check_evidence

    return check_evidence(upload, max_bytes=settings.MAX_UPLOAD_MB * 1024 * 1024, field="evidence_file")


@transaction.atomic
def indicator_status_set(
    *, acting_user, listed_village: ListedVillage, indicator, result, assessed_on, evidence="", evidence_file=None
) -> IndicatorStatus:
    """Record 达标 / 未达标 for one exit indicator; the ledger follows (未达标 opens an item, 达标 closes it)."""
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
    if status is None:
        status = IndicatorStatus(listed_village=listed_village, indicator=indicator)
    status.result, status.assessed_on, status.evidence, status.updated_by = result, assessed_on, evidence, acting_user
    if evidence_file:
        status.evidence_file.save(evidence_file.name.rsplit("/", 1)[-1][:100], evidence_file, save=False)
        status.evidence_content_type = mime
        status.evidence_name = evidence_file.name.rsplit("/", 1)[-1][:255]
    status.full_clean(exclude=["updated_by"])
    status.save()
    ledger_entry_for_indicator(acting_user=acting_user, indicator_status=status)
    return status


def ledger_entry_for_indicator(*, acting_user, indicator_status: IndicatorStatus):
    """Keep the ledger in line with one indicator (HN 四(二): 建立工作台账，确保逐一对账销号).

    This is the one place where an indicator becomes a ledger item. When the
    rectification app's ProblemItem is available, this function creates the
    problem item (addressed to the village's county) instead of a LedgerEntry,
    and closes it through that item's 销号 transition.
    """
    open_entry = LedgerEntry.objects.filter(indicator_status=indicator_status, status=LedgerStatus.OPEN).first()
    lv = indicator_status.listed_village
    if indicator_status.result == IndicatorResult.NOT_MET:
        if open_entry is None:
            open_entry = LedgerEntry.objects.create(
                source=LedgerSource.INDICATOR, county_id=lv.county_id, listed_village=lv,
                indicator_status=indicator_status, opened_by=acting_user,
                description=f"{lv.village.name}退出指标“{indicator_status.indicator.name}”未达标",
            )
        return open_entry
    if open_entry is not None:
        _close(open_entry, acting_user, f"{indicator_status.assessed_on:%Y年%m月%d日}认定达标：{indicator_status.evidence}")
    return open_entry


def _close(entry, acting_user, note):
    entry.status = LedgerStatus.CLOSED
    entry.closed_at = timezone.now()
    entry.closed_by = acting_user
    entry.close_note = note
    entry.save(update_fields=["status", "closed_at", "closed_by", "close_note"])


@transaction.atomic
def ledger_sync_households(*, acting_user=None, listing: Listing) -> dict:
    """Households of listed counties and villages failing 两不愁三保障 each become a ledger item;
    an item whose household now meets every guarantee is closed (HN 四(二) 逐一对账销号).

    Limited to the counties the acting user may see; set-based: one insert for
    the new items, one update for the closed ones. Like ledger_entry_for_indicator,
    this is where rectification's problem items take over.
    """
    _refuse_unless("supervision.sync_ledger", acting_user, None, "只有市扶贫办可以核对贫困户台账。")
    county_ids = ListedCounty.objects.filter(listing=listing).values("county_id")
    village_ids = ListedVillage.objects.filter(listing=listing).values("village_id")
    households = Household.objects.filter(Q(village__county_id__in=county_ids) | Q(village_id__in=village_ids))
    open_items = LedgerEntry.objects.filter(source=LedgerSource.HOUSEHOLD, status=LedgerStatus.OPEN)
    if acting_user is not None:
        households = households.visible_to(acting_user)
        open_items = open_items.visible_to(acting_user)
    failing = (
        households.filter(FAILING).exclude(pk__in=open_items.values("household_id"))
        .select_related("village").only("pk", "head_name", "village__name", "village__county_id")
    )
    lv_by_village = dict(ListedVillage.objects.filter(listing=listing).values_list("village_id", "pk"))
    new = [
        LedgerEntry(
            source=LedgerSource.HOUSEHOLD, county_id=h.village.county_id, household=h,
            listed_village_id=lv_by_village.get(h.village_id), opened_by=acting_user,
            description=f"{h.village.name}贫困户{h.head_name}“两不愁三保障”未全部达标",
        )
        for h in failing.iterator(chunk_size=2000)
    ]
    LedgerEntry.objects.bulk_create(new, batch_size=1000)
    closed = open_items.exclude(household__in=Household.objects.filter(FAILING)).update(
        status=LedgerStatus.CLOSED, closed_at=timezone.now(), closed_by=acting_user,
        close_note="“两不愁三保障”已全部达标（与贫困户数据核对）",
    )
    return {"opened": len(new), "closed": closed}


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
