"""The data migration that moves the old ledger's entries onto rectification's problem items.

Entries are written with the models as they were before (supervision 0002), the migrations are
run forward with Django's migration executor, and the items are checked; then back and forward
again, which must give the same ledger.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import CityFactory, CountyFactory, HouseholdFactory, UserFactory, VillageFactory
from tests.rosters.factories import CampaignFactory

BEFORE = [("supervision", "0002_seed_exit_indicators")]
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_entries_become_problem_items_with_their_states():
    old = _migrate(BEFORE)
    Listing, ListedCounty, ListedVillage = (old.get_model("supervision", m) for m in ("Listing", "ListedCounty", "ListedVillage"))
    ExitIndicator, IndicatorStatus = old.get_model("supervision", "ExitIndicator"), old.get_model("supervision", "IndicatorStatus")
    LedgerEntry = old.get_model("supervision", "LedgerEntry")

    city = CityFactory(name="南阳市")
    county = CountyFactory(city=city, name="新野县")
    village = VillageFactory(township__county=county, township__name="歪子镇", name="官寺村")
    elsewhere = VillageFactory(township__county=county, name="常蝉庵村")
    officer = UserFactory(username="xinye", role="county", county=county)
    office = UserFactory(username="nanyang", role="city", city=city, county=None)
    campaign = CampaignFactory(name="河南省2020年脱贫攻坚挂牌督战", kind="listed", start_date=datetime.date(2020, 2, 28),
                               end_date=datetime.date(2020, 9, 30))
    listing = Listing.objects.create(campaign_id=campaign.pk, name=campaign.name, target_date=datetime.date(2020, 9, 30))
    ListedCounty.objects.create(listing=listing, county_id=county.pk, order=1)
    lv = ListedVillage.objects.create(listing=listing, village_id=village.pk, county_id=county.pk, order=1)
    transport = ExitIndicator.objects.get_or_create(name="交通")[0]
    power = ExitIndicator.objects.get_or_create(name="电力")[0]
    statuses = {
        ind.name: IndicatorStatus.objects.create(listed_village=lv, indicator=ind, result=result, evidence=evidence,
                                                 assessed_on=datetime.date(2020, 4, 10), updated_by_id=officer.pk)
        for ind, result, evidence in ((transport, "not_met", ""), (power, "met", "已通动力电"))
    }
    household = HouseholdFactory(village=elsewhere, head_name="王五", food_ok=False)
    opened = datetime.datetime(2020, 4, 10, 9, tzinfo=SHANGHAI)
    closed = datetime.datetime(2020, 5, 20, 16, tzinfo=SHANGHAI)
    rows = [
        dict(source="indicator", listed_village=lv, indicator_status=statuses["交通"], status="open",
             description="官寺村退出指标“交通”未达标", opened_by_id=officer.pk),
        dict(source="indicator", listed_village=lv, indicator_status=statuses["电力"], status="closed",
             description="官寺村退出指标“电力”未达标", opened_by_id=officer.pk, closed_at=closed, closed_by_id=officer.pk,
             close_note="2020年05月20日认定达标：已通动力电"),
        dict(source="household", household_id=household.pk, status="open", opened_by_id=office.pk,
             description="常蝉庵村贫困户王五“两不愁三保障”未全部达标"),
    ]
    for row in rows:
        entry = LedgerEntry.objects.create(county_id=county.pk, **row)
        LedgerEntry.objects.filter(pk=entry.pk).update(opened_at=opened)

    _migrate(_latest())

    from django.contrib.contenttypes.models import ContentType

    from rectification.models import ProblemItem
    from supervision.models import LedgerProblem

    def ledger():
        return {
            i.description: (i.status, i.county_id, i.village_id, i.household_id, i.team_id, i.letter_id, i.deadline,
                            i.closed_on, i.report, i.source.kind, i.source.found_by.username,
                            i.created_at.astimezone(SHANGHAI).date(),
                            [(t.action, t.from_status, t.to_status, t.by.username) for t in i.transitions.all()])
            for i in ProblemItem.objects.order_by("pk")
        }

    items = ledger()
    assert items == {
        "官寺村退出指标“交通”未达标": ("pending", county.pk, village.pk, None, None, None, datetime.date(2020, 9, 30), None,
                                 "", "indicator", "xinye", datetime.date(2020, 4, 10), []),
        "官寺村退出指标“电力”未达标": ("closed", county.pk, village.pk, None, None, None, datetime.date(2020, 9, 30),
                                 datetime.date(2020, 5, 20), "2020年05月20日认定达标：已通动力电", "indicator", "xinye",
                                 datetime.date(2020, 4, 10), [("close", "pending", "closed", "xinye")]),
        "常蝉庵村贫困户王五“两不愁三保障”未全部达标": ("pending", county.pk, elsewhere.pk, household.pk, None, None,
                                          datetime.date(2020, 9, 30), None, "", "household", "nanyang",
                                          datetime.date(2020, 4, 10), []),
    }
    assert all(i.source_kind == "supervision" for i in ProblemItem.objects.all())
    assert set(ProblemItem.objects.values_list("content_type", flat=True)) == {
        ContentType.objects.get_for_model(LedgerProblem).pk}
    transport_item = ProblemItem.objects.get(description__contains="交通")
    assert transport_item.source.indicator_status_id == statuses["交通"].pk
    assert transport_item.source.listed_village_id == lv.pk

    # Backwards the entries come back as they were; forwards again, the same ledger.
    old = _migrate(BEFORE)
    back = {e.description: (e.source, e.status, e.closed_by_id, e.close_note, e.opened_at)
            for e in old.get_model("supervision", "LedgerEntry").objects.all()}
    assert back == {
        "官寺村退出指标“交通”未达标": ("indicator", "open", None, "", opened),
        "官寺村退出指标“电力”未达标": ("indicator", "closed", officer.pk, "2020年05月20日认定达标：已通动力电", opened),
        "常蝉庵村贫困户王五“两不愁三保障”未全部达标": ("household", "open", None, "", opened),
    }
    assert not ProblemItem.objects.exists()
    _migrate(_latest())
    assert ledger() == items
