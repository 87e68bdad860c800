"""Writes with a business rule for places and households (one transaction each)."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from .choices import HouseholdStatus
from .models import Category, City, County, Household, Province, Township, Village
from .scoping import visible_county_ids
from .validators import normalize_id_number, normalize_phone

SEED_FILE = Path(settings.BASE_DIR) / "fixtures" / "seed_places.json"


def _require_keeper(acting_user):
    if acting_user is not None and not rules.has_perm("villages.import", acting_user):
        raise ValidationError("只有市扶贫办和县（市、区）扶贫办可以修改村和贫困户数据。", code="not_a_keeper")


class _InCounty:
    """What the permission matrix needs of an object: the county it lies in."""

    def __init__(self, county_id):
        self.county_id = county_id


def _ensure_in_scope(*, acting_user, county_id, permission="villages.edit_village"):
    """A user may only write inside the counties they may see (SPEC §1: county officers their county,
    the city office its city); team members read village data but do not keep it."""
    if acting_user is None:
        return
    _require_keeper(acting_user)
    if not rules.has_perm(permission, acting_user, _InCounty(county_id)):
        raise ValidationError("无权操作其他县（市、区）的数据。", code="out_of_scope")


# The shipped extract of the division table, and the parts of it the seed's places lie in:
# 河南省 (HN, ZZ, SQ) and 广东省河源市 (HY).
SEED_DIVISIONS = [("41", None), ("44", "4416")]


@transaction.atomic
def seed_load(*, path=SEED_FILE, codes=True):
    """Load the places and categories typed from the source documents, then give the seeded
    places their codes from the shipped division table (only places already there: the
    seed creates no others).

    Idempotent: a second run finds everything in place and creates nothing.
    Returns the number of rows created per kind, and the code import's results.
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
    results = []
    if codes:
        from .divisions import EXTRACT_DIR, read_table_cached

        for province, city in SEED_DIVISIONS:
            table = read_table_cached(EXTRACT_DIR, province=province, city=city)
            results.append(divisions_import(source=table, province=province, city=city, create=False))
    return created, results


HOUSEHOLD_FIELDS = {f.name for f in Household._meta.concrete_fields} - {"id", "village"}


def _apply_household_fields(household, fields):
    unknown = set(fields) - HOUSEHOLD_FIELDS
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}。")
    for name, value in fields.items():
        setattr(household, name, value)
    household.head_id_number = normalize_id_number(household.head_id_number)
    household.head_phone = normalize_phone(household.head_phone)
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


@transaction.atomic
def household_delete(*, acting_user, household: Household) -> None:
    """Remove a household (a registration made in error); its village's figures and stars follow."""
    _ensure_in_scope(acting_user=acting_user, county_id=household.village.county_id)
    village_id = household.village_id
    household._history_user = acting_user
    household.delete()
    _recompute_after_commit([village_id])


@transaction.atomic
def village_delete(*, acting_user, village: Village) -> None:
    """Remove a village entered in error; a village that still has households is refused."""
    _ensure_in_scope(acting_user=acting_user, county_id=village.county_id)
    from django.db.models import ProtectedError

    if Household.objects.filter(village=village).exists():
        raise ValidationError(f"{village.name}还有贫困户，不能删除：请先删除或移走这些贫困户。")
    village._history_user = acting_user
    try:
        with transaction.atomic():
            village.delete()
    except ProtectedError:
        raise ValidationError(f"{village.name}已有指导、督查等记录，不能删除。") from None


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
    if user is not None and not rules.has_perm("villages.edit_thresholds", user):
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


def _require_override_right(acting_user, village):
    """Whether a village is a key village of a category is the city office's decision (ZZ 四(一))."""
    if acting_user is not None and not rules.has_perm("villages.override_category", acting_user, village):
        raise ValidationError("只有市扶贫办可以人工认定重点村类别。", code="not_city_office")


@transaction.atomic
def category_override_set(*, acting_user, village: Village, number: int, met: bool, reason: str):
    """Override a computed category for one village, with a written reason (kept with who and when)."""
    from .models import CategoryOverride

    _require_override_right(acting_user, village)
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

    _require_override_right(acting_user, village)
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


