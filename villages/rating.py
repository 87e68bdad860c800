"""The 8-category key-village star rating (ZZ 四(一), SPEC §4).

Category 7 counts this system's own problem records from earlier visits,
inspections and rectification. Each app that records problems registers a
source here (in its ``AppConfig.ready``), so the rating has one place to
extend and no import of the apps that come after it.
"""

from collections.abc import Callable

from django.db.models import QuerySet

# A source takes a queryset of villages and returns a queryset of
# ``{"village_id": ..., "n": ...}`` rows: the number of problems per village.
ProblemSource = Callable[[QuerySet], QuerySet]

_problem_sources: list[ProblemSource] = []


def register_problem_source(source: ProblemSource) -> ProblemSource:
    if source not in _problem_sources:
        _problem_sources.append(source)
    return source


def problem_sources() -> tuple[ProblemSource, ...]:
    return tuple(_problem_sources)


# Defaults used until the city office sets the year's thresholds. The source
# documents give no figures (ZZ 四(一) names the categories only).
DEFAULT_THRESHOLDS = {
    "incidence_percent": 3.0,  # 1: poor population ÷ registered rural population, in %
    "poor_population": 100,  # 2: poor people in the village
    "empty_measures_percent": 20.0,  # 3: share of poor households with no assistance measure, in %
    "flagged_households": 30,  # 4: households that are 边缘户/低保/五保/重病/残疾
    "petition_count": 3,  # 6: petitions
    "problem_count": 5,  # 7: problems found earlier + negative online reports
    "distance_km": 30.0,  # 8: distance to the county seat
    "swing_people": 20,  # 3: 大进大出 — change of poor + exited people between the last two monthly snapshots
}


def categories_for(row, thresholds):
    """Which of the 8 categories a village meets, from its aggregated figures."""
    t = thresholds
    met = []
    rural = row["rural_population"] or 0
    poor = row["poor_population"] or 0
    if rural and 100 * poor / rural >= t["incidence_percent"]:
        met.append(1)
    if poor >= t["poor_population"]:
        met.append(2)
    poor_households = row["poor_households"] or 0
    empty_share_high = poor_households and 100 * (row["empty_measures"] or 0) / poor_households >= t["empty_measures_percent"]
    swing = row.get("swing")
    if empty_share_high or (swing is not None and swing >= t["swing_people"]):
        met.append(3)
    if (row["flagged_households"] or 0) >= t["flagged_households"]:
        met.append(4)
    if row["is_weak_party_org"]:
        met.append(5)
    if row["petition_count"] >= t["petition_count"]:
        met.append(6)
    if (row["problem_count"] or 0) + row["negative_report_count"] >= t["problem_count"]:
        met.append(7)
    distance = row["distance_to_county_km"]
    if distance is not None and float(distance) >= t["distance_km"]:
        met.append(8)
    return met


def thresholds_for(year):
    """The year's thresholds as the city office set them, else the defaults."""
    from .models import RatingThreshold

    saved = RatingThreshold.objects.filter(year=year).first()
    return {**DEFAULT_THRESHOLDS, **(saved.as_dict() if saved else {})}


def rating_figures(villages, *, restricted=True):
    """The figures behind the 8 categories, per village id, in one grouped query per source."""
    from django.db.models import Count, Q, Sum

    from .choices import POOR_STATUSES, HouseholdStatus
    from .models import Household

    rows = {
        r["pk"]: {**r, "poor_population": 0, "poor_households": 0, "empty_measures": 0, "flagged_households": 0,
                  "problem_count": 0}
        for r in villages.values(
            "pk", "rural_population", "is_weak_party_org", "petition_count", "negative_report_count",
            "distance_to_county_km",
        )
    }
    poor = Q(status__in=POOR_STATUSES)
    households = Household.objects.filter(village__in=villages) if restricted else Household.objects.all()
    for agg in households.values("village_id").annotate(
        poor_population=Sum("member_count", filter=poor),
        poor_households=Count("pk", filter=poor),
        empty_measures=Count("pk", filter=poor & Q(measures="")),
        flagged_households=Count(
            "pk",
            filter=Q(status=HouseholdStatus.MARGINAL) | Q(is_dibao=True) | Q(is_wubao=True)
            | Q(is_serious_illness=True) | Q(is_disabled=True),
        ),
    ).order_by():
        row = rows.get(agg["village_id"])
        if row is not None:
            row.update({k: v or 0 for k, v in agg.items() if k != "village_id"})
    for source in problem_sources():
        for agg in source(villages):
            if agg["village_id"] in rows:
                rows[agg["village_id"]]["problem_count"] += agg["n"]
    _add_swings(rows, villages, restricted=restricted)
    return rows


def _add_swings(rows, villages, *, restricted):
    """大进大出: the change between the two latest monthly snapshots, per village."""
    from .models import VillageSnapshot

    months = list(VillageSnapshot.objects.order_by("-month").values_list("month", flat=True).distinct()[:2])
    if len(months) < 2:
        return
    snapshots = VillageSnapshot.objects.filter(month__in=months)
    if restricted:
        snapshots = snapshots.filter(village__in=villages)
    by_village = {}
    for village_id, month, poor, exited in snapshots.values_list("village_id", "month", "poor_population", "exited_population"):
        by_village.setdefault(village_id, {})[month] = (poor, exited)
    latest, previous = months
    for village_id, pair in by_village.items():
        if village_id in rows and latest in pair and previous in pair:
            (p1, e1), (p0, e0) = pair[latest], pair[previous]
            rows[village_id]["swing"] = abs(p1 - p0) + abs(e1 - e0)
            rows[village_id]["swing_months"] = (previous, latest)


def _month(day):
    # One date style everywhere: 2018年10月, never 2018年01月.
    return f"{day.year}年{day.month}月"


def explain(row, t):
    """For each category: (number, figure, threshold) as text an officer can check."""
    rural, poor = row["rural_population"] or 0, row["poor_population"] or 0
    poor_households = row["poor_households"] or 0
    distance = row["distance_to_county_km"]
    return {
        1: (f"贫困发生率 {100 * poor / rural:.2f}%（{poor:,}/{rural:,}人）" if rural else "户籍农业人口未填",
            f"≥ {t['incidence_percent']:g}%"),
        2: (f"贫困人口 {poor:,} 人", f"≥ {t['poor_population']:g} 人"),
        3: (f"无帮扶措施户 {row['empty_measures']}/{poor_households} 户"
            + (f"（{100 * row['empty_measures'] / poor_households:.1f}%）" if poor_households else "")
            + (f"；{_month(row['swing_months'][0])}至{_month(row['swing_months'][1])}贫困、脱贫人口变动 {row['swing']:,} 人"
               if row.get("swing") is not None else "；尚无两个月的数据快照"),
            f"≥ {t['empty_measures_percent']:g}% 或变动 ≥ {t['swing_people']:g} 人"),
        4: (f"边缘户、低保户、五保户、重病户、残疾人户 {row['flagged_households']} 户", f"≥ {t['flagged_households']:g} 户"),
        5: ("已列入软弱涣散村" if row["is_weak_party_org"] else "未列入软弱涣散村", "列入即符合"),
        6: (f"信访问题 {row['petition_count']} 件", f"≥ {t['petition_count']:g} 件"),
        7: (f"督导考核问题 {row['problem_count']} 条 + 网上负面信息 {row['negative_report_count']} 条",
            f"≥ {t['problem_count']:g} 条"),
        8: (f"距县城 {distance} 公里" if distance is not None else "距县城距离未填", f"≥ {t['distance_km']:g} 公里"),
    }
