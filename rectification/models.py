"""Rectification (整改, HY 四、六; SPEC §8): letters and the one ledger of problem items.

A ``ProblemItem`` is the product's single ledger item: whatever raised it (a trip's finding,
a guidance visit's 共性问题, later a listed-supervision ledger entry) is kept as a generic
source, so lists, the 整改率 and reminders work on one table.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from villages.dates import cn_date
from villages.scoping import ScopedQuerySet
from villages.uploads import private_storage

from .choices import ExtensionStatus, ItemStatus, LetterStatus, NoticeKind, Severity, SourceKind


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
    # HY 四: the date the letter was due (3 working days after the trip), fixed when it is drafted, so that
    # "issued on time" is a comparison the database makes. Empty for letters that answer no trip.
    due_on = models.DateField("应发函日期", null=True, blank=True)
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

    @property
    def is_late(self):
        """Issued after its due date (HY 四: 3天内), or still a draft past it."""
        if self.due_on is None:
            return False
        return (self.issued_on or timezone.localdate()) > self.due_on


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
    # Sent back (核查未通过 or 重新打开) and not reported again since: the county's inbox shows it.
    sent_back_at = models.DateTimeField("退回时间", null=True, blank=True, editable=False)
    # HY 六: 发现重大问题要及时……报告市脱贫攻坚督查工作领导小组 — shown to the city office until acknowledged.
    escalated_at = models.DateTimeField("上报时间", null=True, blank=True, editable=False)
    escalated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", editable=False, verbose_name="上报人")
    escalation_note = models.TextField("上报说明", blank=True, editable=False)
    acknowledged_at = models.DateTimeField("市领导小组确认时间", null=True, blank=True, editable=False)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                        related_name="+", editable=False, verbose_name="确认人")
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
            # The year pickers of 整改率 and the assessment: the first and the last deadline.
            models.Index(fields=["deadline"], name="item_deadline"),
            # The city office's inbox: escalations not yet acknowledged (a handful among all items).
            models.Index(fields=["escalated_at"], condition=Q(escalated_at__isnull=False, acknowledged_at__isnull=True),
                         name="item_escalation_waiting"),
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

    @property
    def is_major(self):
        return self.severity == Severity.MAJOR

    @property
    def escalation_waiting(self):
        return self.escalated_at is not None and self.acknowledged_at is None


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


class ItemChildQuerySet(ScopedQuerySet):
    """Rows that hang on a problem item: seen by whoever sees the item (a draft letter's items are hidden)."""

    def visible_to(self, user):
        return self.filter(item__in=ProblemItem.objects.visible_to(user).values("pk"))


class EvidenceFile(models.Model):
    """A file the county sends with its 整改情况 (photos, PDF, Word/Excel/WPS), kept outside any public path."""

    item = models.ForeignKey(ProblemItem, models.CASCADE, related_name="evidence", verbose_name="整改问题")
    transition = models.ForeignKey(ItemTransition, models.SET_NULL, null=True, blank=True, related_name="evidence",
                                   verbose_name="随附的报告")
    file = models.FileField("文件", upload_to="rectification/evidence/%Y/%m/", storage=private_storage, max_length=255)
    thumbnail = models.FileField("缩略图", upload_to="rectification/thumbnails/%Y/%m/", storage=private_storage,
                                 blank=True, max_length=255)
    name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = ItemChildQuerySet.as_manager()
    county_lookup = "item__county"

    class Meta:
        verbose_name = verbose_name_plural = "整改佐证材料"
        ordering = ["item", "uploaded_at", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rectification:evidence_download", args=[self.pk])

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class ExtensionRequest(models.Model):
    """延期申请 (HY 六): the county asks with a reason and a new date; the issuer approves or rejects."""

    item = models.ForeignKey(ProblemItem, models.CASCADE, related_name="extensions", verbose_name="整改问题")
    reason = models.TextField("延期理由")
    current_deadline = models.DateField("原整改期限")
    requested_deadline = models.DateField("申请延至")
    status = models.CharField("状态", max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="申请人")
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="审批人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    objects = ItemChildQuerySet.as_manager()
    county_lookup = "item__county"

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["item", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item"], condition=Q(status=ExtensionStatus.PENDING),
                                    name="extension_one_pending",
                                    violation_error_message="该问题已有一份待审批的延期申请。"),
            models.CheckConstraint(condition=Q(requested_deadline__gt=F("current_deadline")),
                                   name="extension_after_deadline",
                                   violation_error_message="申请延至的日期必须晚于原整改期限。"),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="extension_status_asked")]

    def __str__(self):
        return f"延期至{cn_date(self.requested_deadline)}（{self.get_status_display()}）"

    def get_absolute_url(self):
        return self.item.get_absolute_url() + "#extensions"

    # What the permission matrix asks of the object it decides on (rosters/permissions.py duck-types):
    @property
    def county_id(self):
        return self.item.county_id

    @property
    def team(self):
        return self.item.team


class LookBack(models.Model):
    """回头看 (HY 四: 必要时组织“回头看”): a visit to check the rectification, recorded with a verification."""

    item = models.ForeignKey(ProblemItem, models.CASCADE, related_name="lookbacks", verbose_name="整改问题")
    transition = models.ForeignKey(ItemTransition, models.SET_NULL, null=True, blank=True, related_name="lookbacks",
                                   verbose_name="随附的核查")
    visited_on = models.DateField("回头看日期")
    people = models.CharField("参加人员", max_length=200)
    found = models.TextField("发现情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ItemChildQuerySet.as_manager()
    county_lookup = "item__county"

    class Meta:
        verbose_name = verbose_name_plural = "回头看"
        ordering = ["item", "visited_on", "pk"]

    def __str__(self):
        return f"{cn_date(self.visited_on)}回头看"


class Notice(models.Model):
    """通报表扬 / 通报批评 (HY 六), issued by the city office to a county or a unit in it, with a score change."""

    kind = models.CharField("类型", max_length=16, choices=NoticeKind.choices)
    county = models.ForeignKey("villages.County", models.PROTECT, related_name="notices", verbose_name="县（市、区）")
    unit = models.CharField("单位", max_length=200, blank=True, help_text="通报县内某单位（如某镇、某帮扶单位）时填写；空白表示通报该县。")
    # Signed: 加分 positive, 扣分 negative — the year's total is one SUM.
    score_change = models.DecimalField("加减分", max_digits=5, decimal_places=1)
    reason = models.TextField("事由")
    document_number = models.CharField("通报文号", max_length=50, blank=True)
    issued_on = models.DateField("通报日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="通报人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    county_lookup = "county"

    class Meta:
        verbose_name = verbose_name_plural = "通报"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=NoticeKind.PRAISE, score_change__gte=0) | Q(kind=NoticeKind.CRITICISM, score_change__lte=0),
                name="notice_score_sign", violation_error_message="通报表扬只能加分，通报批评只能扣分。"),
        ]
        indexes = [models.Index(fields=["county", "issued_on"], name="notice_county_day")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.unit or self.county.name}"

    def get_absolute_url(self):
        return reverse("rectification:notice_list") + f"#notice-{self.pk}"

    @property
    def target_name(self):
        return f"{self.county.name}{self.unit}" if self.unit else self.county.name
