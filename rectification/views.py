import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from villages.listing import list_context

from . import selectors, services
from .filtersets import ItemFilterSet


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
    })