class _Places:
    """Resolve the place columns of an import row to ids, among the counties the user may see.

    Counties and townships are never created by an import: an unknown name is an
    error on its row (a typo must not become a new county). A village may be
    created by the village import, inside an existing township.
    """

    def __init__(self, acting_user):
        from collections import defaultdict

        visible = visible_county_ids(acting_user) if acting_user is not None else None
        self.visible = None if visible is None else set(visible.values_list("pk", flat=True))
        self.counties_by_name = defaultdict(list)
        self.counties = {}
        for pk, name, city in County.objects.values_list("pk", "name", "city__name"):
            self.counties_by_name[name].append(pk)
            self.counties[(city, name)] = pk
        self.county_names = dict(County.objects.values_list("pk", "name"))
        self.cities = set(City.objects.values_list("name", flat=True))
        self.townships = {
            (county_id, name): pk for pk, county_id, name in Township.objects.values_list("pk", "county_id", "name")
        }
        self._cache = {}
        self.by_code = {}

    def county(self, row):
        """(county id, None) or (None, the reason, to follow "第N行")."""
        name, city = row["county"], row.get("city")
        if city:
            if city not in self.cities:
                return None, f"“市”列：系统中没有“{city}”。"
            pk = self.counties.get((city, name))
        else:
            ids = self.counties_by_name.get(name, [])
            if len(ids) > 1:
                return None, f"“县（市、区）”列：“{name}”在多个市都有，请填写“市”列以区分。"
            pk = ids[0] if ids else None
        if pk is None:
            return None, f"“县（市、区）”列：系统中没有“{(city or '') + name}”（导入不会新建县（市、区），请核对名称）。"
        if self.visible is not None and pk not in self.visible:
            return None, f"“县（市、区）”列：“{name}”不在您的管辖范围内，不能导入。"
        return pk, None

    def township(self, row):
        """(county id, township id, None) or (…, None, the reason). Cached per place: many rows share one."""
        key = (row.get("city"), row["county"], row["township"])
        if key not in self._cache:
            county_id, reason = self.county(row)
            township_id = None
            if county_id is not None:
                township_id = self.townships.get((county_id, row["township"]))
                if township_id is None:
                    reason = (f"“乡（镇）”列：{self.county_names[county_id]}没有“{row['township']}”"
                              "（导入不会新建乡（镇），请先在管理后台添加）。")
            self._cache[key] = (county_id, township_id, reason)
        return self._cache[key]

    def load_codes(self, codes):
        """Read the villages of the division codes the file names (a few queries, whatever its size)."""
        self.by_code = {}
        codes = sorted({c for c in codes if c})
        for start in range(0, len(codes), 2000):
            for pk, code, county_id, township_id, name in Village.objects.filter(
                code__in=codes[start:start + 2000]
            ).values_list("pk", "code", "county_id", "township_id", "name"):
                self.by_code.setdefault(code, []).append((pk, county_id, township_id, name))

    def village_by_code(self, code, header):
        """((village id, county id, township id, name), None), or (None, None) when no village has the
        code, or (None, the reason) when it is not the user's or names two villages."""
        found = self.by_code.get(code, [])
        if not found:
            return None, None
        if len(found) > 1:
            return None, f"“{header}”列：代码 {code} 对应多个村，请改用市、县、乡、村名称。"
        village = found[0]
        if self.visible is not None and village[1] not in self.visible:
            return None, f"“{header}”列：代码 {code} 的村不在您的管辖范围内，不能导入。"
        return village, None


PREVIEW_ROWS = 50  # rows of each kind (新增/更新/不变) the preview lists


@dataclass
class PreviewRow:
    """One row of an import preview: where it is in the file, what it is, what it writes or changes."""

    line: int
    place: str
    name: str
    id_number: str = ""
    values: list = field(default_factory=list)  # [(header, shown value)] of a new row
    changes: list = field(default_factory=list)  # [(header, before, after)] of an updated row


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    # The first PREVIEW_ROWS rows of each kind, so an officer sees what will be written before confirming.
    samples: dict = field(default_factory=lambda: {"created": [], "updated": [], "unchanged": []})

    @property
    def ok(self):
        return not self.errors

    def wants(self, kind):
        return len(self.samples[kind]) < PREVIEW_ROWS

    def add_sample(self, kind, row):
        if self.wants(kind):
            self.samples[kind].append(row)

    @property
    def sample_sections(self):
        """(key, title, count, rows) for the preview's tables."""
        return [
            ("created", "新增", self.created, self.samples["created"]),
            ("updated", "更新", self.updated, self.samples["updated"]),
            ("unchanged", "不变", self.unchanged, self.samples["unchanged"]),
        ]

    def __iter__(self):  # (created, updated, errors), as the command and older callers unpack it
        return iter((self.created, self.updated, self.errors))

    def __eq__(self, other):
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented


def _in_row_order(errors):
    """File-level messages first, then "第N行…" by N (stable within a row)."""
    import re

    def key(message):
        match = re.match(r"第(\d+)行", message)
        return int(match.group(1)) if match else 0

    return sorted(errors, key=key)


def _shown(model, name, value):
    """A value as the preview shows it: choices by label, yes/no in Chinese, blank as 空."""
    if value is None or value == "":
        return "空"
    if name == "is_poor_village":  # the column reads 村类型, as in the template
        return "贫困村" if value else "面上村"
    if isinstance(value, bool):
        return "是" if value else "否"
    choices = dict(model._meta.get_field(name).flatchoices)
    if choices:
        return str(choices.get(value, value))
    if isinstance(value, int):
        return f"{value:,}" if name not in {"exit_year", "identified_year"} else str(value)
    return str(value)


