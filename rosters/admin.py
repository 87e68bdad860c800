from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Campaign, Person, Team, TeamCounty, TeamMember, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "city", "county", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff", "city", "county"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["city", "county"]
    autocomplete_fields = ["city", "county"]
    fieldsets = BaseUserAdmin.fieldsets + (("角色与辖区", {"fields": ("role", "city", "county")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("角色与辖区", {"fields": ("role", "city", "county")}),)


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["person"]


class TeamCountyInline(admin.TabularInline):
    model = TeamCounty
    extra = 0
    autocomplete_fields = ["county", "liaison"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "start_date", "end_date", "issuing_body"]
    list_filter = ["kind"]
    search_fields = ["name", "issuing_body"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "campaign"]
    list_filter = ["kind", "campaign"]
    search_fields = ["name", "campaign__name", "memberships__person__name"]
    list_select_related = ["campaign"]
    inlines = [TeamMemberInline, TeamCountyInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "unit", "masked_phone", "user"]
    search_fields = ["name", "position", "unit"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    @admin.display(description="电话")
    def masked_phone(self, obj):
        return obj.masked_phone
