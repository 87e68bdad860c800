from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from villages.scoping import ScopedQuerySet
from villages.validators import mask_phone, validate_phone

from .choices import MemberRole, Role, TeamKind


class User(AbstractUser):
    """An account. Its role decides what it sees (SPEC §1)."""

    # The safest default: an account that sees nothing until it is given a county or a team.
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.TEAM)
    city = models.ForeignKey(
        "villages.City", models.PROTECT, null=True, blank=True, related_name="users", verbose_name="所属市",
        help_text="市扶贫办账号所属的市；不填则可查看全省。",
    )
    county = models.ForeignKey(
        "villages.County", models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name="所属县（市、区）", help_text="县（市、区）扶贫办账号必须指定所属县。",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.COUNTY) | Q(county__isnull=False),
                name="county_officer_has_county",
                violation_error_message="县（市、区）扶贫办账号必须指定所属县。",
            ),
        ]

    def clean(self):
        super().clean()
        if self.role == Role.COUNTY and not self.county_id:
            raise ValidationError({"county": "县（市、区）扶贫办账号必须指定所属县。"})

    def visible_county_ids(self):
        """The ids of the counties this account may see (a queryset), or ``None`` for all (SPEC §1).

        villages.scoping asks this of every user; it is the one place where a
        role turns into a set of counties.
        """
        from villages.models import County

        if self.is_superuser or self.role == Role.ADMIN:
            return None
        if self.role == Role.CITY:
            if self.city_id is None:  # a provincial office sees the whole province
                return None
            return County.objects.filter(city_id=self.city_id).values("pk")
        if self.role == Role.COUNTY:
            return County.objects.filter(pk=self.county_id).values("pk")
        if self.role == Role.TEAM:
            from .selectors import county_ids_covered_by_user

            return county_ids_covered_by_user(self)
        return County.objects.none().values("pk")

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    @property
    def is_city_office(self):
        return self.is_superuser or self.role in (Role.CITY, Role.ADMIN)

    @property
    def is_county_officer(self):
        return self.role == Role.COUNTY

    @property
    def is_team_member(self):
        return self.role == Role.TEAM


class Campaign(models.Model):
    """A work period (工作周期) within which teams of one kind work (SPEC §5)."""

    name = models.CharField("名称", max_length=100, unique=True, error_messages={"unique": "已有同名的工作周期。"})
    kind = models.CharField("类型", max_length=16, choices=TeamKind.choices)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    issuing_body = models.CharField("印发单位", max_length=100, blank=True)
    document_number = models.CharField("文号", max_length=50, blank=True)
    parent_body = models.CharField(
        "领导机构", max_length=100, blank=True, help_text="如：郑州市脱贫攻坚业务指导组、市脱贫攻坚督查工作领导小组。"
    )

    class Meta:
        verbose_name = verbose_name_plural = "工作周期"
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="campaign_dates_ordered",
                violation_error_message="结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rosters:campaign_detail", args=[self.pk])


class Person(models.Model):
    """Someone on a roster; may be linked to an account. A unit (e.g. 秘书科工作人员) may stand as a member."""

    name = models.CharField("姓名", max_length=64)
    position = models.CharField("职务", max_length=100, blank=True)
    unit = models.CharField("单位", max_length=100, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True, validators=[validate_phone])
    is_unit = models.BooleanField("为科室（非个人）", default=False)
    user = models.OneToOneField(
        User, models.SET_NULL, null=True, blank=True, related_name="person", verbose_name="登录账号"
    )

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self):
        return mask_phone(self.phone)


class Team(models.Model):
    """A guidance group, an inspection group or a listed-supervision leader's charge."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="teams", verbose_name="工作周期")
    kind = models.CharField("类型", max_length=16, choices=TeamKind.choices)
    name = models.CharField("名称", max_length=64)
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = ScopedQuerySet.as_manager()
    county_lookup = "coverage__county"
    county_lookup_many = True

    class Meta:
        verbose_name = verbose_name_plural = "工作组"
        ordering = ["campaign", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="team_name_unique_in_campaign")]

    def __str__(self):
        return f"{self.campaign.name} {self.name}"

    def get_absolute_url(self):
        return reverse("rosters:team_detail", args=[self.pk])


class TeamMember(models.Model):
    team = models.ForeignKey(Team, models.CASCADE, related_name="memberships", verbose_name="工作组")
    person = models.ForeignKey(Person, models.PROTECT, related_name="memberships", verbose_name="人员")
    role = models.CharField("职责", max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "工作组成员"
        ordering = ["team", "order"]
        constraints = [
            models.UniqueConstraint(fields=["team", "person", "role"], name="team_member_once"),
        ]

    def __str__(self):
        return f"{self.team.name} {self.get_role_display()} {self.person.name}"


class TeamCounty(models.Model):
    """A county covered by a team (分包县), with its liaison (联络员, HY 二)."""

    team = models.ForeignKey(Team, models.CASCADE, related_name="coverage", verbose_name="工作组")
    county = models.ForeignKey("villages.County", models.PROTECT, related_name="team_coverage", verbose_name="县（市、区）")
    # Denormalised from the team so the database can hold the rule below.
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+", editable=False)
    kind = models.CharField(max_length=16, choices=TeamKind.choices, editable=False)
    liaison = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="liaison_for", verbose_name="联络员"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = ScopedQuerySet.as_manager()
    county_lookup = "county"

    class Meta:
        verbose_name = verbose_name_plural = "分包县（市、区）"
        ordering = ["team", "order"]
        constraints = [
            # SPEC §5: within one campaign a county has at most one team of a kind.
            models.UniqueConstraint(
                fields=["campaign", "kind", "county"],
                name="county_one_team_per_kind_in_campaign",
                violation_error_message="同一工作周期内，一个县（市、区）只能由一个同类工作组分包。",
            ),
        ]

    def save(self, *args, **kwargs):
        self.campaign_id = self.team.campaign_id
        self.kind = self.team.kind
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.team.name} — {self.county.name}"


class CampaignLeader(models.Model):
    """The parent body's leadership (ZZ 二: 业务指导组 组长/副组长; HY 二: 督查工作领导小组)."""

    class Role(models.TextChoices):
        HEAD = "head", "组长"
        DEPUTY = "deputy", "副组长"

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="leaders", verbose_name="工作周期")
    person = models.ForeignKey(Person, models.PROTECT, related_name="leads", verbose_name="人员")
    role = models.CharField("职务", max_length=16, choices=Role.choices)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "领导小组成员"
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="campaign_leader_once")]

    def __str__(self):
        return f"{self.get_role_display()} {self.person.name}"
