"""The admin site, asking the permission matrix who may enter (rosters/permissions.py: admin.access)."""

import rules
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class AdminSite(admin.AdminSite):
    site_header = "扶贫督导 管理后台"
    site_title = "扶贫督导"
    index_title = "数据管理"

    def has_permission(self, request):
        return super().has_permission(request) and rules.has_perm("admin.access", request.user)


class FupinAdminConfig(AdminConfig):
    default_site = "config.admin_site.AdminSite"
