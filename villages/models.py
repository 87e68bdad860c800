from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .choices import ExitStatus, HouseholdStatus
from .listcache import ListDataQuerySet
from .scoping import ScopedQuerySet
from .validators import mask_id_number, mask_phone, validate_id_number, validate_phone

code_validators = [MinValueValidator(0)]


class Place(models.Model):
    """Common fields of every level of the administrative hierarchy (SPEC §2)."""

    name = models.CharField("名称", max_length=64)
    code = models.CharField(
        "统计用区划代码", max_length=12, blank=True, help_text="12位统计用区划代码，可不填。"
    )
    # The name in the official division table (e.g. 大青村村民委员会, 郑州航空港经济综合实验区)
    # when it differs from the name officers use; set by import_divisions.
    official_name = models.CharField("规范名称", max_length=64, blank=True, help_text="统计用区划代码表中的名称。")

    class Meta:
        abstract = True

    def __str__(self):
        return self.full_name


class Province(Place):
    county_lookup = None  # not scoped: the names of provinces are public

    class Meta:
        verbose_name = verbose_name_plural = "省"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="province_name_unique", violation_error_message="已有同名的省。")]

    @property
    def full_name(self):
        return self.name


class City(Place):
    province = models.ForeignKey(Province, models.PROTECT, related_name="cities", verbose_name="省")

    class Meta:
        verbose_name = verbose_name_plural = "市"
        ordering = ["province__name", "name"]
        constraints = [models.UniqueConstraint(
                fields=["province", "name"], name="city_name_unique_in_province", violation_error_message="该省已有同名的市。"
            )]

    @property
    def full_name(self):
        return f"{self.province.name}{self.name}"


class County(Place):
    city = models.ForeignKey(City, models.PROTECT, related_name="counties", verbose_name="市")
    is_listed = models.BooleanField(
        "挂牌督战县", default=False, help_text="2019年底剩余贫困人口超过5000人的县（豫脱贫组〔2020〕6号 附件1）。"
    )

    county_lookup = ""
    objects = ListDataQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "县（市、区）"
        ordering = ["city__name", "name"]
        constraints = [models.UniqueConstraint(
                fields=["city", "name"], name="county_name_unique_in_city", violation_error_message="该市已有同名的县（市、区）。"
            )]

    @property
    def full_name(self):
        return f"{self.city.name}{self.name}"


class Township(Place):
    county = models.ForeignKey(County, models.PROTECT, related_name="townships", verbose_name="县（市、区）")

    county_lookup = "county"
    objects = ListDataQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "乡（镇）"
        ordering = ["county__name", "name"]
        constraints = [models.UniqueConstraint(
                fields=["county", "name"], name="township_name_unique_in_county", violation_error_message="该县（市、区）已有同名的乡（镇）。"
            )]

    @property
    def full_name(self):
        return f"{self.county.city.name}{self.county.name}{self.name}"


class Village(Place):
    township = models.ForeignKey(Township, models.PROTECT, related_name="villages", verbose_name="乡（镇）")
    # Denormalised from the township so that scoping is one join, not three.
    county = models.ForeignKey(
        County, models.PROTECT, related_name="villages", verbose_name="县（市、区）", editable=False
    )
    is_poor_village = models.BooleanField("贫困村", default=False, help_text="否则为面上村（非贫困村）。")
    exit_status = models.CharField(
        "出列状态", max_length=16, choices=ExitStatus.choices, default=ExitStatus.NOT_EXITED
    )
    exit_year = models.PositiveSmallIntegerField(
        "出列年份", null=True, blank=True, validators=[MinValueValidator(2013), MaxValueValidator(2100)]
    )
    is_listed = models.BooleanField(
        "挂牌督战村", default=False, help_text="未出列的挂牌督战贫困村（豫脱贫组〔2020〕6号 附件2）。"
    )
    rural_population = models.PositiveIntegerField("户籍农业人口", default=0)
    distance_to_county_km = models.DecimalField(
        "距县城距离（公里）", max_digits=6, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    # Entered facts for categories 5–7 (ZZ 四(一)).
    is_weak_party_org = models.BooleanField("软弱涣散村", default=False)
    petition_count = models.PositiveIntegerField("信访问题数", default=0)
    negative_report_count = models.PositiveIntegerField("网上负面信息数", default=0)

    county_lookup = "county"
    objects = ListDataQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["county"])

    class Meta:
        verbose_name = verbose_name_plural = "村"
        ordering = ["county__name", "township__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name"], name="village_name_unique_in_township", violation_error_message="该乡（镇）已有同名的村。"
            ),
            models.CheckConstraint(
                condition=Q(exit_status=ExitStatus.NOT_EXITED) | Q(exit_year__isnull=False),
                name="village_exited_has_year",
                violation_error_message="已出列的村必须填写出列年份。",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "name"]),
            models.Index(fields=["code"]),
            # The lists' order (villages.selectors.village_list): a page is read off this index, never sorted.
            models.Index(fields=["county", "township", "name"], name="village_place_order"),
        ]

    def save(self, *args, **kwargs):
        if self.township_id:
            self.county_id = Township.objects.values_list("county_id", flat=True).get(pk=self.township_id)
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        t = self.township
        return f"{t.county.city.name}{t.county.name}{t.name}{self.name}"

    @property
    def path(self):
        """县（市、区）/ 乡（镇）/ 村 — names repeat, the path does not."""
        return f"{self.township.county.name} / {self.township.name} / {self.name}"

    def get_absolute_url(self):
        return reverse("villages:village_detail", args=[self.pk])


