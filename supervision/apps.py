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

        # HN 四(二): an exit indicator and its ledger item agree, whichever page the move is made on.
        from rectification.sources import SourceRules, register_source_rules

        from .models import LedgerProblem
        from .selectors import ledger_item_note
        from .services import ledger_item_check, ledger_item_follow

        register_source_rules(LedgerProblem, SourceRules(check=ledger_item_check, follow=ledger_item_follow,
                                                         page_note=ledger_item_note))
