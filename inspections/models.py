"""Guidance visits (ZZ 三, 四(二), 五, 六, 附件2; SPEC §6)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from villages.scoping import ScopedQuerySet

from .choices import PROBLEM_CATEGORY_CHOICES, ChecklistResult, ProblemKind, VisitStatus


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
        indexes = [models.Index(fields=["county", "kind"], name="problem_county_kind")]

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
