from django.db import models


class Role(models.TextChoices):
    """SPEC §1: who uses the system."""

    CITY = "city", "市扶贫办"
    COUNTY = "county", "县（市、区）扶贫办"
    TEAM = "team", "工作组成员"
    ADMIN = "admin", "系统管理员"


class TeamKind(models.TextChoices):
    GUIDANCE = "guidance", "指导小组"
    INSPECTION = "inspection", "督查小组"
    LISTED = "listed", "挂牌督战"


class MemberRole(models.TextChoices):
    LEADER = "leader", "组长"
    MEMBER = "member", "成员"
    LIAISON = "liaison", "联络员"
