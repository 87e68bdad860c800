from django.db.models import Count, Q, Sum

from .choices import POOR_STATUSES, HouseholdStatus
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


def village_population_summary(village):
    """Current figures of a village (贫困人口基本情况), computed from its households."""
    figures = Household.objects.filter(village=village).aggregate(
        households=Count("pk"),
        poor_households=Count("pk", filter=Q(status__in=POOR_STATUSES)),
        poor_population=Sum("member_count", filter=Q(status__in=POOR_STATUSES)),
        pre_exit_households=Count("pk", filter=Q(status=HouseholdStatus.PRE_EXIT)),
        exited_households=Count("pk", filter=Q(status=HouseholdStatus.EXITED)),
        marginal_households=Count("pk", filter=Q(status=HouseholdStatus.MARGINAL)),
    )
    figures["poor_population"] = figures["poor_population"] or 0
    figures["rural_population"] = village.rural_population
    figures["incidence_percent"] = (
        round(100 * figures["poor_population"] / village.rural_population, 2) if village.rural_population else None
    )
    return figures


def village_rating_summary(village):
    """The categories (numbers 1–8) the village meets today and its stars."""
    rating = StarRating.objects.filter(village=village).values("categories", "stars").first()
    return rating or {"categories": [], "stars": 0}


def village_list(*, user):
    return (
        Village.objects.visible_to(user)
        .select_related("township__county", "star_rating")
        .annotate(household_count=Count("households"))
        .order_by("county__name", "township__name", "name")
    )


def household_list(*, user):
    return Household.objects.visible_to(user).select_related("village__township__county").order_by(
        "village__county__name", "village__township__name", "village__name", "head_name"
    )
