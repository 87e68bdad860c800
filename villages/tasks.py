from celery import shared_task

from . import services


@shared_task(name="villages.tasks.star_ratings_recompute")
def star_ratings_recompute(village_ids=None):
    """Nightly, and after data changes: recompute the key-village stars."""
    return services.star_ratings_recompute(village_ids=village_ids)


@shared_task(name="villages.tasks.village_snapshots_take")
def village_snapshots_take():
    """Monthly, on the 1st: the figures that category 3's 大进大出 compares month to month."""
    return services.village_snapshots_take()