class Household(models.Model):
    """A registered poor household (建档立卡贫困户) or a marginal one (边缘户), SPEC §3."""

    village = models.ForeignKey(Village, models.PROTECT, related_name="households", verbose_name="村")
    head_name = models.CharField("户主姓名", max_length=32)
    # Stored in full so that imports can match households; only ever shown masked.
    head_id_number = models.CharField(
        "户主身份证号", max_length=18, unique=True, validators=[validate_id_number],
        error_messages={"unique": "该身份证号已登记在其他贫困户中。"},
    )
    head_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_phone])
    member_count = models.PositiveSmallIntegerField(
        "家庭人口", default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    status = models.CharField("状态", max_length=16, choices=HouseholdStatus.choices, default=HouseholdStatus.POOR)
    exit_year = models.PositiveSmallIntegerField(
        "脱贫年份", null=True, blank=True, validators=[MinValueValidator(2013), MaxValueValidator(2100)]
    )
    identified_year = models.PositiveSmallIntegerField(
        "识别年份", null=True, blank=True, validators=[MinValueValidator(2013), MaxValueValidator(2100)]
    )
    # Flags (several may hold): ZZ cat. 4 and 内容 7.
    is_dibao = models.BooleanField("低保户", default=False)
    is_wubao = models.BooleanField("五保户/特困供养", default=False)
    is_serious_illness = models.BooleanField("重病户", default=False)
    is_disabled = models.BooleanField("残疾人户", default=False)
    is_elderly = models.BooleanField("老人户", default=False)
    is_low_income = models.BooleanField("低收入户", default=False)
    # 两不愁三保障 (HN 三(一)): met or not.
    # 两不愁三保障 and safe water: unknown (null, 未填写) until someone enters it —
    # a new household is not assumed to be 已保障.
    food_ok = models.BooleanField("不愁吃", null=True, blank=True, default=None)
    clothing_ok = models.BooleanField("不愁穿", null=True, blank=True, default=None)
    education_ok = models.BooleanField("义务教育", null=True, blank=True, default=None)
    medical_ok = models.BooleanField("基本医疗", null=True, blank=True, default=None)
    housing_ok = models.BooleanField("住房安全", null=True, blank=True, default=None)
    water_ok = models.BooleanField("饮水安全", null=True, blank=True, default=None)
    # Assistance (ZZ cat. 3, SQ (七)).
    helper_name = models.CharField("帮扶责任人", max_length=32, blank=True)
    measures = models.TextField("帮扶措施", blank=True, help_text="每行一项措施。")
    income_measure_count = models.PositiveSmallIntegerField(
        "增收措施数", default=0, help_text="商丘市要求每户贫困户有2个以上增收措施。"
    )

    county_lookup = "village__county"
    objects = ListDataQuerySet.as_manager()
    # The history never holds the full ID number.
    history = HistoricalRecords(excluded_fields=["head_id_number"])

    class Meta:
        verbose_name = verbose_name_plural = "贫困户"
        ordering = ["village", "head_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=HouseholdStatus.EXITED) | Q(exit_year__isnull=False),
                name="household_exited_has_year",
                violation_error_message="已脱贫户必须填写脱贫年份。",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "status"]),
            # The household list's order: by village, then head of household (villages.selectors.household_list).
            models.Index(fields=["village", "head_name", "id"], name="household_list_order"),
            # Search by name and by the ID number's tail (LIKE '%…%'): trigram indexes, on PostgreSQL only
            # (migration 0011 skips them elsewhere; SQLite scans, which is fine at its scale).
            GinIndex(fields=["head_name"], opclasses=["gin_trgm_ops"], name="household_name_trgm"),
            GinIndex(fields=["head_id_number"], opclasses=["gin_trgm_ops"], name="household_id_trgm"),
        ]

    def __str__(self):
        return f"{self.head_name}（{self.masked_id_number}）"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The village it was read in: moving a household recounts both villages (villages/summaries.py).
        instance._loaded_village_id = instance.__dict__.get("village_id")
        return instance

    @property
    def masked_id_number(self):
        return mask_id_number(self.head_id_number)

    @property
    def masked_phone(self):
        return mask_phone(self.head_phone)

    @property
    def measure_list(self):
        return [m.strip() for m in self.measures.splitlines() if m.strip()]

    def get_absolute_url(self):
        return reverse("villages:household_detail", args=[self.pk])


