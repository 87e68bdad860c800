"""Guidance visits (ZZ 三, 四(二), 五, 六, 附件2; SPEC §6)."""

from functools import cached_property

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from villages.scoping import ScopedQuerySet

from .choices import (
    PROBLEM_CATEGORY_CHOICES,
    ChecklistResult,
    FindingCategory,
    FindingSeverity,
    InspectionMethod,
    ProblemKind,
    SampleLevel,
    TripStatus,
    VisitStatus,
)


class VisitQuerySet(ScopedQuerySet):
    def submitted(self):
        return self.filter(status=VisitStatus.SUBMITTED)


class RepeatVisitException(models.Model):
    """The city office allows one more visit to a village already guided in the campaign (ZZ 六(四))."""

    campaign = models.ForeignKey("rosters.Campaign", models.CASCADE, related_name="repeat_exceptions", verbose_name="工作周期")
    village = models.ForeignKey("villages.Village", models.CASCADE, related_name="repeat_exceptions", verbose_name="村")
    county = models.ForeignKey("villages.County", models.PROTECT, related_name="+", editable=False)
    reason = models.TextField("理由")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="批准人")
    granted_at = models.DateTimeField("批准时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    county_lookup = "county"

    class Meta:
        verbose_name = verbose_name_plural = "重复指导例外"
        ordering = ["-granted_at"]

    def __str__(self):
        return f"{self.village.name}（{self.campaign.name}）"

    def save(self, *args, **kwargs):
        self.county_id = self.village.county_id
        super().save(*args, **kwargs)


class GuidanceVisit(models.Model):
    """One 郑州市脱贫攻坚业务指导登记表 (ZZ 附件2): a group's visit to one village on one day."""

    campaign = models.ForeignKey("rosters.Campaign", models.PROTECT, related_name="visits", verbose_name="工作周期")
    team = models.ForeignKey("rosters.Team", models.PROTECT, related_name="visits", verbose_name="指导小组")
    # Denormalised from the village, so scoping is one join and the quota page one query.
    county = models.ForeignKey("villages.County", models.PROTECT, related_name="visits", verbose_name="县（市、区）")
    village = models.ForeignKey("villages.Village", models.PROTECT, related_name="visits", verbose_name="被指导村")
    visit_date = models.DateField("指导时间")
    status = models.CharField("状态", max_length=16, choices=VisitStatus.choices, default=VisitStatus.DRAFT)

    categories = models.JSONField("类别", default=list, blank=True, help_text="符合的重点村类别序号（ZZ 四(一) 的 8 类）。")
    # 贫困人口基本情况: prefilled from the village's households, editable on the form.
    rural_population = models.PositiveIntegerField("户籍农业人口", null=True, blank=True)
    poor_households = models.PositiveIntegerField("贫困户（户）", null=True, blank=True)
    poor_population = models.PositiveIntegerField("贫困人口（人）", null=True, blank=True)
    exited_households = models.PositiveIntegerField("已脱贫户（户）", null=True, blank=True)
    marginal_households = models.PositiveIntegerField("边缘户（户）", null=True, blank=True)
    population_note = models.TextField("贫困人口基本情况补充说明", blank=True)
    reduction_progress = models.TextField("减贫任务完成情况", blank=True)
    experience = models.TextField("典型经验", blank=True)
    experience_promoted = models.BooleanField("典型经验推广", default=False)
    experience_promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="推广决定人"
    )
    experience_promoted_at = models.DateTimeField("推广时间", null=True, blank=True)

    signers = models.ManyToManyField("rosters.Person", related_name="signed_visits", verbose_name="指导人签名", blank=True)
    # ZZ 六(四): county and township officials do not accompany; the form records who was there.
    local_officials_accompanied = models.BooleanField("县、乡干部陪同", default=False)
    others_present = models.CharField("其他在场人员", max_length=200, blank=True, help_text="如：村支书、第一书记。")
    repeat_exception = models.OneToOneField(
        RepeatVisitException, models.PROTECT, null=True, blank=True, related_name="visit", verbose_name="重复指导例外"
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="填表人")
    created_at = models.DateTimeField("填表时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="提交人"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = VisitQuerySet.as_manager()
    county_lookup = "county"

    class Meta:
        verbose_name = verbose_name_plural = "指导登记表"
        ordering = ["-visit_date", "-pk"]
        indexes = [
            models.Index(fields=["team", "visit_date"], name="visit_team_day"),
            models.Index(fields=["campaign", "village"], name="visit_campaign_village"),
            models.Index(fields=["county", "visit_date"], name="visit_county_day"),
            # The list's order (newest first) for the provincial office: a page read off the index.
            models.Index(fields=["visit_date", "id"], name="visit_list_order"),
        ]

    def __str__(self):
        return f"{self.visit_date:%Y-%m-%d} {self.village.name}"

    def get_absolute_url(self):
        return reverse("inspections:visit_detail", args=[self.pk])

    @property
    def is_submitted(self):
        return self.status == VisitStatus.SUBMITTED

    def signers_in_roster_order(self):
        """指导人签名 as the group's roster lists them: 组长 first."""
        from rosters.selectors import in_roster_order

        return in_roster_order(self.signers.all(), self.team_id)


class ChecklistEntry(models.Model):
    """One of the 18 guidance content items (ZZ 四(二)) as gone through on a visit."""

    visit = models.ForeignKey(GuidanceVisit, models.CASCADE, related_name="checklist", verbose_name="指导登记表")
    item = models.PositiveSmallIntegerField("指导内容", choices=PROBLEM_CATEGORY_CHOICES, validators=[MinValueValidator(1), MaxValueValidator(18)])
    result = models.CharField("结果", max_length=16, choices=ChecklistResult.choices)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指导内容"
        ordering = ["visit", "item"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="checklist_item_once")]

    def __str__(self):
        return f"{self.get_item_display()}：{self.get_result_display()}"


