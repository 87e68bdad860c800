def unread_notifications(request):
    """The bell's unread count in the navigation bar: one query, only for signed-in users."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from .models import Notification

    return {"unread_notification_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
