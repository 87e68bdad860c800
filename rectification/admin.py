from django.contrib import admin

from .models import (
    EvidenceFile,
    ExtensionRequest,
    ItemTransition,
    LetterCounter,
    LookBack,
    Notice,
    ProblemItem,
    RectificationLetter,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Letters, items and their sources change only through the services (numbering, the transition table): the admin looks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RectificationLetter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "county", "team", "status", "issued_on"]
    list_filter = ["status", "year"]


@admin.register(ProblemItem)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "county", "severity", "status", "deadline"]
    list_filter = ["status", "severity", "source_kind"]


@admin.register(ItemTransition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["item", "action", "from_status", "to_status", "by", "at"]


@admin.register(LetterCounter)
class CounterAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "year", "last_serial"]


@admin.register(EvidenceFile)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["name", "item", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(ExtensionRequest)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["item", "current_deadline", "requested_deadline", "status", "requested_by", "decided_by"]
    list_filter = ["status"]


@admin.register(LookBack)
class LookBackAdmin(ReadOnlyAdmin):
    list_display = ["item", "visited_on", "people", "recorded_by"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "county", "score_change", "issued_on", "issued_by"]
    list_filter = ["kind"]