class Problem(models.Model):
    """A problem found on a visit (存在问题). 共性问题 go back to the county (ZZ 五(三))."""

    visit = models.ForeignKey(GuidanceVisit, models.CASCADE, related_name="problems", verbose_name="指导登记表")
    county = models.ForeignKey("villages.County", models.PROTECT, related_name="visit_problems", verbose_name="县（市、区）")
    village = models.ForeignKey("villages.Village", models.PROTECT, related_name="visit_problems", verbose_name="村")
    category = models.PositiveSmallIntegerField("问题类别", choices=PROBLEM_CATEGORY_CHOICES)
    kind = models.CharField("问题性质", max_length=16, choices=ProblemKind.choices)
    description = models.TextField("问题描述")
    fix = models.TextField("现场整改情况", blank=True, help_text="个性问题须填写现场指导整改的情况。")
    order = models.PositiveSmallIntegerField("序号", default=0)

    objects = ScopedQuerySet.as_manager()
    county_lookup = "county"

    class Meta:
        verbose_name = verbose_name_plural = "存在问题"
        ordering = ["visit", "order", "pk"]
        indexes = [
            models.Index(fields=["county", "kind"], name="problem_county_kind"),
            # The home pages' count of 共性问题: an index of those alone, by county.
            models.Index(fields=["county"], condition=models.Q(kind="common"), name="problem_common_county"),
        ]

    def __str__(self):
        return self.description[:40]

    def get_absolute_url(self):
        return self.visit.get_absolute_url()


