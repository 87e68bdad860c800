"""The lists behind the dashboards' numbers, as URLs already filtered (drill-down).

Each function names one list page and takes the list's own parameter names (see each
app's ``filtersets.py``); a link shows exactly the rows its number counts.
"""

import datetime
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=64)
def _base(name, prefix, urlconf):
    # A page holds thousands of links to a dozen lists: each list's address is looked up once.
    return reverse(name)


def _url(name, **params):
    query = {}
    for key, value in params.items():
        if value in (None, "", False):
            continue
        query[key] = value.isoformat() if isinstance(value, datetime.date) else value
    base = _base(name, get_script_prefix(), get_urlconf())
    return f"{base}?{urlencode(query)}" if query else base


def dashboard(tab, **params):
    return _url(f"dashboard:{tab}", **params)


def villages(**params):
    """The dashboards' own village list: key villages, their stars and their guidance in a campaign."""
    return _url("dashboard:village_list", **params)


def trips_detail(**params):
    """The dashboards' own trip list: sampling compliance and the letter against its due date."""
    return _url("dashboard:trip_list", **params)


def visits(**params):
    return _url("inspections:visit_list", status="submitted", **params)


def trips(**params):
    return _url("inspections:trip_list", **params)


def problems(kind="all", **params):
    return _url("inspections:problem_list", kind=kind, **params)


def findings(**params):
    return _url("inspections:finding_list", **params)


def experiences(**params):
    return _url("inspections:experience_list", **params)


def items(**params):
    return _url("rectification:item_list", **params)


def village(pk):
    return reverse("villages:village_detail", args=[pk])


def listed_county(pk):
    return reverse("supervision:county_detail", args=[pk])


def listed_village(pk):
    return reverse("supervision:village_detail", args=[pk])


def reports(month):
    return _url("supervision:report_list", month=month.strftime("%Y-%m"))


def report(pk):
    return reverse("supervision:report_detail", args=[pk])
