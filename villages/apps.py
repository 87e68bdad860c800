from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = "村户与星级"

    def ready(self):
        from . import summaries

        # Every ORM write of a household recounts its village's figures (villages/summaries.py).
        summaries.connect()
