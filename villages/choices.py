from django.db import models


class ExitStatus(models.TextChoices):
    NOT_EXITED = "not_exited", "未出列"
    EXITED = "exited", "已出列"


class HouseholdStatus(models.TextChoices):
    """SPEC §3: the dynamic status of a registered household."""

    POOR = "poor", "未脱贫"
    PRE_EXIT = "pre_exit", "预脱贫"
    EXITED = "exited", "已脱贫"
    RETURNED = "returned", "返贫"
    MARGINAL = "marginal", "边缘户"


# Statuses that count as "poor population" for categories 1 and 2 (ZZ 四(一)).
POOR_STATUSES = (HouseholdStatus.POOR, HouseholdStatus.PRE_EXIT, HouseholdStatus.RETURNED)

# The household flags of ZZ cat. 4 and 内容 7 (五类重点户), in display order.
HOUSEHOLD_FLAGS = (
    ("is_dibao", "低保户"),
    ("is_wubao", "五保户/特困供养"),
    ("is_serious_illness", "重病户"),
    ("is_disabled", "残疾人户"),
    ("is_elderly", "老人户"),
    ("is_low_income", "低收入户"),
)

# "两不愁三保障" plus safe drinking water (HN 三(一)).
GUARANTEES = (
    ("food_ok", "不愁吃"),
    ("clothing_ok", "不愁穿"),
    ("education_ok", "义务教育"),
    ("medical_ok", "基本医疗"),
    ("housing_ok", "住房安全"),
    ("water_ok", "饮水安全"),
)


# Short names of the 8 key-village categories (ZZ 四(一)) for badges in lists;
# the full labels (Category.label, as in the document) go in the tooltip and the legend.
CATEGORY_SHORT_NAMES = {
    1: "贫困发生率高",
    2: "贫困人口多",
    3: "数据异常",
    4: "特殊困难户多",
    5: "软弱涣散",
    6: "信访突出",
    7: "问题和负面信息多",
    8: "距县城远",
}
