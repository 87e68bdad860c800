"""Pages of inspection trips (督查, HY 四). Thin: forms validate, trip_services decide, trip_selectors read."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reminders.calendar import last_working_day_of_quarter
from rosters.choices import TeamKind
from rosters.models import Team
from villages.dates import cn_date
from villages.excel import xlsx_response
from villages.listing import list_context, page_of
from villages.models import Township
from villages.scoping import get_visible_or_404

from . import trip_services as services
from .choices import FindingSeverity, SampleLevel, TripStatus
from .models import Finding, InspectionTrip
from .selectors import default_campaign
from .trip_filtersets import FindingFilterSet, TripFilterSet
from .trip_forms import ArchiveForm, ExceptionForm, ExchangeForm, FindingForm, SampleForm, SwapForm, TripForm
from .trip_selectors import (
    archive_list,
    finding_counts_by_category,
    finding_list,
    inspection_campaigns,
    monthly_coverage,
    plannable_coverage,
    sample_proposal,
    sample_shortfalls,
    trip_detail_queryset,
    trip_findings,
    trip_list,
    trip_samples,
)


def _apply_errors(form, error):
    """Put a service's ValidationError on the form: under the field it names, else on the form."""
    for name, msgs in (error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]):
        form.add_error(name if name in form.fields else None, msgs)


def _trip(request, pk):
    return get_visible_or_404(InspectionTrip.objects.select_related("campaign", "team", "county"), request.user, pk=pk)


def _editable_trip(request, pk):
    """A trip the user sees (else 404) and may edit (else 403, in Chinese)."""
    trip = _trip(request, pk)
    if not rules.has_perm("inspections.edit_trip", request.user, trip):
        raise PermissionDenied(f"您不是{trip.team.name}的成员，只能查看该督查。")
    return trip


def _open_trip_page(view):
    """Pages that change a trip send an ended trip's visitor back to the (locked) trip page."""
    def wrapper(request, pk, *args, **kwargs):
        trip = _editable_trip(request, pk)
        if trip.is_ended:
            messages.info(request, "该督查已结束，记录已锁定。")
            return redirect(trip)
        return view(request, trip, *args, **kwargs)
    wrapper.__name__ = view.__name__
    return wrapper


# --- list, export, coverage -----------------------------------------------------------------------


def _trip_filter(request):
    filterset = TripFilterSet(request.GET or None, queryset=trip_list(user=request.user), user=request.user)
    return filterset, filterset.qs.annotate(
        finding_count=Count("findings", distinct=True),
        major_count=Count("findings", filter=Q(findings__severity=FindingSeverity.MAJOR), distinct=True),
    )


@login_required
def trip_list_view(request):
    filterset, qs = _trip_filter(request)
    return render(request, "inspections/trip_list.html", {
        **list_context(request, filterset, qs), "can_plan": plannable_coverage(user=request.user).exists(),
    })


@login_required
def trip_export(request):
    _, qs = _trip_filter(request)
    qs = qs.prefetch_related("members").select_related("exchange", "sample_exception_by")
    headers = ["开始日期", "结束日期", "工作周期", "督查小组", "被督查县（市、区）", "状态", "参加人员", "发现问题（条）", "其中重大问题（条）",
               "交换意见日期", "交换对象", "抽查例外理由", "例外登记人"]

    def rows():
        for t in qs.iterator(chunk_size=500):
            exchange = getattr(t, "exchange", None)
            yield [t.start_date, t.end_date, t.campaign.name, t.team.name, t.county.name, t.get_status_display(),
                   "、".join(p.name for p in t.members.all()), t.finding_count, t.major_count,
                   exchange.date if exchange else "", exchange.with_whom if exchange else "", t.sample_exception_reason,
                   t.sample_exception_by.display_name if t.sample_exception_by else ""]

    return xlsx_response(filename=f"督查记录_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="督查记录", headers=headers, rows=rows(),
                         column_widths=[12, 12, 24, 10, 12, 8, 24, 10, 10, 12, 30, 30, 10], request=request)


