from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ExitIndicator,
    IndicatorStatus,
    LedgerEntry,
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


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["description", "county", "source", "status", "opened_at", "closed_at"]
    list_filter = ["status", "source"]
    readonly_fields = [f.name for f in LedgerEntry._meta.fields]

    def has_add_permission(self, request):
        return False


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
