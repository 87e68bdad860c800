"""Reads of listed supervision, always scoped to the user; every figure is computed by the database."""

import datetime

import rules
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from rectification.choices import ItemStatus, SourceKind
from rectification.models import ProblemItem
from rectification.sources import SourceNote
from villages.choices import GUARANTEES, ExitStatus
from villages.guarantees import GUARANTEE_FIELDS, MEETS_ALL
from villages.models import City, County, Household, Village, VillageSummary
from villages.scoping import visible_county_ids

from .choices import REPORT_DUE_DAY, IndicatorResult, LedgerKind
from .models import (
    ExitIndicator,
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


def current_listing():
    """The newest listing (the 2020 campaign's, until another is made)."""
    return Listing.objects.select_related("campaign").order_by("-target_date", "-pk").first()


def days_left(listing, today=None):
    """Days from today to the target date (HN 三: 2020年9月底前); negative once it has passed."""
    today = today or timezone.localdate()
    return (listing.target_date - today).days


# --- households: 两不愁三保障, 不稳定脱贫户, 边缘户 (HN 四(一)3) -------------------------------------------

def household_aggregates():
    """The monitoring's figures as Sum expressions over the villages' summaries (villages/summaries.py keeps
    them equal to a recount of the households after every write): a county's figures read a few hundred
    summary rows, not its households."""

    def total(expression):
        return Coalesce(Sum(expression), Value(0), output_field=IntegerField())

    return {
        "households": total("households"),
        "population": total("population"),
        "poor_households": total(F("poor") + F("pre_exit") + F("returned")),
        "poor_population": total("poor_population"),
        "failing": total("failing"),
        "unfilled": total("unfilled"),
        "unstable": total("unstable"),
        "marginal": total("marginal"),
        **{f"{field}_not_met": total(f"{field}_not_met") for field in GUARANTEE_FIELDS},
    }


def guarantee_rows(figures):
    """(label, not met) per guarantee, for a table."""
    return [(label, figures.get(f"{name}_not_met", 0) or 0) for name, label in GUARANTEES]


def _summary_scope(*, county_ids=None, village_ids=None):
    cond = Q(pk__in=[])
    if county_ids is not None:
        cond |= Q(county_id__in=county_ids)
    if village_ids is not None:
        cond |= Q(village_id__in=village_ids)
    return VillageSummary.objects.filter(cond)


def household_figures(*, county_ids=None, village_ids=None):
    return _summary_scope(county_ids=county_ids, village_ids=village_ids).aggregate(**household_aggregates())


def household_figures_by(key, **scope):
    """{county or village id (``key``: "county_id" or "village_id"): figures}, one grouped query."""
    rows = _summary_scope(**scope).order_by().values(key).annotate(**household_aggregates())
    return {row[key]: row for row in rows}


# --- the listing ----------------------------------------------------------------------------------

def listed_counties(*, user, listing):
    return (
        ListedCounty.objects.visible_to(user).filter(listing=listing)
        .select_related("county__city", "leader", "team")
        .order_by("order", "county__city__name", "county__name")
    )


def listed_villages(*, user, listing):
    return (
        ListedVillage.objects.visible_to(user).filter(listing=listing)
        .select_related("village__township__county__city")
        .order_by("order", "county__name", "village__name")
    )


def active_indicators():
    return ExitIndicator.objects.filter(is_active=True).order_by("order", "name")


def _indicator_counts_by(queryset, key):
    return {
        row[key]: row for row in queryset.filter(indicator__is_active=True).order_by().values(key).annotate(
            met=Count("pk", filter=Q(result=IndicatorResult.MET)),
            not_met=Count("pk", filter=Q(result=IndicatorResult.NOT_MET)),
        )
    }


EMPTY_LEDGER = {"open": 0, "closed": 0, "overdue": 0, "reported": 0}


def ledger_aggregates(today):
    """Open / closed / overdue (逾期: past its deadline, not closed) / awaiting verification, as Count expressions."""
    unclosed = ~Q(status=ItemStatus.CLOSED)
    return {
        "open": Count("pk", filter=unclosed),
        "closed": Count("pk", filter=Q(status=ItemStatus.CLOSED)),
        "overdue": Count("pk", filter=unclosed & Q(deadline__lt=today)),
        "reported": Count("pk", filter=Q(status=ItemStatus.REPORTED)),
    }


def _ledger_counts_by(queryset, key, today):
    return {row[key]: row for row in queryset.order_by().values(key).annotate(**ledger_aggregates(today))}


def campaign_rows(*, user, listing, today=None):
    """The campaign view (HN 三, 四): per listed county and per listed village, in a fixed number of queries."""
    today = today or timezone.localdate()
    counties = list(listed_counties(user=user, listing=listing))
    villages = list(listed_villages(user=user, listing=listing))
    indicator_total = active_indicators().count()
    county_ids = [c.county_id for c in counties]
    village_ids = [v.village_id for v in villages]

    hh_by_county = household_figures_by("county_id", county_ids=county_ids)
    hh_by_village = household_figures_by("village_id", village_ids=village_ids)
    statuses = IndicatorStatus.objects.filter(listed_village__listing=listing)
    ind_by_village = _indicator_counts_by(statuses.filter(listed_village__in=[v.pk for v in villages]), "listed_village_id")
    ind_by_county = _indicator_counts_by(statuses.filter(listed_village__county_id__in=county_ids), "listed_village__county_id")
    items = ledger_items(listing=listing)
    ledger_by_county = _ledger_counts_by(items.filter(county_id__in=county_ids), "county_id", today)
    ledger_by_village = _ledger_counts_by(items.filter(village_id__in=village_ids), "village_id", today)
    villages_per_county = {}
    for v in villages:
        villages_per_county[v.county_id] = villages_per_county.get(v.county_id, 0) + 1
    leaders = {}
    for leader in VillageLeader.objects.filter(listed_village__in=[v.pk for v in villages]).order_by("level", "name"):
        leaders.setdefault(leader.listed_village_id, []).append(leader)
    on_time = reports_on_time_by_city(listing=listing, today=today)

    empty_hh = {k: 0 for k in household_aggregates()}
    county_rows = []
    for c in counties:
        hh = hh_by_county.get(c.county_id, empty_hh)
        ind = ind_by_county.get(c.county_id, {"met": 0, "not_met": 0})
        n_villages = villages_per_county.get(c.county_id, 0)
        county_rows.append({
            "listed": c, "households": hh, "villages": n_villages,
            "indicators_met": ind["met"], "indicators_not_met": ind["not_met"],
            "indicators_total": n_villages * indicator_total,
            "ledger": ledger_by_county.get(c.county_id, EMPTY_LEDGER),
            "reports": on_time.get(c.county.city_id, {"on_time": 0, "late": 0, "due": 0}),
        })
    village_rows = []
    for v in villages:
        ind = ind_by_village.get(v.pk, {"met": 0, "not_met": 0})
        village_rows.append({
            "listed": v, "households": hh_by_village.get(v.village_id, empty_hh),
            "indicators_met": ind["met"], "indicators_not_met": ind["not_met"], "indicators_total": indicator_total,
            "ledger": ledger_by_village.get(v.village_id, EMPTY_LEDGER),
            "leaders": leaders.get(v.pk, []),
        })
    return county_rows, village_rows


def campaign_household_totals(county_rows, village_rows):
    """The monitoring figures of the whole campaign, added up from its rows (each figure is a count or a
    sum) rather than read again; a listed village in a listed county is already in its county's row."""
    counties = {r["listed"].county_id for r in county_rows}
    rows = [r["households"] for r in county_rows]
    rows += [r["households"] for r in village_rows if r["listed"].county_id not in counties]
    return {key: sum(row.get(key) or 0 for row in rows) for key in household_aggregates()}


def village_indicators(listed_village):
    """Each active indicator with the village's current status (or None: not yet assessed)."""
    statuses = {s.indicator_id: s for s in listed_village.indicator_statuses.select_related("updated_by")}
    return [(indicator, statuses.get(indicator.pk)) for indicator in active_indicators()]


# --- the ledger (HN 四(二) 建立工作台账，逐一对账销号) ----------------------------------------------------

def ledger_items(*, listing=None):
    """The ledger's items: rectification problem items whose source is a LedgerProblem (of the listing).

    Their state, deadline and timeline are the item's (待整改 → 整改中 → 已整改待核查 → 已销号).
    """
    if listing is not None:
        return ProblemItem.objects.filter(ledger_problem__listing=listing)
    return ProblemItem.objects.filter(
        source_kind=SourceKind.SUPERVISION, content_type=ContentType.objects.get_for_model(LedgerProblem)
    )


def ledger_list(*, user, listing=None):
    """The ledger as the user may see it, with what each page row shows."""
    return (
        ledger_items(listing=listing).visible_to(user)
        .select_related("county", "village__township", "household")
        .annotate(ledger_kind=F("ledger_problem__kind"), listed_village_id=F("ledger_problem__listed_village_id"),
                  found_by_name=Coalesce(NullIf(F("ledger_problem__found_by__first_name"), Value("")),
                                         F("ledger_problem__found_by__username")))
        .order_by("-created_at", "-pk")
    )


def ledger_open_counts(*, user, listing=None):
    """Unclosed ledger items the user may see, and those reported and waiting for the city office's verification."""
    return ledger_items(listing=listing).visible_to(user).aggregate(
        open_entries=Count("pk", filter=~Q(status=ItemStatus.CLOSED)),
        reported_entries=Count("pk", filter=Q(status=ItemStatus.REPORTED)),
    )


def indicator_items(listed_village):
    """{indicator status id: its newest ledger item} for the village's indicator cards (one query)."""
    rows = (
        ProblemItem.objects
        .filter(ledger_problem__listed_village=listed_village, ledger_problem__indicator_status__isnull=False)
        .annotate(indicator_status_id=F("ledger_problem__indicator_status_id")).order_by("created_at", "pk")
    )
    return {item.indicator_status_id: item for item in rows}


def listing_households(*, listing):
    """Households of the listing's counties and villages (HN 四(一)3: monitored per listed county and village)."""
    county_ids = ListedCounty.objects.filter(listing=listing).values("county_id")
    village_ids = ListedVillage.objects.filter(listing=listing).values("village_id")
    return Household.objects.filter(Q(village__county_id__in=county_ids) | Q(village_id__in=village_ids))


def households_ready_to_report(*, user, listing):
    """The user's household items not yet reported whose household now meets every guarantee."""
    return (
        ledger_items(listing=listing).visible_to(user).filter(household__isnull=False)
        .filter(status__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS])
        .filter(household__in=Household.objects.filter(MEETS_ALL))
    )


