"""The working-day calendar's editable table (holidays and adjusted working days)."""

from django.db import models


class CalendarDay(models.Model):
    """A day that is not what its weekday says: an official holiday, or a weekend day worked instead.

    The official calendar (the ``chinese-calendar`` package) covers the years it
    knows; for later years — and to correct or anticipate a notice of the State
    Council — an administrator enters the days here. An entry here always wins.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日（休息）"
        WORKDAY = "workday", "调休上班日"

    date = models.DateField("日期", unique=True, error_messages={"unique": "该日期已登记。"})
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=32, blank=True, help_text="如：元旦、春节、国庆节。")

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y年%-m月%-d日} {self.get_kind_display()}{'（' + self.name + '）' if self.name else ''}"
