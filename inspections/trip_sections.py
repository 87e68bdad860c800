"""What inspection trips add to other apps: the village page's trips, and category 7's problem count."""

from django.db.models import Count

from .choices import TripStatus
from .models import Finding
from .trip_selectors import trip_list, village_trips


def village_finding_counts(villages):
    """Findings of ended trips per village (rows of village_id, n): ZZ 四(一) 第7类 counts earlier problems."""
    return (
        Finding.objects.filter(village__in=villages, trip__status=TripStatus.ENDED)
        .values("village_id").annotate(n=Count("pk")).order_by()
    )


def village_trips_section(request, village):
    return {"trips": village_trips(user=request.user, village=village)[:20]}


def team_trips_section(request, team):
    """An inspection group's page lists its trips (the user's scope applies)."""
    if team.kind != "inspection":
        return None
    trips = trip_list(user=request.user).filter(team=team).annotate(finding_count=Count("findings"))
    return {"trips": trips[:50], "trip_count": trips.count()}
