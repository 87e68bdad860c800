"""Rectification (整改, HY 四、六; SPEC §8): letters and the one ledger of problem items.

A ``ProblemItem`` is the product's single ledger item: whatever raised it (a trip's finding,
a guidance visit's 共性问题, later a listed-supervision ledger entry) is kept as a generic
source, so lists, the 整改率 and reminders work on one table.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from villages.scoping import ScopedQuerySet

from .choices import ItemStatus, LetterStatus, Severity, SourceKind


class LetterQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        qs = super().visible_to(user)
        # A draft is the issuer's working copy: the county sees a letter once it is sent.
        if getattr(user, "is_county_officer", False):
            qs = qs.filter(status=LetterStatus.ISSUED)
        return qs


class RectificationLetter(models.Model):
    """整改函 (HY 四): sent to the inspected unit, copied to the county's party committee and government."""

    campaign = models.ForeignKey("rosters.Campaign", models.PROTECT, related_name="letters", verbose_name="工作周期")
    team = models.ForeignKey("rosters.Team", models.PROTECT, null=True, blank=True, related_name="letters",
                             verbose_name="发函小组", help_text="空白表示由市扶贫办发函。")
    county = models.ForeignKey("villages.County", models.PROTECT, related_name="letters", verbose_name="被督查县（市、区）")
    trip = models.ForeignKey("inspections.InspectionTrip", models.PROTECT, null=True, blank=True, related_name="letters",
                             verbose_name="督查")
    addressee = models.CharField("主送", max_length=200)
    cc = models.CharField("抄送", max_length=200, blank=True)
    body = models.TextField("正文", blank=True)
    # 文号, e.g. 河扶督〔2018〕12号: the prefix belongs to the issuing body; serials run per prefix and year.
    prefix = models.CharField("发文字", max_length=20)
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    serial = models.PositiveIntegerField("序号", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    issued_on = models.DateField("发函日期", null=True, blank=True)
    issued_at = models.DateTimeField("发出时间", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="签发人")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="拟稿人")
    created_at = models.DateTimeField("拟稿时间", auto_now_add=True)

    objects = LetterQuerySet.as_manager()
    county_lookup = "county"

    class Meta:
        verbose_name = verbose_name_plural = "整改函"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year", "serial"], name="letter_number_once",
                                    violation_error_message="该文号已被使用。"),
            models.CheckConstraint(
                condition=Q(status=LetterStatus.DRAFT) | Q(year__isnull=False, serial__isnull=False, issued_on__isnull=False),
                name="letter_issued_numbered"),
        ]
        indexes = [models.Index(fields=["county", "status"], name="letter_county_status")]

    def __str__(self):
        return self.number or f"{self.county.name}整改函（草稿）"

    def get_absolute_url(self):
        return reverse("rectification:letter_detail", args=[self.pk])

    @property
    def number(self):
        if self.serial is None:
            return ""
        return f"{self.prefix}〔{self.year}〕{self.serial}号"

    @property
    def is_issued(self):
        return self.status == LetterStatus.ISSUED

    @property
    def issuer_name(self):
        return self.team.name if self.team_id else "市扶贫办"


class LetterCounter(models.Model):
    """The last serial used per prefix and year; locked while a letter takes the next one."""

    prefix = models.CharField("发文字", max_length=20)
    year = models.PositiveSmallIntegerField("年份")
    last_serial = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "整改函文号"
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="letter_counter_once")]

    def __str__(self):
        return f"{self.prefix}〔{self.year}〕{self.last_serial}号"


class ItemQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        qs = super().visible_to(user)
        if getattr(user, "is_county_officer", False):
            qs = qs.filter(Q(letter__isnull=True) | Q(letter__status=LetterStatus.ISSUED))
        return qs

    def overdue(self, today=None):
        """逾期: past the deadline and not closed — one query on the partial index ``item_open_deadline``."""
        today = today or timezone.localdate()
        return self.filter(deadline__lt=today).exclude(status=ItemStatus.CLOSED)

    def open(self):
        return self.exclude(status=ItemStatus.CLOSED)


class ProblemItem(models.Model):
    """One problem to rectify (问题清单的一项), from issue to closure (销号)."""

    county = models.ForeignKey("villages.County", models.PROTECT, related_name="problem_items", verbose_name="县（市、区）")
    village = models.ForeignKey("villages.Village", models.PROTECT, null=True, blank=True, related_name="problem_items",
                                verbose_name="村")
    household = models.ForeignKey("villages.Household", models.PROTECT, null=True, blank=True,
                                  related_name="problem_items", verbose_name="农户")
    description = models.TextField("问题描述")
    category = models.CharField("问题类别", max_length=100, blank=True)
    severity = models.CharField("性质", max_length=16, choices=Severity.choices, default=Severity.GENERAL)
    source_kind = models.CharField("来源", max_length=32, choices=SourceKind.choices, default=SourceKind.OTHER)
    content_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name="来源类型")
    object_id = models.PositiveBigIntegerField("来源编号", null=True, blank=True)
    source = GenericForeignKey("content_type", "object_id")
    letter = models.ForeignKey(RectificationLetter, models.CASCADE, null=True, blank=True, related_name="items",
                               verbose_name="整改函")
    team = models.ForeignKey("rosters.Team", models.PROTECT, null=True, blank=True, related_name="problem_items",
                             verbose_name="督促小组", help_text="空白表示由市扶贫办督促。")
    responsible_unit = models.CharField("责任单位", max_length=200, blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING,
                              editable=False)
    report = models.TextField("整改情况", blank=True)
    verified_at = models.DateTimeField("核查通过时间", null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    editable=False, verbose_name="核查人")
    closed_on = models.DateField("销号日期", null=True, blank=True, editable=False)
    order = models.PositiveSmallIntegerField("序号", default=0)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ItemQuerySet.as_manager()
    county_lookup = "county"

    class Meta:
        verbose_name = verbose_name_plural = "整改问题"
        ordering = ["letter_id", "order", "pk"]
        indexes = [
            models.Index(fields=["county", "status"], name="item_county_status"),
            # "overdue" = deadline < today among open items: a partial index holds only the open ones.
            models.Index(fields=["deadline"], condition=~Q(status=ItemStatus.CLOSED), name="item_open_deadline"),
        ]
        constraints = [
            # One item per source: a finding or 共性问题 is listed once, whoever drafts at the same moment.
            models.UniqueConstraint(fields=["content_type", "object_id"], name="item_source_once",
                                    violation_error_message="该问题已列入整改，不能重复列入。"),
            models.CheckConstraint(condition=~Q(status=ItemStatus.CLOSED) | Q(closed_on__isnull=False),
                                   name="item_closed_has_date"),
        ]

    def __str__(self):
        return self.description[:40]

    def get_absolute_url(self):
        return reverse("rectification:item_detail", args=[self.pk])

    def is_overdue_on(self, today):
        return self.status != ItemStatus.CLOSED and self.deadline is not None and self.deadline < today

    @property
    def is_overdue(self):
        return self.is_overdue_on(timezone.localdate())

    @property
    def is_verified(self):
        return self.verified_at is not None


class ItemTransition(models.Model):
    """One step of an item's timeline: who moved it, when, from which state to which, and why."""

    item = models.ForeignKey(ProblemItem, models.CASCADE, related_name="transitions", verbose_name="整改问题")
    action = models.CharField("操作", max_length=16)
    from_status = models.CharField("原状态", max_length=16, choices=ItemStatus.choices)
    to_status = models.CharField("新状态", max_length=16, choices=ItemStatus.choices)
    note = models.TextField("说明", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "整改过程"
        ordering = ["item", "at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