# --- monthly reports (HN 五(三)) ------------------------------------------------------------------

def month_start(day):
    return day.replace(day=1)


def first_report_month(listing):
    """The first month with a report due: a campaign starting after the 25th reports from the next month."""
    start = listing.campaign.start_date
    if start.day > REPORT_DUE_DAY:
        return (month_start(start) + datetime.timedelta(days=32)).replace(day=1)
    return month_start(start)


def months_of(listing, *, until=None):
    """The months with a report, from the campaign's first to the target date (or ``until``, if earlier)."""
    start = first_report_month(listing)
    end = month_start(min(listing.target_date, until) if until else listing.target_date)
    months = []
    m = start
    while m <= end:
        months.append(m)
        m = (m + datetime.timedelta(days=32)).replace(day=1)
    return months


def reporting_cities(*, listing):
    """The cities that report: those with a listed county or a listed village."""
    return City.objects.filter(
        Q(counties__listings__listing=listing) | Q(counties__listed_villages__listing=listing)
    ).distinct().order_by("name")


def city_report_figures(*, listing, city, month):
    """What a city's monthly report says in figures, assembled from its counties' entries (never retyped)."""
    county_ids = list(ListedCounty.objects.filter(listing=listing, county__city=city).values_list("county_id", flat=True))
    lv = ListedVillage.objects.filter(listing=listing, county__city=city)
    village_ids = list(lv.values_list("village_id", flat=True))
    listed_village_ids = list(lv.values_list("pk", flat=True))
    indicator_total = active_indicators().count()
    ind = IndicatorStatus.objects.filter(listed_village_id__in=listed_village_ids, indicator__is_active=True).aggregate(
        met=Count("pk", filter=Q(result=IndicatorResult.MET)),
        not_met=Count("pk", filter=Q(result=IndicatorResult.NOT_MET)),
    )
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(next_month, datetime.time.min, tzinfo=tz)
    # The ledger's items in the city's listed counties and villages: opened and closed (销号) in the month,
    # and as they stand now (unclosed, overdue, reported and awaiting the city office's verification).
    ledger = ledger_items(listing=listing).filter(Q(county_id__in=county_ids) | Q(village_id__in=village_ids)).aggregate(
        opened=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        closed_in_month=Count("pk", filter=Q(status=ItemStatus.CLOSED, closed_on__gte=month, closed_on__lt=next_month)),
        **ledger_aggregates(timezone.localdate()),
    )
    hh = household_figures(county_ids=county_ids, village_ids=village_ids)
    return {
        "listed_counties": len(county_ids),
        "listed_villages": len(listed_village_ids),
        "indicators_total": indicator_total * len(listed_village_ids),
        "indicators_met": ind["met"],
        "indicators_not_met": ind["not_met"],
        "ledger_opened": ledger["opened"],
        "ledger_closed": ledger["closed_in_month"],
        "ledger_open": ledger["open"],
        "ledger_reported": ledger["reported"],
        "ledger_overdue": ledger["overdue"],
        "households": hh["households"],
        "households_failing": hh["failing"],
        "households_unfilled": hh["unfilled"],
        "unstable": hh["unstable"],
        "marginal": hh["marginal"],
    }


