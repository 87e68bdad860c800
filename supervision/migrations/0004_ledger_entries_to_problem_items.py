"""The ledger's entries become rectification problem items (HN 四(二) 逐一对账销号 on the one lifecycle).

Each LedgerEntry becomes a LedgerProblem (what was found) and the ProblemItem it is the source
of: an open entry is 待整改; a closed one is 已销号 on the day it was closed, with its closing
note as the item's 整改情况 and one step on the item's timeline (the old ledger closed in one
step). The deadline follows the ledger's rule: the listing's target date, and never less than
SUPERVISION_LEDGER_MIN_DAYS after the problem was found. Backwards, the entries are rebuilt.
"""

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone

MIGRATED = "（迁移前的督战台账销号）"


def _listing_of(entry, ListedCounty, Listing):
    if entry.listed_village_id:
        return entry.listed_village.listing
    listed = ListedCounty.objects.filter(county_id=entry.county_id).select_related("listing")
    found = listed.order_by("-listing__target_date", "-listing_id").first()
    if found is not None:
        return found.listing
    listing = Listing.objects.order_by("-target_date", "-pk").first()
    if listing is None:
        raise RuntimeError(f"督战台账第{entry.pk}条找不到所属的挂牌督战名单，无法迁移。")
    return listing


def forward(apps, schema_editor):
    LedgerEntry = apps.get_model("supervision", "LedgerEntry")
    LedgerProblem = apps.get_model("supervision", "LedgerProblem")
    ListedCounty = apps.get_model("supervision", "ListedCounty")
    Listing = apps.get_model("supervision", "Listing")
    ProblemItem = apps.get_model("rectification", "ProblemItem")
    ItemTransition = apps.get_model("rectification", "ItemTransition")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct, _ = ContentType.objects.get_or_create(app_label="supervision", model="ledgerproblem")
    min_days = getattr(settings, "SUPERVISION_LEDGER_MIN_DAYS", 30)
    entries = LedgerEntry.objects.select_related(
        "listed_village__listing", "listed_village__village", "indicator_status__indicator", "household"
    ).order_by("pk")
    for entry in entries.iterator(chunk_size=2000):
        listing = _listing_of(entry, ListedCounty, Listing)
        found_on = timezone.localtime(entry.opened_at).date()
        problem = LedgerProblem.objects.create(
            listing=listing, kind=entry.source, listed_village_id=entry.listed_village_id,
            indicator_status_id=entry.indicator_status_id, household_id=entry.household_id, found_by_id=entry.opened_by_id,
        )
        LedgerProblem.objects.filter(pk=problem.pk).update(found_at=entry.opened_at)
        if entry.household_id:
            village_id = entry.household.village_id
        elif entry.listed_village_id:
            village_id = entry.listed_village.village_id
        else:
            village_id = None
        closed = entry.status == "closed"
        closed_at = entry.closed_at or entry.opened_at
        if entry.indicator_status_id:
            category = f"退出指标：{entry.indicator_status.indicator.name}"
        else:
            category = "两不愁三保障"
        item = ProblemItem.objects.create(
            county_id=entry.county_id, village_id=village_id, household_id=entry.household_id,
            description=entry.description, category=category, severity="general", source_kind="supervision",
            content_type=ct, object_id=problem.pk, team=None,
            deadline=max(listing.target_date, found_on + datetime.timedelta(days=min_days)),
            status="closed" if closed else "pending", report=entry.close_note if closed else "",
            verified_at=closed_at if closed else None, verified_by_id=entry.closed_by_id if closed else None,
            closed_on=timezone.localtime(closed_at).date() if closed else None,
        )
        ProblemItem.objects.filter(pk=item.pk).update(created_at=entry.opened_at)
        by = entry.closed_by_id or entry.opened_by_id
        if closed and by:
            ItemTransition.objects.create(item=item, action="close", from_status="pending", to_status="closed",
                                          note=f"{entry.close_note}{MIGRATED}", by_id=by, at=closed_at)


def backward(apps, schema_editor):
    LedgerEntry = apps.get_model("supervision", "LedgerEntry")
    LedgerProblem = apps.get_model("supervision", "LedgerProblem")
    ProblemItem = apps.get_model("rectification", "ProblemItem")
    ItemTransition = apps.get_model("rectification", "ItemTransition")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct = ContentType.objects.filter(app_label="supervision", model="ledgerproblem").first()
    if ct is None:
        return
    problems = {p.pk: p for p in LedgerProblem.objects.all()}
    items = ProblemItem.objects.filter(content_type=ct, object_id__in=list(problems))
    for item in items.order_by("pk"):
        problem = problems[item.object_id]
        closed = item.status == "closed"
        last_close = ItemTransition.objects.filter(item=item, action="close").order_by("-at").first()
        entry = LedgerEntry.objects.create(
            source=problem.kind, county_id=item.county_id, listed_village_id=problem.listed_village_id,
            indicator_status_id=problem.indicator_status_id, household_id=problem.household_id,
            description=item.description, status="closed" if closed else "open", opened_by_id=problem.found_by_id,
            closed_at=(last_close.at if last_close else None) if closed else None,
            closed_by_id=(last_close.by_id if last_close else item.verified_by_id) if closed else None,
            close_note=(item.report or (last_close.note if last_close else "")).removesuffix(MIGRATED) if closed else "",
        )
        LedgerEntry.objects.filter(pk=entry.pk).update(opened_at=item.created_at)
    ItemTransition.objects.filter(item__in=items).delete()
    items.delete()
    LedgerProblem.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_ledgerproblem"),
        ("rectification", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
