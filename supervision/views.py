import datetime

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from villages.dates import cn_date
from villages.excel import xlsx_response
from villages.guarantees import UNSTABLE_RULE
from villages.listing import list_context, page_of
from villages.models import City, County
from villages.scoping import get_visible_or_404
from villages.uploads import private_file_response

from . import selectors, services
from .choices import DEFAULT_PROPOSAL_THRESHOLD, REPORT_DUE_DAY, LedgerKind
from .filtersets import LedgerFilterSet
from .forms import IndicatorStatusForm, LeaderForm, ReportForm, add_errors
from .models import ExitIndicator, IndicatorStatus, ListedCounty, ListedVillage, Listing, MemberUnit, MonthlyReport


def _listing_or_404(pk):
    return get_object_or_404(Listing.objects.select_related("campaign"), pk=pk)


@login_required
def home(request):
    listing = selectors.current_listing()
    if listing is None:
        return render(request, "supervision/campaign.html", {"listing": None})
    return redirect(listing.get_absolute_url())


def _campaign_context(request, listing):
    county_rows, village_rows = selectors.campaign_rows(user=request.user, listing=listing)
    left = selectors.days_left(listing)
    totals = selectors.campaign_household_totals(county_rows, village_rows)
    return {
        "listing": listing, "county_rows": county_rows, "village_rows": village_rows,
        "days_left": left, "days_over": -left, "totals": totals,
        "guarantees": selectors.guarantee_rows(totals), "unstable_rule": UNSTABLE_RULE,
        "indicator_count": selectors.active_indicators().count(),
        **selectors.ledger_open_counts(user=request.user, listing=listing),
        "sees_all": rules.has_perm("supervision.see_all", request.user),
        "may_propose": rules.has_perm("supervision.propose_listing", request.user),
        "may_sync": rules.has_perm("supervision.sync_ledger", request.user),
    }


def _days(listing):
    left = selectors.days_left(listing)
    return {"listing": listing, "days_left": left, "days_over": -left}


@login_required
def campaign_view(request, pk):
    listing = _listing_or_404(pk)
    return render(request, "supervision/campaign.html", _campaign_context(request, listing))


@login_required
def campaign_export(request, pk):
    listing = _listing_or_404(pk)
    county_rows, village_rows = selectors.campaign_rows(user=request.user, listing=listing)
    headers = ["类型", "市", "县（市、区）", "乡（镇）", "村", "省级督战领导 / 分包领导", "退出指标达标", "退出指标总数",
               "台账未销号", "其中逾期", "台账已销号", "“两不愁三保障”未达标户", "不稳定脱贫户", "边缘户", "按时报送月数",
               "逾期报送月数", f"距{cn_date(listing.target_date)}天数"]
    left = selectors.days_left(listing)

    def rows():
        for r in county_rows:
            c = r["listed"]
            hh = r["households"]
            yield ["挂牌督战县", c.county.city.name, c.county.name, "", "", c.leader.name if c.leader else "",
                   r["indicators_met"], r["indicators_total"], r["ledger"]["open"], r["ledger"]["overdue"],
                   r["ledger"]["closed"], hh["failing"], hh["unstable"], hh["marginal"], r["reports"]["on_time"],
                   r["reports"]["late"], left]
        for r in village_rows:
            v = r["listed"].village
            hh = r["households"]
            yield ["挂牌督战村", v.township.county.city.name, v.township.county.name, v.township.name, v.name,
                   "、".join(f"{x.name}（{x.get_level_display()}）" for x in r["leaders"]),
                   r["indicators_met"], r["indicators_total"], r["ledger"]["open"], r["ledger"]["overdue"],
                   r["ledger"]["closed"], hh["failing"], hh["unstable"], hh["marginal"], "", "", left]

    return xlsx_response(filename=f"挂牌督战情况_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="挂牌督战",
                         headers=headers, rows=rows(), column_widths=[12, 10, 12, 12, 16, 24])


