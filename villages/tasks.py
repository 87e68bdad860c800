from celery import shared_task

from . import jobs, services, summaries


@shared_task(name="villages.tasks.star_ratings_recompute")
def star_ratings_recompute(village_ids=None):
    """Nightly, and after data changes: recompute the key-village stars.

    The nightly run (all villages) also recounts every village's household figures, so the
    summaries the lists show are rebuilt from the households once a day whatever happened."""
    if village_ids is None:
        summaries.village_summaries_refresh()
    return services.star_ratings_recompute(village_ids=village_ids)


@shared_task(name="villages.tasks.village_snapshots_take")
def village_snapshots_take():
    """Monthly, on the 1st: the figures that category 3's 大进大出 compares month to month."""
    return services.village_snapshots_take()


@shared_task(name="villages.tasks.job_run")
def job_run(job_id):
    """A long export or import (villages/jobs.py); runs once however often it is delivered."""
    return jobs.job_run(job_id=job_id)


@shared_task(name="villages.tasks.jobs_cleanup")
def jobs_cleanup():
    """Hourly: remove the files of jobs past their day."""
    return jobs.jobs_cleanup()
