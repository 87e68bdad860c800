from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "rosters"
    verbose_name = "队伍与人员"

    def ready(self):
        # The permission matrix registers its rules once, at start-up (rosters/permissions.py).
        from . import permissions  # noqa: F401
