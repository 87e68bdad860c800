"""Every reminder of SPEC §10, by kind; the apps that own the data plug in what is due.

A *kind* is one line of SPEC §10's table: a key, a Chinese label, when it runs
(its schedule and the days it is due on) and its *period* (the day, ISO week,
month or quarter a reminder is sent once for). All kinds are declared here, so
the schedules, the operations page and ``run_reminders`` know them all; what a
kind finds is supplied by *finders*, registered by the app that owns the data.

Interface for the apps (call these in ``AppConfig.ready``; a lower app never
imports a higher one, so ``rectification`` and ``supervision`` register into
``reminders``, while ``reminders`` itself calls down into ``rosters`` and
``inspections``)::

    from reminders.registry import Due, TodoRow, register_finder, register_todo

    def overdue_items(day):                     # day: datetime.date (Asia/Shanghai)
        # One or a few set-based queries — never a query per item.
        ...
        yield Due(
            target=f"county:{county_id}",       # what the reminder concerns (≤ 80 chars)
            recipients=frozenset(user_ids),     # see reminders.recipients for set-based helpers
            title="登封市有 3 项整改问题已逾期",
            body="……",                          # plain text, Chinese; goes into the e-mail digest too
            link="/rectification/items/?county=5&status=overdue",
        )

    register_finder("item_overdue", overdue_items)

    def my_rows(user, today):                   # rows for 我的待办 (what is due or overdue for me this week)
        yield TodoRow(kind="item_overdue", title="……", due=date, link="/…", detail="……")

    register_todo(my_rows)

The runner (``reminders.services.reminders_send``) asks every finder of a kind
for a date, inserts one ``Notification`` per (kind, target, period, recipient)
under a unique constraint — the exactly-once key — and counts what was new.
A finder may also do its own writes for the date (e.g. marking items 逾期) as
long as they are idempotent; such a finder must accept a ``dry_run`` keyword:
``run_reminders --dry-run`` passes ``dry_run=True`` and then it must not write.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import calendar


@dataclass(frozen=True)
class Due:
    target: str
    recipients: frozenset
    title: str
    body: str = ""
    link: str = ""


@dataclass(frozen=True)
class TodoRow:
    kind: str
    title: str
    due: datetime.date | None = None
    link: str = ""
    detail: str = ""

    @property
    def kind_label(self):
        return kind_label(self.kind)


# --- periods: what a reminder is sent once for ---------------------------------------------------

def period_day(day):
    return day.isoformat()


def period_last_week(day):
    """The ISO week before ``day`` (a Monday reminder concerns the week just ended)."""
    year, week, _ = (day - datetime.timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def period_month(day):
    return f"{day:%Y-%m}"


def period_last_month(day):
    last = day.replace(day=1) - datetime.timedelta(days=1)
    return f"{last:%Y-%m}"


def period_quarter(day):
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


# --- schedules: the crontabs (reminders/migrations) and the days each kind is due ---------------

@dataclass(frozen=True)
class Schedule:
    key: str
    label: str
    periodic_task: str  # the django-celery-beat PeriodicTask's name


SCHEDULES = {
    s.key: s for s in (
        Schedule("daily", "每天 7:30（含季度最后一个工作日的判断）", "提醒：每日"),
        Schedule("weekly", "每周一 7:40", "提醒：每周一"),
        Schedule("monthly_1", "每月1日 7:50", "提醒：每月1日"),
        Schedule("monthly_4", "每月4日 7:50", "提醒：每月4日"),
        Schedule("monthly_20", "每月20日 7:50", "提醒：每月20日"),
        Schedule("monthly_26", "每月26日 7:50", "提醒：每月26日"),
    )
}


def _every_day(day):
    return True


def _monday(day):
    return day.weekday() == 0


def _day_of_month(n):
    return lambda day: day.day == n


def _quarter_end(day):
    # HY 四: decided inside the daily task — crontab has no "last working day".
    return day == calendar.last_working_day_of_quarter(day)


@dataclass
class Kind:
    key: str
    label: str
    schedule: str
    when: str  # in words, for the operations page
    clause: str  # the document it comes from
    is_due: Callable[[datetime.date], bool]
    period: Callable[[datetime.date], str]
    finders: list = field(default_factory=list)

    @property
    def schedule_label(self):
        return SCHEDULES[self.schedule].label

    def find(self, day, *, dry_run=False) -> Iterable[Due]:
        import inspect

        for finder in self.finders:
            if dry_run and "dry_run" in inspect.signature(finder).parameters:
                yield from finder(day, dry_run=True)
            else:
                yield from finder(day)


KINDS: dict[str, Kind] = {}


def declare(key, label, *, schedule, when, clause, is_due, period):
    KINDS[key] = Kind(key, label, schedule, when, clause, is_due, period)
    return KINDS[key]


# SPEC §10, line by line.
declare("item_due_soon", "整改问题3天内到期", schedule="daily", when="每天", clause="HY 四",
        is_due=_every_day, period=period_day)
declare("item_overdue", "整改问题逾期", schedule="daily", when="每天（标记逾期并通知县和交办组）", clause="HY 四",
        is_due=_every_day, period=period_day)
declare("letter_missing", "督查结束3个工作日未发整改函", schedule="daily", when="每天", clause="HY 四",
        is_due=_every_day, period=period_day)
# HY 六: 对特殊情况确需延长时间的，应及时报告原因和明确延长时限 — the extension rule's own clause.
declare("extension_waiting", "延期申请超过2个工作日未审批", schedule="daily", when="每天", clause="HY 六",
        is_due=_every_day, period=period_day)
declare("guidance_week_missed", "指导小组上周未到分包县指导", schedule="weekly", when="每周一（节假日周除外）", clause="ZZ 三",
        is_due=_monday, period=period_last_week)
declare("inspection_no_trip", "督查小组本月未安排督查", schedule="monthly_1", when="每月1日", clause="HY 四",
        is_due=_day_of_month(1), period=period_month)
declare("team_monthly_report", "督查小组向领导小组月度专题汇报", schedule="monthly_1", when="每月1日", clause="HY 四",
        is_due=_day_of_month(1), period=period_last_month)
declare("data_push_check", "上月数据推送与核对", schedule="monthly_4", when="每月4日", clause="HY 附件7",
        is_due=_day_of_month(4), period=period_last_month)
declare("listed_report_reminder", "挂牌督战进展25日前报送提醒", schedule="monthly_20", when="每月20日", clause="HN 五(三)",
        is_due=_day_of_month(20), period=period_month)
declare("listed_report_missing", "挂牌督战进展未报送名单", schedule="monthly_26", when="每月26日", clause="HN 五(三)",
        is_due=_day_of_month(26), period=period_month)
declare("archive_handover", "季度档案移交业务科室", schedule="daily", when="每季度最后一个工作日", clause="HY 四",
        is_due=_quarter_end, period=period_quarter)


def kind_label(key):
    kind = KINDS.get(key)
    return kind.label if kind else key


def kinds_of(schedule=None):
    return [k for k in KINDS.values() if schedule is None or k.schedule == schedule]


def register_finder(kind_key, finder):
    """Add what a kind finds due on a date (see the module docstring). Registering twice is harmless."""
    kind = KINDS[kind_key]  # an unknown key is a programming error: fail at start-up
    if finder not in kind.finders:
        kind.finders.append(finder)


TODO_PROVIDERS: list = []


def register_todo(provider):
    """Add a source of 我的待办 rows: ``provider(user, today) -> iterable of TodoRow``."""
    if provider not in TODO_PROVIDERS:
        TODO_PROVIDERS.append(provider)
