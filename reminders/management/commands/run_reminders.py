import datetime

from django.core.management.base import BaseCommand, CommandError

from reminders import services
from reminders.models import RunLog
from reminders.registry import KINDS, SCHEDULES


class Command(BaseCommand):
    help = "按日期手工运行提醒（如故障后补发）：每条提醒对同一对象、同一周期只发一次，并列出本次发送的提醒。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="提醒日期，如 2018-11-05；默认今天（北京时间）。")
        parser.add_argument("--kind", action="append", choices=sorted(KINDS), help="只运行这一类提醒（可重复）；默认运行该日到期的全部提醒。")
        parser.add_argument("--schedule", choices=sorted(SCHEDULES), help="只运行这一计划中的提醒。")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的提醒，不写入、不发送。")
        parser.add_argument("--digest", action="store_true", help="随后发送当天的邮件汇总。")

    def handle(self, *args, date=None, kind=None, schedule=None, dry_run=False, digest=False, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from exc
        if kind:
            # A kind named by hand runs for that date even if it is not its usual day.
            from django.utils import timezone

            day = day or timezone.localdate()
            results = [services.reminders_send(kind=k, day=day, trigger=RunLog.Trigger.MANUAL, dry_run=dry_run) for k in kind]
        else:
            # Every kind due on that date (or the schedule's), for that date only: catching up by hand is a
            # run per missed date; what was sent already is not sent again.
            results = services.reminders_run(
                schedule=schedule, day=day, kinds=None if schedule else list(KINDS),
                trigger=RunLog.Trigger.MANUAL, dry_run=dry_run, catch_up=False,
            )
        total = 0
        verb = "将发送" if dry_run else "已发送"
        for r in results:
            self.stdout.write(f"{r.day:%Y-%m-%d} {KINDS[r.kind].label}（{r.period}）：应提醒 {r.found}，{verb} {len(r.sent)}")
            for n in r.sent:
                who = n.recipient.username if not dry_run else f"用户{n.recipient_id}"
                self.stdout.write(f"  → {who}：{n.title}")
            for e in r.errors:
                self.stderr.write(f"  ✗ {e}")
            total += len(r.sent)
        if not results:
            self.stdout.write("该日没有到期的提醒。")
        self.stdout.write(self.style.SUCCESS(f"合计{verb} {total} 条提醒。"))
        if digest and not dry_run:
            out = services.notification_digests_send(day=day)
            self.stdout.write(f"邮件汇总：{out['mails']} 封，{out['notifications']} 条提醒；仅站内 {out['in_app_only']} 人；出错 {len(out['errors'])}。")
