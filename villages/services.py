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


@transaction.atomic
def village_create(*, acting_user, township: Township, name: str, **fields) -> Village:
    _ensure_in_scope(acting_user=acting_user, county_id=township.county_id)
    village = Village(township=township, county_id=township.county_id, name=(name or "").strip(), **fields)
    village.full_clean()
    village._history_user = acting_user
    village.save()
    return village
