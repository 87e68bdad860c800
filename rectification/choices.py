from django.db import models


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已发出"


class ItemStatus(models.TextChoices):
    """SPEC §8: 待整改 → 整改中 → 已整改待核查 → 已销号 (逾期 is derived, never stored)."""

    PENDING = "pending", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    REPORTED = "reported", "已整改待核查"
    CLOSED = "closed", "已销号"


class Severity(models.TextChoices):
    GENERAL = "general", "一般"
    MAJOR = "major", "重大"


class SourceKind(models.TextChoices):
    """Where a problem item came from; the item itself is the same whatever its source."""

    FINDING = "finding", "督查发现问题"
    COMMON_PROBLEM = "common_problem", "指导共性问题"
    SUPERVISION = "supervision", "挂牌督战台账"
    OTHER = "other", "其他"


class ExtensionStatus(models.TextChoices):
    """HY 六: 确需延长时间的，应及时报告原因和明确延长时限 — and the issuer decides."""

    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class NoticeKind(models.TextChoices):
    """HY 六: 通报表扬 (加分) or 通报批评 (扣分) in the year-end assessment."""

    PRAISE = "praise", "通报表扬"
    CRITICISM = "criticism", "通报批评"
