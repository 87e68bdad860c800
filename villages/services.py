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
    return household


@transaction.atomic
def household_update(*, acting_user, household: Household, **fields) -> Household:
    _ensure_in_scope(acting_user=acting_user, county_id=household.village.county_id)
    if "village" in fields:
        village = fields.pop("village")
        _ensure_in_scope(acting_user=acting_user, county_id=village.county_id)
        household.village = village
    _apply_household_fields(household, fields)
    household._history_user = acting_user
    household.save()
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
    from django.db.models import Count, Q, Sum
    from django.utils import timezone

    from .choices import POOR_STATUSES
    from .models import StarRating
    from .rating import DEFAULT_THRESHOLDS, categories_for, problem_sources

    thresholds = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    year = year or timezone.localdate().year
    villages = Village.objects.all()
    if village_ids is not None:
        villages = villages.filter(pk__in=list(village_ids))
    rows = {
        r["pk"]: {**r, "poor_population": 0, "poor_households": 0, "empty_measures": 0, "flagged_households": 0, "problem_count": 0}
        for r in villages.values(
            "pk", "rural_population", "is_weak_party_org", "petition_count", "negative_report_count", "distance_to_county_km"
        )
    }
    poor = Q(status__in=POOR_STATUSES)
    households = Household.objects.filter(village__in=villages) if village_ids is not None else Household.objects.all()
    for agg in households.values("village_id").annotate(
        poor_population=Sum("member_count", filter=poor),
        poor_households=Count("pk", filter=poor),
        empty_measures=Count("pk", filter=poor & Q(measures="")),
        flagged_households=Count(
            "pk",
            filter=Q(status=HouseholdStatus.MARGINAL) | Q(is_dibao=True) | Q(is_wubao=True)
            | Q(is_serious_illness=True) | Q(is_disabled=True),
        ),
    ).order_by():
        row = rows.get(agg["village_id"])
        if row is not None:
            row.update({k: v or 0 for k, v in agg.items() if k != "village_id"})
    for source in problem_sources():
        for agg in source(villages):
            if agg["village_id"] in rows:
                rows[agg["village_id"]]["problem_count"] += agg["n"]
    ratings = []
    for pk, row in rows.items():
        met = categories_for(row, thresholds)
        ratings.append(StarRating(
            village_id=pk, year=year, categories=met, category_count=len(met), stars=StarRating.stars_for(len(met)),
            computed_at=timezone.now(),
        ))
    StarRating.objects.bulk_create(
        ratings, batch_size=2000, update_conflicts=True, unique_fields=["village"],
        update_fields=["year", "categories", "category_count", "stars", "computed_at"],
    )
    return len(ratings)
