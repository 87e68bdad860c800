"""The dashboards' summary tables, recounted from the raw rows (SPEC §12; DHIS2's analytics tables).

``recount`` computes what every summary row of some counties must be, with one grouped
query per table over the raw rows; ``summaries_refresh`` replaces those counties' rows
with the recount (under a lock per county) and moves the cache version on;
``summaries_rebuild`` does it for every county at once (nightly, and after bulk loads that
bypass the services). A test recounts after every kind of write and compares.

The refresh unit is the county: every raw row the dashboards count lies in one county,
and a county's rows are a few thousand at most, so recounting a whole county after a
write costs a few grouped queries and leaves no room for an increment that drifts.
"""

import datetime

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from . import models as m

# What a write may touch: the refresh recounts only the tables of those kinds.
VILLAGES, VISITS, PROBLEMS, TRIPS, ITEMS = "villages", "visits", "problems", "trips", "items"
KINDS = (VILLAGES, VISITS, PROBLEMS, TRIPS, ITEMS)
TABLES = {
    VILLAGES: (m.VillageFact, m.VillageVisitFact),
    VISITS: (m.VillageVisitFact, m.VisitDayFact),
    PROBLEMS: (m.ProblemFact,),
    TRIPS: (m.TripFact,),
    ITEMS: (m.ItemFact,),
}
FACT_MODELS = (m.VillageFact, m.VillageVisitFact, m.VisitDayFact, m.ProblemFact, m.TripFact, m.ItemFact)


def _in(queryset, lookup, county_ids):
    return queryset if county_ids is None else queryset.filter(**{f"{lookup}__in": list(county_ids)})


# --- the recount, one function per table: rows as dicts of the table's column values ------------------

def _village_rows(county_ids):
    from villages.models import Village

    rows = _in(Village.objects.all(), "county_id", county_ids).values(
        "pk", "county_id", "township_id", "is_poor_village", "is_listed", "star_rating__stars",
        "star_rating__category_count")
    return [{"village_id": r["pk"], "county_id": r["county_id"], "township_id": r["township_id"],
             "stars": r["star_rating__stars"] or 0, "category_count": r["star_rating__category_count"] or 0,
             "is_poor_village": r["is_poor_village"], "is_listed": r["is_listed"]} for r in rows]


def _village_visit_rows(county_ids):
    from inspections.choices import VisitStatus
    from inspections.models import GuidanceVisit

    visits = _in(GuidanceVisit.objects.filter(status=VisitStatus.SUBMITTED), "village__county_id", county_ids)
    rows = visits.order_by().values("campaign_id", "village_id").annotate(
        county=F("village__county_id"), township=F("village__township_id"), stars=F("village__star_rating__stars"),
        team=Min("team_id"), first=Min("visit_date"), last=Max("visit_date"), n=Count("pk"),
        excepted=Count("pk", filter=Q(repeat_exception__isnull=False)))
    return [{"campaign_id": r["campaign_id"], "village_id": r["village_id"], "county_id": r["county"],
             "township_id": r["township"], "team_id": r["team"], "stars": r["stars"] or 0, "first_date": r["first"],
             "last_date": r["last"], "visits": r["n"], "excepted": r["excepted"]} for r in rows]


def _visit_day_rows(county_ids):
    from inspections.choices import VisitStatus
    from inspections.models import GuidanceVisit

    visits = _in(GuidanceVisit.objects.filter(status=VisitStatus.SUBMITTED), "county_id", county_ids)
    with_experience = ~Q(experience="")
    rows = visits.order_by().values("campaign_id", "team_id", "county_id", "visit_date").annotate(
        n_villages=Count("village_id", distinct=True), n=Count("pk"),
        n_experiences=Count("pk", filter=with_experience),
        n_promoted=Count("pk", filter=with_experience & Q(experience_promoted=True)))
    return [{"campaign_id": r["campaign_id"], "team_id": r["team_id"], "county_id": r["county_id"],
             "date": r["visit_date"], "villages": r["n_villages"], "visits": r["n"],
             "experiences": r["n_experiences"], "promoted": r["n_promoted"]} for r in rows]


