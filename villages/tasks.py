from celery import shared_task

from . import services


@shared_task(name="villages.tasks.star_ratings_recompute")
def star_ratings_recompute(village_ids=None):
    """Nightly, and after data changes: recompute the key-village stars."""
    return services.star_ratings_recompute(village_ids=village_ids)
