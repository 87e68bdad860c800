"""The one way pages, messages and letters write a date: 2018年10月1日 (no leading zeros, as DATE_FORMAT)."""

from django.utils.formats import date_format


def cn_date(day) -> str:
    """2018年10月1日."""
    return date_format(day, "Y年n月j日")