def _preview_place(row, path, code):
    """县 / 乡 / 村 as the row gives them, or its division code when the row gives only that."""
    parts = [row[p] for p in path if row.get(p)]
    return " / ".join(parts) if parts else f"代码 {row.get(code, '')}"


def _preview_values(model, headers, fields, values):
    return [(headers[f], _shown(model, f, v)) for f, v in zip(fields, values, strict=True) if v not in (None, "")]


def _preview_changes(model, headers, fields, before, after):
    return [(headers[f], _shown(model, f, b), _shown(model, f, a)) for f, b, a in zip(fields, before, after, strict=True) if b != a]


def _read_or_errors(reader, file):
    try:
        return reader(file), None
    except ValidationError as e:
        return None, ImportResult(errors=list(e.messages))


VILLAGE_IMPORT_FIELDS = [
    "code", "is_poor_village", "exit_status", "exit_year", "rural_population", "distance_to_county_km",
    "is_weak_party_org", "petition_count", "negative_report_count",
]


def village_import(*, acting_user, file, dry_run=False, progress=None) -> ImportResult:
    """Import villages from a workbook: check every row first, then write all or nothing.

    A village is matched by its full path (市/县/乡/村; 市 optional). A village not
    yet in its township is created; an unknown county or township is an error.
    Only the columns present in the file are written; re-importing the same
    file changes nothing. County officers may import only their county's rows.
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from .importers import read_villages

    _require_keeper(acting_user)
    read, failed = _read_or_errors(read_villages, file)
    if failed:
        return failed
    result = ImportResult(errors=list(read.errors))
    if not read.rows:
        return result
    if progress:
        progress(read.rows[-1]["_row"], read.rows[-1]["_row"])
    # The rows that read cleanly are matched too, so one pass lists every problem of the file
    # (bad cells and unknown places alike), in row order.
    places = _Places(acting_user)
    fields = [f for f in VILLAGE_IMPORT_FIELDS if f in read.fields]
    if "exit_status" in read.fields and "exit_year" not in fields:
        fields.append("exit_year")
    township_ids = set()
    located = []
    places.load_codes(row.get("code") for row in read.rows)
    for row in read.rows:
        if row.get("code"):
            # A village already carrying the code is that village, wherever the path columns point.
            village, reason = places.village_by_code(row["code"], "统计用区划代码")
            if village is not None and row.get("name") and row["name"] != village[3]:
                reason = f"“村”列：“{row['name']}”与统计用区划代码 {row['code']} 的村（{village[3]}）不符。"
            if reason:
                result.errors.append(f"第{row['_row']}行{reason}")
                continue
            if village is not None:
                row["name"] = village[3]
                located.append((row, village[1], village[2]))
                township_ids.add(village[2])
                continue
            if not (row.get("county") and row.get("township") and row.get("name")):
                result.errors.append(f"第{row['_row']}行“统计用区划代码”列：系统中没有代码为 {row['code']} 的村；"
                                     "新建村请填写县（市、区）、乡（镇）和村名。")
                continue
        county_id, township_id, reason = places.township(row)
        if reason:
            result.errors.append(f"第{row['_row']}行{reason}")
            continue
        located.append((row, county_id, township_id))
        township_ids.add(township_id)
    existing = {
        (v.township_id, v.name): v
        for v in Village.objects.filter(township_id__in=township_ids).only("pk", "township_id", "name", "county_id", *fields)
    }
    seen, to_create, to_update = {}, [], []
    for row, county_id, township_id in located:
        key = (township_id, row["name"])
        first = seen.setdefault(key, row["_row"])
        if first != row["_row"]:
            result.errors.append(f"第{row['_row']}行“村”列：与第{first}行是同一个村。")
            continue
        values = {f: row.get(f) for f in fields}
        village = existing.get(key)
        if village is None:
            village = Village(township_id=township_id, county_id=county_id, name=row["name"], **values)
            _check_village(village, row, result.errors.append)
            to_create.append(village)
            if result.wants("created"):
                result.add_sample("created", _village_preview(row, fields, values=list(values.values())))
        elif any(getattr(village, f) != v for f, v in values.items()):
            before = [getattr(village, f) for f in fields]
            for f, v in values.items():
                setattr(village, f, v)
            _check_village(village, row, result.errors.append)
            to_update.append(village)
            if result.wants("updated"):
                result.add_sample("updated", _village_preview(row, fields, before=before, after=list(values.values())))
        else:
            result.unchanged += 1
            if result.wants("unchanged"):
                result.add_sample("unchanged", _village_preview(row, fields))
    result.created, result.updated = len(to_create), len(to_update)
    result.errors = _in_row_order(result.errors)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        bulk_create_with_history(to_create, Village, batch_size=2000, default_user=acting_user,
                                 default_change_reason="Excel导入")
        if to_update:
            bulk_update_with_history(to_update, Village, fields, batch_size=2000, default_user=acting_user,
                                     default_change_reason="Excel导入")
        created_ids = Village.objects.filter(
            township_id__in={v.township_id for v in to_create}, name__in={v.name for v in to_create}
        ).values_list("pk", flat=True) if to_create else []
        _recompute_after_commit([*created_ids, *(v.pk for v in to_update)])
    return result


def _village_preview(row, fields, *, values=(), before=(), after=()):
    from .importers import VILLAGE_COLUMNS

    headers = {c.field: c.header for c in VILLAGE_COLUMNS}
    return PreviewRow(
        line=row["_row"], place=_preview_place(row, ("county", "township"), "code"), name=row.get("name", ""),
        values=_preview_values(Village, headers, fields, values) if values else [],
        changes=_preview_changes(Village, headers, fields, before, after) if after else [],
    )


def _check_village(village, row, error):
    try:
        village.full_clean(exclude=["township", "county"], validate_unique=False, validate_constraints=False)
    except ValidationError as e:
        for name, messages in e.message_dict.items():
            label = Village._meta.get_field(name).verbose_name if name != "__all__" else "村"
            error(f"第{row['_row']}行“{label}”列：{'；'.join(messages)}")


HOUSEHOLD_IMPORT_FIELDS = [
    "head_name", "head_phone", "member_count", "status", "identified_year", "exit_year", "is_dibao", "is_wubao",
    "is_serious_illness", "is_disabled", "is_elderly", "is_low_income",
    "food_ok", "clothing_ok", "education_ok", "medical_ok", "housing_ok", "water_ok",
    "helper_name", "measures", "income_measure_count",
]
SMALLINT_MAX = 32767  # PositiveSmallIntegerField on every database


def _household_limits(fields):
    """(field, header, max length or None, max number or None) of the imported columns the database bounds."""
    from django.db import models

    from .importers import HOUSEHOLD_COLUMNS

    headers = {c.field: c.header for c in HOUSEHOLD_COLUMNS}
    limits = []
    for name in fields:
        f = Household._meta.get_field(name)
        if isinstance(f, models.CharField) and f.max_length:
            limits.append((name, headers[name], f.max_length, None))
        elif isinstance(f, models.PositiveSmallIntegerField):
            limits.append((name, headers[name], None, SMALLINT_MAX))
    return limits


class _CheckOnly(Exception):
    """Raised to roll the import's transaction back: a dry run, or a file with errors."""


