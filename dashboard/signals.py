"""Keep the summaries (``dashboard.summaries``) equal to the raw rows, from the other apps' writes.

The apps below ``dashboard`` do not know it exists. Here, at start-up
(``DashboardConfig.ready``), the dashboards listen to the saves and deletes of the
models they count and to the star-rating task of ``villages`` (which writes its
ratings in bulk, with no model signal). Each write adds the counties it touches —
before and after, a corrected form may move to another county — to a set kept
for the transaction; once the transaction commits, one Celery task recounts those
counties. A write rolled back queues nothing.

Writes that change only what the live panels read (listed supervision, rosters,
the calendar of working days) move the cache version on, so no page shows them stale.
"""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save

from . import summaries as s

_pending = threading.local()


def _queue(kinds, county_ids):
    county_ids = {c for c in county_ids if c is not None}
    if not county_ids:
        return
    pending = getattr(_pending, "items", None)
    if pending is None:
        pending = _pending.items = {}
    for kind in kinds:
        pending.setdefault(kind, set()).update(county_ids)
    # Every write registers the flush; the first to run after the commit takes the whole set.
    transaction.on_commit(_flush)


def _flush():
    pending = getattr(_pending, "items", None)
    if not pending:
        return
    _pending.items = {}
    from .tasks import summaries_refresh

    counties = sorted(set().union(*pending.values()))
    summaries_refresh.delay(county_ids=counties, kinds=sorted(pending))


def _queue_version():
    transaction.on_commit(_bump_version)


def _bump_version():
    s.bump_version()


def _remember_county(sender, instance, **kwargs):
    # The county the row had when it was read, to recount it too if a write moves the row elsewhere.
    instance._dashboard_county_id = instance.__dict__.get("county_id")


def _counties(instance):
    return {instance.__dict__.get("county_id"), getattr(instance, "_dashboard_county_id", None)}


def _on(kinds):
    def receiver(sender, instance, **kwargs):
        _queue(kinds, _counties(instance))
    return receiver


def _village_of_rating(sender, instance, **kwargs):
    from villages.models import Village

    county_id = Village.objects.filter(pk=instance.village_id).values_list("county_id", flat=True).first()
    _queue([s.VILLAGES], {county_id})


def _problem_changed(sender, instance, **kwargs):
    _queue([s.PROBLEMS], _counties(instance))


def _letter_changed(sender, instance, **kwargs):
    # Issuing a letter numbers it and makes its items visible to the county; its trip's letter is in.
    _queue([s.TRIPS, s.ITEMS], _counties(instance))


def _calendar_changed(sender, instance, **kwargs):
    # A holiday entered by the admin moves every letter's due date (HY 四: 3 working days).
    from villages.models import County

    _queue([s.TRIPS], set(County.objects.values_list("pk", flat=True)))


def _version_only(sender, instance, **kwargs):
    _queue_version()


def _ratings_recomputed(sender=None, kwargs=None, **extra):
    """villages' star recompute writes ratings in bulk: recount the villages it rated."""
    from villages.models import County, Village

    village_ids = (kwargs or {}).get("village_ids")
    if village_ids is None:
        counties = set(County.objects.values_list("pk", flat=True))
    else:
        counties = set(Village.objects.filter(pk__in=list(village_ids)).values_list("county_id", flat=True))
    _queue([s.VILLAGES], counties)


STAR_TASK = "villages.tasks.star_ratings_recompute"


def _task_done(sender=None, task=None, kwargs=None, state=None, **extra):
    if getattr(task, "name", None) == STAR_TASK and state == "SUCCESS":
        _ratings_recomputed(kwargs=kwargs)


def connect():
    from celery.signals import task_postrun

    from inspections.models import Finding, GuidanceVisit, InspectionTrip, Problem, RepeatVisitException
    from rectification.models import ProblemItem, RectificationLetter
    from reminders.models import CalendarDay
    from rosters.models import Campaign, Team, TeamCounty
    from supervision.models import (
        ExitIndicator,
        IndicatorStatus,
        ListedCounty,
        ListedVillage,
        Listing,
        MemberUnit,
        MonthlyReport,
    )
    from villages.models import City, County, StarRating, Village

    watched = {
        Village: [s.VILLAGES, s.VISITS],
        GuidanceVisit: [s.VISITS, s.PROBLEMS],
        InspectionTrip: [s.TRIPS, s.PROBLEMS],
        Finding: [s.TRIPS, s.PROBLEMS],
        ProblemItem: [s.ITEMS],
    }
    for model, kinds in watched.items():
        post_init.connect(_remember_county, sender=model, dispatch_uid=f"dashboard-init-{model.__name__}")
        for signal in (post_save, post_delete):
            signal.connect(_on(kinds), sender=model, weak=False, dispatch_uid=f"dashboard-{signal}-{model.__name__}")
    for signal in (post_save, post_delete):
        signal.connect(_problem_changed, sender=Problem, dispatch_uid=f"dashboard-{signal}-Problem")
        signal.connect(_village_of_rating, sender=StarRating, dispatch_uid=f"dashboard-{signal}-StarRating")
        signal.connect(_letter_changed, sender=RectificationLetter, dispatch_uid=f"dashboard-{signal}-Letter")
        signal.connect(_calendar_changed, sender=CalendarDay, dispatch_uid=f"dashboard-{signal}-CalendarDay")
        for model in (RepeatVisitException, Campaign, Team, TeamCounty, City, County, Listing, ListedCounty,
                      ListedVillage, ExitIndicator, IndicatorStatus, MonthlyReport, MemberUnit):
            signal.connect(_version_only, sender=model, dispatch_uid=f"dashboard-{signal}-{model.__name__}")
    task_postrun.connect(_task_done, weak=False, dispatch_uid="dashboard-star-ratings")