def _problem_rows(county_ids):
    from inspections.choices import VisitStatus
    from inspections.models import Finding, Problem

    columns = m.problem_columns()
    guidance = _in(Problem.objects.filter(visit__status=VisitStatus.SUBMITTED), "county_id", county_ids)
    g_counts = {}
    for source, category, column, flagged, _ in columns:
        if source == m.ProblemFact.Source.GUIDANCE:
            g_counts[column] = Count("pk", filter=Q(category=int(category)))
            g_counts[flagged] = Count("pk", filter=Q(category=int(category), kind="common"))
    rows = [{"source": m.ProblemFact.Source.GUIDANCE, "campaign_id": r.pop("visit__campaign_id"),
             "team_id": r.pop("visit__team_id"), "county_id": r.pop("county_id"), "month": _day(r.pop("m")), **r}
            for r in guidance.order_by().values("visit__campaign_id", "visit__team_id", "county_id")
            .annotate(m=TruncMonth("visit__visit_date"), **g_counts)]
    i_counts = {}
    for source, category, column, flagged, _ in columns:
        if source == m.ProblemFact.Source.INSPECTION:
            i_counts[column] = Count("pk", filter=Q(category=category))
            i_counts[flagged] = Count("pk", filter=Q(category=category, severity="major"))
    findings = _in(Finding.objects.all(), "county_id", county_ids)
    rows += [{"source": m.ProblemFact.Source.INSPECTION, "campaign_id": r.pop("trip__campaign_id"),
              "team_id": r.pop("trip__team_id"), "county_id": r.pop("county_id"), "month": _day(r.pop("m")), **r}
             for r in findings.order_by().values("trip__campaign_id", "trip__team_id", "county_id")
             .annotate(m=TruncMonth("trip__start_date"), **i_counts)]
    every = [c for _, _, column, flagged, _ in columns for c in (column, flagged)]
    return [{**dict.fromkeys(every, 0), **r} for r in rows]