@login_required
def trip_coverage_view(request):
    campaigns = list(inspection_campaigns(user=request.user))
    chosen = request.GET.get("campaign", "")
    campaign = next((c for c in campaigns if str(c.pk) == chosen), None) or default_campaign(campaigns)
    months, rows = monthly_coverage(user=request.user, campaign=campaign) if campaign else ([], [])
    return render(request, "inspections/trip_coverage.html", {
        "campaigns": campaigns, "campaign": campaign, "months": months, "rows": rows,
        "missing_total": sum(r["missing"] for r in rows),
    })


@login_required
def finding_list_view(request):
    findings = finding_list(user=request.user)
    filterset = FindingFilterSet(request.GET or None, queryset=findings, user=request.user)
    return render(request, "inspections/finding_list.html", {
        **list_context(request, filterset), "category_counts": finding_counts_by_category(findings=filterset.qs),
    })


# --- plan and edit --------------------------------------------------------------------------------


@login_required
def trip_create(request):
    coverage = plannable_coverage(user=request.user)
    if not coverage.exists():
        raise PermissionDenied("您不是督查小组成员，不能安排督查。")
    form = TripForm(request.POST or None, coverage_qs=coverage)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            trip = services.trip_plan(acting_user=request.user, coverage=cd["coverage"], start_date=cd["start_date"],
                                      end_date=cd["end_date"], members=list(cd["members"]), note=cd["note"])
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, f"已安排督查：{trip.team.name}，{trip.county.name}，{cn_date(trip.start_date)}。")
            return redirect(trip)
    return render(request, "inspections/trip_form.html", {"form": form})


@login_required
@_open_trip_page
def trip_edit(request, trip):
    initial = {"start_date": trip.start_date, "end_date": trip.end_date, "note": trip.note, "members": list(trip.members.all())}
    form = TripForm(request.POST or None, trip=trip, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.trip_update(acting_user=request.user, trip=trip, start_date=cd["start_date"], end_date=cd["end_date"],
                                 members=list(cd["members"]), note=cd["note"])
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, "督查安排已保存。")
            return redirect(trip)
    return render(request, "inspections/trip_form.html", {"form": form, "trip": trip})


# --- the trip page and its actions ------------------------------------------------------------------


def _detail(request, trip, *, status=200, **forms):
    """The trip page; a failed action passes its bound form so what the user typed stays."""
    trip = get_object_or_404(trip_detail_queryset(user=request.user), pk=trip.pk)
    samples = list(trip_samples(trip))
    sampled_villages = [s.village_id for s in samples if s.level == SampleLevel.VILLAGE]
    user = request.user
    can_edit = rules.has_perm("inspections.edit_trip", user, trip) and not trip.is_ended
    findings = trip_findings(trip)
    context = {
        "trip": trip, "samples": samples, "shortfalls": sample_shortfalls(trip), "findings": findings,
        "category_counts": finding_counts_by_category(findings=trip.findings.all()),
        "can_edit": can_edit,
        "can_except": rules.has_perm("inspections.record_sample_exception", user, trip) and not trip.is_ended,
        "exchange": getattr(trip, "exchange", None),
        "SampleLevel": SampleLevel, "TripStatus": TripStatus,
    }
    if can_edit:
        exchange = context["exchange"]
        context.update(
            finding_form=forms.get("finding_form") or FindingForm(trip=trip, samples=samples),
            exchange_form=forms.get("exchange_form") or ExchangeForm(initial={
                "date": exchange.date if exchange else trip.end_date, "with_whom": exchange.with_whom if exchange else "",
                "summary": exchange.summary if exchange else ""}),
            exception_form=forms.get("exception_form") or ExceptionForm(initial={"reason": trip.sample_exception_reason}),
            swap_form=forms.get("swap_form") or (SwapForm(trip=trip, sampled_village_ids=sampled_villages) if sampled_villages else None),
            action_errors=forms.get("action_errors"),
        )
    return render(request, "inspections/trip_detail.html", context, status=status)


@login_required
def trip_detail(request, pk):
    return _detail(request, _trip(request, pk))


