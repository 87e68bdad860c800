from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "挂牌督战"

    def ready(self):
        from villages.sections import register_village_section

        from .sections import village_listing_section

        # HN 四(一)3: a listed village's exit indicators and ledger, seen from the village page.
        register_village_section("supervision/_village_listing.html", village_listing_section, order=5, title="挂牌督战")

        # HN 五(三): the 20th's reminder and the 26th's list of who has not reported (SPEC §10).
        from .reminders import register

        register()
