"""Summary tables of the city office's dashboards (SPEC §11, §12).

The dashboards read these, never the raw rows: at province scale (48,000 villages,
2,000,000 households, 100,000 visits, 500,000 problem items) a live count cannot
answer within a page's time. Each table is a pre-aggregate at the grain the
dashboard's filters need (county, group, campaign, and a day or a month), so every
panel is one grouped query over a few thousand rows.

The rows are kept equal to a recount of the raw rows (``dashboard.summaries``):
the other apps' writes queue a refresh of the counties they touch
(``dashboard.signals``), and the whole set is rebuilt nightly. Nothing here is
edited by hand; every row can be thrown away and recounted.
"""

from django.db import models


class SummaryState(models.Model):
    """The one row whose version changes whenever any summary does: the dashboards' cache key."""

    version = models.PositiveBigIntegerField("版本", default=0)
    rebuilt_at = models.DateTimeField("最近全部重算", null=True, blank=True)
    refreshed_at = models.DateTimeField("最近更新", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据看板汇总状态"

    def __str__(self):
        return f"第{self.version}版"


class CountyRefresh(models.Model):
    """One row per county, locked while its summaries are recounted, so two refreshes of a county queue."""

    county = models.OneToOneField("villages.County", models.CASCADE, primary_key=True, related_name="+",
                                  verbose_name="县（市、区）")
    refreshed_at = models.DateTimeField("最近更新", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "县（市、区）汇总更新"

    def __str__(self):
        return str(self.county_id)


class VillageFact(models.Model):
    """A village's place and current key-village stars (ZZ 四(一)), without the join to its rating."""

    village = models.OneToOneField("villages.Village", models.CASCADE, primary_key=True, related_name="+",
                                   verbose_name="村")
    county = models.ForeignKey("villages.County", models.CASCADE, related_name="+", verbose_name="县（市、区）")
    township = models.ForeignKey("villages.Township", models.CASCADE, related_name="+", verbose_name="乡（镇）")
    stars = models.PositiveSmallIntegerField("星级", default=0)
    category_count = models.PositiveSmallIntegerField("符合类别数", default=0)
    is_poor_village = models.BooleanField("贫困村", default=False)
    is_listed = models.BooleanField("挂牌督战村", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "村汇总"
        indexes = [models.Index(fields=["county", "stars"], name="dash_village_county_stars")]

    def __str__(self):
        return str(self.village_id)


class VillageVisitFact(models.Model):
    """A village's guidance in one campaign (ZZ 三, 六(四)): first and last visit, visits, and its stars now."""

    campaign = models.ForeignKey("rosters.Campaign", models.CASCADE, related_name="+", verbose_name="工作周期")
    village = models.ForeignKey("villages.Village", models.CASCADE, related_name="+", verbose_name="村")
    county = models.ForeignKey("villages.County", models.CASCADE, related_name="+", verbose_name="县（市、区）")
    township = models.ForeignKey("villages.Township", models.CASCADE, related_name="+", verbose_name="乡（镇）")
    # The group that guided it: one guidance group covers a county in a campaign (SPEC §5).
    team = models.ForeignKey("rosters.Team", models.CASCADE, null=True, related_name="+", verbose_name="指导小组")
    stars = models.PositiveSmallIntegerField("星级", default=0)
    first_date = models.DateField("首次指导")
    last_date = models.DateField("最近指导")
    visits = models.PositiveIntegerField("指导次数", default=0)
    # Visits made under a repeat exception the city office granted (ZZ 六(四)).
    excepted = models.PositiveIntegerField("经批准的重复指导", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "村指导汇总"
        constraints = [models.UniqueConstraint(fields=["campaign", "village"], name="dash_village_visit_once")]
        indexes = [models.Index(fields=["campaign", "county", "first_date"], name="dash_vvisit_campaign_county")]

    def __str__(self):
        return f"{self.campaign_id}/{self.village_id}"


class VisitDayFact(models.Model):
    """A guidance group's day in one county: villages and forms, typical experiences (ZZ 三, 五(四))."""

    campaign = models.ForeignKey("rosters.Campaign", models.CASCADE, related_name="+", verbose_name="工作周期")
    team = models.ForeignKey("rosters.Team", models.CASCADE, related_name="+", verbose_name="指导小组")
    county = models.ForeignKey("villages.County", models.CASCADE, related_name="+", verbose_name="县（市、区）")
    date = models.DateField("指导时间")
    villages = models.PositiveIntegerField("村数", default=0)
    visits = models.PositiveIntegerField("登记表数", default=0)
    experiences = models.PositiveIntegerField("典型经验", default=0)
    promoted = models.PositiveIntegerField("已推广", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "指导日汇总"
        constraints = [models.UniqueConstraint(fields=["campaign", "team", "county", "date"], name="dash_visit_day_once")]
        indexes = [models.Index(fields=["campaign", "date"], name="dash_visit_day_campaign")]

    def __str__(self):
        return f"{self.team_id}/{self.county_id}/{self.date}"


class ProblemFact(models.Model):
    """Problems per county, group and month, one column per category: guidance 存在问题 and inspection findings.

    A row holds one source's problems of a (campaign, group, county, month); each category has a column for
    its problems and one for those that are 共性 (guidance, ZZ 五(三)) or 重大 (inspection, HY 六). Wide rows keep
    the table small at province scale (a few thousand rows for 600,000 problems), so a ranking of categories
    is one pass over it.
    """

    class Source(models.TextChoices):
        GUIDANCE = "guidance", "指导"
        INSPECTION = "inspection", "督查"

    source = models.CharField("来源", max_length=16, choices=Source.choices)
    campaign = models.ForeignKey("rosters.Campaign", models.CASCADE, related_name="+", verbose_name="工作周期")
    team = models.ForeignKey("rosters.Team", models.CASCADE, related_name="+", verbose_name="工作组")
    county = models.ForeignKey("villages.County", models.CASCADE, related_name="+", verbose_name="县（市、区）")
    month = models.DateField("月份", help_text="指导或督查开始日期所在月的1日。")

    class Meta:
        verbose_name = verbose_name_plural = "问题类别汇总"
        indexes = [models.Index(fields=["county", "month"], name="dash_problem_county_month")]

    def __str__(self):
        return f"{self.source}/{self.county_id}/{self.month}"


def problem_columns():
    """(source, category, column, flagged column, label): ZZ 四(二)'s 18 contents, HY 附件's 8 categories."""
    from inspections.choices import GUIDANCE_ITEMS, FindingCategory

    out = [(ProblemFact.Source.GUIDANCE, str(n), f"g{n}", f"g{n}_common", short) for n, short, _ in GUIDANCE_ITEMS]
    out += [(ProblemFact.Source.INSPECTION, code, f"i_{code}", f"i_{code}_major", label)
            for code, label in FindingCategory.choices]
    return out


for _source, _category, _column, _flagged, _label in problem_columns():
    ProblemFact.add_to_class(_column, models.PositiveIntegerField(_label, default=0))
    ProblemFact.add_to_class(
        _flagged, models.PositiveIntegerField(f"{_label}（{'共性' if _source == 'guidance' else '重大'}）", default=0))


class TripFact(models.Model):
    """One inspection trip (HY 四): its sample's compliance and its letter against the 3-working-day rule."""

    class Sample(models.TextChoices):
        MET = "met", "符合要求"
        EXCEPTION = "exception", "登记例外"
        OPEN = "open", "未结束"

    trip = models.OneToOneField("inspections.InspectionTrip", models.CASCADE, primary_key=True, related_name="+",
                                verbose_name="督查")
    campaign = models.ForeignKey("rosters.Campaign", models.CASCADE, related_name="+", verbose_name="工作周期")
    team = models.ForeignKey("rosters.Team", models.CASCADE, related_name="+", verbose_name="督查小组")
    county = models.ForeignKey("villages.County", models.CASCADE, related_name="+", verbose_name="县（市、区）")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    status = models.CharField("状态", max_length=16)
    sample = models.CharField("抽查", max_length=16, choices=Sample.choices)
    findings = models.PositiveIntegerField("发现问题", default=0)
    major_findings = models.PositiveIntegerField("重大问题", default=0)
    # HY 四: the letter is due 3 working days after an ended trip that found problems.
    letter_due = models.DateField("应发函日期", null=True, blank=True)
    first_letter_on = models.DateField("首次发函日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "督查汇总"
        indexes = [models.Index(fields=["county", "start_date"], name="dash_trip_county_start")]

    def __str__(self):
        return str(self.trip_id)


class ItemFact(models.Model):
    """Problem items (整改问题, SPEC §8) counted per county, group, campaign, source and deadline, by state.

    The deadline is kept to the day, so 逾期 (past the deadline, not closed) is exact on any
    day without a nightly job; ``issued`` tells items on a letter still in draft, which the
    county does not see yet. ``village`` is kept for listed supervision's ledger only.
    """

    county = models.ForeignKey("villages.County", models.CASCADE, related_name="+", verbose_name="县（市、区）")
    team = models.ForeignKey("rosters.Team", models.CASCADE, null=True, related_name="+", verbose_name="督促小组")
    campaign = models.ForeignKey("rosters.Campaign", models.CASCADE, null=True, related_name="+",
                                 verbose_name="工作周期")
    source_kind = models.CharField("来源", max_length=32)
    issued = models.BooleanField("已发出", default=True)
    deadline = models.DateField("整改期限", null=True, blank=True)
    village = models.ForeignKey("villages.Village", models.CASCADE, null=True, related_name="+", verbose_name="村")
    total = models.PositiveIntegerField("问题数", default=0)
    pending = models.PositiveIntegerField("待整改", default=0)
    in_progress = models.PositiveIntegerField("整改中", default=0)
    reported = models.PositiveIntegerField("已整改待核查", default=0)
    closed = models.PositiveIntegerField("已销号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "整改问题汇总"
        indexes = [models.Index(fields=["county", "deadline"], name="dash_item_county_deadline")]

    def __str__(self):
        return f"{self.county_id}/{self.deadline}"
