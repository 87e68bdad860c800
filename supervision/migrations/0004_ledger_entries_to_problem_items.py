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


CHUNK = 2000


def _listings(ListedCounty, Listing):
    """Where an entry without a listed village belongs: its county's newest listing, else the newest one."""
    by_county = {}
    for lc in ListedCounty.objects.select_related("listing").order_by("listing__target_date", "listing_id"):
        by_county[lc.county_id] = lc.listing  # the newest wins
    return by_county, Listing.objects.order_by("-target_date", "-pk").first()


def forward(apps, schema_editor):
    """Set-based, a chunk of entries at a time: a few inserts and updates per 2,000 entries."""
    LedgerEntry = apps.get_model("supervision", "LedgerEntry")
    LedgerProblem = apps.get_model("supervision", "LedgerProblem")
    ListedCounty = apps.get_model("supervision", "ListedCounty")
    Listing = apps.get_model("supervision", "Listing")
    ProblemItem = apps.get_model("rectification", "ProblemItem")
    ItemTransition = apps.get_model("rectification", "ItemTransition")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct, _ = ContentType.objects.get_or_create(app_label="supervision", model="ledgerproblem")
    min_days = getattr(settings, "SUPERVISION_LEDGER_MIN_DAYS", 30)
    by_county, newest = _listings(ListedCounty, Listing)
    entries = LedgerEntry.objects.select_related(
        "listed_village__listing", "listed_village__village", "indicator_status__indicator", "household"
    ).order_by("pk")
    last = 0
    while chunk := list(entries.filter(pk__gt=last)[:CHUNK]):
        last = chunk[-1].pk
        listings = []
        for entry in chunk:
            listing = entry.listed_village.listing if entry.listed_village_id else by_county.get(entry.county_id, newest)
            if listing is None:
                raise RuntimeError(f"督战台账第{entry.pk}条找不到所属的挂牌督战名单，无法迁移。")
            listings.append(listing)
        problems = LedgerProblem.objects.bulk_create([
            LedgerProblem(listing=listing, kind=entry.source, listed_village_id=entry.listed_village_id,
                          indicator_status_id=entry.indicator_status_id, household_id=entry.household_id,
                          found_by_id=entry.opened_by_id)
            for entry, listing in zip(chunk, listings, strict=True)
        ])
        for problem, entry in zip(problems, chunk, strict=True):
            problem.found_at = entry.opened_at  # auto_now_add gave it the migration's time
        LedgerProblem.objects.bulk_update(problems, ["found_at"], batch_size=500)
        items = ProblemItem.objects.bulk_create([
            _item(entry, problem, listing, ProblemItem, ct, min_days)
            for entry, problem, listing in zip(chunk, problems, listings, strict=True)
        ])
        for item, entry in zip(items, chunk, strict=True):
            item.created_at = entry.opened_at
        ProblemItem.objects.bulk_update(items, ["created_at"], batch_size=500)
        ItemTransition.objects.bulk_create([
            ItemTransition(item=item, action="close", from_status="pending", to_status="closed",
                           note=f"{entry.close_note}{MIGRATED}", by_id=entry.closed_by_id or entry.opened_by_id,
                           at=entry.closed_at or entry.opened_at)
            for item, entry in zip(items, chunk, strict=True)
            if entry.status == "closed" and (entry.closed_by_id or entry.opened_by_id)
        ])


def _item(entry, problem, listing, ProblemItem, ct, min_days):
    if entry.household_id:
        village_id = entry.household.village_id
    elif entry.listed_village_id:
        village_id = entry.listed_village.village_id
    else:
        village_id = None
    closed = entry.status == "closed"
    closed_at = entry.closed_at or entry.opened_at
    found_on = timezone.localtime(entry.opened_at).date()
    if entry.indicator_status_id:
        category = f"退出指标：{entry.indicator_status.indicator.name}"
    else:
        category = "两不愁三保障"
    return ProblemItem(
        county_id=entry.county_id, village_id=village_id, household_id=entry.household_id,
        description=entry.description, category=category, severity="general", source_kind="supervision",
        content_type=ct, object_id=problem.pk, team=None,
        deadline=max(listing.target_date, found_on + datetime.timedelta(days=min_days)),
        status="closed" if closed else "pending", report=entry.close_note if closed else "",
        verified_at=closed_at if closed else None, verified_by_id=entry.closed_by_id if closed else None,
        closed_on=timezone.localtime(closed_at).date() if closed else None,
    )


def backward(apps, schema_editor):
    LedgerEntry = apps.get_model("supervision", "LedgerEntry")
    LedgerProblem = apps.get_model("supervision", "LedgerProblem")
    ProblemItem = apps.get_model("rectification", "ProblemItem")
    ItemTransition = apps.get_model("rectification", "ItemTransition")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct = ContentType.objects.filter(app_label="supervision", model="ledgerproblem").first()
    if ct is None:
        return
    items = ProblemItem.objects.filter(content_type=ct).order_by("pk")
    last = 0
    while chunk := list(items.filter(pk__gt=last)[:CHUNK]):
        last = chunk[-1].pk
        problems = LedgerProblem.objects.in_bulk([i.object_id for i in chunk])
        closes = {}
        for t in ItemTransition.objects.filter(item__in=chunk, action="close").order_by("at", "pk"):
            closes[t.item_id] = t  # the last one wins
        entries = []
        for item in chunk:
            problem, close, closed = problems[item.object_id], closes.get(item.pk), item.status == "closed"
            note = (item.report or (close.note if close else "")).removesuffix(MIGRATED)
            entries.append(LedgerEntry(
                source=problem.kind, county_id=item.county_id, listed_village_id=problem.listed_village_id,
                indicator_status_id=problem.indicator_status_id, household_id=problem.household_id,
                description=item.description, status="closed" if closed else "open", opened_by_id=problem.found_by_id,
                closed_at=(close.at if close else None) if closed else None,
                closed_by_id=(close.by_id if close else item.verified_by_id) if closed else None,
                close_note=note if closed else "",
            ))
        LedgerEntry.objects.bulk_create(entries)
        for entry, item in zip(entries, chunk, strict=True):
            entry.opened_at = item.created_at
        LedgerEntry.objects.bulk_update(entries, ["opened_at"], batch_size=500)
    ItemTransition.objects.filter(item__content_type=ct).delete()
    items.delete()
    LedgerProblem.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_ledgerproblem"),
        ("rectification", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
