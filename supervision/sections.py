"""What this app adds to other apps: a listed village's supervision card on the village page."""

from django.db.models import Count, Q

from .choices import IndicatorResult
from .models import ListedVillage
from .selectors import active_indicators, ledger_items


def village_listing_section(request, village):
    """The village's place in the newest listing, with its indicators met and open ledger items."""
    listed = (
        ListedVillage.objects.visible_to(request.user).filter(village=village)
        .select_related("listing").order_by("-listing__target_date").first()
    )
    if listed is None:
        return {"listed": None}
    counts = listed.indicator_statuses.filter(indicator__is_active=True).aggregate(
        met=Count("pk", filter=Q(result=IndicatorResult.MET)),
        not_met=Count("pk", filter=Q(result=IndicatorResult.NOT_MET)),
    )
    return {
        "listed": listed, "indicator_total": active_indicators().count(), **counts,
        "open_entries": ledger_items(listing=listed.listing).filter(village=village).open().count(),
    }
