"""What this app adds to other apps: the village page's visits, and category 7's problem count."""

import rules
from django.db.models import Count

from .choices import VisitStatus
from .forms import RepeatExceptionForm
from .models import Problem, RepeatVisitException
from .selectors import visit_list
from .services import may_record_visits


def village_problem_counts(villages):
    """Problems on submitted forms per village (rows of village_id, n)."""
    return (
        Problem.objects.filter(village__in=villages, visit__status=VisitStatus.SUBMITTED)
        .values("village_id").annotate(n=Count("pk")).order_by()
    )


def village_visits_section(request, village):
    user = request.user
    return {
        "visits": visit_list(user=user).filter(village=village).annotate(problem_count=Count("problems"))[:20],
        "can_record": may_record_visits(user),
        "exception_form": (
            RepeatExceptionForm(user=user) if rules.has_perm("inspections.grant_repeat_exception", user, village) else None
        ),
        "exceptions": RepeatVisitException.objects.filter(village=village).select_related("campaign", "granted_by", "visit"),
    }