IMPORT_BATCH = 2000  # rows checked, looked up and written together


def household_import(*, acting_user, file, dry_run=False, progress=None) -> ImportResult:
    """Import households from a workbook: check everything, write all or nothing.

    A household is matched by its ID number, a village by its path 市/县/乡/村 (市
    optional) among the villages the user may see. Only the columns present in
    the file are written; re-importing the same file changes nothing.
    Every created or changed household gets a history row naming the importer.

    One streamed pass (a province's file must not be held in memory; 200,000 rows take about 11 s
    and 190 MB on SQLite, tests/perf/bench_villages.py): the sheet is read a slice at a time (importers.FirstSheet), and every
    IMPORT_BATCH rows are checked, matched against the database (their ID numbers looked up together)
    and — while the file has shown no error — written, inside one transaction. A file with an
    error anywhere rolls the whole transaction back, so nothing of it stays: all or nothing, with
    every problem listed by row, as before. A dry run (the preview) writes nothing.

    ``progress(rows read, rows in the sheet)`` is called after each batch (jobs, commands).
    """
    from python_calamine import CalamineError

    from .importers import UNREADABLE, UnreadableSheet, stream_households

    _require_keeper(acting_user)
    try:
        read = stream_households(file)
    except ValidationError as e:
        return ImportResult(errors=list(e.messages))
    result = ImportResult(errors=read.errors)
    if read.errors:
        return result
    total = read.total_rows() if progress else None
    try:
        with transaction.atomic():
            _households_stream(acting_user, read, result, dry_run=dry_run, progress=progress, total=total)
            if result.errors or dry_run:
                raise _CheckOnly
    except _CheckOnly:
        pass
    except (CalamineError, UnreadableSheet):
        return ImportResult(errors=[UNREADABLE])
    result.errors = _in_row_order(result.errors)
    return result


