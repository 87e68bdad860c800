import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from villages.listing import page_of

from . import calendar, selectors, services
from .models import Notification


@login_required
def todo_view(request):
    today = timezone.localdate()
    return render(request, "reminders/todo.html", {
        "rows": services.todo_rows(user=request.user, today=today), "today": today,
        "calendar_fallback": calendar.uses_fallback(today, today),
    })


@login_required
def notification_list_view(request):
    unread_only = request.GET.get("unread") == "1"
    return render(request, "reminders/notification_list.html", {
        "page": page_of(request, selectors.notification_list(user=request.user, unread_only=unread_only)),
        "unread_only": unread_only,
        "query": "unread=1" if unread_only else "",
        "email_enabled": selectors.email_enabled(user=request.user),
    })


@login_required
@require_POST
def notification_mark_all_read(request):
    n = services.notifications_mark_all_read(acting_user=request.user)
    messages.success(request, f"已将 {n} 条提醒标为已读。" if n else "没有未读的提醒。")
    return redirect("reminders:notification_list")


@login_required
def notification_open_view(request, pk):
    # Another person's notification does not exist for this user.
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_open(acting_user=request.user, notification=notification)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link)
    return redirect("reminders:notification_list")


@login_required
@require_POST
def notification_preference(request):
    enabled = request.POST.get("email_enabled") == "1"
    services.notification_preference_set(acting_user=request.user, email_enabled=enabled)
    messages.success(request, "已设置：接收邮件提醒。" if enabled else "已设置：不接收邮件，提醒只在系统内显示。")
    return redirect("reminders:notification_list")


@login_required
def operations_view(request):
    if not rules.has_perm("reminders.view_operations", request.user):
        raise PermissionDenied("只有市扶贫办和管理员可以查看提醒任务的运行情况。")
    schedules, digest = selectors.schedule_overview()
    return render(request, "reminders/operations.html", {
        "schedules": schedules, "digest": digest, "runs": selectors.recent_runs(),
        "can_edit": request.user.is_staff,
        "calendar_fallback": calendar.uses_fallback(timezone.localdate(), timezone.localdate()),
    })