@login_required
@require_POST
def trip_advance(request, pk):
    trip = _editable_trip(request, pk)
    action = request.POST.get("action")
    try:
        if action == "start":
            services.trip_start(acting_user=request.user, trip=trip)
            messages.success(request, "督查已开始。")
        elif action == "end":
            services.trip_end(acting_user=request.user, trip=trip)
            messages.success(request, "督查已结束，记录已锁定。3天内请向被督查单位发出整改函（河源市工作方案 四）。")
        else:
            raise ValidationError("未知的操作。")
    except ValidationError as e:
        return _detail(request, trip, status=400, action_errors=e.messages)
    return redirect(trip)


@login_required
@_open_trip_page
def trip_propose(request, trip):
    """The proposer's sample, each choice explained; POST takes it as it stands."""
    seed_text = request.POST.get("seed") or request.GET.get("seed") or ""
    seed = int(seed_text) if seed_text.isdigit() else trip.pk
    proposal = sample_proposal(trip=trip, seed=seed)
    if request.method == "POST":
        try:
            services.sample_accept_proposal(acting_user=request.user, trip=trip, proposal=proposal)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, "已采用建议的抽查对象。可在督查页面替换其中的村，或手动调整。")
            return redirect(trip)
    return render(request, "inspections/trip_propose.html", {"trip": trip, "proposal": proposal, "next_seed": seed + 1})


@login_required
@_open_trip_page
def sample_edit(request, trip):
    samples = list(trip.samples.all())
    sampled_villages = [s.village_id for s in samples if s.level == SampleLevel.VILLAGE]
    initial = {"villages": sampled_villages, "households": [s.household_id for s in samples if s.level == SampleLevel.HOUSEHOLD]}
    form = SampleForm(request.POST or None, trip=trip, sampled_village_ids=sampled_villages, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        extra_townships = [s.township_id for s in samples if s.level == SampleLevel.TOWNSHIP]
        try:
            services.sample_save(acting_user=request.user, trip=trip, villages=list(cd["villages"]),
                                 households=list(cd["households"]),
                                 townships=list(Township.objects.filter(pk__in=extra_townships,
                                                                        villages__in=cd["villages"]).distinct()))
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, "抽查对象已保存。")
            return redirect(trip)
    chosen = {str(v) for v in (form.data.getlist("villages") if form.is_bound else sampled_villages)}
    chosen_households = {str(v) for v in (form.data.getlist("households") if form.is_bound else initial["households"])}
    return render(request, "inspections/sample_form.html", {
        "trip": trip, "form": form, "chosen": chosen, "chosen_households": chosen_households,
        "villages": form.fields["villages"].queryset, "households": form.household_choices,
    })


@login_required
@require_POST
def sample_swap(request, pk):
    trip = _editable_trip(request, pk)
    sampled = list(trip.samples.filter(level=SampleLevel.VILLAGE).values_list("village_id", flat=True))
    form = SwapForm(request.POST, trip=trip, sampled_village_ids=sampled)
    if form.is_valid():
        try:
            services.sample_swap_village(acting_user=request.user, trip=trip, village=form.cleaned_data["village"],
                                         replacement=form.cleaned_data["replacement"])
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, f"已将{form.cleaned_data['village'].name}换成{form.cleaned_data['replacement'].name}，"
                                      "并为新村抽取了农户。")
            return redirect(trip)
    return _detail(request, trip, status=400, swap_form=form)


@login_required
@require_POST
def sample_exception(request, pk):
    trip = _trip(request, pk)
    if not rules.has_perm("inspections.record_sample_exception", request.user, trip):
        raise PermissionDenied("只有该督查小组组长或市扶贫办可以登记抽查例外。")
    form = ExceptionForm(request.POST)
    if form.is_valid():
        try:
            services.sample_exception_record(acting_user=request.user, trip=trip, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, "抽查例外已登记，理由将在督查页面和导出中保留。")
            return redirect(trip)
    return _detail(request, trip, status=400, exception_form=form)


