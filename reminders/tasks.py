import datetime

from celery import shared_task

from . import services


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


@shared_task(name="reminders.tasks.reminders_run")
def reminders_run(schedule="daily", day=None):
    """Beat's entry point for every reminder schedule (SPEC §10): the kinds due today and the days missed.

    Takes a schedule key and an ISO date (not objects); safe to run twice — each
    reminder is keyed by (kind, target, period, recipient).
    """
    results = services.reminders_run(schedule=schedule, day=_date(day))
    return {f"{r.kind}@{r.day.isoformat()}": len(r.sent) for r in results}


@shared_task(name="reminders.tasks.notification_digests_send")
def notification_digests_send(day=None):
    """Daily, after the reminders: one e-mail per person with the day's notifications."""
    result = services.notification_digests_send(day=_date(day))
    return {k: v for k, v in result.items() if k != "errors"} | {"errors": len(result["errors"])}