FIGURE_LABELS = (
    ("listed_counties", "挂牌督战县（个）"),
    ("listed_villages", "挂牌督战村（个）"),
    ("indicators_total", "退出指标（项）"),
    ("indicators_met", "其中已达标（项）"),
    ("indicators_not_met", "其中未达标（项）"),
    ("ledger_opened", "本月新建台账（条）"),
    ("ledger_closed", "本月销号（条）"),
    ("ledger_open", "未销号台账（条）"),
    ("ledger_reported", "其中已报告整改、待核查（条）"),
    ("ledger_overdue", "其中逾期（条）"),
    ("households", "贫困户、边缘户（户）"),
    ("households_failing", "“两不愁三保障”未达标（户）"),
    ("households_unfilled", "“两不愁三保障”未填写（户）"),
    ("unstable", "不稳定脱贫户（户）"),
    ("marginal", "边缘户（户）"),
)


def figure_rows(figures):
    return [(label, figures.get(key)) for key, label in FIGURE_LABELS]


def visible_reports(*, user, listing):
    """Reports the user may see: all for the province; a city's own; a unit's own; a county's city's."""
    reports = MonthlyReport.objects.filter(listing=listing).select_related("city", "unit", "submitted_by")
    if rules.has_perm("supervision.see_all", user):
        return reports
    cond = Q(unit__reporters=user)
    county_ids = visible_county_ids(user)
    if county_ids is not None:
        cond |= Q(city__in=County.objects.filter(pk__in=county_ids).values("city_id"))
    return reports.filter(cond).distinct()


