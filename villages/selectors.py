from django.db.models import Count, Q, Sum

from .choices import POOR_STATUSES
from .models import County, Household, StarRating, Village


def place_counts(*, user):
    """Headline figures of what the user can see: counties, villages, households, key villages."""
    villages = Village.objects.visible_to(user)
    households = Household.objects.visible_to(user).aggregate(
        households=Count("pk"),
        poor_households=Count("pk", filter=Q(status__in=POOR_STATUSES)),
        poor_population=Sum("member_count", filter=Q(status__in=POOR_STATUSES)),
    )
    stars = StarRating.objects.visible_to(user).aggregate(
        key_villages=Count("pk", filter=Q(stars__gte=1)),
        three_star=Count("pk", filter=Q(stars=3)),
    )
    return {
        "counties": County.objects.visible_to(user).count(),
        "villages": villages.count(),
        "poor_villages": villages.filter(is_poor_village=True).count(),
        **households,
        "poor_population": households["poor_population"] or 0,
        **stars,
    }
