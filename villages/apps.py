from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = "村户与星级"

    def ready(self):
        from . import listcache, summaries

        # Every ORM write of a household recounts its village's figures (villages/summaries.py).
        summaries.connect()
        # What the village and household lists show moves their cache's version on (villages/listcache.py).
        listcache.connect()
