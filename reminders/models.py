"""The working-day calendar's editable table (holidays and adjusted working days)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class CalendarDay(models.Model):
    """A day that is not what its weekday says: an official holiday, or a weekend day worked instead.

    The official calendar (the ``chinese-calendar`` package) covers the years it
    knows; for later years — and to correct or anticipate a notice of the State
    Council — an administrator enters the days here. An entry here always wins.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日（休息）"
        WORKDAY = "workday", "调休上班日"

    date = models.DateField("日期", unique=True, error_messages={"unique": "该日期已登记。"})
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=32, blank=True, help_text="如：元旦、春节、国庆节。")

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y年%-m月%-d日} {self.get_kind_display()}{'（' + self.name + '）' if self.name else ''}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One reminder to one person (SPEC §10), in the app and in the day's e-mail digest.

    The row is also the reminder's exactly-once key: (kind, target, period,
    recipient) is unique, so a task run twice, retried after a crash or run by
    two workers at once inserts the row once — the insert *is* the claim.
    """

    class Mail(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        NONE = "none", "不发送邮件"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    kind = models.CharField("提醒类型", max_length=40)
    target = models.CharField("对象", max_length=80, help_text="如 team:3、teamcounty:12、county:5。")
    period = models.CharField("周期", max_length=16, help_text="如 2018-11-05（日）、2018-W44（周）、2018-10（月）、2018-Q3（季）。")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("提醒时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    mail = models.CharField("邮件", max_length=8, choices=Mail.choices, default=Mail.PENDING)
    mailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    run = models.ForeignKey("RunLog", models.SET_NULL, null=True, blank=True, related_name="notifications", verbose_name="运行记录")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "提醒消息"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target", "period", "recipient"], name="reminder_once_per_kind_target_period_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["mail", "recipient"], name="notification_mail_pending"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reminders:notification_open", args=[self.pk])

    @property
    def kind_label(self):
        from .registry import kind_label

        return kind_label(self.kind)


class NotificationPreference(models.Model):
    """A person's choice about reminder e-mails (in-app notifications always arrive)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_preference", verbose_name="用户"
    )
    email_enabled = models.BooleanField("接收邮件提醒", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "提醒设置"
        ordering = ["user"]

    def __str__(self):
        return f"{self.user}：{'接收' if self.email_enabled else '不接收'}邮件"


class MailDigest(models.Model):
    """The one e-mail a person gets on a day (claimed before sending: one digest per person per day)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name="接收人")
    day = models.DateField("日期")
    sent_at = models.DateTimeField("发送时间", default=timezone.now)
    count = models.PositiveIntegerField("提醒条数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "邮件汇总"
        ordering = ["-day", "recipient"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_person_per_day")]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.recipient}"


class RunLog(models.Model):
    """One run of one reminder kind for one date: what the operations page shows."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "定时任务"
        CATCH_UP = "catch_up", "补发"
        MANUAL = "manual", "手工运行"

    kind = models.CharField("提醒类型", max_length=40, db_index=True)
    run_date = models.DateField("提醒日期")
    trigger = models.CharField("触发方式", max_length=16, choices=Trigger.choices, default=Trigger.SCHEDULE)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    found = models.PositiveIntegerField("应提醒", default=0)
    sent = models.PositiveIntegerField("新发送", default=0)
    errors = models.PositiveIntegerField("出错", default=0)
    error_text = models.TextField("错误信息", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "提醒运行记录"
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["kind", "run_date"], name="runlog_kind_date")]

    def __str__(self):
        return f"{self.kind} {self.run_date:%Y-%m-%d}"

    @property
    def kind_label(self):
        from .registry import kind_label

        return kind_label(self.kind)

    @property
    def succeeded(self):
        return self.finished_at is not None and not self.error_text

    @property
    def duration(self):
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
