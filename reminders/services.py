"""Sending reminders exactly once, the day's e-mail digest, and a person's notifications (SPEC §10)."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .models import MailDigest, Notification, NotificationPreference, RunLog
from .registry import KINDS, SCHEDULES, kinds_of

logger = logging.getLogger(__name__)

# How far back a run looks for due dates it missed (the broker or beat was down): a month and a bit,
# so a monthly reminder missed on its day is still sent, and a long outage cannot flood anyone.
CATCH_UP_DAYS = 35


@dataclass
class SendResult:
    kind: str
    day: datetime.date
    period: str
    found: int
    sent: list  # the Notification rows this run inserted (unsaved ones on a dry run)
    errors: list


def _insert(rows, errors):
    """Insert the rows; a conflict with an existing key is skipped (INSERT … ON CONFLICT DO NOTHING).

    One transaction for all: a run interrupted halfway leaves nothing, and its
    retry inserts everything once. If the batch fails for another reason (a
    recipient's account deleted meanwhile), each row is tried alone so one
    failing recipient does not stop the others.
    """
    if not rows:
        return
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        return
    except (IntegrityError, DatabaseError) as exc:
        logger.warning("reminder batch failed, inserting one by one: %s", exc)
    for row in rows:
        row.pk = None
        try:
            with transaction.atomic():
                Notification.objects.bulk_create([row], ignore_conflicts=True)
        except (IntegrityError, DatabaseError) as exc:
            errors.append(f"{row.target} → 用户{row.recipient_id}：{exc}")


def reminders_send(*, kind: str, day: datetime.date, trigger=RunLog.Trigger.SCHEDULE, dry_run=False) -> SendResult:
    """Send one kind's reminders due on ``day``; what was already sent for its period is not sent again."""
    spec = KINDS[kind]
    period = spec.period(day)
    log = None if dry_run else RunLog.objects.create(kind=kind, run_date=day, trigger=trigger)
    errors = []
    try:
        dues = list(spec.find(day, dry_run=dry_run))
        wanted = {}
        for due in dues:
            for user_id in due.recipients:
                wanted.setdefault((due.target, user_id), due)
        # One query for what this period already has; the unique constraint settles races.
        existing = set(
            Notification.objects.filter(kind=kind, period=period, target__in={t for t, _ in wanted})
            .values_list("target", "recipient_id")
        ) if wanted else set()
        now = timezone.now()
        rows = [
            Notification(
                kind=kind, target=target, period=period, recipient_id=user_id, title=due.title[:200],
                body=due.body, link=due.link[:300], created_at=now, run=log,
            )
            for (target, user_id), due in wanted.items() if (target, user_id) not in existing
        ]
        if dry_run:
            return SendResult(kind, day, period, len(wanted), rows, errors)
        _insert(rows, errors)
        sent = list(Notification.objects.filter(run=log).select_related("recipient").order_by("target", "recipient_id"))
    except Exception as exc:
        if log is not None:
            log.finished_at = timezone.now()
            log.error_text = f"{type(exc).__name__}: {exc}"
            log.save(update_fields=["finished_at", "error_text"])
        raise
    log.finished_at = timezone.now()
    log.found, log.sent, log.errors = len(wanted), len(sent), len(errors)
    log.error_text = "\n".join(errors)[:5000]
    log.save(update_fields=["finished_at", "found", "sent", "errors", "error_text"])
    return SendResult(kind, day, period, len(wanted), sent, errors)


def last_success(kind: str):
    """The latest date a kind ran for without error (None if never)."""
    return (
        RunLog.objects.filter(kind=kind, finished_at__isnull=False, error_text="")
        .aggregate(d=Max("run_date"))["d"]
    )


def due_dates(kind: str, day: datetime.date, *, catch_up=True):
    """The dates up to ``day`` on which the kind was due and has not run since its last success (bounded)."""
    spec = KINDS[kind]
    start = day
    if catch_up:
        last = last_success(kind)
        if last is not None and last < day:
            start = max(last + datetime.timedelta(days=1), day - datetime.timedelta(days=CATCH_UP_DAYS))
    out = []
    d = start
    while d <= day:
        if spec.is_due(d):
            out.append(d)
        d += datetime.timedelta(days=1)
    return out


def reminders_run(*, schedule: str | None = None, day: datetime.date | None = None, kinds=None,
                  trigger=RunLog.Trigger.SCHEDULE, dry_run=False, catch_up=True) -> list[SendResult]:
    """Run every kind of a schedule (or all, or the ``kinds`` named) for ``day`` and the due dates it missed.

    The daily schedule also catches up the weekly and monthly kinds: if the
    broker was down on the 1st, the 2nd's daily run sends the 1st's reminders.
    A kind that fails is logged and does not stop the others.
    """
    day = day or timezone.localdate()
    own = None
    if kinds is None:
        if schedule is not None and schedule not in SCHEDULES:
            raise ValueError(f"未知的提醒计划：{schedule}")
        own = {k.key for k in kinds_of(schedule)}
        # The daily run also looks after the other schedules' missed days (not today: their own crontab's).
        kinds = list(KINDS) if schedule == "daily" and catch_up else sorted(own)
    results = []
    for kind in kinds:
        for d in due_dates(kind, day, catch_up=catch_up and not dry_run):
            if own is not None and kind not in own and d == day:
                continue
            how = trigger if d == day else RunLog.Trigger.CATCH_UP
            try:
                results.append(reminders_send(kind=kind, day=d, trigger=how, dry_run=dry_run))
            except Exception:
                logger.exception("reminder kind %s for %s failed", kind, d)
    return results


# --- e-mail: one digest per person per day -------------------------------------------------------

def _mail_wanted(user_ids):
    off = set(NotificationPreference.objects.filter(user_id__in=user_ids, email_enabled=False).values_list("user_id", flat=True))
    return off


@transaction.atomic
def _digest_one(user, day):
    MailDigest.objects.create(recipient=user, day=day)  # the claim: IntegrityError if already sent today
    pending = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(recipient=user, mail=Notification.Mail.PENDING).order_by("created_at", "pk")
    )
    if not pending:
        transaction.set_rollback(True)
        return 0
    lines = [f"{user.display_name}，您好：", "", f"扶贫督导系统今天（{day.year}年{day.month}月{day.day}日）有 {len(pending)} 条提醒：", ""]
    for i, n in enumerate(pending, 1):
        lines.append(f"{i}. 【{n.kind_label}】{n.title}")
        if n.link:
            lines.append(f"   {settings.SITE_URL.rstrip('/')}{n.link}" if getattr(settings, "SITE_URL", "") else f"   {n.link}")
    lines += ["", "请登录系统查看“我的提醒”和“我的待办”。如不需要邮件提醒，可在“我的提醒”页面设置不接收邮件。"]
    now = timezone.now()
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(mail=Notification.Mail.SENT, mailed_at=now)
    MailDigest.objects.filter(recipient=user, day=day).update(count=len(pending))
    # Sent inside the transaction: a failed send rolls the claim back and the rows stay pending.
    send_mail(f"【扶贫督导】{day.month}月{day.day}日提醒汇总（{len(pending)}条）", "\n".join(lines),
              settings.DEFAULT_FROM_EMAIL, [user.email])
    return len(pending)


