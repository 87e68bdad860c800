from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "日历与提醒"

    def ready(self):
        from . import finders
        from .registry import register_finder, register_todo

        # The kinds whose data lives below reminders; rectification and supervision register theirs.
        register_finder("guidance_week_missed", finders.guidance_week_missed)
        register_finder("team_monthly_report", finders.team_monthly_report)
        register_finder("inspection_no_trip", finders.inspection_no_trip)
        register_finder("data_push_check", finders.data_push_check)
        register_finder("archive_handover", finders.archive_handover)
        register_todo(finders.todo_rows_for_rosters)
        register_todo(finders.todo_rows_for_city)