class Category(models.Model):
    """The 8 categories of key villages (ZZ 四(一)); labels exactly as in the document."""

    number = models.PositiveSmallIntegerField("序号", unique=True, validators=[MinValueValidator(1), MaxValueValidator(8)])
    label = models.CharField("类别", max_length=64)
    is_computed = models.BooleanField("由数据计算", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "重点村类别"
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.label}"


class StarRating(models.Model):
    """A village's current key-village rating: which of the 8 categories it meets, and its stars."""

    village = models.OneToOneField(Village, models.CASCADE, related_name="star_rating", verbose_name="村")
    year = models.PositiveSmallIntegerField("年度")
    categories = models.JSONField("符合类别", default=list, help_text="符合的类别序号，如 [1, 3, 8]。")
    category_count = models.PositiveSmallIntegerField("符合类别数", default=0)
    # The same categories as bits (category n → 1 << (n - 1)), so lists can filter by
    # category on every database (SQLite has no JSON "contains").
    category_mask = models.PositiveSmallIntegerField("类别位图", default=0, editable=False)
    stars = models.PositiveSmallIntegerField("星级", default=0, validators=[MaxValueValidator(3)])
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    county_lookup = "village__county"
    objects = ListDataQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "重点村星级"
        ordering = ["-stars", "-category_count"]
        indexes = [models.Index(fields=["stars", "category_count"])]

    def __str__(self):
        return f"{self.village.name} {'★' * self.stars or '非重点村'}"

    @staticmethod
    def stars_for(count: int) -> int:
        """ZZ 四(一): 3 or more categories → 3 stars, 2 → 2, 1 → 1."""
        return min(count, 3)


