import datetime

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from villages.dates import cn_date
from villages.excel import xlsx_response
from villages.listing import list_context
from villages.uploads import private_file_response

from . import selectors, services, sources
from .choices import ExtensionStatus, ItemStatus
from .filtersets import ItemFilterSet, LetterFilterSet, NoticeFilterSet
from .forms import ExtensionDecisionForm, ExtensionRequestForm, LetterEditForm, LookBackForm, NoticeForm
from .models import ExtensionRequest


def _errors(request, e):
    for message in e.messages:
        messages.error(request, message)


@login_required
def item_list(request):
    queryset = selectors.items_visible_to(request.user).select_related("county", "letter__county", "team", "village").annotate(
        extension_waiting=Exists(ExtensionRequest.objects.filter(item=OuterRef("pk"), status=ExtensionStatus.PENDING)))
    filterset = ItemFilterSet(request.GET, queryset=queryset, user=request.user)
    context = list_context(request, filterset)
    context["today"] = timezone.localdate()
    return render(request, "rectification/item_list.html", context)


@login_required
def inbox(request):
    return render(request, "rectification/inbox.html", {
        "inbox": selectors.inbox(request.user), "today": timezone.localdate()})


@login_required
def item_detail(request, pk):
    item = selectors.item_for(request.user, pk)
    user = request.user
    source_note = sources.page_note(item, user)  # e.g. an exit indicator's item is reported on the indicator
    actions = services.allowed_actions(user, item, hidden=source_note.hidden if source_note else ())
    extensions = list(item.extensions.select_related("requested_by", "decided_by"))
    pending = next((x for x in extensions if x.status == ExtensionStatus.PENDING), None)
    issued = not item.letter_id or item.letter.is_issued
    per_file, per_item, per_upload = services.evidence_limits()
    return render(request, "rectification/item_detail.html", {
        "item": item, "today": timezone.localdate(), "actions": actions, "source_note": source_note,
        "action_names": {name for name, _ in actions},
        "timeline": item.transitions.select_related("by").prefetch_related("evidence"),
        "evidence": item.evidence.select_related("uploaded_by"),
        "extensions": extensions, "pending_extension": pending,
        "lookbacks": item.lookbacks.select_related("recorded_by"),
        "may_request_extension": issued and pending is None and item.status != ItemStatus.CLOSED and item.deadline
        and rules.has_perm("rectification.request_extension", user, item),
        "may_decide": pending is not None and rules.has_perm("rectification.decide_extension", user, pending),
        "may_escalate": issued and item.escalated_at is None and item.status != ItemStatus.CLOSED
        and rules.has_perm("rectification.escalate_item", user, item),
        "may_acknowledge": item.escalation_waiting and rules.has_perm("rectification.acknowledge_escalation", user, item),
        "extension_form": ExtensionRequestForm(), "decision_form": ExtensionDecisionForm(), "lookback_form": LookBackForm(),
        "limits": {"per_file": per_file, "per_item": per_item, "per_upload": per_upload},
    })


@login_required
@require_POST
def item_move(request, pk):
    item = selectors.item_for(request.user, pk)
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    if action not in services.TRANSITIONS:
        messages.error(request, "未知的操作。")
        return redirect(item)
    if not rules.has_perm(services.TRANSITIONS[action].permission, request.user, item):
        raise PermissionDenied("您无权对该问题执行此操作。")
    files = request.FILES.getlist("files")
    lookback = None
    if action in ("verify_pass", "verify_fail"):
        form = LookBackForm(request.POST)
        if not form.is_valid():
            messages.error(request, "回头看日期格式不正确（如 2018-08-20）。")
            return redirect(item)
        if form.has_lookback():
            d = form.cleaned_data
            lookback = services.LookBackInput(d["lookback_on"], d["lookback_people"], d["lookback_found"])
    calls = {
        "start": lambda: services.item_start(acting_user=request.user, item=item),
        "progress": lambda: services.item_progress(acting_user=request.user, item=item, note=note, files=files),
        "report": lambda: services.item_report(acting_user=request.user, item=item, evidence=note, files=files),
        "verify_pass": lambda: services.item_verify(acting_user=request.user, item=item, passed=True, reason=note,
                                                    lookback=lookback),
        "verify_fail": lambda: services.item_verify(acting_user=request.user, item=item, passed=False, reason=note,
                                                    lookback=lookback),
        "close": lambda: services.item_close(acting_user=request.user, item=item, note=note),
        "reopen": lambda: services.item_reopen(acting_user=request.user, item=item, reason=note),
    }
    try:
        calls[action]()
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, f"已{services.TRANSITIONS[action].label}。")
    return redirect(item)


@login_required
def letter_detail(request, pk):
    letter = selectors.letter_for(request.user, pk)
    return render(request, "rectification/letter_detail.html", {
        "letter": letter, "items": letter.items.select_related("village"), "today": timezone.localdate(),
        "late": services.letter_is_late(letter),
        "due": services.letter_due_date(letter.trip) if letter.trip_id else None,
        "may_issue": not letter.is_issued and rules.has_perm("rectification.issue_letter", request.user, letter),
        "may_edit": not letter.is_issued and rules.has_perm("rectification.draft_letter", request.user, letter),
    })


