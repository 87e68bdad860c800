from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rectification.admin import ReadOnlyAdmin

from .models import (
    ExitIndicator,
    IndicatorStatus,
    LedgerProblem,
    ListedCounty,
    ListedVillage,
    Listing,
    MemberUnit,
    MonthlyReport,
    VillageLeader,
)


class ListedCountyInline(admin.TabularInline):
    model = ListedCounty
    extra = 0
    autocomplete_fields = []
    raw_id_fields = ["county", "team", "leader"]


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "target_date"]
    inlines = [ListedCountyInline]


@admin.register(ListedVillage)
class ListedVillageAdmin(admin.ModelAdmin):
    list_display = ["village", "county", "listing", "order"]
    list_filter = ["listing"]
    raw_id_fields = ["village"]


@admin.register(ExitIndicator)
class ExitIndicatorAdmin(admin.ModelAdmin):
    """HN 四(一)3 counts 11 exit indicators without naming them: the admin keeps the list."""

    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(IndicatorStatus)
class IndicatorStatusAdmin(SimpleHistoryAdmin):
    list_display = ["listed_village", "indicator", "result", "assessed_on", "updated_by"]
    list_filter = ["result", "indicator"]
    readonly_fields = ["listed_village", "indicator", "result", "assessed_on", "evidence", "evidence_file",
                       "updated_by"]

    def has_add_permission(self, request):
        return False  # entered through the village page, so the ledger follows


@admin.register(LedgerProblem)
class LedgerProblemAdmin(ReadOnlyAdmin):
    """What put each problem on the ledger; the problem itself (state, deadline, timeline) is its
    rectification item — 整改问题, filtered by 来源 挂牌督战台账 — which changes only through its lifecycle."""

    list_display = ["__str__", "kind", "item_status", "found_at", "found_by"]
    list_filter = ["kind", "listing"]
    list_select_related = ["listed_village__village", "indicator_status__indicator", "household", "found_by"]
    readonly_fields = ["listing", "kind", "listed_village", "indicator_status", "household", "found_at", "found_by",
                       "item_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items")

    @admin.display(description="整改状态")
    def item_status(self, obj):
        items = list(obj.items.all())
        return items[0].get_status_display() if items else "—"

    @admin.display(description="整改问题")
    def item_link(self, obj):
        from django.utils.html import format_html

        items = list(obj.items.all())
        if not items:
            return "—"
        return format_html('<a href="{}">{}</a>', items[0].get_absolute_url(), items[0].description)


@admin.register(VillageLeader)
class VillageLeaderAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "position", "listed_village"]
    readonly_fields = ["listed_village", "level", "name", "position", "county", "city", "assigned_by"]

    def has_add_permission(self, request):
        return False  # through the village page: a leader outside the village's county is refused there


@admin.register(MemberUnit)
class MemberUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    filter_horizontal = ["reporters"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "month", "is_late", "submitted_at", "updated_at"]
    list_filter = ["is_late", "month"]
    readonly_fields = [f.name for f in MonthlyReport._meta.fields]

    def has_add_permission(self, request):
        return False
