from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "数据看板"

    def ready(self):
        # The summaries follow the other apps' writes; those apps do not import this one.
        from .signals import connect

        connect()