@login_required
def letter_list(request):
    queryset = selectors.letters_visible_to(request.user).select_related("county", "team", "trip")
    filterset = LetterFilterSet(request.GET, queryset=queryset, user=request.user)
    context = list_context(request, filterset)
    today = timezone.localdate()
    trips = list(selectors.trips_awaiting_letter(request.user))
    due = services.letter_due_dates(trips)
    may_draft = {}  # the matrix asked once per group, not once per trip
    for t in trips:
        if t.team_id not in may_draft:
            may_draft[t.team_id] = rules.has_perm("rectification.draft_letter", request.user, t)
    context["awaiting"] = [{"trip": t, "due": due[t.pk], "late": due[t.pk] < today, "may_draft": may_draft[t.team_id]}
                           for t in trips]
    return render(request, "rectification/letter_list.html", context)


@login_required
@require_POST
def letter_draft(request, trip_pk):
    from inspections.models import InspectionTrip

    trip = get_object_or_404(InspectionTrip.objects.visible_to(request.user), pk=trip_pk)
    if not rules.has_perm("rectification.draft_letter", request.user, trip):
        raise PermissionDenied("您不能为该督查起草整改函。")
    try:
        letter = services.letter_draft_from_trip(acting_user=request.user, trip=trip)
    except ValidationError as e:
        _errors(request, e)
        return redirect("rectification:letter_list")
    messages.success(request, "已起草整改函，请核对问题清单、确定整改期限后签发。")
    return redirect(letter)


def _date(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
@require_POST
def letter_issue(request, pk):
    letter = selectors.letter_for(request.user, pk)
    if not rules.has_perm("rectification.issue_letter", request.user, letter):
        raise PermissionDenied("只有发函小组组长或市扶贫办可以签发整改函。")
    issued_on, deadline = _date(request.POST.get("issued_on")), _date(request.POST.get("deadline"))
    if not deadline:
        messages.error(request, "请填写整改期限（如 2018-08-31）。")
        return redirect(letter)
    try:
        letter = services.letter_issue(acting_user=request.user, letter=letter, issued_on=issued_on or None,
                                       deadline=deadline)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, f"整改函已签发：{letter.number}。")
    return redirect(letter)


# --- evidence: served only through the item's scope ------------------------------------------------

@login_required
def evidence_download(request, pk):
    ev = selectors.evidence_for(request.user, pk)
    # Photos (JPEG/PNG by their bytes, and decoded) open in the browser; documents download.
    return private_file_response(ev.file, filename=ev.name, content_type=ev.content_type, inline=ev.is_image)


@login_required
def evidence_thumbnail(request, pk):
    ev = selectors.evidence_for(request.user, pk)
    if not ev.thumbnail:
        raise Http404("该文件没有缩略图。")
    return private_file_response(ev.thumbnail, filename=f"缩略图-{ev.name}.jpg", content_type="image/jpeg", inline=True)


# --- extensions, escalation ---------------------------------------------------------------------------

@login_required
@require_POST
def extension_request(request, pk):
    item = selectors.item_for(request.user, pk)
    if not rules.has_perm("rectification.request_extension", request.user, item):
        raise PermissionDenied("只有本县（市、区）扶贫办可以申请延期。")
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(item)
    try:
        ext = services.extension_request(acting_user=request.user, item=item,
                                         requested_deadline=form.cleaned_data["requested_deadline"],
                                         reason=form.cleaned_data["reason"])
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, f"已申请延期至{cn_date(ext.requested_deadline)}，等待审批。")
    return redirect(item)


@login_required
@require_POST
def extension_decide(request, pk):
    ext = selectors.extension_for(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    form = ExtensionDecisionForm(request.POST)
    form.is_valid()
    try:
        services.extension_decide(acting_user=request.user, extension=ext, approve=approve,
                                  note=form.cleaned_data.get("note", ""))
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "已批准延期，整改期限已更新。" if approve else "已不批准延期，整改期限不变。")
    return redirect(ext.item)


@login_required
@require_POST
def item_escalate(request, pk):
    item = selectors.item_for(request.user, pk)
    try:
        services.item_escalate(acting_user=request.user, item=item, note=request.POST.get("note", ""))
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "已认定为重大问题并上报市脱贫攻坚督查工作领导小组。")
    return redirect(item)


@login_required
@require_POST
def item_acknowledge(request, pk):
    item = selectors.item_for(request.user, pk)
    try:
        services.item_acknowledge(acting_user=request.user, item=item)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "已确认收到重大问题报告。")
    return redirect(item)


# --- the letter as an official document -------------------------------------------------------------

@login_required
@require_POST
def letter_edit(request, pk):
    letter = selectors.letter_for(request.user, pk)
    form = LetterEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写主送单位。")
        return redirect(letter)
    try:
        services.letter_edit(acting_user=request.user, letter=letter, **form.cleaned_data)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "整改函草稿已保存。")
    return redirect(letter)


