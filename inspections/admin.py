from django.contrib import admin

from .models import ChecklistEntry, GuidanceVisit, Problem, RepeatVisitException, VisitCorrection
from .services import repeat_exception_grant


class ProblemInline(admin.TabularInline):
    model = Problem
    extra = 0
    fields = ["order", "category", "kind", "description", "fix"]
    readonly_fields = fields
    can_delete = False


class ChecklistInline(admin.TabularInline):
    model = ChecklistEntry
    extra = 0
    readonly_fields = ["item", "result", "note"]
    can_delete = False


class CorrectionInline(admin.TabularInline):
    model = VisitCorrection
    extra = 0
    readonly_fields = ["corrected_at", "corrected_by", "reason", "changes"]
    can_delete = False


@admin.register(GuidanceVisit)
class GuidanceVisitAdmin(admin.ModelAdmin):
    """Read-only here: a form is filled and corrected on its page, where the campaign rules are checked
    (ZZ 三, 六(四)) and every correction after submission is recorded with its reason."""

    list_display = ["visit_date", "village", "county", "team", "status", "submitted_at"]
    list_filter = ["status", "campaign", "county"]
    search_fields = ["village__name", "village__township__name", "county__name", "team__name"]
    date_hierarchy = "visit_date"
    list_select_related = ["village", "county", "team"]
    inlines = [ProblemInline, ChecklistInline, CorrectionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(RepeatVisitException)
class RepeatVisitExceptionAdmin(admin.ModelAdmin):
    list_display = ["village", "campaign", "reason", "granted_by", "granted_at"]
    list_filter = ["campaign"]
    search_fields = ["village__name", "reason"]
    autocomplete_fields = ["village"]
    fields = ["campaign", "village", "reason"]

    def has_add_permission(self, request):
        return request.user.is_city_office and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The same service as the village page: city office only, a reason required and kept.
        created = repeat_exception_grant(acting_user=request.user, campaign=obj.campaign, village=obj.village, reason=obj.reason)
        obj.pk = created.pk


# --- Inspection trips (督查) ------------------------------------------------------------------------

from .models import ArchiveHandover, Finding, InspectionTrip, OpinionExchange, TripSample  # noqa: E402


class TripSampleInline(admin.TabularInline):
    model = TripSample
    extra = 0
    fields = ["level", "township", "village", "household", "reason"]
    readonly_fields = fields
    can_delete = False


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["category", "description", "method", "severity", "village", "household"]
    readonly_fields = fields
    can_delete = False


@admin.register(InspectionTrip)
class InspectionTripAdmin(admin.ModelAdmin):
    """Read-only here: trips are planned and recorded on their pages, through the services."""

    list_display = ["start_date", "end_date", "team", "county", "status"]
    list_filter = ["status", "campaign"]
    inlines = [TripSampleInline, FindingInline]
    readonly_fields = ["campaign", "team", "county", "start_date", "end_date", "status", "sample_exception_reason",
                       "sample_exception_by", "sample_exception_at", "created_by", "ended_by", "ended_at", "note"]
    exclude = ["members"]

    def has_add_permission(self, request):
        return False


@admin.register(OpinionExchange)
class OpinionExchangeAdmin(admin.ModelAdmin):
    list_display = ["trip", "date", "with_whom"]
    readonly_fields = ["trip", "date", "with_whom", "summary", "recorded_by"]


@admin.register(ArchiveHandover)
class ArchiveHandoverAdmin(admin.ModelAdmin):
    list_display = ["team", "year", "quarter", "handed_over_on", "received_by"]
    readonly_fields = ["team", "year", "quarter", "trips", "handed_over_on", "handed_over_by", "received_by", "note"]