def _day(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def _trip_rows(county_ids):
    from inspections.choices import FindingSeverity, TripStatus
    from inspections.models import InspectionTrip
    from inspections.trip_selectors import sample_shortfalls_by_trip
    from rectification.choices import LetterStatus
    from rectification.models import RectificationLetter
    from rectification.services import letter_due_date

    trips = list(_in(InspectionTrip.objects.all(), "county_id", county_ids).order_by().values(
        "pk", "campaign_id", "team_id", "county_id", "start_date", "end_date", "status", "sample_exception_reason",
    ).annotate(n_findings=Count("findings"), n_major=Count("findings", filter=Q(findings__severity=FindingSeverity.MAJOR))))
    ended = [t["pk"] for t in trips if t["status"] == TripStatus.ENDED]
    shortfalls = sample_shortfalls_by_trip(ended)
    letters = dict(
        RectificationLetter.objects.filter(trip_id__in=ended, status=LetterStatus.ISSUED).order_by()
        .values("trip_id").annotate(first=Min("issued_on")).values_list("trip_id", "first"))
    due_by_end = {}
    rows = []
    for t in trips:
        is_ended = t["status"] == TripStatus.ENDED
        if not is_ended:
            sample = m.TripFact.Sample.OPEN
        elif shortfalls.get(t["pk"]) and t["sample_exception_reason"].strip():
            sample = m.TripFact.Sample.EXCEPTION
        else:
            sample = m.TripFact.Sample.MET
        due = None
        if is_ended and t["n_findings"]:
            # HY 四: a letter within 3 working days of the trip's end; the calendar is read once per end date.
            end = t["end_date"]
            if end not in due_by_end:
                due_by_end[end] = letter_due_date(_Trip(end))
            due = due_by_end[end]
        rows.append({"trip_id": t["pk"], "campaign_id": t["campaign_id"], "team_id": t["team_id"],
                     "county_id": t["county_id"], "start_date": t["start_date"], "end_date": t["end_date"],
                     "status": t["status"], "sample": sample, "findings": t["n_findings"],
                     "major_findings": t["n_major"], "letter_due": due,
                     "first_letter_on": letters.get(t["pk"]) if due else None})
    return rows


class _Trip:
    """What ``letter_due_date`` reads of a trip: its last day."""

    def __init__(self, end_date):
        self.end_date = end_date


def _item_rows(county_ids):
    from django.db.models import BooleanField, ExpressionWrapper

    from rectification.choices import LetterStatus, SourceKind
    from rectification.models import ProblemItem

    items = _in(ProblemItem.objects.all(), "county_id", county_ids)
    rows = items.order_by().values("county_id", "team_id", "letter__campaign_id", "source_kind", "deadline").annotate(
        issued=ExpressionWrapper(Q(letter__isnull=True) | Q(letter__status=LetterStatus.ISSUED),
                                 output_field=BooleanField()),
        ledger_village=_ledger_village(SourceKind.SUPERVISION),
        total=Count("pk"), **{status: Count("pk", filter=Q(status=status)) for status in ITEM_STATES})
    return [{"county_id": r["county_id"], "team_id": r["team_id"], "campaign_id": r["letter__campaign_id"],
             "source_kind": r["source_kind"], "issued": bool(r["issued"]), "deadline": r["deadline"],
             "village_id": r["ledger_village"], "total": r["total"], **{status: r[status] for status in ITEM_STATES}}
            for r in rows]


# SPEC §8's states, one column each; anything not 已销号 is open (``total`` - ``closed``).
ITEM_STATES = ("pending", "in_progress", "reported", "closed")


def _ledger_village(kind):
    """The item's village for listed supervision's ledger (its panel is per listed village), else nothing."""
    from django.db.models import Case, IntegerField, When

    return Case(When(source_kind=kind, then=F("village_id")), default=None, output_field=IntegerField())


RECOUNTS = {
    m.VillageFact: _village_rows,
    m.VillageVisitFact: _village_visit_rows,
    m.VisitDayFact: _visit_day_rows,
    m.ProblemFact: _problem_rows,
    m.TripFact: _trip_rows,
    m.ItemFact: _item_rows,
}


def tables_of(kinds):
    out = []
    for kind in kinds or KINDS:
        for model in TABLES[kind]:
            if model not in out:
                out.append(model)
    return out


def recount(county_ids=None, kinds=None):
    """{table: rows} as the raw rows say they must be, for some counties (or all)."""
    return {model: RECOUNTS[model](county_ids) for model in tables_of(kinds)}


def snapshot(county_ids=None, kinds=None):
    """{table: rows} as the summary tables hold them (for the tests and ``check_dashboard``)."""
    out = {}
    for model in tables_of(kinds):
        out[model] = list(_in(model.objects.all(), "county_id", county_ids).values(*_fields(model)))
    return out


def differences(county_ids=None, kinds=None):
    """The rows where the summaries and a recount disagree, per table (empty when they agree)."""
    want, have = recount(county_ids, kinds), snapshot(county_ids, kinds)
    out = {}
    for model in want:
        a, b = _as_set(want[model]), _as_set(have[model])
        if a != b:
            out[model.__name__] = {"missing": sorted(a - b, key=str)[:20], "extra": sorted(b - a, key=str)[:20]}
    return out


def _as_set(rows):
    from collections import Counter

    return set(Counter(tuple(sorted(r.items())) for r in rows).items())


# --- writing them ----------------------------------------------------------------------------------

def _fields(model):
    return [f.attname for f in model._meta.concrete_fields if f.attname != "id"]


def _replace(model, county_ids, rows):
    """Make the table's rows of these counties equal ``rows``, writing only what differs.

    A write usually changes a handful of rows of one county: the others are left alone, so a refresh
    costs a read of the county's rows, and a delete and an insert of the few that changed.
    """
    from collections import Counter

    fields = _fields(model)
    pk = model._meta.pk.attname
    current = list(_in(model.objects.all(), "county_id", county_ids).values(pk, *fields))
    wanted = Counter(tuple(r[f] for f in fields) for r in rows)
    stale = []
    for row in current:
        key = tuple(row[f] for f in fields)
        if wanted[key] > 0:
            wanted[key] -= 1
        else:
            stale.append(row[pk])
    if stale:
        for start in range(0, len(stale), 5000):
            model.objects.filter(**{f"{pk}__in": stale[start:start + 5000]}).delete()
    new = [model(**dict(zip(fields, key, strict=True))) for key, n in wanted.items() for _ in range(n)]
    model.objects.bulk_create(new, batch_size=2000)
    return len(stale), len(new)


def bump_version(*, rebuilt=False):
    """Every cached dashboard page names a version: moving it on makes them all stale at once."""
    from .cache import forget_version

    now = timezone.now()
    state, _ = m.SummaryState.objects.get_or_create(pk=1)
    m.SummaryState.objects.filter(pk=1).update(
        version=F("version") + 1, refreshed_at=now, **({"rebuilt_at": now} if rebuilt else {}))
    transaction.on_commit(forget_version)
    return state


def current_version():
    return m.SummaryState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def summaries_refresh(*, county_ids, kinds=None):
    """Recount the summaries of these counties (the tables of ``kinds``, or all) from the raw rows.
    Returns the number of summary rows written (deleted or inserted)."""
    return _refresh(county_ids, kinds, bump=True)


@transaction.atomic
def _refresh(county_ids, kinds, *, bump):
    from villages.models import County

    ids = sorted(set(County.objects.filter(pk__in=list(county_ids)).values_list("pk", flat=True)))
    if not ids:
        return 0
    # Lock the counties in one order: a second refresh of the same county waits for this one.
    m.CountyRefresh.objects.bulk_create([m.CountyRefresh(county_id=pk) for pk in ids], ignore_conflicts=True)
    list(m.CountyRefresh.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    changed = 0
    for model, rows in recount(ids, kinds).items():
        changed += sum(_replace(model, ids, rows))
    m.CountyRefresh.objects.filter(pk__in=ids).update(refreshed_at=timezone.now())
    if bump and changed:
        # Cached pages stay valid when the write changed nothing the dashboards count.
        bump_version()
    return changed


def summaries_rebuild(*, kinds=None, chunk=8):
    """Recount every summary of every county (nightly; after a bulk load), a few counties at a time.

    Each chunk is its own transaction under the counties' locks, so memory stays flat at province scale and
    a refresh of one county waits for its chunk only. Returns the rows now held per table.
    """
    from villages.models import County

    county_ids = list(County.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(county_ids), chunk):
        _refresh(county_ids[start:start + chunk], kinds, bump=False)
    bump_version(rebuilt=True)
    return {model._meta.verbose_name: model.objects.count() for model in tables_of(kinds)}
