"""The per-village household figures of lists, home pages and the monitoring of listed supervision
(VillageSummary: households by status, population, 两不愁三保障 not met — villages/guarantees.py),
kept equal to a recount.

A summary is never incremented: the villages a write touched are recounted from their households
(one grouped query on the (village, status) index) and the rows stored, inside the writing
transaction. The summary rows are locked first, in village order, so two transactions writing
households of one village recount one after the other and the second sees the first's rows
(PostgreSQL's READ COMMITTED takes a new snapshot per statement); SQLite serialises writers anyway.

Who calls it:
- every save and delete of a Household through the ORM (services, forms, admin, factories), by
  the signal receivers below;
- the household import (villages.services), which writes with plain SQL, once for all the villages
  it touched;
- the demo generator, after its bulk inserts;
- the nightly recompute (villages.tasks.star_ratings_recompute), for every village.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.signals import post_delete, post_save

from .choices import POOR_STATUSES, HouseholdStatus
from .guarantees import MONITORING, monitoring_counts
from .listcache import data_changed
from .models import Household, Village, VillageSummary

STATUS_COLUMNS = [s.value for s in HouseholdStatus]  # VillageSummary has one column per status
FIGURES = ["households", *STATUS_COLUMNS, "poor_population", *MONITORING]
CHUNK = 2000


def recount(village_ids):
    """The figures of the given villages, counted from their households: {village id: {figure: n}}."""
    rows = {pk: dict.fromkeys(FIGURES, 0) for pk in village_ids}
    for row in Household.objects.filter(village_id__in=list(rows)).order_by().values("village_id").annotate(
        households=Count("pk"),
        poor_population=Sum("member_count", filter=Q(status__in=POOR_STATUSES)),
        **{status: Count("pk", filter=Q(status=status)) for status in STATUS_COLUMNS},
        **monitoring_counts(),
    ):
        village_id = row.pop("village_id")
        rows[village_id] = {k: v or 0 for k, v in row.items()}
    return rows


def village_summaries_refresh(*, village_ids=None):
    """Recount the households of the given villages (all of them when None) and store the figures.

    Returns the number of villages recounted.
    """
    if village_ids is None:
        ids = list(Village.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted({int(pk) for pk in village_ids if pk is not None})
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(ids[start:start + CHUNK])
    return len(ids)


@transaction.atomic
def _refresh_chunk(ids):
    # A village deleted meanwhile has no summary.
    places = {pk: (county, township) for pk, county, township in
              Village.objects.filter(pk__in=ids).values_list("pk", "county_id", "township_id")}
    ids = [pk for pk in ids if pk in places]
    if not ids:
        return
    # Make sure each row exists, then lock them in village order before counting (see the module docstring).
    have = set(VillageSummary.objects.filter(village_id__in=ids).values_list("village_id", flat=True))
    if missing := [pk for pk in ids if pk not in have]:
        VillageSummary.objects.bulk_create(
            [VillageSummary(village_id=pk, county_id=places[pk][0], township_id=places[pk][1]) for pk in missing],
            ignore_conflicts=True,
        )
    list(VillageSummary.objects.select_for_update().filter(village_id__in=ids).order_by("village_id")
         .values_list("village_id", flat=True))
    _store(recount(ids), places)


def _store(figures, places):
    """Write the recounted figures: INSERT … ON CONFLICT DO UPDATE, many villages a statement.

    This is the statement bulk_create(update_conflicts=True) sends, written here because the ORM
    builds a model instance and prepares every value of it through the field API: for the 3,500
    villages of a big household import that took a second, more than the recount itself. Being
    no write of the queryset, it tells the lists' cache itself (villages/listcache.py).
    """
    qn = connection.ops.quote_name
    meta = VillageSummary._meta
    columns = [qn(meta.get_field(name).column) for name in ["village", "county", "township", *FIGURES]]
    rows = [(pk, *places[pk], *(values[f] for f in FIGURES)) for pk, values in figures.items()]
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(columns)}) VALUES {{}} ON CONFLICT ({columns[0]}) "
           f"DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in columns[1:])}")
    per = max(1, min(500, (connection.features.max_query_params or 30000) // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            batch = rows[start:start + per]
            cursor.execute(sql.format(", ".join([one] * len(batch))), [v for row in batch for v in row])
    if rows:
        data_changed()


def summaries_equal_a_recount(village_ids=None):
    """The villages whose stored figures differ from a recount (empty when all agree): for tests and checks."""
    ids = list(Village.objects.values_list("pk", flat=True)) if village_ids is None else list(village_ids)
    stored = {s.pop("village_id"): s for s in VillageSummary.objects.filter(village_id__in=ids).values("village_id", *FIGURES)}
    counted = recount(ids)
    zero = dict.fromkeys(FIGURES, 0)
    return {pk: (stored.get(pk, zero), figures) for pk, figures in counted.items() if stored.get(pk, zero) != figures}


# --- the ORM's writes of households ----------------------------------------------------------------

_paused = ContextVar("village_summaries_paused", default=None)


@contextmanager
def paused():
    """Bulk work (the demo's reset of two million households): no recount per row, one for all at the end."""
    touched = set()
    token = _paused.set(touched)
    try:
        yield touched
    finally:
        _paused.reset(token)
    village_summaries_refresh(village_ids=touched)


def _household_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata
        return
    touched = _paused.get()
    if touched is not None:
        touched.update({instance.village_id, getattr(instance, "_loaded_village_id", None)} - {None})
        return
    village_ids = {instance.village_id, getattr(instance, "_loaded_village_id", None)}
    instance._loaded_village_id = instance.village_id
    village_summaries_refresh(village_ids=village_ids)


def _village_saved(sender, instance, created=False, raw=False, **kwargs):
    """A village moved to another township (the admin) carries its summary's place along."""
    if not raw and not created:
        VillageSummary.objects.filter(village_id=instance.pk).exclude(
            county_id=instance.county_id, township_id=instance.township_id
        ).update(county_id=instance.county_id, township_id=instance.township_id)


def _household_deleted(sender, instance, **kwargs):
    touched = _paused.get()
    if touched is not None:
        touched.update({instance.village_id, getattr(instance, "_loaded_village_id", None)} - {None})
        return
    village_summaries_refresh(village_ids={instance.village_id, getattr(instance, "_loaded_village_id", None)})


def connect():
    post_save.connect(_household_saved, sender=Household, dispatch_uid="village_summary_household_saved")
    post_delete.connect(_household_deleted, sender=Household, dispatch_uid="village_summary_household_deleted")
    post_save.connect(_village_saved, sender=Village, dispatch_uid="village_summary_village_saved")
