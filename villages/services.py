"""Writes with a business rule for places and households (one transaction each)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from .choices import HouseholdStatus
from .models import Category, City, County, Household, Province, Township, Village
from .scoping import visible_county_ids
from .validators import normalize_id_number

SEED_FILE = Path(settings.BASE_DIR) / "fixtures" / "seed_places.json"


def _ensure_in_scope(*, acting_user, county_id):
    """A user may only write inside the counties they may see."""
    if acting_user is None:
        return
    ids = visible_county_ids(acting_user)
    if ids is not None and not ids.filter(pk=county_id).exists():
        raise ValidationError("无权操作其他县（市、区）的数据。", code="out_of_scope")


@transaction.atomic
def seed_load(*, path=SEED_FILE):
    """Load the places and categories typed from the source documents.

    Idempotent: a second run finds everything in place and creates nothing.
    Returns the number of rows created per kind.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = {"省": 0, "市": 0, "县（市、区）": 0, "乡（镇）": 0, "村": 0, "类别": 0}
    counties = {}
    for p in data["provinces"]:
        province, new = Province.objects.get_or_create(name=p["name"])
        created["省"] += new
        for c in p["cities"]:
            city, new = City.objects.get_or_create(province=province, name=c["name"])
            created["市"] += new
            for name in c["counties"]:
                county, new = County.objects.get_or_create(city=city, name=name)
                created["县（市、区）"] += new
                counties[(city.name, name)] = county
    listed = set(data["listed_counties"])
    County.objects.filter(name__in=listed, city__province__name="河南省").exclude(is_listed=True).update(is_listed=True)
    for city_name, county_name, township_name, village_name in data["listed_villages"]:
        county = counties[(city_name, county_name)]
        township, new = Township.objects.get_or_create(county=county, name=township_name)
        created["乡（镇）"] += new
        village, new = Village.objects.get_or_create(
            township=township, name=village_name,
            defaults={"is_poor_village": True, "is_listed": True, "county": county},
        )
        created["村"] += new
    for number, label, is_computed in data["categories"]:
        _, new = Category.objects.update_or_create(number=number, defaults={"label": label, "is_computed": is_computed})
        created["类别"] += new
    return created


HOUSEHOLD_FIELDS = {f.name for f in Household._meta.concrete_fields} - {"id", "village"}


def _apply_household_fields(household, fields):
    unknown = set(fields) - HOUSEHOLD_FIELDS
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}。")
    for name, value in fields.items():
        setattr(household, name, value)
    household.head_id_number = normalize_id_number(household.head_id_number)
    if household.status not in HouseholdStatus.values:
        raise ValidationError({"status": f"未知的贫困户状态“{household.status}”，应为：{'、'.join(HouseholdStatus.labels)}。"})
    if household.status != HouseholdStatus.EXITED and household.exit_year and household.status != HouseholdStatus.RETURNED:
        # A year of exit only makes sense for an exited (or fallen-back) household.
        household.exit_year = None
    household.full_clean()


@transaction.atomic
def household_create(*, acting_user, village: Village, **fields) -> Household:
    _ensure_in_scope(acting_user=acting_user, county_id=village.county_id)
    household = Household(village=village)
    _apply_household_fields(household, fields)
    household._history_user = acting_user
    household.save()
    _recompute_after_commit([village.pk])
    return household


@transaction.atomic
def household_update(*, acting_user, household: Household, **fields) -> Household:
    _ensure_in_scope(acting_user=acting_user, county_id=household.village.county_id)
    if "village" in fields:
        village = fields.pop("village")
        _ensure_in_scope(acting_user=acting_user, county_id=village.county_id)
        household.village = village
    previous_village_id = Household.objects.filter(pk=household.pk).values_list("village_id", flat=True).first()
    _apply_household_fields(household, fields)
    household._history_user = acting_user
    household.save()
    _recompute_after_commit({household.village_id, previous_village_id} - {None})
    return household


VILLAGE_FACT_FIELDS = {
    "is_poor_village", "exit_status", "exit_year", "rural_population", "distance_to_county_km",
    "is_weak_party_org", "petition_count", "negative_report_count", "code",
}


