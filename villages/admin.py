from django.contrib import admin
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


@admin.register(Village)
class VillageAdmin(SimpleHistoryAdmin):
    list_display = ["name", "full_name", "is_poor_village", "exit_status", "is_listed", "rural_population"]
    list_filter = ["county__city", "county", "is_poor_village", "exit_status", "is_listed", "is_weak_party_org"]
    search_fields = ["name", "township__name", "county__name", "code"]
    list_select_related = ["township__county__city"]
    autocomplete_fields = ["township"]

    @admin.display(description="完整名称")
    def full_name(self, obj):
        return obj.full_name


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
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
