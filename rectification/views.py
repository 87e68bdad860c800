import datetime

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from villages.listing import list_context

from . import selectors, services
from .filtersets import ItemFilterSet, LetterFilterSet


@login_required
def item_list(request):
    queryset = selectors.items_visible_to(request.user).select_related("county", "letter", "team", "village")
    filterset = ItemFilterSet(request.GET, queryset=queryset, user=request.user)
    context = list_context(request, filterset)
    context["today"] = timezone.localdate()
    return render(request, "rectification/item_list.html", context)


@login_required
def item_detail(request, pk):
    item = selectors.item_for(request.user, pk)
    return render(request, "rectification/item_detail.html", {
        "item": item, "today": timezone.localdate(), "actions": services.allowed_actions(request.user, item),
        "timeline": item.transitions.select_related("by"),
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
    calls = {
        "start": lambda: services.item_start(acting_user=request.user, item=item),
        "report": lambda: services.item_report(acting_user=request.user, item=item, evidence=note),
        "verify_pass": lambda: services.item_verify(acting_user=request.user, item=item, passed=True, reason=note),
        "verify_fail": lambda: services.item_verify(acting_user=request.user, item=item, passed=False, reason=note),
        "close": lambda: services.item_close(acting_user=request.user, item=item, note=note),
        "reopen": lambda: services.item_reopen(acting_user=request.user, item=item, reason=note),
    }
    try:
        calls[action]()
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
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
    })


@login_required
def letter_list(request):
    queryset = selectors.letters_visible_to(request.user).select_related("county", "team", "trip")
    filterset = LetterFilterSet(request.GET, queryset=queryset, user=request.user)
    context = list_context(request, filterset)
    today = timezone.localdate()
    context["awaiting"] = [
        {"trip": t, "due": services.letter_due_date(t), "late": services.letter_due_date(t) < today,
         "may_draft": rules.has_perm("rectification.draft_letter", request.user, t)}
        for t in selectors.trips_awaiting_letter(request.user)]
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
        for message in e.messages:
            messages.error(request, message)
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
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"整改函已签发：{letter.number}。")
    return redirect(letter)
