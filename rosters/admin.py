import secrets
from pathlib import Path

import rules
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from villages.models import City

from .choices import TeamKind
from .forms import RosterUploadForm
from .models import Campaign, CampaignLeader, Person, Team, TeamCounty, TeamMember, User
from .services import roster_import, team_accounts_create


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


class CampaignLeaderInline(admin.TabularInline):
    model = CampaignLeader
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "start_date", "end_date", "issuing_body", "roster_links"]
    list_filter = ["kind"]
    search_fields = ["name", "issuing_body"]
    inlines = [CampaignLeaderInline]
    change_form_template = "admin/rosters/campaign/change_form.html"
    actions = ["create_team_accounts"]

    @admin.action(description="为所选工作周期的名单人员创建登录账号")
    def create_team_accounts(self, request, queryset):
        created = []
        for campaign in queryset:
            created += team_accounts_create(acting_user=request.user, campaign=campaign)
        if created:
            names = "、".join(f"{name}（{username}）" for username, name in created)
            self.message_user(request, f"已创建 {len(created)} 个账号：{names}。请在“用户”中为其设置初始密码。")
        else:
            self.message_user(request, "名单人员都已有登录账号。")

    @admin.display(description="名单")
    def roster_links(self, obj):
        return format_html(
            '<a href="{}">导入名单</a> | <a href="{}">导出名单</a>',
            reverse("admin:rosters_campaign_import", args=[obj.pk]), reverse("rosters:campaign_export", args=[obj.pk]),
        )

    def get_urls(self):
        return [
            path("<int:pk>/import/", self.admin_site.admin_view(self.import_view), name="rosters_campaign_import"),
        ] + super().get_urls()

    def import_view(self, request, pk):
        """Upload → preview (every error with its row) → confirm, through roster_import."""
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_change_permission(request, campaign) or not rules.has_perm("rosters.import_roster", request.user, campaign):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "campaign": campaign, "opts": self.model._meta,
                   "title": f"导入名单：{campaign.name}", "kinds": TeamKind.choices}
        if request.method == "POST" and "confirm" in request.POST:
            pending = request.session.get("roster_import", {})
            token = request.POST.get("token", "")
            if pending.get("token") != token or not Path(pending.get("path", "")).exists():
                messages.error(request, "预览已失效，请重新上传文件。")
                return redirect("admin:rosters_campaign_import", pk)
            city = City.objects.filter(pk=pending.get("city")).first()
            with open(pending["path"], "rb") as fh:
                result = roster_import(acting_user=request.user, file=fh, campaign=campaign,
                                       kind=pending.get("kind") or None, city=city)
            Path(pending["path"]).unlink(missing_ok=True)
            request.session.pop("roster_import", None)
            if result.ok:
                c = result.created
                messages.success(request, f"名单已导入：{len(result.teams)} 个工作组，{result.county_count} 个县；"
                                          f"新增工作组 {c['teams']} 个、人员 {c['people']} 人。")
                return redirect("admin:rosters_campaign_change", pk)
            context.update(form=RosterUploadForm(), result=result)
            return TemplateResponse(request, "admin/rosters/campaign/import.html", context)
        form = RosterUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = roster_import(acting_user=request.user, file=upload, campaign=campaign, dry_run=True,
                                   kind=form.cleaned_data["kind"] or None, city=form.cleaned_data["city"])
            context["result"] = result
            if result.ok:
                folder = Path(settings.MEDIA_ROOT) / "roster_uploads"
                folder.mkdir(parents=True, exist_ok=True)
                token = secrets.token_urlsafe(16)
                target = folder / f"{token}.xlsx"
                upload.seek(0)
                target.write_bytes(upload.read())
                request.session["roster_import"] = {
                    "token": token, "path": str(target), "kind": form.cleaned_data["kind"],
                    "city": form.cleaned_data["city"].pk if form.cleaned_data["city"] else None,
                }
                context["token"] = token
        context["form"] = form
        return TemplateResponse(request, "admin/rosters/campaign/import.html", context)


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