def notification_digests_send(*, day: datetime.date | None = None) -> dict:
    """Send each person one e-mail with their unsent notifications; people without e-mail, or who
    turned it off, keep them in the app only. A failing address does not stop the others."""
    from rosters.models import User

    day = day or timezone.localdate()
    pending_users = set(Notification.objects.filter(mail=Notification.Mail.PENDING).values_list("recipient_id", flat=True).distinct())
    off = _mail_wanted(pending_users)
    users = list(User.objects.filter(pk__in=pending_users))
    no_mail = [u.pk for u in users if not u.email or u.pk in off or not u.is_active]
    Notification.objects.filter(recipient_id__in=no_mail, mail=Notification.Mail.PENDING).update(mail=Notification.Mail.NONE)
    result = {"mails": 0, "notifications": 0, "in_app_only": len(no_mail), "errors": []}
    for user in users:
        if user.pk in no_mail:
            continue
        try:
            n = _digest_one(user, day)
        except IntegrityError:
            continue  # already had today's digest: the rest waits for tomorrow's
        except Exception as exc:  # noqa: BLE001 — one bad address must not stop the others
            logger.warning("digest to %s failed: %s", user.email, exc)
            result["errors"].append(f"{user.username}: {exc}")
            continue
        if n:
            result["mails"] += 1
            result["notifications"] += n
    return result


# --- a person's notifications ----------------------------------------------------------------------

def notifications_mark_all_read(*, acting_user) -> int:
    return Notification.objects.filter(recipient=acting_user, read_at__isnull=True).update(read_at=timezone.now())


def notification_open(*, acting_user, notification: Notification) -> Notification:
    if notification.recipient_id != acting_user.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只能查看发给自己的提醒。")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_preference_set(*, acting_user, email_enabled: bool) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.update_or_create(user=acting_user, defaults={"email_enabled": email_enabled})
    return pref


def todo_rows(*, user, today: datetime.date | None = None):
    """我的待办: every registered provider's rows for the user, due soonest first."""
    from .registry import TODO_PROVIDERS

    today = today or timezone.localdate()
    rows = []
    for provider in TODO_PROVIDERS:
        try:
            rows.extend(provider(user, today))
        except Exception:  # noqa: BLE001 — one broken source must not hide the others
            logger.exception("to-do provider %s failed", provider)
    return sorted(rows, key=lambda r: (r.due or datetime.date.max, r.title))