@transaction.atomic
def village_update_facts(*, acting_user, village: Village, **fields) -> Village:
    _ensure_in_scope(acting_user=acting_user, county_id=village.county_id)
    unknown = set(fields) - VILLAGE_FACT_FIELDS
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}。")
    for name, value in fields.items():
        setattr(village, name, value)
    if village.exit_status == "not_exited":
        village.exit_year = None
    village.full_clean()
    village._history_user = acting_user
    village.save()
    _recompute_after_commit([village.pk])
    return village


@transaction.atomic
def village_create(*, acting_user, township: Township, name: str, **fields) -> Village:
    _ensure_in_scope(acting_user=acting_user, county_id=township.county_id)
    village = Village(township=township, county_id=township.county_id, name=(name or "").strip(), **fields)
    village.full_clean()
    village._history_user = acting_user
    village.save()
    return village


def star_ratings_recompute(*, village_ids=None, year=None, thresholds=None) -> int:
    """Recompute the key-village rating (ZZ 四(一)) of the given villages, or of all.

    Set-based: one grouped query over households, one over villages, one per
    registered problem source, then a bulk upsert of the ratings.
    Returns the number of villages rated.
    """
    from django.utils import timezone

    from .models import CategoryOverride, StarRating
    from .rating import categories_for, rating_figures, thresholds_for

    year = year or timezone.localdate().year
    thresholds = {**thresholds_for(year), **(thresholds or {})}
    villages = Village.objects.all()
    if village_ids is not None:
        villages = villages.filter(pk__in=list(village_ids))
    rows = rating_figures(villages, restricted=village_ids is not None)
    overrides = {}
    for village_id, number, met in CategoryOverride.objects.filter(village__in=villages).values_list(
        "village_id", "category__number", "met"
    ):
        overrides.setdefault(village_id, {})[number] = met
    ratings = []
    for pk, row in rows.items():
        met = set(categories_for(row, thresholds))
        for number, holds in overrides.get(pk, {}).items():
            (met.add if holds else met.discard)(number)
        met = sorted(met)
        ratings.append(StarRating(
            village_id=pk, year=year, categories=met, category_count=len(met), stars=StarRating.stars_for(len(met)),
            category_mask=sum(1 << (n - 1) for n in met),
            computed_at=timezone.now(),
        ))
    StarRating.objects.bulk_create(
        ratings, batch_size=2000, update_conflicts=True, unique_fields=["village"],
        update_fields=["year", "categories", "category_count", "category_mask", "stars", "computed_at"],
    )
    return len(ratings)


def _recompute_after_commit(village_ids):
    """Stars follow the data: recompute the changed villages once the change is committed."""
    from .tasks import star_ratings_recompute as task

    ids = list(village_ids)
    transaction.on_commit(lambda: task.delay(village_ids=ids))


def _recompute_all_after_commit():
    from .tasks import star_ratings_recompute as task

    transaction.on_commit(lambda: task.delay())


def _require_city_office(user):
    if user is not None and not user.is_city_office:
        raise ValidationError("只有市扶贫办可以修改重点村评定标准。")


@transaction.atomic
def rating_threshold_save(*, acting_user, year: int, **values):
    """Set one year's thresholds (city office only) and recompute every village."""
    from .models import RatingThreshold

    _require_city_office(acting_user)
    threshold = RatingThreshold.objects.filter(year=year).first() or RatingThreshold(year=year)
    for name, value in values.items():
        setattr(threshold, name, value)
    threshold.updated_by = acting_user
    threshold.full_clean()
    threshold._history_user = acting_user
    threshold.save()
    _recompute_all_after_commit()
    return threshold


@transaction.atomic
def category_override_set(*, acting_user, village: Village, number: int, met: bool, reason: str):
    """Override a computed category for one village, with a written reason (kept with who and when)."""
    from .models import CategoryOverride

    _ensure_in_scope(acting_user=acting_user, county_id=village.county_id)
    category = Category.objects.filter(number=number).first()
    if category is None:
        raise ValidationError("类别不存在，应为1至8类。")
    if not category.is_computed:
        raise ValidationError(f"第{number}类“{category.label}”由村基本情况决定，请在“编辑村基本情况”中修改。")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError("请写明人工认定的理由（不少于4个字）。")
    override = CategoryOverride.objects.filter(village=village, category=category).first() or CategoryOverride(
        village=village, category=category
    )
    override.met, override.reason, override.decided_by = met, reason, acting_user
    override._history_user = acting_user
    override.save()
    _recompute_after_commit([village.pk])
    return override