@login_required
def county_detail(request, pk):
    listed = get_visible_or_404(ListedCounty.objects.select_related("county__city", "leader", "listing"), request.user, pk=pk)
    figures = selectors.household_figures(county_ids=[listed.county_id])
    villages = selectors.listed_villages(user=request.user, listing=listed.listing).filter(county_id=listed.county_id)
    return render(request, "supervision/county_detail.html", {
        "listed": listed, "figures": figures, "guarantees": selectors.guarantee_rows(figures),
        "unstable_rule": UNSTABLE_RULE, "villages": villages,
        "entries": selectors.ledger_list(user=request.user, listing=listed.listing)
        .filter(county_id=listed.county_id).open()[:50],
        "today": timezone.localdate(),
        **_days(listed.listing),
    })


def _village_context(request, listed, *, forms=None, leader_form=None):
    indicators = selectors.village_indicators(listed)
    forms = forms or {}
    rows = []
    items = selectors.indicator_items(listed)
    for indicator, status in indicators:
        form = forms.get(indicator.pk) or IndicatorStatusForm(initial={
            "result": status.result if status else None,
            "assessed_on": status.assessed_on if status else timezone.localdate(),
            "evidence": status.evidence if status else "",
        }, prefix=f"i{indicator.pk}")
        rows.append({"indicator": indicator, "status": status, "form": form,
                     "item": items.get(status.pk) if status else None})
    counties = County.objects.visible_to(request.user).filter(pk=listed.county_id)
    figures = selectors.household_figures(village_ids=[listed.village_id])
    return {
        "listed": listed, "rows": rows, "figures": figures, "guarantees": selectors.guarantee_rows(figures),
        "unstable_rule": UNSTABLE_RULE,
        "leaders": listed.leaders.select_related("county", "city"),
        "leader_form": leader_form or LeaderForm(counties=counties),
        "entries": selectors.ledger_list(user=request.user, listing=listed.listing).filter(village_id=listed.village_id),
        "today": timezone.localdate(),
        "may_update": rules.has_perm("supervision.update_indicator", request.user, listed),
        "may_assign": rules.has_perm("supervision.assign_leader", request.user, listed),
        **_days(listed.listing),
    }


def _visible_listed_village(request, pk):
    return get_visible_or_404(
        ListedVillage.objects.select_related("village__township__county__city", "listing"), request.user, pk=pk
    )


@login_required
def village_detail(request, pk):
    listed = _visible_listed_village(request, pk)
    return render(request, "supervision/village_detail.html", _village_context(request, listed))


@login_required
@require_POST
def indicator_update(request, pk, indicator_pk):
    listed = _visible_listed_village(request, pk)
    indicator = get_object_or_404(ExitIndicator, pk=indicator_pk, is_active=True)
    if not rules.has_perm("supervision.update_indicator", request.user, listed):
        raise PermissionDenied("您的账号不能填报此村的退出指标。")
    form = IndicatorStatusForm(request.POST, request.FILES, prefix=f"i{indicator.pk}")
    if form.is_valid():
        try:
            status = services.indicator_status_set(
                acting_user=request.user, listed_village=listed, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, f"{indicator.name}：已认定为{status.get_result_display()}。"
                             + _ledger_message(selectors.indicator_items(listed).get(status.pk)))
            return redirect(f"{listed.get_absolute_url()}#indicator-{indicator.pk}")
    messages.error(request, f"{indicator.name}未保存，请按提示修改。")
    return render(request, "supervision/village_detail.html",
                  _village_context(request, listed, forms={indicator.pk: form}), status=400)


def _ledger_message(item):
    if item is None or item.status == "closed":
        return ""
    if item.status == "reported":
        return "督战台账问题已报告整改，待市扶贫办核查销号。"
    d = item.deadline
    return f"督战台账问题{item.get_status_display()}，整改期限{d.year}年{d.month}月{d.day}日。"


@login_required
@require_POST
def leader_create(request, pk):
    listed = _visible_listed_village(request, pk)
    if not rules.has_perm("supervision.assign_leader", request.user, listed):
        raise PermissionDenied("只有市扶贫办可以登记分包领导。")
    counties = County.objects.visible_to(request.user)
    form = LeaderForm(request.POST, counties=counties)
    if form.is_valid():
        try:
            services.leader_assign(acting_user=request.user, listed_village=listed, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, f"已登记{form.cleaned_data['name']}分包{listed.village.name}。")
            return redirect(listed.get_absolute_url())
    return render(request, "supervision/village_detail.html",
                  _village_context(request, listed, leader_form=form), status=400)


