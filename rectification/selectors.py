"""Reads of rectification (整改; SPEC §8), always scoped to what the user may see."""

from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Cast, Coalesce, NullIf, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from villages.scoping import get_visible_or_404

from .choices import ItemStatus
from .models import ProblemItem, RectificationLetter


def items_visible_to(user):
    return ProblemItem.objects.visible_to(user)


def letters_visible_to(user):
    return RectificationLetter.objects.visible_to(user)


def item_for(user, pk):
    return get_visible_or_404(ProblemItem.objects.select_related("letter", "team", "county", "village"), user, pk=pk)


def letter_for(user, pk):
    return get_visible_or_404(RectificationLetter.objects.select_related("team", "county", "trip", "campaign"),
                              user, pk=pk)


RATE_FORMULA = "整改率 = 已销号问题数 ÷（已到整改期限的问题数 + 提前销号的问题数）"

_GROUPS = {
    "county": ("county_id", "county__name"),
    "team": ("team_id", "team__name"),
}
_PERIODS = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


def rectification_rates(queryset, *, by="county", today=None, start=None, end=None):
    """整改率 per county, group or period (HY 六), computed by the database in one query.

    rate = closed ÷ (items whose deadline has passed + items closed before their deadline):
    every closed item is in the denominator (once), and so is every open item past its
    deadline; open items still within their deadline are not yet counted. ``start``/``end``
    limit the items to those whose deadline falls in the period. Rows are dicts with
    ``key``, ``label``, ``closed``, ``due`` and ``rate`` (a percentage, None when nothing is due).
    """
    today = today or timezone.localdate()
    qs = queryset.filter(deadline__isnull=False)
    if start:
        qs = qs.filter(deadline__gte=start)
    if end:
        qs = qs.filter(deadline__lte=end)
    closed = Q(status=ItemStatus.CLOSED)
    if by in _PERIODS:
        qs = qs.annotate(key=_PERIODS[by]("deadline")).annotate(label=F("key"))
    else:
        key, label = _GROUPS[by]
        qs = qs.annotate(key=F(key), label=Coalesce(F(label), Value("市扶贫办")) if by == "team" else F(label))
    rows = (qs.values("key", "label")
            .annotate(closed=Count("pk", filter=closed), due=Count("pk", filter=closed | Q(deadline__lt=today)))
            .annotate(rate=Cast(F("closed"), FloatField()) * 100.0 / NullIf(Cast(F("due"), FloatField()), 0.0))
            .order_by("key"))
    return list(rows)


def trips_awaiting_letter(user, limit=50):
    """Ended trips the user sees with findings and no issued letter yet (HY 四: 3天内发出整改函)."""
    from inspections.choices import TripStatus
    from inspections.models import InspectionTrip

    return (InspectionTrip.objects.visible_to(user).filter(status=TripStatus.ENDED, findings__isnull=False)
            .exclude(letters__status="issued").select_related("team", "county").distinct()
            .order_by("end_date", "pk")[:limit])