def _households_stream(acting_user, read, result, *, dry_run, progress, total):
    """Check (and, while there is no error, write) the sheet's rows, batch by batch."""
    import itertools

    from .summaries import village_summaries_refresh

    places = _Places(acting_user)
    fields = [f for f in HOUSEHOLD_IMPORT_FIELDS if f in read.fields]
    limits = _household_limits(fields)
    villages = {}
    village_qs = Village.objects.values_list("pk", "township_id", "name")
    if places.visible is not None:
        village_qs = village_qs.filter(county_id__in=places.visible)
    for pk, township_id, name in village_qs.iterator(chunk_size=5000):
        villages[(township_id, name)] = pk
    match = _VillageMatch(places, villages)
    touched = set()
    rows = iter(read.rows)
    while batch := list(itertools.islice(rows, IMPORT_BATCH)):
        rows_read = batch[-1]["_row"]
        to_create, to_update = _households_batch(batch, result, match, fields, limits)
        result.created += len(to_create)
        result.updated += len(to_update)
        if not dry_run and not result.errors:
            _households_write(acting_user=acting_user, fields=fields, to_create=to_create, to_update=to_update)
            touched |= {v for v, _ in to_create} | {u[1] for u in to_update} | {u[3] for u in to_update}
        del batch, to_create, to_update  # a batch's rows are not kept while the next one is read
        if progress:
            progress(rows_read, total)
    if not result.created and not result.updated and not result.unchanged and not result.errors:
        read.error("表格中没有贫困户数据：表头下面是空的。")
    if touched and not result.errors and not dry_run:
        village_summaries_refresh(village_ids=touched)
        _recompute_after_commit(touched)


class _VillageMatch:
    """The village of an import row, by its code or its path, with the reason when there is none.

    Thousands of rows name one village: the answer for a path (市, 县, 乡, 村) is kept, so most rows
    cost one dictionary look-up.
    """

    def __init__(self, places, villages):
        self.places = places
        self.villages = villages
        self.visible = set(villages.values())
        self.by_path = {}  # (市, 县, 乡, 村) → (village id, None) or (None, the reason)

    def load_codes(self, batch):
        self.places.load_codes(row.get("village_code") for row in batch)

    def __call__(self, row):
        code = row.get("village_code")
        if code:
            # The village's code names it; the path columns of the row are not needed.
            village, reason = self.places.village_by_code(code, "村代码")
            if reason or village is None:
                return None, reason or f"“村代码”列：系统中没有代码为 {code} 的村。"
            return village[0], None
        key = (row.get("city"), row["county"], row["township"], row["village"])
        found = self.by_path.get(key)
        if found is None:
            _, township_id, reason = self.places.township(row)
            village_id = None if reason else self.villages.get((township_id, row["village"]))
            if reason is None and village_id is None:
                reason = (f"“村”列：{row['county']}{row['township']}没有“{row['village']}”"
                          "（请先导入村，或核对村名）。")
            found = self.by_path[key] = (village_id, reason)
        return found


def _households_existing(id_numbers, fields):
    """The households already registered under these ID numbers, as rows (ID number, pk, village id,
    *fields) by ID number.

    Values come as the database stores them, without the ORM's conversion of each one (on SQLite a
    boolean is 1 or 0, which compares equal to True or False): the re-import of a big file compares
    every row. _household_before() converts the few a preview shows.
    """
    from django.db import connection

    qn = connection.ops.quote_name
    meta = Household._meta
    key = qn(meta.get_field("head_id_number").column)
    columns = ", ".join([key, qn(meta.pk.column), *(qn(meta.get_field(f).column) for f in ["village", *fields])])
    per = min(connection.features.max_query_params or IMPORT_BATCH, IMPORT_BATCH)
    existing = {}
    with connection.cursor() as cursor:
        for start in range(0, len(id_numbers), per):
            chunk = id_numbers[start:start + per]
            cursor.execute(f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {key} IN ({', '.join(['%s'] * len(chunk))})",
                           chunk)
            for current in cursor.fetchall():
                existing[current[0]] = current
    return existing


def _household_before(fields, values):
    """Stored values as the ORM gives them (True rather than 1), for a preview."""
    return [Household._meta.get_field(f).to_python(v) for f, v in zip(fields, values, strict=True)]


def _households_batch(batch, result, match, fields, limits):
    """Match one batch of rows: (to create, to update); problems go to result.errors with their row."""
    from operator import itemgetter

    error = _capped(result.errors)
    existing = _households_existing([row["head_id_number"] for row in batch], fields)
    to_create, to_update = [], []  # (village id, row); (pk, village id, values, previous village id)
    match.load_codes(batch)
    visible_villages = match.visible
    samples = result.samples
    values_of = itemgetter(*fields) if len(fields) > 1 else (lambda row: (row[fields[0]],))
    for row in batch:
        village_id, reason = match(row)
        if reason:
            error(f"第{row['_row']}行{reason}")
            continue
        bad = False
        for name, header, max_length, max_number in limits:
            value = row[name]
            if max_length and len(value) > max_length:
                error(f"第{row['_row']}行“{header}”列：不能超过{max_length}个字，现为{len(value)}个字。")
                bad = True
            elif max_number and value is not None and value > max_number:
                error(f"第{row['_row']}行“{header}”列：数值过大（{value}）。")
                bad = True
        if bad:
            continue
        current = existing.get(row["head_id_number"])
        if current is None:
            to_create.append((village_id, row))
            if len(samples["created"]) < PREVIEW_ROWS:
                result.add_sample("created", _household_preview(row, fields, values=values_of(row)))
            continue
        pk, current_village_id, current_values = current[1], current[2], current[3:]
        if current_village_id not in visible_villages:
            error(f"第{row['_row']}行“户主身份证号”列：该身份证号已登记在其他县（市、区），不能导入。")
            continue
        values = values_of(row)
        if current_village_id != village_id or current_values != values:
            to_update.append((pk, village_id, values, current_village_id))
            if len(samples["updated"]) < PREVIEW_ROWS:
                preview = _household_preview(row, fields, before=_household_before(fields, current_values),
                                             after=values)
                if current_village_id != village_id:
                    preview.changes.insert(0, ("村", "其他村", row["village"]))
                result.add_sample("updated", preview)
        else:
            result.unchanged += 1
            if len(samples["unchanged"]) < PREVIEW_ROWS:
                result.add_sample("unchanged", _household_preview(row, fields))
    return to_create, to_update


