"""Listed supervision (挂牌督战, SPEC §9; 豫脱贫组〔2020〕6号, "HN")."""

import datetime

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from villages.scoping import ScopedQuerySet
from villages.uploads import private_storage

from .choices import REPORT_DUE_DAY, IndicatorResult, LeaderLevel, LedgerKind


class Listing(models.Model):
    """One year's list of supervised counties and villages, tied to the listed-supervision campaign."""

    campaign = models.OneToOneField(
        "rosters.Campaign", models.PROTECT, related_name="listing", verbose_name="挂牌督战工作周期"
    )
    name = models.CharField("名称", max_length=100)
    # HN 三: 确保所有督战对象2020年9月底前全部达到脱贫标准.
    target_date = models.DateField("目标日期", help_text="所有督战对象达到脱贫标准的期限。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "挂牌督战名单"
        ordering = ["-target_date", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("supervision:campaign", args=[self.pk])


class ListedCounty(models.Model):
    """A county listed for supervision (HN 附件1) with the provincial leader who covers it."""

    listing = models.ForeignKey(Listing, models.CASCADE, related_name="counties", verbose_name="挂牌督战名单")
    county = models.ForeignKey("villages.County", models.PROTECT, related_name="listings", verbose_name="县（市、区）")
    team = models.ForeignKey(
        "rosters.Team", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="督战组"
    )
    leader = models.ForeignKey(
        "rosters.Person", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="省级督战领导"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    county_lookup = "county"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "挂牌督战县"
        ordering = ["listing", "order", "county__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "county"], name="listed_county_once", violation_error_message="该县已在名单中。"
            )
        ]

    def __str__(self):
        return self.county.name

    def get_absolute_url(self):
        return reverse("supervision:county_detail", args=[self.pk])


class ListedVillage(models.Model):
    """A poor village not yet exited, listed for supervision (HN 附件2)."""

    listing = models.ForeignKey(Listing, models.CASCADE, related_name="villages", verbose_name="挂牌督战名单")
    village = models.ForeignKey("villages.Village", models.PROTECT, related_name="listings", verbose_name="村")
    # Denormalised from the village so that scoping is one join.
    county = models.ForeignKey(
        "villages.County", models.PROTECT, related_name="listed_villages", verbose_name="县（市、区）", editable=False
    )
    order = models.PositiveSmallIntegerField("序号", default=0)

    county_lookup = "county"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "挂牌督战村"
        ordering = ["listing", "order", "county__name", "village__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "village"], name="listed_village_once", violation_error_message="该村已在名单中。"
            )
        ]

    def save(self, *args, **kwargs):
        self.county_id = self.village.county_id
        super().save(*args, **kwargs)

    def __str__(self):
        return self.village.name

    def get_absolute_url(self):
        return reverse("supervision:village_detail", args=[self.pk])


class VillageLeader(models.Model):
    """A city- or county-level leader who takes charge of a listed village (HN 四(二), 四(三))."""

    listed_village = models.ForeignKey(ListedVillage, models.CASCADE, related_name="leaders", verbose_name="挂牌督战村")
    level = models.CharField("层级", max_length=16, choices=LeaderLevel.choices)
    name = models.CharField("姓名", max_length=32)
    position = models.CharField("职务", max_length=100, blank=True)
    # The leader's own place: a county-level leader belongs to a county, a city-level one to a city.
    county = models.ForeignKey(
        "villages.County", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所在县（市、区）"
    )
    city = models.ForeignKey("villages.City", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所在市")
    assigned_by = models.ForeignKey("rosters.User", models.PROTECT, null=True, related_name="+", verbose_name="登记人")
    assigned_at = models.DateTimeField("登记时间", auto_now_add=True)

    county_lookup = "listed_village__county"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "分包领导"
        ordering = ["listed_village", "level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["listed_village", "level", "name"], name="village_leader_once",
                violation_error_message="该领导已分包此村。",
            ),
            models.CheckConstraint(
                condition=(Q(level=LeaderLevel.COUNTY) & Q(county__isnull=False))
                | (Q(level=LeaderLevel.CITY) & Q(city__isnull=False)),
                name="village_leader_has_place",
                violation_error_message="县级领导须填所在县，市级领导须填所在市。",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.name}"


class ExitIndicator(models.Model):
    """One indicator of a poor village's exit (HN 四(一)3 counts 11; the list is kept by the admin)."""

    name = models.CharField("指标", max_length=64, unique=True, error_messages={"unique": "已有同名的指标。"})
    description = models.TextField("说明", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "贫困村退出指标"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class IndicatorStatus(models.Model):
    """A listed village's standing on one exit indicator: 达标 / 未达标, with a date and evidence."""

    listed_village = models.ForeignKey(ListedVillage, models.CASCADE, related_name="indicator_statuses", verbose_name="挂牌督战村")
    indicator = models.ForeignKey(ExitIndicator, models.PROTECT, related_name="statuses", verbose_name="指标")
    result = models.CharField("结果", max_length=16, choices=IndicatorResult.choices)
    assessed_on = models.DateField("认定日期")
    evidence = models.TextField("佐证说明", blank=True)
    evidence_file = models.FileField(
        "佐证材料", upload_to="supervision/evidence/%Y/%m/", storage=private_storage, blank=True, max_length=255
    )
    evidence_content_type = models.CharField("材料类型", max_length=100, blank=True, editable=False)
    evidence_name = models.CharField("原文件名", max_length=255, blank=True, editable=False)
    updated_by = models.ForeignKey("rosters.User", models.PROTECT, related_name="+", verbose_name="填报人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    county_lookup = "listed_village__county"
    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "退出指标情况"
        ordering = ["listed_village", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["listed_village", "indicator"], name="one_status_per_village_indicator"),
            # HN 四(二) 逐一对账销号: 达标 only with evidence.
            models.CheckConstraint(
                condition=~Q(result=IndicatorResult.MET) | ~Q(evidence=""),
                name="indicator_met_has_evidence",
                violation_error_message="认定达标必须填写佐证说明。",
            ),
        ]

    def __str__(self):
        return f"{self.listed_village.village.name} {self.indicator.name}：{self.get_result_display()}"

    def get_absolute_url(self):
        return self.listed_village.get_absolute_url()


class LedgerProblem(models.Model):
    """A problem put on the listed-supervision ledger (HN 四(二) 建立工作台账): one exit indicator found
    未达标, or one household found failing 两不愁三保障, once.

    It is the source of exactly one rectification ProblemItem, which holds the problem's
    state (待整改 → 整改中 → 已整改待核查 → 已销号), deadline and timeline; this row has no
    state of its own. A problem that comes back after its item was closed is a new problem
    found on a new day — a new row and a new item — so the closed item keeps its 销号 and
    each month's figures stay what they were.
    """

    listing = models.ForeignKey(Listing, models.PROTECT, related_name="ledger_problems", verbose_name="挂牌督战名单")
    kind = models.CharField("来源", max_length=16, choices=LedgerKind.choices)
    listed_village = models.ForeignKey(
        ListedVillage, models.PROTECT, null=True, blank=True, related_name="ledger_problems", verbose_name="挂牌督战村"
    )
    indicator_status = models.ForeignKey(
        IndicatorStatus, models.PROTECT, null=True, blank=True, related_name="ledger_problems", verbose_name="退出指标"
    )
    household = models.ForeignKey(
        "villages.Household", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="贫困户"
    )
    found_at = models.DateTimeField("建账时间", auto_now_add=True)
    found_by = models.ForeignKey("rosters.User", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="建账人")
    # The item this problem became: ProblemItem.objects.filter(ledger_problem__…) reads the ledger.
    items = GenericRelation("rectification.ProblemItem", related_query_name="ledger_problem")

    class Meta:
        verbose_name = verbose_name_plural = "督战台账问题"
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=LedgerKind.INDICATOR) & Q(indicator_status__isnull=False) & Q(household__isnull=True))
                | (Q(kind=LedgerKind.HOUSEHOLD) & Q(household__isnull=False) & Q(indicator_status__isnull=True)),
                name="ledger_problem_has_its_source",
                violation_error_message="台账问题须来自一项退出指标或一户贫困户。",
            ),
        ]

    def __str__(self):
        if self.kind == LedgerKind.INDICATOR:
            return f"{self.listed_village}：{self.indicator_status.indicator.name}未达标"
        return f"{self.household.head_name}：“两不愁三保障”未达标"

    def get_absolute_url(self):
        if self.listed_village_id:
            return reverse("supervision:village_detail", args=[self.listed_village_id])
        return reverse("supervision:ledger_list")


