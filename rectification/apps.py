from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "整改"

    def ready(self):
        # SPEC §10 (HY 四): items due in 3 days, items overdue, trips without their letter.
        from .reminders import register

        register()
