from django.db.models import Count, F, Q, Sum

from .choices import POOR_STATUSES, HouseholdStatus
from .models import County, Household, StarRating, Village, VillageSummary


def place_counts(*, user):
    """Headline figures of what the user can see: counties, villages, households, key villages.

    Four reads of one table each, never of the households: the villages, their summaries
    (villages/summaries.py) and their ratings — at province scale 48,000 rows, not 2,000,000.
    """
    villages = Village.objects.visible_to(user).order_by().aggregate(
        villages=Count("pk"), poor_villages=Count("pk", filter=Q(is_poor_village=True)),
    )
    households = VillageSummary.objects.visible_to(user).order_by().aggregate(
        households=Sum("households"),
        poor_households=Sum(F("poor") + F("pre_exit") + F("returned")),
        poor_population=Sum("poor_population"),
    )
    stars = StarRating.objects.visible_to(user).order_by().aggregate(
        key_villages=Count("pk", filter=Q(stars__gte=1)),
        three_star=Count("pk", filter=Q(stars=3)),
    )
    figures = {**villages, **households, **stars}
    return {"counties": County.objects.visible_to(user).count(), **{k: v or 0 for k, v in figures.items()}}


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


# The lists' orders are read off an index (migration 0010), so a page is found without sorting the
# province: villages by county, township, name; households by village, then head of household.
VILLAGE_ORDER = ("county_id", "township_id", "name")
HOUSEHOLD_ORDER = ("village_id", "head_name", "id")


def village_list(*, user):
    """The villages the user may see, with their household count from the summary (no join of households;
    the page's count drops these joins)."""
    return (
        Village.objects.visible_to(user)
        .select_related("township__county", "star_rating", "summary")
        .order_by(*VILLAGE_ORDER)
    )


def household_list(*, user):
    return Household.objects.visible_to(user).select_related("village__township__county").order_by(*HOUSEHOLD_ORDER)


def household_count(*, user, county=None, township=None, village=None, status=None):
    """How many households the user may see (in a county, township or village; of one status), read from
    the villages' summaries alone."""
    summaries = VillageSummary.objects.visible_to(user).order_by()
    if county is not None:
        summaries = summaries.filter(county_id=county)
    if township is not None:
        summaries = summaries.filter(township_id=township)
    if village is not None:
        summaries = summaries.filter(village_id=village)
    return summaries.aggregate(n=Sum(status or "households"))["n"] or 0


def village_rating_explanation(village, *, year=None):
    """Why each of the 8 categories holds or not: the figure against the threshold, or the override."""
    from django.utils import timezone

    from .models import Category, CategoryOverride
    from .rating import categories_for, explain, rating_figures, thresholds_for

    thresholds = thresholds_for(year or timezone.localdate().year)
    row = rating_figures(Village.objects.filter(pk=village.pk))[village.pk]
    computed = set(categories_for(row, thresholds))
    texts = explain(row, thresholds)
    overrides = {
        o.category_id: o for o in CategoryOverride.objects.filter(village=village).select_related("decided_by")
    }
    out = []
    for category in Category.objects.all():
        override = overrides.get(category.pk)
        figure, threshold = texts[category.number]
        out.append({
            "category": category, "figure": figure, "threshold": threshold,
            "computed_met": category.number in computed,
            "met": override.met if override else category.number in computed,
            "override": override,
        })
    return out


def key_village_list(*, user):
    """Key villages: stars first, then the number of categories ("星级越高，越要重点关注", ZZ 四(一))."""
    return (
        Village.objects.visible_to(user).filter(star_rating__stars__gte=1)
        .select_related("township__county", "star_rating")
        .order_by("-star_rating__stars", "-star_rating__category_count", "county__name", "township__name", "name")
    )


def key_village_list_with_columns(*, user):
    """Key villages with the columns later apps register (villages/annotations.py), and what those apps say of them."""
    from .annotations import annotate_key_villages

    return annotate_key_villages(key_village_list(user=user), user=user)


def key_village_counts(*, villages):
    """Key villages per county and star level, computed by the database."""
    return list(
        villages.order_by().values("county__name").annotate(
            three=Count("pk", filter=Q(star_rating__stars=3)),
            two=Count("pk", filter=Q(star_rating__stars=2)),
            one=Count("pk", filter=Q(star_rating__stars=1)),
            total=Count("pk"),
        ).order_by("-three", "-two", "-total", "county__name")
    )
