"""The visit columns of the key-village list (最近指导, 本周期已指导), registered in InspectionsConfig.ready.

The city office's first question on the key-village page is which 3-star
villages nobody has visited yet (ZZ 三: every village of a guidance campaign
is visited once). Both columns are subqueries on submitted forms the user may
see, so the page runs the same number of queries for 20 rows or 100.
"""

from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.fields import BooleanField

from .choices import VisitStatus
from .models import GuidanceVisit
from .selectors import default_campaign, guidance_campaigns


def key_village_visit_columns(queryset, *, user):
    visits = GuidanceVisit.objects.visible_to(user).filter(village=OuterRef("pk"), status=VisitStatus.SUBMITTED)
    campaign = default_campaign(guidance_campaigns(user=user))
    visited = Exists(visits.filter(campaign=campaign)) if campaign else Value(False, output_field=BooleanField())
    queryset = queryset.annotate(
        last_visit_date=Subquery(visits.order_by("-visit_date").values("visit_date")[:1]),
        visited_this_campaign=visited,
    )
    return queryset, {"visit_campaign": campaign}
