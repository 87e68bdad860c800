from django.contrib import admin

from .models import CalendarDay, MailDigest, Notification, NotificationPreference, RunLog


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "period", "title", "read_at", "mail"]
    list_filter = ["kind", "mail"]
    search_fields = ["title", "recipient__username", "target"]
    raw_id_fields = ["recipient", "run"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled"]
    raw_id_fields = ["user"]


@admin.register(MailDigest)
class MailDigestAdmin(admin.ModelAdmin):
    list_display = ["day", "recipient", "count", "sent_at"]
    raw_id_fields = ["recipient"]


@admin.register(RunLog)
class RunLogAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "run_date", "trigger", "found", "sent", "errors", "finished_at"]
    list_filter = ["kind", "trigger"]
    date_hierarchy = "started_at"