def report_status(*, user, listing, month, today=None):
    """Who reported this month, on time or late, and who has not (HN 五(三): by the 25th)."""
    today = today or timezone.localdate()
    reports = {(r.city_id, r.unit_id): r for r in visible_reports(user=user, listing=listing).filter(month=month)}
    due = due_date(month)
    rows = []
    cities = reporting_cities(listing=listing)
    units = MemberUnit.objects.filter(is_active=True)
    if not rules.has_perm("supervision.see_all", user):
        county_ids = visible_county_ids(user)
        cities = cities.filter(pk__in=County.objects.filter(pk__in=county_ids).values("city_id")) if county_ids is not None else cities
        units = units.filter(reporters=user)
    for city in cities:
        rows.append(_status_row(city.name, reports.get((city.pk, None)), due, today, city=city))
    for unit in units:
        rows.append(_status_row(unit.name, reports.get((None, unit.pk)), due, today, unit=unit))
    return rows


def _status_row(name, report, due, today, **reporter):
    if report is not None:
        state = "late" if report.is_late else "on_time"
    else:
        state = "missing" if today > due else "pending"
    return {"name": name, "report": report, "state": state, **reporter}


def reports_on_time_by_city(*, listing, today=None):
    """Per city: reports on time, late, and months due so far (the due date has passed)."""
    today = today or timezone.localdate()
    due = sum(1 for m in months_of(listing, until=today) if due_date(m) < today)
    rows = MonthlyReport.objects.filter(listing=listing, city__isnull=False).order_by().values("city_id").annotate(
        on_time=Count("pk", filter=Q(is_late=False)), late=Count("pk", filter=Q(is_late=True))
    )
    out = {row["city_id"]: {**row, "due": due} for row in rows}
    for city_id in reporting_cities(listing=listing).values_list("pk", flat=True):
        out.setdefault(city_id, {"city_id": city_id, "on_time": 0, "late": 0, "due": due})
    return out