class MemberUnit(models.Model):
    """A member unit of the provincial leading group (省脱贫攻坚领导小组成员单位), which also reports (HN 五(三))."""

    name = models.CharField("单位名称", max_length=100, unique=True, error_messages={"unique": "已有同名的成员单位。"})
    reporters = models.ManyToManyField("rosters.User", blank=True, related_name="member_units", verbose_name="填报账号")
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("需报送", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "省脱贫攻坚领导小组成员单位"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class MonthlyReport(models.Model):
    """A month's progress report of a city's leading group or a member unit (HN 五(三)), due by the 25th."""

    listing = models.ForeignKey(Listing, models.PROTECT, related_name="reports", verbose_name="挂牌督战名单")
    month = models.DateField("月份", help_text="当月1日。")
    city = models.ForeignKey("villages.City", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="市")
    unit = models.ForeignKey(MemberUnit, models.PROTECT, null=True, blank=True, related_name="reports", verbose_name="成员单位")
    # What the city's counties entered, as it stood when the report was (last) submitted.
    figures = models.JSONField("数据", default=dict, blank=True)
    narrative = models.TextField("工作进展")
    submitted_at = models.DateTimeField("首次报送时间")
    submitted_by = models.ForeignKey("rosters.User", models.PROTECT, related_name="+", verbose_name="报送人")
    is_late = models.BooleanField("逾期报送", default=False)
    updated_at = models.DateTimeField("最后修改时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "挂牌督战月度进展"
        ordering = ["-month", "city__name", "unit__order"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(city__isnull=False) & Q(unit__isnull=True)) | (Q(city__isnull=True) & Q(unit__isnull=False)),
                name="report_by_city_or_unit",
                violation_error_message="月度进展须由一个市或一个成员单位报送。",
            ),
            models.UniqueConstraint(
                fields=["listing", "city", "month"], condition=Q(city__isnull=False), name="one_city_report_per_month",
                violation_error_message="该市本月的进展已报送，请修改原报告。",
            ),
            models.UniqueConstraint(
                fields=["listing", "unit", "month"], condition=Q(unit__isnull=False), name="one_unit_report_per_month",
                violation_error_message="该单位本月的进展已报送，请修改原报告。",
            ),
        ]

    def __str__(self):
        return f"{self.reporter_name} {self.month:%Y年%m月}进展"

    @property
    def reporter_name(self):
        return self.city.name if self.city_id else self.unit.name

    @property
    def due_date(self):
        return due_date(self.month)

    def get_absolute_url(self):
        return reverse("supervision:report_detail", args=[self.pk])


def due_date(month: datetime.date) -> datetime.date:
    return month.replace(day=REPORT_DUE_DAY)