@login_required
def letter_print(request, pk):
    letter = selectors.letter_for(request.user, pk)
    return render(request, "rectification/letter_print.html", {
        "letter": letter, "items": letter.items.select_related("village", "village__township", "household"),
        "issuer": selectors.letter_issuer(letter), "body": selectors.letter_body(letter),
    })


@login_required
def letter_export(request, pk):
    letter = selectors.letter_for(request.user, pk)
    items = letter.items.select_related("village", "village__township", "household").order_by("order", "pk")
    rows = ([i.order, i.description, i.category, i.get_severity_display(), letter.county.name,
             " / ".join(p for p in (i.village.township.name if i.village else "", i.village.name if i.village else "") if p),
             i.household.masked_id_number if i.household_id else "", i.responsible_unit or letter.addressee,
             i.deadline, i.get_status_display(), i.closed_on] for i in items.iterator())
    return xlsx_response(
        filename=f"{letter.number or '整改函草稿'}问题清单.xlsx", sheet_title="问题清单",
        headers=["序号", "问题", "问题类别", "性质", "县（市、区）", "乡（镇）/ 村", "农户（身份证号）", "责任单位", "整改期限",
                 "状态", "销号日期"],
        rows=rows, column_widths=[6, 60, 20, 6, 12, 24, 22, 26, 12, 12, 12])


# --- 整改率, notices, the yearly assessment ------------------------------------------------------------

PERIODS = {"county": "按县（市、区）", "team": "按督查小组", "month": "按月", "quarter": "按季度", "year": "按年度"}


def _year(request, user):
    years = selectors.years_with_items(user)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year is None or not (2000 <= year <= 2100):
        # This year when it has items, else the latest year that has.
        this_year = timezone.localdate().year
        year = this_year if this_year in years or not years else years[0]
    return year, years


def _sees_many_cities(user):
    return user.is_superuser or user.role == "admin" or (user.role == "city" and user.city_id is None)


@login_required
def rates(request):
    by = request.GET.get("by", "county")
    by = by if by in PERIODS else "county"
    year, years = _year(request, request.user)
    span = None if by == "year" else (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    rows = selectors.rectification_rates(selectors.items_visible_to(request.user), by=by,
                                         start=span[0] if span else None, end=span[1] if span else None)
    if by == "county" and _sees_many_cities(request.user):
        # Names repeat across cities (several 新华区): the province's table says which city.
        from villages.models import County

        cities = dict(County.objects.filter(pk__in=[r["key"] for r in rows]).values_list("pk", "city__name"))
        for r in rows:
            r["label"] = f"{cities.get(r['key'], '')}{r['label']}"
    return render(request, "rectification/rates.html", {
        "rows": rows, "by": by, "periods": PERIODS, "year": year, "years": years,
        "formula": selectors.RATE_FORMULA, "today": timezone.localdate()})


@login_required
def notice_list(request):
    """The notices (通报) the user may see; the city office issues one from the form above the list."""
    may_issue = rules.has_perm("rectification.issue_notice", request.user, None)
    form, status = None, 200
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied("只有市扶贫办可以通报表扬或批评。")
        form = NoticeForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                notice = services.notice_issue(
                    acting_user=request.user, county=d["county"], kind=d["kind"], points=d["points"], reason=d["reason"],
                    issued_on=d["issued_on"], unit=d["unit"], document_number=d["document_number"])
            except ValidationError as e:
                for field, errors in e.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, f"已{notice.get_kind_display()}{notice.target_name}（{notice.score_change:+}分）。")
                return redirect("rectification:notice_list")
        status = 400
    elif may_issue:
        form = NoticeForm(user=request.user, initial={"issued_on": timezone.localdate()})
    filterset = NoticeFilterSet(request.GET, queryset=selectors.notices_visible_to(request.user), user=request.user)
    context = list_context(request, filterset)
    context.update({"form": form, "may_issue": may_issue})
    return render(request, "rectification/notice_list.html", context, status=status)


ASSESSMENT_HEADERS = ["县（市、区）", "收到整改函", "整改问题", "已销号", "逾期未销号", "整改率（%）", "表扬", "批评",
                      "通报加减分", "整改率得分", "整改考核得分"]


@login_required
def assessment(request):
    year, years = _year(request, request.user)
    table = selectors.assessment(request.user, year)
    if request.GET.get("format") == "xlsx":
        rows = ([f"{r['county'].city.name}{r['county'].name}", r["letters"], r["items"], r["closed"], r["overdue"],
                 None if r["rate"] is None else round(r["rate"], 1), r["praise"], r["criticism"], float(r["adjust"]),
                 float(r["rate_points"]), float(r["score"])] for r in table["rows"])
        return xlsx_response(filename=f"{year}年度整改考核表.xlsx", sheet_title=f"{year}年度整改考核",
                             headers=ASSESSMENT_HEADERS, rows=rows, column_widths=[16, 10, 10, 10, 10, 10, 8, 8, 10, 10, 12])
    return render(request, "rectification/assessment.html",
                  {**table, "years": years, "show_city": _sees_many_cities(request.user)})
