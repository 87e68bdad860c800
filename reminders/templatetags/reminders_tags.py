from django import template
from django.utils import timezone

from reminders.services import todo_rows as _todo_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def todo_rows(context):
    """The signed-in user's 我的待办 rows (the home pages' first panel); also sets ``today``."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return []
    context["today"] = timezone.localdate()
    return _todo_rows(user=user, today=context["today"])