@login_required
@require_POST
def finding_add(request, pk):
    trip = _editable_trip(request, pk)
    form = FindingForm(request.POST, trip=trip, samples=list(trip_samples(trip)))
    if form.is_valid():
        cd = form.cleaned_data
        try:
            finding = services.finding_add(acting_user=request.user, trip=trip, target=cd["target"], category=cd["category"],
                                           description=cd["description"], method=cd["method"], severity=cd["severity"])
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            if finding.is_major:
                messages.warning(request, "已记录重大问题：请及时报告市脱贫攻坚督查工作领导小组（河源市工作方案 六）。")
            else:
                messages.success(request, "问题已记录。")
            return redirect(f"{trip.get_absolute_url()}#findings")
    return _detail(request, trip, status=400, finding_form=form)


@login_required
@require_POST
def finding_delete(request, pk, finding_pk):
    trip = _editable_trip(request, pk)
    finding = get_object_or_404(Finding, pk=finding_pk, trip=trip)
    try:
        services.finding_delete(acting_user=request.user, finding=finding)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, "问题已删除。")
    return redirect(f"{trip.get_absolute_url()}#findings")


@login_required
@require_POST
def exchange_save(request, pk):
    trip = _editable_trip(request, pk)
    form = ExchangeForm(request.POST)
    if form.is_valid():
        try:
            services.exchange_save(acting_user=request.user, trip=trip, **form.cleaned_data)
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, "交换意见已记录。")
            return redirect(f"{trip.get_absolute_url()}#exchange")
    return _detail(request, trip, status=400, exchange_form=form)


# --- archive hand-over (HY 四) ---------------------------------------------------------------------


@login_required
def archive_view(request):
    user = request.user
    teams = Team.objects.visible_to(user).filter(kind=TeamKind.INSPECTION).select_related("campaign").order_by("-campaign__start_date", "order")
    teams = Team.objects.filter(
        pk__in=[t.pk for t in teams if rules.has_perm("inspections.hand_over_archive", user, t)]
    ).select_related("campaign")  # each option's label names the campaign
    handed = InspectionTrip.objects.filter(archive_handovers__isnull=False).values("pk")
    today = timezone.localdate()
    trips = (trip_list(user=user).filter(team__in=teams, status=TripStatus.ENDED).exclude(pk__in=handed))
    # The trips offered are the chosen group's: the provincial office sees 60 groups and 2,000 trips,
    # which as one list of check boxes took seconds to draw and nobody could use.
    team_ids = [str(pk) for pk in teams.values_list("pk", flat=True)]
    chosen = request.POST.get("team") or request.GET.get("team") or (team_ids[0] if len(team_ids) == 1 else "")
    chosen = chosen if chosen in team_ids else ""
    trips = trips.filter(team_id=chosen) if chosen else trips.none()
    form = ArchiveForm(request.POST or None, teams=teams, trips=trips,
                       initial={"team": chosen or None, "year": today.year, "quarter": services.quarter_of(today),
                                "handed_over_on": last_working_day_of_quarter(today)}) if team_ids else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有督查小组成员和市扶贫办可以登记档案移交。")
        if form.is_valid():
            cd = form.cleaned_data
            try:
                services.archive_handover_record(acting_user=user, team=cd["team"], year=cd["year"], quarter=cd["quarter"],
                                                 trips=list(cd["trips"]), handed_over_on=cd["handed_over_on"],
                                                 received_by=cd["received_by"], note=cd["note"])
            except ValidationError as e:
                _apply_errors(form, e)
            else:
                messages.success(request, "档案移交已登记。")
                return redirect("inspections:archive_list")
    # A page at a time: the provincial office's year holds hundreds of hand-overs and thousands of trips.
    page = page_of(request, archive_list(user=user).order_by("-year", "-quarter", "team", "-pk"), 20)
    handovers = list(page.object_list)
    # HY 四's due date is the quarter's last working day: looked up once per quarter, not once per row.
    dues = {}
    for h in handovers:
        if (h.year, h.quarter) in dues:
            h.due_date = dues[h.year, h.quarter]
        else:
            dues[h.year, h.quarter] = h.due_date
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "inspections/archive_list.html", {"handovers": handovers, "page": page, "query": params.urlencode(),
                                                              "form": form, "team_chosen": chosen},
                  status=400 if request.method == "POST" else 200)

