"""What listed supervision tells the reminders (SPEC §10, HN 五(三)): the monthly report is due by the 25th.

On the 20th, each city with listed places — and each member unit of the provincial
leading group — that has not yet reported this month is reminded; on the 26th the
provincial office gets the list of who has not reported. Set-based: a few queries
whatever the number of cities. Registered in ``SupervisionConfig.ready``.
"""

from django.db.models import Q
from django.urls import reverse

from reminders.registry import Due, register_finder
from rosters.choices import Role
from rosters.models import User
from villages.models import City

from .models import Listing, MemberUnit, MonthlyReport, due_date


def _running_listings(day):
    """Listings whose campaign runs in the day's month (reports are owed from the campaign's first month)."""
    return Listing.objects.filter(campaign__start_date__lte=day, campaign__end_date__gte=day.replace(day=1))


def _owed(day):
    """(listing, month, cities not reported, units not reported) for each running listing."""
    month = day.replace(day=1)
    for listing in _running_listings(day):
        reported = MonthlyReport.objects.filter(listing=listing, month=month)
        # A city reports for its listed counties and its listed villages (HN 五(三)).
        cities = City.objects.filter(
            Q(counties__listings__listing=listing) | Q(counties__villages__listings__listing=listing)
        ).exclude(
            pk__in=reported.filter(city__isnull=False).values("city_id")
        ).distinct().order_by("name")
        units = MemberUnit.objects.filter(is_active=True).exclude(
            pk__in=reported.filter(unit__isnull=False).values("unit_id")
        ).prefetch_related("reporters").order_by("order", "name")
        yield listing, month, list(cities), list(units)


def reports_due_soon(day):
    """20th: a reminder to every reporter that has not yet reported this month."""
    for listing, month, cities, units in _owed(day):
        link = reverse("supervision:report_submit")
        title = f"请于{due_date(month).month}月{due_date(month).day}日前报送{month.year}年{month.month}月挂牌督战工作进展"
        offices = {}
        for city_id, user_id in User.objects.filter(role=Role.CITY, is_active=True, city__in=cities).values_list("city_id", "pk"):
            offices.setdefault(city_id, set()).add(user_id)
        for city in cities:
            if offices.get(city.pk):
                yield Due(target=f"listing:{listing.pk}:city:{city.pk}", recipients=frozenset(offices[city.pk]), title=title,
                          body=f"{city.name}本月的挂牌督战进展尚未报送（豫脱贫组〔2020〕6号 五(三)）。", link=link)
        for unit in units:
            reporters = frozenset(u.pk for u in unit.reporters.all() if u.is_active)
            if reporters:
                yield Due(target=f"listing:{listing.pk}:unit:{unit.pk}", recipients=reporters, title=title,
                          body=f"{unit.name}本月的挂牌督战进展尚未报送。", link=link)


def reports_missing(day):
    """26th: the provincial office gets the list of who has not reported this month."""
    province = frozenset(User.objects.filter(role=Role.CITY, city__isnull=True, is_active=True).values_list("pk", flat=True))
    if not province:
        return
    for listing, month, cities, units in _owed(day):
        names = [c.name for c in cities] + [u.name for u in units]
        if names:
            yield Due(
                target=f"listing:{listing.pk}", recipients=province,
                title=f"{month.year}年{month.month}月挂牌督战进展：{len(names)}个单位逾期未报",
                body="逾期未报：" + "、".join(names) + "。", link=reverse("supervision:report_list") + f"?month={month:%Y-%m}",
            )


def register():
    register_finder("listed_report_reminder", reports_due_soon)
    register_finder("listed_report_missing", reports_missing)