@transaction.atomic
def category_override_remove(*, acting_user, village: Village, number: int):
    from .models import CategoryOverride

    _ensure_in_scope(acting_user=acting_user, county_id=village.county_id)
    for override in CategoryOverride.objects.filter(village=village, category__number=number):
        override._history_user = acting_user
        override.delete()
    _recompute_after_commit([village.pk])


def village_snapshots_take(*, month=None) -> int:
    """Record each village's poor and exited people for the month (idempotent: a re-run updates the month)."""

    from django.db.models import Q, Sum
    from django.utils import timezone

    from .choices import POOR_STATUSES
    from .models import VillageSnapshot

    month = (month or timezone.localdate()).replace(day=1)
    figures = {
        v: (p or 0, e or 0)
        for v, p, e in Household.objects.values("village_id").annotate(
            p=Sum("member_count", filter=Q(status__in=POOR_STATUSES)),
            e=Sum("member_count", filter=Q(status=HouseholdStatus.EXITED)),
        ).order_by().values_list("village_id", "p", "e")
    }
    snapshots = [
        VillageSnapshot(village_id=pk, month=month, poor_population=figures.get(pk, (0, 0))[0],
                        exited_population=figures.get(pk, (0, 0))[1])
        for pk in Village.objects.values_list("pk", flat=True).iterator(chunk_size=5000)
    ]
    VillageSnapshot.objects.bulk_create(
        snapshots, batch_size=2000, update_conflicts=True, unique_fields=["village", "month"],
        update_fields=["poor_population", "exited_population"],
    )
    return len(snapshots)


IMPORT_FIELDS = [
    "head_name", "head_phone", "member_count", "status", "identified_year", "exit_year", "is_dibao", "is_wubao",
    "is_serious_illness", "is_disabled", "is_elderly", "is_low_income", "helper_name", "measures",
]


def household_import(*, acting_user, file, dry_run=False):
    """Import households from a workbook: check everything first, then write all or nothing.

    A household is matched by its ID number, a village by its path 县/乡/村 among
    the villages the user may see. Re-importing the same file changes nothing.
    Returns (created, updated, errors).
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from .importers import read_households

    try:
        read = read_households(file)
    except ValidationError as e:
        return 0, 0, list(e.messages)
    errors = list(read.errors)
    villages = {
        (c, t, v): pk for pk, c, t, v in Village.objects.visible_to(acting_user).values_list(
            "pk", "county__name", "township__name", "name"
        ).iterator(chunk_size=5000)
    } if acting_user is not None else {
        (c, t, v): pk for pk, c, t, v in Village.objects.values_list("pk", "county__name", "township__name", "name")
    }
    ids = [row["head_id_number"] for row in read.rows]
    existing = {}
    for start in range(0, len(ids), 5000):
        for h in Household.objects.filter(head_id_number__in=ids[start:start + 5000]).only("pk", "village_id", *IMPORT_FIELDS, "head_id_number"):
            existing[h.head_id_number] = h
    visible_ids = set(villages.values())
    to_create, to_update = [], []
    for row in read.rows:
        village_id = villages.get((row["county"], row["township"], row["village"]))
        if village_id is None:
            errors.append(f"第{row['_row']}行：找不到村“{row['county']}/{row['township']}/{row['village']}”，或不在您的管辖范围内。")
            continue
        values = {f: row[f] for f in IMPORT_FIELDS if f in row}
        current = existing.get(row["head_id_number"])
        if current is None:
            to_create.append(Household(village_id=village_id, head_id_number=row["head_id_number"], **values))
            continue
        if current.village_id not in visible_ids:
            errors.append(f"第{row['_row']}行“户主身份证号”列：该身份证号已登记在其他县（市、区），不能导入。")
            continue
        changed = current.village_id != village_id or any(getattr(current, f) != v for f, v in values.items())
        if changed:
            current.village_id = village_id
            for f, v in values.items():
                setattr(current, f, v)
            to_update.append(current)
    if errors or dry_run:
        return len(to_create), len(to_update), errors
    with transaction.atomic():
        bulk_create_with_history(to_create, Household, batch_size=2000, default_user=acting_user)
        if to_update:
            bulk_update_with_history(to_update, Household, ["village", *IMPORT_FIELDS], batch_size=2000,
                                     default_user=acting_user)
        _recompute_after_commit({h.village_id for h in to_create + to_update})
    return len(to_create), len(to_update), []
