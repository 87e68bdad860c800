from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from .forms import HouseholdAdminForm
from .models import Category, City, County, Household, Province, StarRating, Township, Village


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "code"]
    list_filter = ["province"]
    search_fields = ["name", "code"]
    list_select_related = ["province"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "code", "is_listed"]
    list_filter = ["city", "is_listed"]
    search_fields = ["name", "city__name", "code"]
    list_select_related = ["city__province"]

    @admin.display(description="完整名称")
    def full_name(self, obj):
        return obj.full_name


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "code"]
    list_filter = ["county__city", "county"]
    search_fields = ["name", "county__name", "code"]
    list_select_related = ["county__city"]
    autocomplete_fields = ["county"]

    @admin.display(description="完整名称")
    def full_name(self, obj):
        return obj.full_name


class ExcelImportAdminMixin:
    """A "从 Excel 导入" button on the changelist, running the same flow as the officers' page."""

    import_kind = None
    change_list_template = "admin/villages/change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        return [path("import/", self.admin_site.admin_view(self.import_view), name=name)] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().changelist_view(request, {**(extra_context or {}), "import_url": url})

    def import_view(self, request):
        from .imports import import_flow

        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "title": f"从 Excel 导入{self.opts.verbose_name}"}
        return import_flow(request, kind=self.import_kind, template="admin/villages/import.html", context=context,
                           done_url=reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))


@admin.register(Village)
class VillageAdmin(ExcelImportAdminMixin, SimpleHistoryAdmin):
    import_kind = "villages"
    list_display = ["name", "full_name", "is_poor_village", "exit_status", "is_listed", "rural_population"]
    list_filter = ["county__city", "county", "is_poor_village", "exit_status", "is_listed", "is_weak_party_org"]
    search_fields = ["name", "township__name", "county__name", "code"]
    list_select_related = ["township__county__city"]
    autocomplete_fields = ["township"]

    @admin.display(description="完整名称")
    def full_name(self, obj):
        return obj.full_name

    def delete_model(self, request, obj):
        from .services import village_delete

        village_delete(acting_user=request.user, village=obj)

    def delete_queryset(self, request, queryset):
        from .services import village_delete

        for village in queryset:
            village_delete(acting_user=request.user, village=village)


@admin.register(Household)
class HouseholdAdmin(ExcelImportAdminMixin, SimpleHistoryAdmin):
    import_kind = "households"
    list_display = ["head_name", "masked_id", "village_full_name", "status", "member_count"]
    list_filter = ["status", "village__county", "is_dibao", "is_wubao", "is_serious_illness", "is_disabled"]
    search_fields = ["head_name", "village__name", "village__township__name"]
    list_select_related = ["village__township__county__city"]
    autocomplete_fields = ["village"]
    history_list_display = ["status"]

    @admin.display(description="户主身份证号")
    def masked_id(self, obj):
        return obj.masked_id_number

    @admin.display(description="所在村")
    def village_full_name(self, obj):
        return obj.village.full_name

    form = HouseholdAdminForm

    # Deleting goes through the service, like every write: the village's figures and stars follow.
    def delete_model(self, request, obj):
        from .services import household_delete

        household_delete(acting_user=request.user, household=obj)

    def delete_queryset(self, request, queryset):
        from .services import household_delete

        for household in queryset.select_related("village"):
            household_delete(acting_user=request.user, household=household)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["number", "label", "is_computed"]


@admin.register(StarRating)
class StarRatingAdmin(admin.ModelAdmin):
    list_display = ["village", "year", "stars", "category_count", "categories", "computed_at"]
    list_filter = ["stars", "year", "village__county"]
    search_fields = ["village__name"]
    list_select_related = ["village"]
    readonly_fields = ["village", "year", "categories", "category_count", "stars", "computed_at"]
