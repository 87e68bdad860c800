from django.db import models


class IndicatorResult(models.TextChoices):
    MET = "met", "达标"
    NOT_MET = "not_met", "未达标"


class LeaderLevel(models.TextChoices):
    """HN 四(二): 市级干部分包; HN 四(三): 县级干部分包未出列贫困村."""

    CITY = "city", "市级领导"
    COUNTY = "county", "县级领导"


class LedgerKind(models.TextChoices):
    """What put a problem on the listed-supervision ledger (HN 四(二) 建立工作台账)."""

    INDICATOR = "indicator", "贫困村退出指标未达标"
    HOUSEHOLD = "household", "贫困户“两不愁三保障”未达标"


# HN 五(三): progress reports reach the provincial office before the 25th of each month.
REPORT_DUE_DAY = 25

# HN 二: counties whose remaining poor population exceeded 5,000 at the end of 2019.
DEFAULT_PROPOSAL_THRESHOLD = 5000

