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
