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
    if poor_households and 100 * (row["empty_measures"] or 0) / poor_households >= t["empty_measures_percent"]:
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