def _capped(errors):
    """Append to an import's errors, stopping at MAX_ERRORS (a wrong file can have one per row)."""
    from .importers import MAX_ERRORS

    def error(message):
        if len(errors) < MAX_ERRORS:
            errors.append(message)
        elif len(errors) == MAX_ERRORS:
            errors.append(f"错误超过{MAX_ERRORS}处，后面的不再列出。")
    return error


def _household_preview(row, fields, *, values=(), before=(), after=()):
    from .importers import HOUSEHOLD_COLUMNS
    from .validators import mask_id_number

    headers = {c.field: c.header for c in HOUSEHOLD_COLUMNS}
    shown = [f for f in fields if f != "head_name"]  # the name has its own column
    return PreviewRow(
        line=row["_row"], place=_preview_place(row, ("county", "township", "village"), "village_code"),
        name=row.get("head_name", ""),
        id_number=mask_id_number(row["head_id_number"]),
        values=_preview_values(Household, headers, shown, [v for f, v in zip(fields, values, strict=True) if f != "head_name"])
        if values else [],
        changes=_preview_changes(Household, headers, fields, before, after) if after else [],
    )


HISTORY_REASON = "Excel导入"


def _households_write(*, acting_user, fields, to_create, to_update):
    """Write checked import rows in a few large statements, with their history.

    Django's bulk_create (and django-simple-history's bulk_create_with_history on
    top of it) prepares every value of every row through the field API and, on
    SQLite, sends 40 rows a statement: 200,000 households took over a minute
    there. The values here are already the plain ints, strings and booleans the
    reader checked, so they go to the database as they are: on SQLite one
    prepared INSERT run for every row (executemany, in the sqlite3 module's C
    loop; under DEBUG the query log then keeps one line for the batch instead of
    every value quoted), elsewhere multi-row INSERTs (one round trip for many rows).

    History: one row per created ("+") or changed ("~") household, as
    bulk_create_with_history writes them — user, date, reason, the tracked
    fields — but copied from the rows just written (INSERT … SELECT), so it is
    exactly what was stored. The history model's tracked fields leave out
    head_id_number (Household.history excludes it): ID numbers never reach it.

    These writes go round the querysets, so they tell the lists' cache themselves (villages/listcache.py).
    """
    from operator import itemgetter

    from django.db import connection
    from django.utils import timezone

    from .listcache import data_changed

    if to_create or to_update:
        data_changed()

    qn = connection.ops.quote_name
    table = Household._meta.db_table
    from_row = ["head_id_number", *fields]
    by_name = {f.attname: f for f in Household._meta.concrete_fields if not f.primary_key}
    defaults = [f for name, f in by_name.items() if name not in from_row and name != "village_id"]
    columns = [by_name["village_id"], *(by_name[name] for name in from_row), *defaults]
    default_values = tuple(f.get_db_prep_save(f.get_default(), connection) for f in defaults)
    values_of = itemgetter(*from_row)  # a tuple: head_id_number and head_name are always there
    rows = [(village_id, *values_of(row), *default_values) for village_id, row in to_create]
    max_params = connection.features.max_query_params or 30000
    with connection.cursor() as cursor:
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        head = f"INSERT INTO {qn(table)} ({', '.join(qn(f.column) for f in columns)}) VALUES "
        if connection.vendor == "sqlite":
            if rows:
                cursor.executemany(head + one, rows)
        else:
            per = max(1, min(1000, max_params // len(columns)))
            for start in range(0, len(rows), per):
                batch = rows[start:start + per]
                cursor.execute(head + ", ".join([one] * len(batch)), [v for row in batch for v in row])
        del rows
        if to_update:
            assignments = ", ".join(f"{qn(Household._meta.get_field(f).column)} = %s" for f in ["village", *fields])
            cursor.executemany(
                f"UPDATE {qn(table)} SET {assignments} WHERE {qn(Household._meta.pk.column)} = %s",
                [(village_id, *values, pk) for pk, village_id, values, _ in to_update],
            )
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        history = Household.history.model
        tracked = [f.column for f in history.tracked_fields]
        assert "head_id_number" not in tracked  # the history never holds ID numbers (Household.history)
        extra = [history._meta.get_field(n).column for n in
                 ("history_date", "history_change_reason", "history_type", "history_user")]
        # INSERT … SELECT with a list of keys: one statement a key (executemany) is several times
        # slower on SQLite.
        copy = (
            f"INSERT INTO {qn(history._meta.db_table)} ({', '.join(map(qn, tracked + extra))}) "
            f"SELECT {', '.join(qn(c) for c in tracked)}, %s, %s, %s, %s FROM {qn(table)} WHERE {{}} IN ({{}})"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        user_id = acting_user.pk if acting_user is not None else None
        per = min(max_params - 4, 5000)
        for kind, key, keys in (
            ("+", "head_id_number", [row["head_id_number"] for _, row in to_create]),
            ("~", Household._meta.pk.column, [u[0] for u in to_update]),
        ):
            for start in range(0, len(keys), per):
                batch = keys[start:start + per]
                cursor.execute(copy.format(qn(key), ", ".join(["%s"] * len(batch))),
                               [now, HISTORY_REASON, kind, user_id, *batch])


@dataclass
class DivisionImportResult:
    """Per level (省, 市, 县（市、区）, 乡（镇）, 村): new, updated, unchanged, and the stored places
    of the province (or city) that the table does not have — kept, never deleted."""

    new: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)
    not_in_table: dict = field(default_factory=dict)  # level → ["郑州市中牟县某某镇某村", …]
    communities_skipped: int = 0
    dry_run: bool = False

    def lines(self, *, max_listed=30):
        from .divisions import LEVELS

        out = []
        for level in LEVELS:
            missing = self.not_in_table.get(level, [])
            out.append(f"{level}：新建 {self.new.get(level, 0):,}，更新 {self.updated.get(level, 0):,}，"
                       f"未变 {self.unchanged.get(level, 0):,}，表中没有 {len(missing):,}")
        if self.communities_skipped:
            out.append(f"社区（居委会）{self.communities_skipped:,} 个未导入（需要时加 --include-communities）。")
        listed = [(level, name) for level in LEVELS for name in self.not_in_table.get(level, [])]
        if listed:
            out.append("表中没有、已保留的地方：")
            out += [f"  {level} {name}" for level, name in listed[:max_listed]]
            if len(listed) > max_listed:
                out.append(f"  ……另有 {len(listed) - max_listed:,} 个")
        return out


DIVISIONS_REASON = "统计用区划代码导入"


@transaction.atomic
def divisions_import(*, acting_user=None, source, province, city=None, include_communities=False,
                     dry_run=False, create=True, village_facts=None, progress=None) -> DivisionImportResult:
    """Load or update places with their codes from the division table (统计用区划代码).

    `source` is a folder, zip or npm package of the table (villages.divisions), or a
    DivisionTable already read. A stored place is matched by its code, else by its
    parent and name (the name officers use, or the table's); a matched place keeps
    its name and gains the code and the official name (a place matched by its code
    stays where it is stored: the import never moves or renames a place). With create=False only
    stored places are matched (load_seed); village_facts(division) may give the other
    fields of a new village (the demo's). All or nothing: a bad table raises
    ValidationError and nothing is written; dry_run checks and counts only.
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from .divisions import LEVELS, DivisionTable, read_table

    if acting_user is not None and not (acting_user.is_superuser or acting_user.role == "admin"):
        raise ValidationError("只有系统管理员可以导入统计用区划代码。")
    say = progress or (lambda message: None)
    table = source if isinstance(source, DivisionTable) else read_table(
        source, province=province, city=city, include_communities=include_communities)
    say(f"已读取代码表：{'，'.join(f'{lv} {len(rows):,}' for lv, rows in zip(LEVELS, table.levels, strict=True))}")
    result = DivisionImportResult(communities_skipped=table.communities_skipped, dry_run=dry_run)
    province_code = table.levels[0][0].code if table.levels[0] else None
    city_code = table.levels[1][0].code if city and table.levels[1] else None

    # The models of each level, the parent's field, and the stored places in scope.
    specs = [
        (Province, None, lambda: Province.objects.filter(code=province_code) | Province.objects.filter(
            name__in=[d.name for d in table.levels[0]] + [d.official_name for d in table.levels[0]])),
        (City, "province", lambda: City.objects.filter(province_id__in=ids[0])),
        (County, "city", lambda: County.objects.filter(city_id__in=ids[1])),
        (Township, "county", lambda: Township.objects.filter(county_id__in=ids[2])),
        (Village, "township", lambda: Village.objects.filter(township_id__in=ids[3])),
    ]
    ids = [set() for _ in specs]  # stored pks of each level in scope (matched or not)
    by_code = {}  # 12-digit code → pk (or ("new", code) in a dry run)
    for level, (model, parent_field, stored_qs) in enumerate(specs):
        label = LEVELS[level]
        parent_attname = f"{parent_field}_id" if parent_field else None
        stored = list(stored_qs().values(
            "pk", "name", "code", "official_name", *([parent_attname] if parent_attname else [])))
        if level == 1 and city_code:
            # One city: the others of the province are neither matched nor listed.
            wanted = {d.name for d in table.levels[1]} | {d.official_name for d in table.levels[1]}
            stored = [s for s in stored if s["code"] == city_code or (not s["code"] and s["name"] in wanted)]
        stored_by_code = {s["code"]: s for s in stored if s["code"]}
        stored_by_name = {(s[parent_attname] if parent_attname else None, s["name"]): s for s in stored}
        claimed, new, changed = set(), [], []
        names_taken = {(s[parent_attname] if parent_attname else None, s["name"]) for s in stored}
        unchanged = 0
        table_codes = {d.code for d in table.levels[level]}
        for d in table.levels[level]:
            parent_key = by_code.get(d.parent) if d.parent else None
            if d.parent and parent_key is None:
                continue  # its parent was not stored and not created (create=False)
            s = stored_by_code.get(d.code)
            if s is None:
                # By name, unless the place carries another code of the table (it is that place, then).
                s = stored_by_name.get((parent_key, d.name)) or stored_by_name.get((parent_key, d.official_name))
                if s is not None and s["code"] and s["code"] != d.code and s["code"] in table_codes:
                    s = None
            if s is not None and s["pk"] not in claimed:
                claimed.add(s["pk"])
                by_code[d.code] = s["pk"]
                if s["code"] != d.code or s["official_name"] != d.official_name:
                    changed.append((s["pk"], d))
                else:
                    unchanged += 1
                continue
            if not create:
                continue
            name = d.name
            if (parent_key, name) in names_taken:  # the name is taken in the parent: keep the table's
                name = d.official_name
            if (parent_key, name) in names_taken:
                name = f"{d.official_name}（{d.code}）"
            names_taken.add((parent_key, name))
            new.append((parent_key, name, d))
            by_code[d.code] = ("new", d.code)
        ids[level] = {s["pk"] for s in stored}
        result.new[label], result.updated[label], result.unchanged[label] = len(new), len(changed), unchanged
        missing = [s for s in stored if s["pk"] not in claimed]
        if missing:
            result.not_in_table[label] = _place_names(model, [s["pk"] for s in missing])
        if dry_run:
            continue
        # Write this level now: the next level needs its pks.
        if changed:
            objs, pks = {}, [pk for pk, _ in changed]
            for start in range(0, len(pks), 2000):
                objs.update((o.pk, o) for o in model.objects.filter(pk__in=pks[start:start + 2000]))
            for pk, d in changed:
                objs[pk].code, objs[pk].official_name = d.code, d.official_name
            if model is Village:
                bulk_update_with_history(list(objs.values()), Village, ["code", "official_name"], batch_size=2000,
                                         default_user=acting_user, default_change_reason=DIVISIONS_REASON)
            else:
                model.objects.bulk_update(list(objs.values()), ["code", "official_name"], batch_size=2000)
        if new:
            objs = []
            for parent_key, name, d in new:
                extra = village_facts(d) if village_facts and model is Village else {}
                obj = model(name=name, code=d.code, official_name=d.official_name, **extra)
                if parent_attname:
                    setattr(obj, parent_attname, parent_key)
                objs.append(obj)
            if model is Village:
                counties = dict(Township.objects.filter(pk__in={o.township_id for o in objs}).values_list("pk", "county_id"))
                for o in objs:
                    o.county_id = counties[o.township_id]
                for start in range(0, len(objs), 10000):
                    bulk_create_with_history(objs[start:start + 10000], Village, batch_size=2000, default_user=acting_user,
                                             default_change_reason=DIVISIONS_REASON)
                    say(f"  村：已写入 {min(start + 10000, len(objs)):,} / {len(objs):,}")
            else:
                model.objects.bulk_create(objs, batch_size=2000)
            # Read back the new places' pks by their codes (one query over the level's scope).
            codes = {d.code for _, _, d in new}
            scope = specs[level][2]() if level else model.objects.filter(code__in=codes)
            for pk, code in scope.values_list("pk", "code").iterator(chunk_size=5000):
                if code in codes:
                    by_code[code] = pk
                    ids[level].add(pk)
    return result


def _place_names(model, pks):
    """Full names (郑州市中牟县…) of some places of one level, in a few queries."""
    related = {Province: [], City: ["province"], County: ["city"], Township: ["county__city"],
               Village: ["township__county__city"]}[model]
    names = []
    for start in range(0, len(pks), 2000):
        names += [o.full_name for o in model.objects.filter(pk__in=pks[start:start + 2000]).select_related(*related)]
    return sorted(names)
