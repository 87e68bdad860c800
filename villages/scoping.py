"""The one mechanism that scopes every query to what a user may see (SPEC §1).

Every model a county officer can reach uses ``ScopedQuerySet`` and names, in
``county_lookup``, the path from itself to its county. Views, exports and
APIs call ``Model.objects.visible_to(user)``; a row outside the user's scope
simply does not exist for them, so a request for it answers 404.
"""

from django.db import models
from django.shortcuts import get_object_or_404


def visible_county_ids(user):
    """Return a queryset of the county ids ``user`` may see, or ``None`` for all.

    The answer is the user's own (``User.visible_county_ids``, in ``rosters``,
    which knows roles and teams): this module asks it and imports nothing of
    the apps above it.
    """
    from villages.models import County

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return County.objects.none().values("pk")
    return user.visible_county_ids()


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        county_ids = visible_county_ids(user)
        if county_ids is None:
            return self
        lookup = self.model.county_lookup
        qs = self.filter(**{f"{lookup}__in" if lookup else "pk__in": county_ids})
        # A lookup across a to-many relation (a team covering two counties) repeats rows.
        return qs.distinct() if getattr(self.model, "county_lookup_many", False) else qs


def get_visible_or_404(queryset, user, **lookup):
    """Fetch one object the user may see; anything else is a plain 404."""
    return get_object_or_404(queryset.visible_to(user), **lookup)