def due_day_text():
    return f"每月{REPORT_DUE_DAY}日前"


# --- a listing proposed from data (HN 二) ---------------------------------------------------------

def proposed_counties(*, user, threshold):
    """Counties whose remaining poor population exceeds the threshold, largest first.

    Read off the villages' summaries (villages/summaries.py, kept equal to a recount of the households):
    one row a village, not two million households."""
    summaries = VillageSummary.objects.filter(county=OuterRef("pk")).order_by().values("county")
    poor_population = summaries.annotate(n=Sum("poor_population")).values("n")
    poor_households = summaries.annotate(n=Sum(F("poor") + F("pre_exit") + F("returned"))).values("n")
    return (
        County.objects.visible_to(user).select_related("city")
        .annotate(
            poor_population=Coalesce(Subquery(poor_population), Value(0), output_field=IntegerField()),
            poor_households=Coalesce(Subquery(poor_households), Value(0), output_field=IntegerField()),
        )
        .filter(poor_population__gt=threshold)
        .order_by("-poor_population", "city__name", "name")
    )


def proposed_villages(*, user):
    """Poor villages not yet exited, with their remaining poor population (from the villages' summaries)."""
    return (
        Village.objects.visible_to(user)
        .filter(is_poor_village=True, exit_status=ExitStatus.NOT_EXITED)
        .select_related("township__county__city")
        .annotate(
            poor_population=Coalesce("summary__poor_population", Value(0), output_field=IntegerField()),
            poor_households=Coalesce(F("summary__poor") + F("summary__pre_exit") + F("summary__returned"), Value(0),
                                     output_field=IntegerField()),
        )
        .order_by("-poor_population", "county__name", "township__name", "name")
    )


def ledger_item_note(item, user):
    """What a ledger item's page says of its exit indicator (rectification.sources): the county reports
    such an item by marking the indicator 达标 with evidence on the listed village's page, so the item
    page sends it there, and shows the city office the indicator's standing before it verifies."""
    problem = (LedgerProblem.objects.select_related("indicator_status__indicator", "indicator_status__updated_by",
                                                    "listed_village__village")
               .filter(pk=item.object_id).first())
    if problem is None:
        return None
    if problem.kind == LedgerKind.HOUSEHOLD:
        return _household_item_note(problem)
    status, lv = problem.indicator_status, problem.listed_village
    where = f"{lv.village.name}退出指标“{status.indicator.name}”"
    link = f"{lv.get_absolute_url()}#indicator-{status.indicator_id}"
    day = f"{status.assessed_on.year}年{status.assessed_on.month}月{status.assessed_on.day}日"
    if status.result == IndicatorResult.MET:
        return SourceNote(
            f"此问题是{where}未达标。{day}{status.updated_by.display_name}在挂牌督战村页面认定达标，即报告整改情况："
            f"{status.evidence}{'（附佐证材料）' if status.evidence_file else ''}",
            link, "查看指标和佐证材料")
    hidden = frozenset({"report", "verify_pass", "close"})
    if item.status == ItemStatus.CLOSED:
        return SourceNote(f"{where}现为未达标（{day}认定），见挂牌督战村页面。", link, "查看指标", hidden)
    return SourceNote(
        f"此问题是{where}未达标。整改后由县（市、区）扶贫办在挂牌督战村页面认定“达标”并写明佐证（可附材料），"
        "即报告整改情况；市扶贫办核查后销号。", link, "到挂牌督战村页面填报指标", hidden)


def _household_item_note(problem):
    """A household's ledger item is reported, verified and closed on the household data (逐一对账销号)."""
    household = Household.objects.select_related("village").get(pk=problem.household_id)
    missing = "、".join(label for name, label in GUARANTEES if getattr(household, name) is not True)
    who = f"{household.village.name}{household.head_name}户"
    link = household.get_absolute_url()
    if not missing:
        return SourceNote(f"此问题是{who}“两不愁三保障”未保障。贫困户数据现显示六项均已保障，据此报告、核查和销号。",
                          link, "查看贫困户信息")
    return SourceNote(
        f"此问题是{who}“两不愁三保障”未保障：贫困户数据仍显示{missing}未保障或未填写。整改后由县（市、区）扶贫办在"
        "贫困户信息中更新，再报告整改情况；市扶贫办与贫困户数据核对后销号。",
        link, "到贫困户信息中更新", frozenset({"report", "verify_pass", "close"}))