class RatingThreshold(models.Model):
    """The thresholds of one year's key-village rating, set by the city office (ZZ 四(一) gives none)."""

    year = models.PositiveSmallIntegerField("年度", unique=True, error_messages={"unique": "该年度的标准已存在。"})
    incidence_percent = models.DecimalField("贫困发生率（%）不低于", max_digits=5, decimal_places=2, default=3)
    poor_population = models.PositiveIntegerField("贫困人口（人）不少于", default=100)
    empty_measures_percent = models.DecimalField("无帮扶措施户占比（%）不低于", max_digits=5, decimal_places=2, default=20)
    flagged_households = models.PositiveIntegerField("边缘户、低保户、五保户、重病户、残疾人户（户）不少于", default=30)
    petition_count = models.PositiveIntegerField("信访问题（件）不少于", default=3)
    problem_count = models.PositiveIntegerField("督导考核问题与网上负面信息（条）不少于", default=5)
    distance_km = models.DecimalField("距县城（公里）不少于", max_digits=6, decimal_places=1, default=30)
    swing_people = models.PositiveIntegerField("大进大出：相邻两月贫困人口与脱贫人口变动合计（人）不少于", default=20)
    updated_by = models.ForeignKey("rosters.User", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="修改人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "重点村评定标准"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年重点村评定标准"

    def as_dict(self):
        return {f: float(getattr(self, f)) for f in (
            "incidence_percent", "poor_population", "empty_measures_percent", "flagged_households",
            "petition_count", "problem_count", "distance_km", "swing_people",
        )}


class CategoryOverride(models.Model):
    """An officer's decision that overrides a computed category for one village, with a written reason."""

    village = models.ForeignKey(Village, models.CASCADE, related_name="category_overrides", verbose_name="村")
    category = models.ForeignKey(Category, models.PROTECT, related_name="overrides", verbose_name="类别")
    met = models.BooleanField("认定结果", help_text="勾选表示认定符合该类别；不勾选表示认定不符合。")
    reason = models.TextField("理由")
    decided_by = models.ForeignKey("rosters.User", models.PROTECT, related_name="+", verbose_name="认定人")
    decided_at = models.DateTimeField("认定时间", auto_now=True)

    county_lookup = "village__county"
    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "重点村类别人工认定"
        ordering = ["village", "category__number"]
        constraints = [models.UniqueConstraint(fields=["village", "category"], name="one_override_per_village_category")]

    def __str__(self):
        return f"{self.village.name} 第{self.category.number}类：{'符合' if self.met else '不符合'}"


class VillageSnapshot(models.Model):
    """A village's registered poor and exited people at the start of a month (for 大进大出, ZZ 四(一) 3)."""

    village = models.ForeignKey(Village, models.CASCADE, related_name="snapshots", verbose_name="村")
    month = models.DateField("月份", help_text="当月1日。")
    poor_population = models.PositiveIntegerField("贫困人口")
    exited_population = models.PositiveIntegerField("已脱贫人口")

    class Meta:
        verbose_name = verbose_name_plural = "村月度数据快照"
        ordering = ["village", "-month"]
        constraints = [models.UniqueConstraint(fields=["village", "month"], name="one_snapshot_per_village_month")]

    def __str__(self):
        return f"{self.village.name} {self.month.year}年{self.month.month}月"


class VillageSummary(models.Model):
    """A village's household figures as lists and home pages show them, kept equal to a recount.

    Lists and home pages read these instead of counting two million households on every view.
    Only villages.summaries writes them: after every write of households (create, edit, delete,
    import, by the services or any other path of the ORM) in the same transaction, and nightly for
    all villages. A village without a row has no households.
    """

    village = models.OneToOneField(Village, models.CASCADE, primary_key=True, related_name="summary", verbose_name="村")
    # The village's place, copied so that a count over a county or township reads this table alone.
    county = models.ForeignKey(County, models.CASCADE, related_name="+", verbose_name="县（市、区）")
    township = models.ForeignKey(Township, models.CASCADE, related_name="+", verbose_name="乡（镇）")
    households = models.PositiveIntegerField("户数", default=0)
    # One column per household status (HouseholdStatus values), so a status filter's count is one sum.
    poor = models.PositiveIntegerField("未脱贫户", default=0)
    pre_exit = models.PositiveIntegerField("预脱贫户", default=0)
    exited = models.PositiveIntegerField("已脱贫户", default=0)
    returned = models.PositiveIntegerField("返贫户", default=0)
    marginal = models.PositiveIntegerField("边缘户", default=0)
    poor_population = models.PositiveIntegerField("贫困人口", default=0, help_text="未脱贫、预脱贫、返贫户的人口。")
    # The monitoring of households (villages/guarantees.py): 两不愁三保障 not met, unanswered, 不稳定脱贫户.
    population = models.PositiveIntegerField("人口", default=0)
    failing = models.PositiveIntegerField("“两不愁三保障”未全部达标户", default=0)
    unfilled = models.PositiveIntegerField("“两不愁三保障”未填写完整户", default=0)
    unstable = models.PositiveIntegerField("不稳定脱贫户", default=0)
    food_ok_not_met = models.PositiveIntegerField("不愁吃未达标户", default=0)
    clothing_ok_not_met = models.PositiveIntegerField("不愁穿未达标户", default=0)
    education_ok_not_met = models.PositiveIntegerField("义务教育未保障户", default=0)
    medical_ok_not_met = models.PositiveIntegerField("基本医疗未保障户", default=0)
    housing_ok_not_met = models.PositiveIntegerField("住房安全未保障户", default=0)
    water_ok_not_met = models.PositiveIntegerField("饮水安全未保障户", default=0)

    county_lookup = "county"
    objects = ListDataQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "村户数汇总"
        ordering = ["village"]

    def __str__(self):
        return f"{self.village_id}：{self.households}户"


class Job(models.Model):
    """A long export or import run by a Celery worker, with its progress, for the one user who started it.

    Exports of more than a few thousand rows and imports of big files become jobs (villages/jobs.py):
    the page shows a progress bar and the user may come back to the list of their jobs. A finished
    export's file is kept for a day (JOB_FILE_HOURS), then removed by the cleanup task on beat.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", "导出"
        IMPORT_CHECK = "import_check", "导入检查"
        IMPORT = "import", "导入"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="jobs", verbose_name="用户")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    title = models.CharField("内容", max_length=200)
    # The export's URL name (villages:household_export) or the import's kind (households).
    target = models.CharField("目标", max_length=100)
    # An export: the list's filters (a query string); an import: the uploaded file and the check job.
    params = models.JSONField("参数", default=dict, blank=True)
    # The counties the user could see when the file was written (None: all): the file is served only
    # while the user still sees all of them.
    scope = models.JSONField("可见范围", null=True, blank=True)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_total = models.PositiveIntegerField("总行数", null=True, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    file_path = models.CharField("文件", max_length=300, blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("保留至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["expires_at"])]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    def get_absolute_url(self):
        return reverse("villages:job_detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(99, int(100 * self.rows_done / self.rows_total))
