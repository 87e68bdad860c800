"""Reads for the notification list and the operations page."""

from django.db.models import Max, Q

from .models import Notification, NotificationPreference, RunLog
from .registry import KINDS, SCHEDULES


def notification_list(*, user, unread_only=False):
    qs = Notification.objects.filter(recipient=user)
    return qs.unread() if unread_only else qs


def email_enabled(*, user) -> bool:
    return not NotificationPreference.objects.filter(user=user, email_enabled=False).exists()


def schedule_overview():
    """Each schedule with its beat entry, and each kind with its last run (a fixed number of queries)."""
    from django_celery_beat.models import PeriodicTask

    tasks = {t.name: t for t in PeriodicTask.objects.filter(task__startswith="reminders.").select_related("crontab")}
    last_ids = RunLog.objects.values("kind").annotate(last=Max("pk")).values_list("last", flat=True)
    last = {r.kind: r for r in RunLog.objects.filter(pk__in=list(last_ids))}
    last_ok = dict(
        RunLog.objects.filter(finished_at__isnull=False, error_text="").values("kind")
        .annotate(d=Max("run_date")).values_list("kind", "d")
    )
    schedules = []
    for s in SCHEDULES.values():
        kinds = [
            {"kind": k, "last": last.get(k.key), "last_ok": last_ok.get(k.key), "has_finder": bool(k.finders)}
            for k in KINDS.values() if k.schedule == s.key
        ]
        schedules.append({"schedule": s, "task": tasks.get(s.periodic_task), "kinds": kinds})
    digest = next((t for t in tasks.values() if t.task == "reminders.tasks.notification_digests_send"), None)
    return schedules, digest


def recent_runs(limit=50):
    return RunLog.objects.filter(Q(sent__gt=0) | Q(errors__gt=0) | ~Q(error_text=""))[:limit]
