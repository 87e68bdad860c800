"""The monitoring of households (HN 四(一)3): 两不愁三保障, 不稳定脱贫户, 边缘户 — as database conditions.

One definition for the village summaries (villages/summaries.py), which keep these counts per village,
and for listed supervision, which reports them per county and village.
"""

from django.db.models import Count, Q, Sum

from .choices import GUARANTEES, HouseholdStatus

GUARANTEE_FIELDS = [name for name, _ in GUARANTEES]


def not_met(field):
    # Only an explicit "not met" counts; an unanswered guarantee (None) is 未填写, never a failure.
    return Q(**{field: False})


FAILING = Q()
for _field in GUARANTEE_FIELDS:
    FAILING |= not_met(_field)
UNFILLED = Q()
for _field in GUARANTEE_FIELDS:
    UNFILLED |= Q(**{f"{_field}__isnull": True})
# Meets 两不愁三保障: every guarantee entered as met.
MEETS_ALL = Q(**{_field: True for _field in GUARANTEE_FIELDS})

# The rule shown on the pages: an exited household is 不稳定 when any guarantee is not met
# or it is flagged 低收入户 (HN 三(六) 不稳定脱贫户的动态监测).
UNSTABLE = Q(status=HouseholdStatus.EXITED) & (FAILING | Q(is_low_income=True))
UNSTABLE_RULE = "已脱贫户中，“两不愁三保障”任一项未达标或被标记为低收入户的，计为不稳定脱贫户。"

# The monitoring's counts that the village summaries keep beside the households by status.
MONITORING = ["population", "failing", "unfilled", "unstable", *(f"{f}_not_met" for f in GUARANTEE_FIELDS)]


def monitoring_counts():
    """The Count/Sum expressions of MONITORING, over households."""
    figures = {
        "population": Sum("member_count"),
        "failing": Count("pk", filter=FAILING),
        "unfilled": Count("pk", filter=UNFILLED),
        "unstable": Count("pk", filter=UNSTABLE),
    }
    for field in GUARANTEE_FIELDS:
        figures[f"{field}_not_met"] = Count("pk", filter=not_met(field))
    return figures