@login_required
def evidence_download(request, pk):
    status = get_visible_or_404(IndicatorStatus.objects.all(), request.user, pk=pk)
    if not status.evidence_file:
        raise Http404
    return private_file_response(status.evidence_file, filename=status.evidence_name or "evidence",
                                 content_type=status.evidence_content_type, inline=False)


def _ledger_filterset(request):
    listing = selectors.current_listing()
    queryset = selectors.ledger_list(user=request.user, listing=listing)
    return listing, LedgerFilterSet(request.GET, queryset=queryset, user=request.user)


@login_required
def ledger_list_view(request):
    listing, filterset = _ledger_filterset(request)
    context = list_context(request, filterset)
    context.update({
        "listing": listing, "today": timezone.localdate(),
        "may_sync": listing is not None and rules.has_perm("supervision.sync_ledger", request.user),
        "ready_to_report": (selectors.households_ready_to_report(user=request.user, listing=listing).count()
                            if listing is not None and rules.has_perm("rectification.report_item", request.user) else 0),
    })
    return render(request, "supervision/ledger_list.html", context)


@login_required
def ledger_export(request):
    _, filterset = _ledger_filterset(request)
    headers = ["问题", "来源", "县（市、区）", "乡（镇）", "村", "贫困户", "整改期限", "状态", "逾期", "建账日期", "建账人",
               "销号日期", "整改情况"]
    today = timezone.localdate()
    kinds = dict(LedgerKind.choices)
    rows = (
        [i.description, kinds.get(i.ledger_kind, ""), i.county.name, i.village.township.name if i.village else "",
         i.village.name if i.village else "", i.household.head_name if i.household else "", i.deadline,
         i.get_status_display(), "逾期" if i.is_overdue_on(today) else "", timezone.localtime(i.created_at).date(),
         i.found_by_name or "", i.closed_on, i.report]
        for i in filterset.qs.iterator(chunk_size=2000)
    )
    return xlsx_response(filename=f"督战台账_{today:%Y%m%d}.xlsx", sheet_title="督战台账", headers=headers, rows=rows,
                         column_widths=[48, 22, 12, 12, 12, 10, 14, 14, 6, 12, 14, 12, 48])


@login_required
@require_POST
def ledger_sync(request, pk):
    listing = _listing_or_404(pk)
    if not rules.has_perm("supervision.sync_ledger", request.user):
        raise PermissionDenied("只有市扶贫办可以核对贫困户台账。")
    r = services.ledger_sync_households(acting_user=request.user, listing=listing)
    messages.success(request, f"已核对贫困户“两不愁三保障”：新建台账 {r['opened']} 条；县已报告的 {r['closed']} 条核对一致已销号，"
                              f"{r['sent_back']} 条数据仍未达标已退回整改。")
    if r["reported_left"]:
        messages.info(request, f"还有 {r['reported_left']} 条县已报告的台账问题待核对，请再次点击“核对贫困户台账”。")
    if r["awaiting_report"]:
        messages.info(request, f"另有 {r['awaiting_report']} 条的贫困户数据已显示达标，待县（市、区）扶贫办报告整改情况后销号。")
    return redirect(reverse("supervision:ledger_list") + "?source=household")


@login_required
@require_POST
def ledger_report_households(request, pk):
    listing = _listing_or_404(pk)
    if not rules.has_perm("rectification.report_item", request.user):
        raise PermissionDenied("只有县（市、区）扶贫办可以报告整改情况。")
    try:
        n, left = services.ledger_report_households(acting_user=request.user, listing=listing)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已报告 {n} 户的整改情况（以贫困户数据为证），待市扶贫办核对销号。" if n
                         else "没有数据已显示达标、待报告的贫困户。")
        if left:
            messages.info(request, f"还有 {left} 户待报告，请再次点击“报告数据已达标的户”。")
    return redirect(reverse("supervision:ledger_list") + "?source=household")


# --- monthly reports ----------------------------------------------------------------------------

def _month_param(value, default):
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return default