class VisitCorrection(models.Model):
    """A change to a submitted form: who, when, why and what (SPEC §6, issue: locked after submission)."""

    visit = models.ForeignKey(GuidanceVisit, models.CASCADE, related_name="corrections", verbose_name="指导登记表")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="更正人")
    corrected_at = models.DateTimeField("更正时间", auto_now_add=True)
    reason = models.TextField("更正原因")
    changes = models.JSONField("更正内容", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "更正记录"
        ordering = ["-corrected_at"]

    def __str__(self):
        return f"{self.visit} 更正于 {self.corrected_at:%Y-%m-%d %H:%M}"


# --- Inspection trips (督查, HY 四; SPEC §7) ------------------------------------------------------


class InspectionTrip(models.Model):
    """One inspection group's trip (督查) to a county it covers: 1–2 days, about once a month (HY 四)."""

    campaign = models.ForeignKey("rosters.Campaign", models.PROTECT, related_name="trips", verbose_name="工作周期")
    team = models.ForeignKey("rosters.Team", models.PROTECT, related_name="trips", verbose_name="督查小组")
    county = models.ForeignKey("villages.County", models.PROTECT, related_name="trips", verbose_name="被督查县（市、区）")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    members = models.ManyToManyField("rosters.Person", related_name="trips", blank=True, verbose_name="参加人员")
    status = models.CharField("状态", max_length=16, choices=TripStatus.choices, default=TripStatus.PLANNED)
    # HY 四 sets a minimum sample; when the county's data cannot meet it, the group records why.
    sample_exception_reason = models.TextField("抽查例外理由", blank=True)
    sample_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="例外登记人"
    )
    sample_exception_at = models.DateTimeField("例外登记时间", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="安排人")
    created_at = models.DateTimeField("安排时间", auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="结束登记人"
    )
    ended_at = models.DateTimeField("结束登记时间", null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    county_lookup = "county"

    class Meta:
        verbose_name = verbose_name_plural = "督查"
        ordering = ["-start_date", "-pk"]
        indexes = [
            models.Index(fields=["team", "county", "start_date"], name="trip_team_county_day"),
            models.Index(fields=["campaign", "start_date"], name="trip_campaign_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="trip_dates_ordered",
                                   violation_error_message="结束日期不能早于开始日期。"),
        ]

    def __str__(self):
        return f"{self.team.name} {self.county.name} {self.start_date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("inspections:trip_detail", args=[self.pk])

    @property
    def is_ended(self):
        return self.status == TripStatus.ENDED

    @property
    def has_sample_exception(self):
        return bool(self.sample_exception_reason.strip())

    @property
    def days(self):
        return (self.end_date - self.start_date).days + 1


class TripSample(models.Model):
    """A township, village or household sampled on a trip (HY 四), with why it was chosen."""

    trip = models.ForeignKey(InspectionTrip, models.CASCADE, related_name="samples", verbose_name="督查")
    level = models.CharField("层级", max_length=16, choices=SampleLevel.choices)
    township = models.ForeignKey("villages.Township", models.PROTECT, related_name="trip_samples", verbose_name="乡（镇）")
    village = models.ForeignKey("villages.Village", models.PROTECT, null=True, blank=True, related_name="trip_samples", verbose_name="村")
    household = models.ForeignKey("villages.Household", models.PROTECT, null=True, blank=True, related_name="trip_samples", verbose_name="农户")
    reason = models.CharField("抽取理由", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽查对象"
        ordering = ["trip", "township_id", "village_id", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["trip", "township"], condition=models.Q(level=SampleLevel.TOWNSHIP),
                                    name="trip_sample_township_once"),
            models.UniqueConstraint(fields=["trip", "village"], condition=models.Q(level=SampleLevel.VILLAGE),
                                    name="trip_sample_village_once"),
            models.UniqueConstraint(fields=["trip", "household"], condition=models.Q(level=SampleLevel.HOUSEHOLD),
                                    name="trip_sample_household_once"),
            models.CheckConstraint(
                condition=(models.Q(level=SampleLevel.TOWNSHIP, village__isnull=True, household__isnull=True)
                           | models.Q(level=SampleLevel.VILLAGE, village__isnull=False, household__isnull=True)
                           | models.Q(level=SampleLevel.HOUSEHOLD, village__isnull=False, household__isnull=False)),
                name="trip_sample_level_fields",
            ),
        ]

    def __str__(self):
        target = self.household or self.village or self.township
        return f"{self.get_level_display()}：{target}"


class Finding(models.Model):
    """A problem found on a trip (发现问题), under one category of HY 附件.

    A rectification letter's problem items are made from findings (HY 四: 整改函、问题清单),
    so the row carries what an item needs: county, village and household (when the finding
    concerns one), the category, the description and the severity.
    """

    trip = models.ForeignKey(InspectionTrip, models.CASCADE, related_name="findings", verbose_name="督查")
    county = models.ForeignKey("villages.County", models.PROTECT, related_name="findings", verbose_name="县（市、区）")
    township = models.ForeignKey("villages.Township", models.PROTECT, null=True, blank=True, related_name="findings", verbose_name="乡（镇）")
    village = models.ForeignKey("villages.Village", models.PROTECT, null=True, blank=True, related_name="findings", verbose_name="村")
    household = models.ForeignKey("villages.Household", models.PROTECT, null=True, blank=True, related_name="findings", verbose_name="农户")
    category = models.CharField("类别", max_length=32, choices=FindingCategory.choices)
    description = models.TextField("问题描述")
    method = models.CharField("督查形式", max_length=32, choices=InspectionMethod.choices)
    severity = models.CharField("性质", max_length=16, choices=FindingSeverity.choices, default=FindingSeverity.GENERAL)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="记录人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    county_lookup = "county"

    class Meta:
        verbose_name = verbose_name_plural = "督查发现问题"
        ordering = ["trip", "pk"]
        indexes = [models.Index(fields=["county", "severity"], name="finding_county_severity")]

    def __str__(self):
        return self.description[:40]

    def get_absolute_url(self):
        return f"{self.trip.get_absolute_url()}#finding-{self.pk}"

    @property
    def category_label(self):
        return self.get_category_display()

    @property
    def is_major(self):
        return self.severity == FindingSeverity.MAJOR

    @property
    def target_label(self):
        """What the finding is attached to, as a reader says it (a household never with its full ID number)."""
        if self.household_id:
            return f"农户：{self.household.head_name}（{self.household.masked_id_number}），{self.village.name}"
        if self.village_id:
            return f"村：{self.village.name}"
        if self.township_id:
            return f"乡（镇）：{self.township.name}"
        return f"县（市、区）：{self.county.name}"


class OpinionExchange(models.Model):
    """交换意见 (HY 四): after each trip, the group and the inspected unit and its leaders."""

    trip = models.OneToOneField(InspectionTrip, models.CASCADE, related_name="exchange", verbose_name="督查")
    date = models.DateField("交换意见日期")
    with_whom = models.CharField("交换对象", max_length=300, help_text="被督查单位及在场的有关领导。")
    summary = models.TextField("意见摘要")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "交换意见"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.with_whom}"


