from celery import shared_task

from . import summaries


@shared_task(name="dashboard.tasks.summaries_refresh")
def summaries_refresh(county_ids, kinds=None):
    """After a write: recount the dashboards' summaries of the counties it touched (ids, not objects)."""
    return summaries.summaries_refresh(county_ids=county_ids, kinds=kinds)


@shared_task(name="dashboard.tasks.summaries_rebuild")
def summaries_rebuild():
    """Nightly: recount every summary from the raw rows, whatever wrote them (bulk loads included)."""
    return summaries.summaries_rebuild()