@login_required
def report_list(request):
    listing = selectors.current_listing()
    if listing is None:
        raise Http404
    today = timezone.localdate()
    month = _month_param(request.GET.get("month"), selectors.month_start(today))
    rows = selectors.report_status(user=request.user, listing=listing, month=month, today=today)
    for row in rows:
        target = services.ReportTarget(city=row.get("city"), unit=row.get("unit"))
        name = "supervision.submit_unit_report" if row.get("unit") else "supervision.submit_city_report"
        row["may_submit"] = rules.has_perm(name, request.user, target)
    return render(request, "supervision/report_list.html", {
        "listing": listing, "month": month, "due": month.replace(day=REPORT_DUE_DAY), "today": today,
        "rows": rows,
        "months": list(reversed(selectors.months_of(listing, until=max(today, listing.campaign.start_date)))),
        "reports": selectors.visible_reports(user=request.user, listing=listing)[:100],
        "sees_all": rules.has_perm("supervision.see_all", request.user),
    })


def _reporter(request):
    """The city or member unit the user reports for (a city office its own city; a unit by id)."""
    unit_id = request.GET.get("unit") or request.POST.get("unit")
    if unit_id:
        if not str(unit_id).isdigit():
            raise Http404
        unit = get_object_or_404(MemberUnit, pk=unit_id, is_active=True)
        if not rules.has_perm("supervision.submit_unit_report", request.user, services.ReportTarget(unit=unit)):
            raise Http404
        return None, unit
    city = City.objects.filter(pk=request.user.city_id).first() if request.user.city_id else None
    if city and rules.has_perm("supervision.submit_city_report", request.user, services.ReportTarget(city=city)):
        return city, None
    raise PermissionDenied("您的账号不报送挂牌督战月度进展。")


@login_required
def report_submit_view(request):
    listing = selectors.current_listing()
    if listing is None:
        raise Http404
    city, unit = _reporter(request)
    today = timezone.localdate()
    month = _month_param(request.POST.get("month") or request.GET.get("month"), selectors.month_start(today))
    existing = MonthlyReport.objects.filter(listing=listing, month=month, city=city, unit=unit).first()
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                report, created = services.report_submit(
                    acting_user=request.user, listing=listing, month=month, city=city, unit=unit,
                    narrative=form.cleaned_data["narrative"],
                )
            except ValidationError as e:
                add_errors(form, e)
            else:
                if created:
                    messages.success(request, f"{report}已报送" + ("（逾期报送）。" if report.is_late else "。"))
                else:
                    messages.success(request, f"{report}已报送过，本次已修改原报告（修改记录可查）。")
                return redirect(report.get_absolute_url())
    else:
        form = ReportForm(initial={"narrative": existing.narrative if existing else ""})
    figures = selectors.city_report_figures(listing=listing, city=city, month=month) if city else None
    return render(request, "supervision/report_form.html", {
        "listing": listing, "form": form, "city": city, "unit": unit, "month": month, "existing": existing,
        "figure_rows": selectors.figure_rows(figures) if figures else None,
        "due": month.replace(day=REPORT_DUE_DAY), "late_if_now": today > month.replace(day=REPORT_DUE_DAY),
    }, status=400 if form.errors else 200)


@login_required
def report_detail(request, pk):
    listing = selectors.current_listing()
    if listing is None:
        raise Http404
    report = get_object_or_404(selectors.visible_reports(user=request.user, listing=listing), pk=pk)
    history = report.history.select_related("history_user").order_by("-history_date")
    return render(request, "supervision/report_detail.html", {
        "report": report, "figure_rows": selectors.figure_rows(report.figures) if report.city_id else None,
        "history": history,
    })


# --- a listing proposed from data -----------------------------------------------------------------

@login_required
def proposal(request):
    if not rules.has_perm("supervision.propose_listing", request.user):
        raise PermissionDenied("只有市扶贫办可以按数据提出挂牌督战名单。")
    raw = request.GET.get("threshold", "")
    threshold = int(raw) if raw.isdigit() else DEFAULT_PROPOSAL_THRESHOLD
    error = "门槛须为不小于0的整数，已按5000人计算。" if raw and not raw.isdigit() else None
    counties = list(selectors.proposed_counties(user=request.user, threshold=threshold))
    villages = selectors.proposed_villages(user=request.user)
    return render(request, "supervision/proposal.html", {
        "threshold": threshold, "error": error, "counties": counties, "page": page_of(request, villages),
        "query": f"threshold={threshold}",
    })
