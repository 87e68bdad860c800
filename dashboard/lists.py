"""The dashboards' drill-down lists (registered list pages, with their exports)."""

from django.contrib.auth.decorators import login_required
from django.db.models import IntegerField, OuterRef, Subquery
from django.shortcuts import render
from django.utils import timezone

from villages.excel import xlsx_response
from villages.listing import list_context
from villages.models import County, Village

from .filtersets import KeyVillageVisitFilterSet, TripDetailFilterSet
from .models import TripFact, VillageFact
from .pages import _require_view


def _villages(request):
    facts = VillageFact.objects.filter(village_id=OuterRef("pk"))
    queryset = (Village.objects.visible_to(request.user)
                .annotate(dashboard_stars=Subquery(facts.values("stars")[:1], output_field=IntegerField()),
                          dashboard_categories=Subquery(facts.values("category_count")[:1], output_field=IntegerField()))
                .filter(dashboard_stars__gte=1)
                .select_related("township__county", "star_rating")
                .order_by("-dashboard_stars", "-dashboard_categories", "county__name", "township__name", "name"))
    filterset = KeyVillageVisitFilterSet(request.GET or None, queryset=queryset, user=request.user)
    qs = filterset.qs
    visits = filterset.visits().filter(village_id=OuterRef("pk"))
    qs = qs.annotate(first_visit=Subquery(visits.order_by("first_date").values("first_date")[:1]),
                     last_visit=Subquery(visits.order_by("-last_date").values("last_date")[:1]))
    return filterset, qs


@login_required
def village_list(request):
    _require_view(request.user)
    filterset, qs = _villages(request)
    return render(request, "dashboard/village_list.html", list_context(request, filterset, qs))


@login_required
def village_export(request):
    _require_view(request.user)
    _, qs = _villages(request)
    headers = ["星级", "符合类别数", "县（市、区）", "乡（镇）", "村", "村类型", "首次指导", "最近指导"]

    def rows():
        for v in qs.iterator(chunk_size=2000):
            yield [v.dashboard_stars, v.dashboard_categories, v.township.county.name, v.township.name, v.name,
                   "贫困村" if v.is_poor_village else "面上村", v.first_visit, v.last_visit]

    return xlsx_response(filename=f"重点村指导情况_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="重点村指导情况",
                         headers=headers, rows=rows(), column_widths=[6, 10, 12, 14, 16, 8, 12, 12])


def _trips(request):
    queryset = (TripFact.objects.filter(county__in=County.objects.visible_to(request.user))
                .select_related("trip", "team", "county", "campaign").order_by("-start_date", "-trip_id"))
    filterset = TripDetailFilterSet(request.GET or None, queryset=queryset, user=request.user)
    return filterset, filterset.qs


LETTER_LABELS = {"on_time": "按时发函", "late": "逾期发函", "overdue": "逾期未发", "waiting": "未到期限"}


def letter_state(fact, today):
    if fact.letter_due is None:
        return ""
    if fact.first_letter_on:
        return "on_time" if fact.first_letter_on <= fact.letter_due else "late"
    return "overdue" if fact.letter_due < today else "waiting"


@login_required
def trip_list(request):
    _require_view(request.user)
    filterset, qs = _trips(request)
    context = list_context(request, filterset, qs)
    today = timezone.localdate()
    for fact in context["page"].object_list:
        fact.letter_state = letter_state(fact, today)
        fact.letter_label = LETTER_LABELS.get(fact.letter_state, "")
    return render(request, "dashboard/trip_list.html", context)


@login_required
def trip_export(request):
    _require_view(request.user)
    _, qs = _trips(request)
    today = timezone.localdate()
    headers = ["工作周期", "督查小组", "被督查县（市、区）", "开始日期", "结束日期", "状态", "抽查", "发现问题（条）",
               "其中重大问题（条）", "应发函日期", "首次发函日期", "整改函"]
    statuses = {"planned": "计划", "ongoing": "进行中", "ended": "已结束"}

    def rows():
        for t in qs.iterator(chunk_size=1000):
            yield [t.campaign.name, t.team.name, t.county.name, t.start_date, t.end_date, statuses.get(t.status, t.status),
                   t.get_sample_display(), t.findings, t.major_findings, t.letter_due, t.first_letter_on,
                   LETTER_LABELS.get(letter_state(t, today), "")]

    return xlsx_response(filename=f"督查抽查与发函_{today:%Y%m%d}.xlsx", sheet_title="督查抽查与发函", headers=headers,
                         rows=rows(), column_widths=[24, 12, 14, 12, 12, 8, 10, 12, 14, 12, 12, 10])