class ArchiveHandover(models.Model):
    """HY 四: each group hands its files to the 业务科 on the last working day of each quarter."""

    team = models.ForeignKey("rosters.Team", models.PROTECT, related_name="archive_handovers", verbose_name="督查小组")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", validators=[MinValueValidator(1), MaxValueValidator(4)])
    trips = models.ManyToManyField(InspectionTrip, related_name="archive_handovers", verbose_name="移交的督查档案")
    handed_over_on = models.DateField("移交日期")
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="移交人")
    received_by = models.CharField("接收人（业务科）", max_length=64)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    county_lookup = "team__coverage__county"
    county_lookup_many = True

    class Meta:
        verbose_name = verbose_name_plural = "督查档案移交"
        ordering = ["-year", "-quarter", "team"]
        constraints = [models.UniqueConstraint(fields=["team", "year", "quarter"], name="archive_handover_once_per_quarter",
                                               violation_error_message="该小组本季度的档案已登记移交。")]

    def __str__(self):
        return f"{self.team.name} {self.year}年第{self.quarter}季度"

    def get_absolute_url(self):
        return reverse("inspections:archive_list")

    @cached_property  # a list page may give it from a lookup per quarter (trip_views.archive_view)
    def due_date(self):
        """HY 四: the quarter's last working day (official calendar, see reminders.calendar)."""
        import datetime

        from reminders.calendar import last_working_day_of_quarter

        return last_working_day_of_quarter(datetime.date(self.year, self.quarter * 3, 1))

    @property
    def is_late(self):
        return self.handed_over_on > self.due_date
