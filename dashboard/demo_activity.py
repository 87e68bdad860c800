"""A year of guidance, inspection and rectification on top of the demo places (SPEC §12).

``generate_demo --scale province`` builds the places and about 2,000,000 households; this module
adds what the offices do with them in a year — campaigns and teams, guidance visits, inspection
trips, rectification letters and about 500,000 problem items — with bulk inserts in batches, so
that dashboards, lists and reminders can be measured at the scale SPEC §12 names.

Nothing goes through the per-row services (a year of rows would take hours), but every row obeys
the rules those services enforce, so pages and services work on the data afterwards:

- guidance visits (ZZ 三, 六(四)) fall on official working days inside their campaign, at most 2
  villages per group per day, a village at most once per campaign (a few with the city office's
  recorded exception), registered by a member of the group covering the county, signed by members
  of that group, with the categories and figures the form prefills, and problems of both kinds —
  个性问题 with their on-the-spot fix;
- inspection trips (HY 四) are 1–2 consecutive working days, no overlap for a group, with a sample
  meeting the rule or the recorded exception saying what the county's data lack, findings under the
  8 HY 附件 categories on the county or a sampled place, and an opinion exchange before the end;
- letters (HY 四) carry one item per finding or 共性问题, are numbered per 发文字 and year without
  gap (the LetterCounter rows match), mostly within 3 working days of the trip;
- items move only along rectification's transition table, each move a timeline row by someone the
  permission matrix allows (the county for start/report, the issuer for verification and closure).

The guidance volume SPEC §12 names (≈100,000 visits a year) cannot come from one campaign: a
village is guided once per campaign, and a group visits at most 2 villages a day, so with one
group per county a whole year of working days gives at most ≈94,000 visits. As in the provinces
that the documents come from, three kinds of guidance campaign run side by side, each a quarter
long (ZZ 三's campaign is a quarter): the province's groups (2–4 counties each), each city's groups
(ZZ 附件1's shape: one county, a small district paired with another) and the counties' own groups.
An existing guidance campaign of the same city and quarter (郑州市's seed roster) is used for that
city's quarter instead of a new one, and an existing inspection campaign of the year (河源市's) gets
its trips, so the seed accounts (city, county, team) see activity.

Every row made here is marked ``MARK`` (a campaign's 领导机构, a visit's 补充说明, a trip's 备注, a
letter's 正文, a hand-over's 备注) and the accounts made for roster people are named ``demo-…``:
``activity_reset`` removes exactly those and keeps places, households and everything else.
"""

import bisect
import datetime
import functools
import io
import json
import math
import random
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum

from inspections.choices import (
    MAX_TRIP_DAYS,
    PROBLEM_CATEGORY_CHOICES,
    ChecklistResult,
    FindingCategory,
    FindingSeverity,
    ProblemKind,
    SampleLevel,
    TripStatus,
    VisitStatus,
)
from inspections.models import (
    ArchiveHandover,
    ChecklistEntry,
    Finding,
    GuidanceVisit,
    InspectionTrip,
    OpinionExchange,
    Problem,
    RepeatVisitException,
    TripSample,
)
from inspections.trip_selectors import _shortfalls, propose_households
from rectification.choices import ItemStatus, LetterStatus, Severity, SourceKind
from rectification.models import (
    EvidenceFile,
    ExtensionRequest,
    ItemTransition,
    LetterCounter,
    LookBack,
    ProblemItem,
    RectificationLetter,
)
from rectification.services import default_addressee, default_cc, letter_due_dates, letter_prefix
from reminders.calendar import last_working_day_of_quarter, working_days
from rosters.choices import MemberRole, Role, TeamKind
from rosters.models import Campaign, CampaignLeader, Person, Team, TeamCounty, TeamMember, User
from villages.choices import POOR_STATUSES, HouseholdStatus
from villages.models import City, County, Household, Province, Village

from . import demo_texts as texts
from .models import TripFact

MARK = "（批量演示）"
USER_PREFIX = "demo-"
DEMO_PASSWORD = "Fupin-demo-2018"  # as create_demo_accounts
TZ = ZoneInfo("Asia/Shanghai")
BATCH = 2000

PROVINCE_ABBR = {"河南省": "豫", "广东省": "粤"}
CITY_ABBR = {
    "郑州市": "郑", "开封市": "汴", "洛阳市": "洛", "平顶山市": "平", "安阳市": "安", "鹤壁市": "鹤", "新乡市": "新",
    "焦作市": "焦", "濮阳市": "濮", "许昌市": "许", "漯河市": "漯", "三门峡市": "三", "南阳市": "宛", "商丘市": "商",
    "信阳市": "信", "周口市": "周", "驻马店市": "驻", "河源市": "河",
}
# A "city" of the division table that is no city office (济源 is a county-level city run by the province).
NOT_A_CITY = "省直辖县级行政区划"
QUARTER_NAMES = "一二三四"

# How groups work (drawn per group-week and group-day; the visit rate is calibrated to the target).
QUOTA_MISS = 0.04  # a county left out of a week now and then, so the weekly quota page has gaps
REPEAT_SHARE = 0.002  # visits made again under the city office's exception (ZZ 六(四))
DRAFT_RECENT_DAYS = 5  # working days before the as-of date in which half the forms are still drafts
SMALL_COUNTY_VILLAGES = 60  # a city group covers two such districts (ZZ 附件1: 第六小组 中牟县、航空港区)
TRIP_MISS = 0.08  # a county not inspected some month
FINDING_SHARE = 0.12  # of the items target, from trip findings; the rest from 共性问题


@functools.cache
def demo_password():
    """The demo password, hashed once: a million PBKDF2 rounds per account would take seconds each."""
    return make_password(DEMO_PASSWORD)


def activity_exists() -> bool:
    return (Campaign.objects.filter(parent_body__endswith=MARK).exists()
            or GuidanceVisit.objects.filter(population_note=MARK).exists()
            or InspectionTrip.objects.filter(note__endswith=MARK).exists())


# --- small helpers -----------------------------------------------------------------------------------

def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 56 → 五十六 (group names: 第十二小组)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def at(day: datetime.date, rng, start=9, end=18) -> datetime.datetime:
    """A moment of office hours on the day, Asia/Shanghai."""
    minutes = rng.randint(start * 60, end * 60 - 1)
    return datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), tzinfo=TZ)


def chunks(seq, size=BATCH):
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


class WorkCalendar:
    """Official working days (reminders.calendar) of a span, counted in memory: one query in all."""

    def __init__(self, start, end):
        self.days = working_days(start, end)
        self._set = set(self.days)

    def is_working(self, day):
        return day in self._set

    def between(self, start, end):
        return self.days[bisect.bisect_left(self.days, start):bisect.bisect_right(self.days, end)]

    def add(self, day, n):
        """The n-th working day after ``day`` (reminders.calendar.add_working_days, counted in memory)."""
        return self.days[bisect.bisect_right(self.days, day) + n - 1]

    def on_or_after(self, day):
        return self.days[bisect.bisect_left(self.days, day)]

    def before(self, day):
        """The working day before ``day`` (the first one of the span at its start)."""
        return self.days[max(0, bisect.bisect_left(self.days, day) - 1)]


@contextmanager
def given_timestamps(*models):
    """Keep the timestamps the generator gives (auto_now/auto_now_add would stamp every row with today)."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _copy_text(value):
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if kind is datetime.date or kind is datetime.datetime:
        return value.isoformat()
    if kind is list or kind is dict:
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _sqlite_value(value):
    """A value as Django's SQLite backend stores it (aware datetimes as naive UTC text, JSON as text)."""
    kind = type(value)
    if kind is datetime.datetime:
        return str(value.astimezone(datetime.UTC).replace(tzinfo=None))
    if kind is datetime.date:
        return value.isoformat()
    if kind is list or kind is dict:
        return json.dumps(value)
    return value


class TableWriter:
    """Rows written straight into one table: COPY on PostgreSQL, executemany on SQLite.

    At a million rows Django's ``bulk_create`` spends most of its time compiling the INSERT
    (model instances, per-value preparation); here each row is a tuple in the column order given,
    and ids are taken from the table's sequence beforehand so related rows can point at them.
    Every NOT NULL column must be given (the models have no database defaults).
    """

    def __init__(self, model, columns):
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        missing = [f.attname for f in meta.concrete_fields
                   if f.attname not in columns and not f.null and not f.primary_key]
        if missing:
            raise ValueError(f"{meta.label}: columns {missing} must be given")
        self.table = meta.db_table
        self.columns = [by_attname[c].column for c in columns]
        self.vendor = connection.vendor
        self._next_id = None

    def ids(self, n):
        """``n`` fresh ids of the table, reserved for this transaction's rows."""
        if not n:
            return range(0)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                               [self.table, self.table, n])
                last = cursor.fetchone()[0]
                return range(last - n + 1, last + 1)
            if self._next_id is None:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(self.table)}")
                top = cursor.fetchone()[0]
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
                row = cursor.fetchone()
                self._next_id = max(top, row[0] if row else 0) + 1
        first, self._next_id = self._next_id, self._next_id + n
        return range(first, first + n)

    def write(self, rows):
        if not rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join(map(_copy_text, row)))
                    buffer.write("\n")
                buffer.seek(0)
                cursor.cursor.copy_expert(f"COPY {quote(self.table)} ({columns}) FROM STDIN", buffer)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})",
                                   [tuple(map(_sqlite_value, row)) for row in rows])


def _binomial_mean(rng, mean):
    """A count with the given mean (binomial on 2⌈mean⌉ trials): spread like a real list, never negative."""
    if mean <= 0:
        return 0
    trials = 2 * math.ceil(mean)
    p = mean / trials
    return sum(rng.random() < p for _ in range(trials))


# --- what the generator works with ----------------------------------------------------------------------

@dataclass
class PersonSpec:
    name: str
    position: str
    unit: str
    is_unit: bool = False
    username: str | None = None  # a named account (guide, inspector) instead of demo-p<pk>
    pk: int | None = None
    user_id: int | None = None


@dataclass
class GroupSpec:
    name: str
    counties: list  # county pks, in roster order
    people: list  # [(PersonSpec, MemberRole)], the leader first
    liaisons: dict = field(default_factory=dict)  # county pk → PersonSpec (inspection groups, HY 二)
    team_pk: int | None = None

    @property
    def leader(self):
        return self.people[0][0]

    @property
    def signers(self):
        return [p for p, role in self.people if not p.is_unit and role != MemberRole.LIAISON]


@dataclass
class CampaignSpec:
    track: str  # province | city | county | inspection
    kind: str
    name: str
    start: datetime.date
    end: datetime.date
    issuing_body: str = ""
    document_number: str = ""
    parent_body: str = ""
    groups: list = field(default_factory=list)
    office: object = None  # the office account that drafts its 共性问题 letters, grants exceptions, promotes
    city_id: int | None = None
    existing: Campaign | None = None
    pk: int | None = None
    leaders: list = field(default_factory=list)  # [(PersonSpec, CampaignLeader.Role)]


@dataclass
class Summary:
    counts: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)
    notes: list = field(default_factory=list)


class Generator:
    def __init__(self, *, year, as_of, visits, items, seed, log=print):
        self.year, self.as_of, self.visits_target, self.items_target = year, as_of, visits, items
        self.seed, self.log = seed, log
        self.summary = Summary()
        self.letter_rows = []  # (pk, prefix, year, issued_at) of issued letters, numbered at the end
        self.temp_serial = 10**6  # letters take a serial above any real one until they are numbered
        self.counts = defaultdict(int)
        self.item_rows = TableWriter(ProblemItem, (
            "id", "county_id", "village_id", "household_id", "description", "category", "severity", "source_kind",
            "content_type_id", "object_id", "letter_id", "team_id", "responsible_unit", "deadline", "status", "report",
            "verified_at", "verified_by_id", "closed_on", "order", "created_at", "sent_back_at", "escalated_at",
            "escalated_by_id", "escalation_note", "acknowledged_at", "acknowledged_by_id"))
        self.transition_rows = TableWriter(ItemTransition, ("item_id", "action", "from_status", "to_status", "note",
                                                            "by_id", "at"))

    def rng(self, *parts):
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def phase(self, name, started):
        elapsed = time.monotonic() - started
        self.summary.times[name] = elapsed
        self.log(f"  {name}：{elapsed:.1f} 秒")

    # --- loading -------------------------------------------------------------------------------------

    def load(self):
        t = time.monotonic()
        self.calendar = WorkCalendar(datetime.date(self.year, 1, 1), max(self.as_of, datetime.date(self.year, 12, 31))
                                     + datetime.timedelta(days=400))
        provinces = list(Province.objects.annotate(n=Count("cities__counties__villages")).order_by("-n", "pk"))
        if not provinces or provinces[0].n == 0:
            raise ValueError("数据库中没有村：请先运行 generate_demo（--scale province 或 city）。")
        self.province = next((p for p in provinces if p.name == "河南省" and p.n), provinces[0])
        self.cities = {c.pk: c for c in City.objects.select_related("province")}
        self.counties = {}
        for c in (County.objects.filter(villages__isnull=False).distinct().select_related("city")
                  .order_by("city__code", "city__pk", "code", "pk")):
            self.counties[c.pk] = c
        self.villages = {}  # pk → [county, township, name, is_poor, stars, categories, figures]
        self.by_county = defaultdict(list)
        self.rural = {}  # 户籍农业人口, prefilled on the form
        for pk, county, township, name, poor, rural, stars, cats in (
                Village.objects.filter(county__in=list(self.counties)).order_by("pk")
                .values_list("pk", "county_id", "township_id", "name", "is_poor_village", "rural_population",
                             "star_rating__stars", "star_rating__categories").iterator(chunk_size=10000)):
            self.villages[pk] = [county, township, name, poor, stars or 0, cats or [], None]
            self.by_county[county].append(pk)
            self.rural[pk] = rural
        # 贫困人口基本情况 as the form prefills it (inspections.selectors.visit_prefill), one grouped query.
        poor = Q(status__in=POOR_STATUSES)
        for row in (Household.objects.values("village_id").order_by().annotate(
                poor_households=Count("pk", filter=poor), poor_population=Sum("member_count", filter=poor),
                exited=Count("pk", filter=Q(status=HouseholdStatus.EXITED)),
                marginal=Count("pk", filter=Q(status=HouseholdStatus.MARGINAL))).iterator(chunk_size=10000)):
            v = self.villages.get(row["village_id"])
            if v is not None:
                v[6] = (row["poor_households"], row["poor_population"] or 0, row["exited"], row["marginal"])
        self.log(f"  已读取 {len(self.counties)} 个有村的县（市、区）、{len(self.villages):,} 个村"
                 f"（{time.monotonic() - t:.1f} 秒）")

    # --- accounts of the offices ------------------------------------------------------------------------

    def office_accounts(self):
        """The offices that issue letters and the county officers that answer them: existing accounts first."""
        new = []
        self.province_office = (User.objects.filter(username="province").first()
                                or User.objects.filter(role=Role.CITY, city__isnull=True, is_active=True).order_by("pk").first())
        if self.province_office is None:
            self.province_office = User(username="province", first_name=f"{self.province.name}扶贫办", role=Role.CITY,
                                        password=demo_password())
            new.append(self.province_office)
        self.city_office = {}
        for user in User.objects.filter(role=Role.CITY, city__isnull=False, is_active=True).order_by("pk"):
            self.city_office.setdefault(user.city_id, user)
        self.county_officer = {}
        for user in User.objects.filter(role=Role.COUNTY, is_active=True).order_by("pk"):
            self.county_officer.setdefault(user.county_id, user)
        for city_id in sorted({c.city_id for c in self.counties.values()}):
            if city_id not in self.city_office and self.cities[city_id].name != NOT_A_CITY:
                user = User(username=f"{USER_PREFIX}city-{city_id}", first_name=f"{self.cities[city_id].name}扶贫办",
                            role=Role.CITY, city_id=city_id, password=make_password(None))
                self.city_office[city_id] = user
                new.append(user)
        for county in self.counties.values():
            if county.pk not in self.county_officer:
                user = User(username=f"{USER_PREFIX}county-{county.pk}", first_name=f"{county.name}扶贫办",
                            role=Role.COUNTY, county_id=county.pk, password=make_password(None))
                self.county_officer[county.pk] = user
                new.append(user)
        User.objects.bulk_create(new, batch_size=BATCH)
        self.counts["office_accounts"] = len(new)

    def office_for(self, spec):
        """Who acts for the office of a campaign: its city's office, else the provincial office."""
        if spec.city_id and spec.city_id in self.city_office:
            return self.city_office[spec.city_id]
        return self.province_office

    # --- campaigns and rosters -----------------------------------------------------------------------

    def _person(self, rng, kind, unit):
        return PersonSpec(name=rng.choice(texts.SURNAMES) + rng.choice(texts.GIVEN_NAMES),
                          position=rng.choice(texts.POSITIONS[kind][1:]), unit=unit)

    def _people(self, rng, kind, unit, members):
        leader = self._person(rng, kind, unit)
        leader.position = texts.POSITIONS[kind][0]
        return [(leader, MemberRole.LEADER)] + [(self._person(rng, kind, unit), MemberRole.MEMBER) for _ in range(members)]

    def _partition(self, rng, county_pks):
        """Counties of a city in groups of 2–4 (a lone county joins the next city's first group)."""
        groups, carry = [], []
        by_city = defaultdict(list)
        for pk in county_pks:
            by_city[self.counties[pk].city_id].append(pk)
        for city_id in by_city:
            pks = carry + by_city[city_id]
            if len(pks) < 2:
                carry = pks
                continue
            carry = []
            k = rng.randint(math.ceil(len(pks) / 4), len(pks) // 2)
            size, extra = divmod(len(pks), k)
            i = 0
            for n in range(k):
                take = size + (1 if n < extra else 0)
                groups.append(pks[i:i + take])
                i += take
        if carry:
            merged = (groups.pop() if groups else []) + carry
            # Keep 2–4 counties a group: five become three and two.
            groups += [merged] if len(merged) <= 4 else [merged[:3], merged[3:]]
        return groups

    def campaigns(self):
        """The year's campaigns: three guidance tracks by quarter and one inspection campaign (see the module doc)."""
        y = self.year
        prov = self.province.name
        p_abbr = PROVINCE_ABBR.get(prov, prov[0])
        in_province = [pk for pk, c in self.counties.items() if self.cities[c.city_id].province_id == self.province.pk]
        quarters = [(q, datetime.date(y, 3 * q - 2, 1), datetime.date(y + (q == 4), (3 * q) % 12 + 1, 1) - datetime.timedelta(days=1))
                    for q in range(1, 5)]
        quarters = [(q, s, e) for q, s, e in quarters if s <= self.as_of]
        mine = set(Campaign.objects.filter(parent_body__endswith=MARK).values_list("pk", flat=True))
        with_visits = set(GuidanceVisit.objects.values_list("campaign_id", flat=True).distinct())
        with_trips = set(InspectionTrip.objects.values_list("campaign_id", flat=True).distinct())
        coverage = defaultdict(set)
        for campaign_id, county_id in TeamCounty.objects.values_list("campaign_id", "county_id"):
            coverage[campaign_id].add(county_id)
        existing = [c for c in Campaign.objects.filter(start_date__lte=datetime.date(y, 12, 31), end_date__gte=datetime.date(y, 1, 1))
                    if c.pk not in mine]
        specs = []

        # Track 1: the province's guidance groups, 2–4 counties each; the same people every quarter.
        rng = self.rng("province-groups")
        shapes = self._partition(rng, in_province)
        people = [self._people(rng, "province", f"{prov}扶贫办", rng.choice((2, 2, 3))) for _ in shapes]
        for n, (q, start, end) in enumerate(quarters):
            spec = CampaignSpec(
                track="province", kind=TeamKind.GUIDANCE, name=f"{prov}{y}年第{QUARTER_NAMES[q - 1]}季度脱贫攻坚业务指导",
                start=start, end=end, issuing_body=f"{prov}脱贫攻坚领导小组办公室",
                document_number=f"{p_abbr}脱贫办〔{y}〕{3 + 10 * n}号", parent_body=f"{prov}脱贫攻坚业务指导组{MARK}")
            spec.groups = [GroupSpec(f"第{cn_number(i + 1)}小组", counties, people[i]) for i, counties in enumerate(shapes)]
            specs.append(spec)

        # Track 2: each city's groups (ZZ 附件1: one county each, two small districts together), or the city's own
        # campaign of that quarter when one is already loaded (郑州市's seed roster).
        rng = self.rng("city-groups")
        by_city = defaultdict(list)
        for pk, c in self.counties.items():
            if self.cities[c.city_id].name != NOT_A_CITY:
                by_city[c.city_id].append(pk)
        for city_id, pks in by_city.items():
            city = self.cities[city_id]
            shapes, small = [], []
            for pk in pks:
                if len(self.by_county[pk]) < SMALL_COUNTY_VILLAGES:
                    small.append(pk)
                    if len(small) == 2:
                        shapes.append(small)
                        small = []
                else:
                    shapes.append([pk])
            if small:
                shapes.append(small)
            people = [self._people(rng, "city", f"{city.name}扶贫办", 2) for _ in shapes]
            abbr = CITY_ABBR.get(city.name, city.name[0])
            for n, (q, start, end) in enumerate(quarters):
                found = next((c for c in existing if c.kind == TeamKind.GUIDANCE and c.pk not in with_visits
                              and start <= c.start_date and c.end_date <= end and coverage[c.pk]
                              and coverage[c.pk] <= {k.pk for k in city.counties.all()}), None)
                if found is not None:
                    spec = self._existing_spec(found, "city")
                    spec.city_id = city_id
                    specs.append(spec)
                    continue
                spec = CampaignSpec(
                    track="city", kind=TeamKind.GUIDANCE, name=f"{city.name}{y}年第{QUARTER_NAMES[q - 1]}季度脱贫攻坚业务指导",
                    start=start, end=end, issuing_body=f"{city.name}脱贫攻坚领导小组办公室",
                    document_number=f"{abbr}脱贫办〔{y}〕{5 + 9 * n}号", parent_body=f"{city.name}脱贫攻坚业务指导组{MARK}",
                    city_id=city_id)
                spec.groups = [GroupSpec(f"第{cn_number(i + 1)}小组", counties, people[i]) for i, counties in enumerate(shapes)]
                specs.append(spec)

        # Track 3: the counties' own groups, one each, under the province's campaign.
        rng = self.rng("county-groups")
        names = defaultdict(int)
        for pk in in_province:
            names[self.counties[pk].name] += 1
        people = {pk: self._people(rng, "county", f"{self.counties[pk].name}扶贫办", 2) for pk in in_province}
        for n, (q, start, end) in enumerate(quarters):
            spec = CampaignSpec(
                track="county", kind=TeamKind.GUIDANCE, name=f"{prov}{y}年第{QUARTER_NAMES[q - 1]}季度县级脱贫攻坚业务指导",
                start=start, end=end, issuing_body=f"{prov}脱贫攻坚领导小组办公室",
                document_number=f"{p_abbr}脱贫办〔{y}〕{4 + 10 * n}号", parent_body=f"各县（市、区）脱贫攻坚业务指导组{MARK}")
            for pk in in_province:
                c = self.counties[pk]
                label = c.name if names[c.name] == 1 else f"{self.cities[c.city_id].name}{c.name}"
                spec.groups.append(GroupSpec(f"{label}指导组", [pk], people[pk]))
            specs.append(spec)

        # Inspection (HY 四): existing campaigns of the year keep their groups; the province's covers the rest.
        reused = [c for c in existing if c.kind == TeamKind.INSPECTION and c.pk not in with_trips and coverage[c.pk]]
        covered = set()
        for c in reused:
            spec = self._existing_spec(c, "inspection")
            specs.append(spec)
            covered |= coverage[c.pk]
        rng = self.rng("inspection-groups")
        rest = [pk for pk in self.counties if pk not in covered]
        if rest:
            spec = CampaignSpec(
                track="inspection", kind=TeamKind.INSPECTION, name=f"{prov}{y}年脱贫攻坚督促检查",
                start=datetime.date(y, 1, 1), end=datetime.date(y, 12, 31), issuing_body=f"{prov}脱贫攻坚领导小组",
                document_number=f"{p_abbr}脱贫组〔{y}〕{2}号", parent_body=f"{prov}脱贫攻坚督查工作领导小组{MARK}")
            units = [PersonSpec(name=u, position="", unit=f"{prov}扶贫办", is_unit=True) for u in texts.INSPECTION_UNITS]
            for i, counties in enumerate(self._partition(rng, rest)):
                people = self._people(rng, "inspection", f"{prov}扶贫办", rng.choice((2, 3)))
                people.append((units[i % len(units)], MemberRole.MEMBER))
                liaisons = {}
                for pk in counties:
                    liaisons[pk] = PersonSpec(name=rng.choice(texts.SURNAMES) + rng.choice(texts.GIVEN_NAMES),
                                              position="联络员", unit=f"{self.counties[pk].name}扶贫办")
                spec.groups.append(GroupSpec(f"第{cn_number(i + 1)}组", counties, people, liaisons))
            specs.append(spec)

        for spec in specs:
            if spec.existing is None:
                rng = self.rng("leaders", spec.name)
                head = PersonSpec(name=rng.choice(texts.SURNAMES) + rng.choice(texts.GIVEN_NAMES),
                                  position="组长", unit=spec.issuing_body)
                deputy = PersonSpec(name=rng.choice(texts.SURNAMES) + rng.choice(texts.GIVEN_NAMES),
                                    position="副组长", unit=spec.issuing_body)
                spec.leaders = [(head, CampaignLeader.Role.HEAD), (deputy, CampaignLeader.Role.DEPUTY)]
        names = [s.name for s in specs if s.existing is None]
        clash = list(Campaign.objects.filter(name__in=names).values_list("name", flat=True))
        if clash:
            raise ValueError(f"已有同名的工作周期（{'、'.join(clash[:3])}）：请先用 --reset 删除上次生成的数据，或改用 --year。")
        self.specs = specs
        self.guidance = [s for s in specs if s.kind == TeamKind.GUIDANCE]
        self.inspection = [s for s in specs if s.kind == TeamKind.INSPECTION]

    def _existing_spec(self, campaign, track):
        spec = CampaignSpec(track=track, kind=campaign.kind, name=campaign.name, start=campaign.start_date,
                            end=campaign.end_date, existing=campaign, pk=campaign.pk)
        people = {}
        for team in campaign.teams.order_by("order", "name").prefetch_related("memberships__person", "coverage"):
            members = []
            for m in sorted(team.memberships.all(), key=lambda m: (m.role != MemberRole.LEADER, m.order)):
                p = m.person
                if p.pk not in people:
                    people[p.pk] = PersonSpec(name=p.name, position=p.position, unit=p.unit, is_unit=p.is_unit,
                                              pk=p.pk, user_id=p.user_id)
                members.append((people[p.pk], m.role))
            counties = [tc.county_id for tc in sorted(team.coverage.all(), key=lambda tc: tc.order)
                        if tc.county_id in self.counties]
            liaisons = {tc.county_id: people[tc.liaison_id] for tc in team.coverage.all()
                        if tc.liaison_id and tc.liaison_id in people}
            if members and members[0][1] == MemberRole.LEADER:
                spec.groups.append(GroupSpec(team.name, counties, members, liaisons, team_pk=team.pk))
        return spec

    def write_rosters(self, accounts):
        """Campaigns, people (with accounts), teams, members and coverage — a few thousand rows."""
        t = time.monotonic()
        persons = {}
        for spec in self.specs:
            for p, _ in spec.leaders:
                persons[id(p)] = p
            for g in spec.groups:
                for p, _ in g.people:
                    persons[id(p)] = p
                for p in g.liaisons.values():
                    persons[id(p)] = p
        new = [p for p in persons.values() if p.pk is None]
        rng = self.rng("phones")
        objs = [Person(name=p.name, position=p.position, unit=p.unit, is_unit=p.is_unit,
                       phone="" if p.is_unit else f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}") for p in new]
        Person.objects.bulk_create(objs, batch_size=BATCH)
        for p, o in zip(new, objs, strict=True):
            p.pk = o.pk
        # Accounts: the named benchmark accounts first, then demo-p<pk> for everyone else without one.
        named = {p.username: p for p in persons.values() if p.username}
        for username, p in named.items():
            user = accounts[username]
            Person.objects.filter(user=user).exclude(pk=p.pk).update(user=None)
            p.user_id = user.pk
        users = []
        for p in persons.values():
            if p.user_id is None and not p.is_unit:
                users.append((p, User(username=f"{USER_PREFIX}p{p.pk}", first_name=p.name, role=Role.TEAM,
                                      password=make_password(None))))
        User.objects.bulk_create([u for _, u in users], batch_size=BATCH)
        for p, u in users:
            p.user_id = u.pk
        linked = [Person(pk=p.pk, user_id=p.user_id) for p in persons.values() if p.user_id]
        Person.objects.bulk_update(linked, ["user"], batch_size=BATCH)
        self.counts["people"] = len(new)
        self.counts["team_accounts"] = len(users)

        campaigns = [s for s in self.specs if s.existing is None]
        objs = [Campaign(name=s.name, kind=s.kind, start_date=s.start, end_date=s.end, issuing_body=s.issuing_body,
                         document_number=s.document_number, parent_body=s.parent_body) for s in campaigns]
        Campaign.objects.bulk_create(objs)
        for s, o in zip(campaigns, objs, strict=True):
            s.pk, s.existing = o.pk, o
        CampaignLeader.objects.bulk_create([
            CampaignLeader(campaign_id=s.pk, person_id=p.pk, role=role, order=i)
            for s in campaigns for i, (p, role) in enumerate(s.leaders)])
        teams = [(s, g) for s in campaigns for g in s.groups]
        objs = [Team(campaign_id=s.pk, kind=s.kind, name=g.name, order=s.groups.index(g) + 1) for s, g in teams]
        Team.objects.bulk_create(objs, batch_size=BATCH)
        members, coverage = [], []
        for (s, g), team in zip(teams, objs, strict=True):
            g.team_pk = team.pk
            for i, (p, role) in enumerate(g.people):
                members.append(TeamMember(team_id=team.pk, person_id=p.pk, role=role, order=i))
            for i, pk in enumerate(g.counties):
                liaison = g.liaisons.get(pk)
                if liaison is not None:
                    members.append(TeamMember(team_id=team.pk, person_id=liaison.pk, role=MemberRole.LIAISON,
                                              order=len(g.people) + i))
                # campaign and kind are denormalised by TeamCounty.save(), which bulk_create skips.
                coverage.append(TeamCounty(team_id=team.pk, county_id=pk, campaign_id=s.pk, kind=s.kind,
                                           liaison_id=liaison.pk if liaison else None, order=i))
        TeamMember.objects.bulk_create(members, batch_size=BATCH)
        TeamCounty.objects.bulk_create(coverage, batch_size=BATCH)
        for s in self.specs:
            s.office = self.office_for(s)
        self.counts["campaigns"] = len(campaigns)
        self.counts["teams"] = len(teams)
        self.phase("工作周期、工作组和人员", t)

    # --- guidance visits: the plan ------------------------------------------------------------------------

    def _weeks(self, spec):
        weeks = defaultdict(list)
        for day in self.calendar.between(spec.start, min(spec.end, self.as_of)):
            weeks[day - datetime.timedelta(days=day.weekday())].append(day)
        return weeks

    def _plan_campaign(self, ci, spec, rate, p2):
        """(group, county, village, day, flags) of one campaign; flags: 1 draft, 2 repeat under an exception."""
        rng = self.rng("visits", ci)
        weeks = self._weeks(spec)
        recent = self.calendar.between(self.as_of - datetime.timedelta(days=20), self.as_of)[-DRAFT_RECENT_DAYS:]
        recent_start = recent[0] if recent else self.as_of
        plan = []
        for gi, group in enumerate(spec.groups):
            pools, seen, excepted = {}, defaultdict(list), set()
            for pk in group.counties:
                # Key villages first ("星级越高，越要重点关注", ZZ 四(一)), in random order within a star level.
                pool = sorted(self.by_county[pk], key=lambda v: (self.villages[v][4], rng.random()))
                pools[pk] = pool
            for monday in sorted(weeks):
                days = weeks[monday]
                active = [c for c in group.counties if pools[c] and rng.random() >= QUOTA_MISS]
                if not active:
                    continue
                n = max(sum(rng.random() < rate for _ in days), min(len(active), len(days)))
                chosen = sorted(rng.sample(days, n))
                rng.shuffle(active)
                # ZZ 三: each covered county at least one day a week; the other days where villages remain.
                assigned = active[:len(chosen)] + rng.choices(active, weights=[len(pools[c]) + 1 for c in active],
                                                              k=max(0, len(chosen) - len(active)))
                rng.shuffle(assigned)
                for day, county in zip(chosen, assigned, strict=True):
                    for _ in range(2 if rng.random() < p2 else 1):  # ZZ 三: no more than 2 villages a day
                        flags = 0
                        if seen[county] and rng.random() < REPEAT_SHARE:
                            candidates = [v for v, d in seen[county] if v not in excepted and d < day]
                            if not candidates:
                                continue
                            village = rng.choice(candidates)
                            excepted.add(village)
                            flags = 2
                        elif pools[county]:
                            village = pools[county].pop()
                        else:
                            break
                        if not flags and rng.random() < (0.5 if day >= recent_start else 0.01):
                            flags = 1
                        seen[county].append((village, day))
                        plan.append((gi, county, village, day, flags))
        return plan

    def plan_visits(self):
        """Plan every campaign's visits; the group-day rate is calibrated so the year comes to the target."""
        t = time.monotonic()
        rate, p2 = 0.5, 0.7
        for _ in range(10):
            plans = [self._plan_campaign(ci, s, rate, p2) for ci, s in enumerate(self.guidance)]
            total = sum(len(p) for p in plans)
            if not total or abs(total - self.visits_target) <= 0.005 * self.visits_target:
                break
            factor = self.visits_target / total
            if factor > 1 and rate >= 0.999:
                if p2 >= 0.999:
                    self.summary.notes.append(
                        f"指导登记表目标 {self.visits_target:,} 份超出规则允许的上限（每组每天不超过2个村、每个工作周期每村"
                        f"一次），已按上限生成 {total:,} 份。")
                    break
                p2 = min(1.0, p2 * factor)
            else:
                rate = min(1.0, max(0.01, rate * factor))
        self.visit_plans = plans
        self.visit_rate = (rate, p2)
        self.phase(f"安排指导（每组每个工作日出行概率 {rate:.2f}，指导2个村的概率 {p2:.2f}）", t)

    # --- inspection trips: the plan --------------------------------------------------------------------------

    def plan_trips(self):
        """About one trip per county per month (HY 四), 1–2 working days, a group in one place a day."""
        self.trip_plans = []
        for ci, spec in enumerate(self.inspection):
            rng = self.rng("trips", ci)
            plan = []
            for gi, group in enumerate(spec.groups):
                month = spec.start.replace(day=1)
                while month <= min(spec.end, self.as_of):
                    month_end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
                    days = self.calendar.between(max(month, spec.start), min(month_end, spec.end))
                    used = set()
                    counties = list(group.counties)
                    rng.shuffle(counties)
                    for county in counties:
                        free = [d for d in days if d not in used]
                        if not free or rng.random() < TRIP_MISS:
                            continue
                        start = rng.choice(free)
                        end = start
                        nxt = start + datetime.timedelta(days=1)
                        if rng.random() < 0.4 and nxt in free and nxt <= spec.end:  # HY 四: 每次安排1-2天
                            end = nxt
                        used |= {start, end}
                        plan.append((gi, county, start, end))
                    month = month_end + datetime.timedelta(days=1)
            plan.sort(key=lambda p: (p[2], p[0], p[1]))
            self.trip_plans.append(plan)

    def letter_plan_for_trip(self, rng, end):
        """(status, day) of the trip's letter as of the as-of date: HY 四 wants it within 3 working days."""
        r = rng.random()
        if r < 0.82:
            day, status = self.calendar.add(end, rng.randint(1, 3)), LetterStatus.ISSUED
        elif r < 0.94:
            day, status = self.calendar.add(end, rng.randint(4, 9)), LetterStatus.ISSUED  # late
        elif r < 0.98:
            return None, None  # still awaiting its letter
        else:
            day, status = self.calendar.add(end, 1), LetterStatus.DRAFT
        if day > self.as_of:
            drafted = self.calendar.add(end, 1)
            return (LetterStatus.DRAFT, drafted) if drafted <= self.as_of and rng.random() < 0.5 else (None, None)
        return status, day

    def plan_items(self):
        """Findings per trip and 共性问题 per visit so that the items come to the target."""
        trips_with_letters, self.trip_letters = 0, []
        for ci, plan in enumerate(self.trip_plans):
            rng = self.rng("trip-letters", ci)
            letters = []
            for *_, end in plan:
                if end > self.as_of:
                    letters.append((None, None))
                    continue
                status, day = self.letter_plan_for_trip(rng, end)
                letters.append((status, day))
                trips_with_letters += status is not None
            self.trip_letters.append(letters)
        self.findings_mean = min(40.0, max(2.0, self.items_target * FINDING_SHARE / max(1, trips_with_letters)))
        finding_items = 0
        self.finding_counts = []
        for ci, plan in enumerate(self.trip_plans):
            rng = self.rng("finding-counts", ci)
            counts = []
            for (_, _, start, _), (status, _) in zip(plan, self.trip_letters[ci], strict=True):
                n = 0 if start > self.as_of else max(1, _binomial_mean(rng, self.findings_mean))
                counts.append(n)
                finding_items += n if status is not None else 0
            self.finding_counts.append(counts)
        # 共性问题 go to the county in a letter of the office after each month (ZZ 五(三)).
        self.common_letters = []
        fed_back = 0
        for ci, plan in enumerate(self.visit_plans):
            rng = self.rng("common-letters", ci)
            letters = {}
            for _, county, _, day, flags in plan:
                key = (county, day.year, day.month)
                if key not in letters:
                    month_end = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
                    issue = self.calendar.add(month_end, rng.randint(2, 6))
                    status = LetterStatus.DRAFT if rng.random() < 0.03 else LetterStatus.ISSUED
                    letters[key] = (status, issue) if issue <= self.as_of else (None, None)
                if not flags & 1 and letters[key][0] is not None:
                    fed_back += 1
            self.common_letters.append(letters)
        self.common_mean = min(12.0, max(0.3, (self.items_target - finding_items) / max(1, fed_back)))
        self.log(f"  每次督查平均 {self.findings_mean:.1f} 个发现问题；每份已提交并反馈的登记表平均 {self.common_mean:.2f} 个共性问题")

    # --- guidance visits: the rows ------------------------------------------------------------------------------

    def write_visits(self):
        t = time.monotonic()
        problem_ct = ContentType.objects.get_for_model(Problem)
        category_label = dict(PROBLEM_CATEGORY_CHOICES)
        visit_rows = TableWriter(GuidanceVisit, (
            "id", "campaign_id", "team_id", "county_id", "village_id", "visit_date", "status", "categories",
            "rural_population", "poor_households", "poor_population", "exited_households", "marginal_households",
            "population_note", "reduction_progress", "experience", "experience_promoted", "experience_promoted_by_id",
            "experience_promoted_at", "local_officials_accompanied", "others_present", "repeat_exception_id",
            "created_by_id", "created_at", "updated_at", "submitted_by_id", "submitted_at"))
        signer_rows = TableWriter(GuidanceVisit.signers.through, ("guidancevisit_id", "person_id"))
        problem_rows = TableWriter(Problem, ("id", "visit_id", "county_id", "village_id", "category", "kind",
                                             "description", "fix", "order"))
        checklist_rows = TableWriter(ChecklistEntry, ("visit_id", "item", "result", "note"))
        for ci, (spec, plan) in enumerate(zip(self.guidance, self.visit_plans, strict=True)):
            rng = self.rng("visit-rows", ci)
            office = spec.office
            common = []  # (letter key, item row) of the 共性问题 the office feeds back
            for part in chunks(plan):
                exceptions = {}
                for gi, county, village, day, flags in part:
                    if flags & 2:
                        exceptions[(gi, village, day)] = RepeatVisitException(
                            campaign_id=spec.pk, village_id=village, county_id=county, granted_by=office,
                            reason=rng.choice(("该村上次指导发现的问题较多，需回头看整改落实情况。",
                                               "县里申请再次指导产业扶贫项目，经研究同意。")),
                            granted_at=at(self.calendar.before(day), rng))
                RepeatVisitException.objects.bulk_create(list(exceptions.values()))
                visits, signers, problems, checklist = [], [], [], []
                for visit_id, (gi, county, village, day, flags) in zip(visit_rows.ids(len(part)), part, strict=True):
                    group = spec.groups[gi]
                    v = self.villages[village]
                    figures = v[6] or (0, 0, 0, 0)
                    who = group.signers[:rng.choice((2, 3))] or [group.leader]
                    filler = who[0].user_id
                    draft = bool(flags & 1)
                    planned = max(1, figures[0] // 3)
                    created = at(day, rng, 15, 20)
                    submitted = None if draft else created + datetime.timedelta(minutes=rng.randint(5, 60 * 30))
                    experience = rng.choice(texts.EXPERIENCES) if rng.random() < 0.2 else ""
                    promoted = bool(experience) and not draft and rng.random() < 0.12
                    exception = exceptions.get((gi, village, day))
                    visits.append((
                        visit_id, spec.pk, group.team_pk, county, village, day,
                        VisitStatus.DRAFT if draft else VisitStatus.SUBMITTED, list(v[5]), self.rural.get(village),
                        figures[0], figures[1], figures[2], figures[3], MARK,
                        f"年度计划脱贫 {planned} 户，已完成 {rng.randint(planned // 2, planned)} 户；“两不愁三保障”逐户核实中。",
                        experience, promoted, office.pk if promoted else None,
                        submitted + datetime.timedelta(days=rng.randint(2, 20)) if promoted else None,
                        rng.random() < 0.01, rng.choice(texts.OTHERS_PRESENT), exception.pk if exception else None,
                        filler, created, submitted or created, None if draft else filler, submitted))
                    signers += [(visit_id, p.pk) for p in who]
                    key = (county, day.year, day.month)
                    fed = not draft and self.common_letters[ci][key][0] is not None
                    n_common = min(_binomial_mean(rng, self.common_mean), len(texts.COMMON_PROBLEMS))
                    rows = [(c, ProblemKind.COMMON, d, "") for c, d in rng.sample(texts.COMMON_PROBLEMS, n_common)]
                    rows += [(c, ProblemKind.INDIVIDUAL, d, f)
                             for c, d, f in rng.sample(texts.INDIVIDUAL_PROBLEMS, rng.choice((0, 0, 1, 1, 1, 2)))]
                    rng.shuffle(rows)
                    problems += [(visit_id, county, village, c, kind, d, f, order, fed, key)
                                 for order, (c, kind, d, f) in enumerate(rows, start=1)]
                    if rows and rng.random() < 0.1:  # the optional 18-item checklist (ZZ 四(二))
                        found = sorted({c for c, *_ in rows})
                        ok = rng.sample([n for n in range(1, 19) if n not in found], 3)
                        checklist += [(visit_id, n, ChecklistResult.PROBLEM, "") for n in found]
                        checklist += [(visit_id, n, ChecklistResult.OK, "") for n in ok]
                visit_rows.write(visits)
                signer_rows.write(signers)
                ids = problem_rows.ids(len(problems))
                problem_rows.write([(pk, *p[:8]) for pk, p in zip(ids, problems, strict=True)])
                checklist_rows.write(checklist)
                common += [(p[9], (pk, p[1], p[2], None, category_label[p[3]], p[5], Severity.GENERAL))
                           for pk, p in zip(ids, problems, strict=True) if p[8] and p[4] == ProblemKind.COMMON]
                self.counts["visits"] += len(visits)
                self.counts["visits_submitted"] += sum(v[6] == VisitStatus.SUBMITTED for v in visits)
                self.counts["repeat_exceptions"] += len(exceptions)
                self.counts["problems"] += len(problems)
                self.counts["common_problems"] += sum(p[4] == ProblemKind.COMMON for p in problems)
            self.write_common_letters(ci, spec, common, problem_ct)
            if ci % 10 == 9 or ci == len(self.guidance) - 1:
                self.log(f"  已写入 {self.counts['visits']:,} 份登记表、{self.counts['items']:,} 项整改问题"
                         f"（{time.monotonic() - t:.0f} 秒）")
        self.phase("指导登记表、存在问题和共性问题整改函", t)

    def write_common_letters(self, ci, spec, common, problem_ct):
        """The office feeds a county's 共性问题 of a month back in one letter (ZZ 五(三)), numbered later."""
        rng = self.rng("common-letter-rows", ci)
        by_letter = defaultdict(list)
        for key, row in common:
            by_letter[key].append(row)
        letters = []
        for key in sorted(by_letter):
            _, year, month = key
            status, day = self.common_letters[ci][key]
            body = (f"{spec.name}中，指导组在你县{year}年{month}月的业务指导中发现以下共性问题（见问题清单），现反馈你县统一整改。"
                    f"请按期限逐项整改到位，并报告整改情况。{MARK}")
            letters.append((key, status, day, body, None, spec.office.pk, [spec.office.pk], None))
        self._write_letters(rng, spec, letters, by_letter, source_kind=SourceKind.COMMON_PROBLEM, content_type=problem_ct)

    def _write_letters(self, rng, spec, letters, rows_by_key, *, source_kind, content_type):
        """Letters (issued ones with a temporary serial) and their items, with the timelines as of the as-of date.

        ``letters`` holds (key, status, day, body, team pk, issuer pk, verifier pks, trip pk).
        """
        prefix = letter_prefix(spec.existing)
        objs = []
        for key, status, day, body, team, issuer, _, trip in letters:
            county = self.counties[key[0]]
            created = at(day, rng, 9, 11)
            letter = RectificationLetter(
                campaign_id=spec.pk, team_id=team, county_id=county.pk, trip_id=trip, addressee=default_addressee(county),
                cc=default_cc(county), body=body, prefix=prefix, status=status, created_by_id=issuer, created_at=created)
            if status == LetterStatus.ISSUED:
                self.temp_serial += 1
                letter.year, letter.serial, letter.issued_on = day.year, self.temp_serial, day
                letter.issued_at = created + datetime.timedelta(minutes=rng.randint(30, 300))
                letter.issued_by_id = issuer
            objs.append(letter)
        RectificationLetter.objects.bulk_create(objs, batch_size=BATCH)
        for letter in objs:
            if letter.status == LetterStatus.ISSUED:
                self.letter_rows.append((letter.pk, letter.prefix, letter.year, letter.issued_at))
        self.counts["letters"] += len(objs)
        self.counts["letters_draft"] += sum(o.status == LetterStatus.DRAFT for o in objs)
        pending = []
        for (key, status, day, *_, verifiers, _), letter in zip(letters, objs, strict=True):
            base = day + datetime.timedelta(days=rng.choice((15, 20, 30, 30, 30, 45, 60)))
            for order, row in enumerate(rows_by_key[key], start=1):
                deadline = None
                if status == LetterStatus.ISSUED:  # HY 四: 明确限期整改 — never before the letter's date
                    deadline = base + datetime.timedelta(days=rng.choice((0, 0, 0, 0, 15, 30)))
                pending.append((row, letter, order, deadline, verifiers))
                if len(pending) >= BATCH:
                    self._write_items(rng, pending, source_kind, content_type)
                    pending = []
        self._write_items(rng, pending, source_kind, content_type)

    def _life(self, rng, county, issued, deadline, verifiers):
        """The item's moves as of the as-of date, each a row of rectification's transition table (TRANSITIONS):
        the county starts and reports (rectification.report_item), the issuer verifies and closes (verify_item)."""
        cal, county_user = self.calendar, self.county_officer[county].pk
        events = []  # (moment, action, from, to, note, by)

        def move(day, action, to, note="", by=county_user):
            frm = events[-1][3] if events else ItemStatus.PENDING
            moment = at(day, rng)
            if events and moment <= events[-1][0]:
                moment = events[-1][0] + datetime.timedelta(minutes=rng.randint(5, 120))
            events.append((moment, action, frm, to, note, by))

        r = rng.random()
        if r < 0.05:
            return events  # not started
        start = cal.add(issued, rng.randint(1, 8))
        move(start, "start", ItemStatus.IN_PROGRESS)
        if r < 0.10:
            return self._cut(events)  # started, never reported
        if r < 0.80:  # reported before the deadline
            report = cal.on_or_after(start + datetime.timedelta(days=rng.randint(2, max(2, (deadline - start).days))))
        else:  # late
            report = cal.on_or_after(deadline + datetime.timedelta(days=rng.randint(1, 45)))
        verifier = rng.choice(verifiers)
        move(report, "report", ItemStatus.REPORTED, rng.choice(texts.REPORTS))
        check = cal.add(report, rng.randint(1, 8))
        if rng.random() < 0.07:  # sent back (HY 六: 跟踪核查) and reported again
            move(check, "verify_fail", ItemStatus.IN_PROGRESS, rng.choice(texts.SEND_BACK), verifier)
            report = cal.add(check, rng.randint(3, 15))
            move(report, "report", ItemStatus.REPORTED, rng.choice(texts.REPORTS))
            check = cal.add(report, rng.randint(1, 8))
        move(check, "verify_pass", ItemStatus.REPORTED, "", verifier)
        close = cal.add(check, rng.randint(1, 5)) if rng.random() < 0.7 else check
        move(close, "close", ItemStatus.CLOSED, "", verifier)
        if rng.random() < 0.01:  # 回头看 found it again
            move(cal.add(close, rng.randint(10, 40)), "reopen", ItemStatus.IN_PROGRESS, "回头看发现问题反弹，重新整改。", verifier)
        return self._cut(events)

    def _escalation(self, rng, letter, county, severity):
        """HY 六: a letter's 重大 problems are reported to the city's leading group when it is issued
        (rectification.services.letter_issue); the city office acknowledges most of them within days."""
        if severity != Severity.MAJOR or letter.status != LetterStatus.ISSUED:
            return None, None, "", None, None
        note = f"整改函所列重大问题（{'督查小组' if letter.team_id else '市扶贫办'}督查发现）。"
        office = self.city_office.get(self.counties[county].city_id) or self.province_office
        acknowledged = letter.issued_at + datetime.timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 300))
        if rng.random() < 0.1 or acknowledged.astimezone(TZ).date() > self.as_of:
            return letter.issued_at, letter.issued_by_id, note, None, None
        return letter.issued_at, letter.issued_by_id, note, acknowledged, office.pk

    def _cut(self, events):
        limit = datetime.datetime.combine(self.as_of, datetime.time(23, 59), tzinfo=TZ)
        return [e for e in events if e[0] <= limit]

    def _write_items(self, rng, pending, source_kind, content_type):
        if not pending:
            return
        items, moves = [], []
        for item_id, (row, letter, order, deadline, verifiers) in zip(self.item_rows.ids(len(pending)), pending, strict=True):
            source, county, village, household, category, description, severity = row
            life = (self._life(rng, county, letter.issued_on, deadline, verifiers)
                    if letter.status == LetterStatus.ISSUED else [])
            status, report, verified_at, verified_by, closed_on = ItemStatus.PENDING, "", None, None, None
            sent_back_at = None
            for moment, action, _, to, note, by in life:
                status = to
                if action == "report":  # a new report is verified afresh (rectification.services.item_report)
                    report, verified_at, verified_by, sent_back_at = note, None, None, None
                elif action == "verify_pass":
                    verified_at, verified_by = moment, by
                elif action in ("verify_fail", "reopen"):
                    verified_at = verified_by = None
                    closed_on, sent_back_at = None, moment
                elif action == "close":
                    closed_on = moment.astimezone(TZ).date()
                moves.append((item_id, action, _, to, note, by, moment))
            escalation = self._escalation(rng, letter, county, severity)
            items.append((item_id, county, village, household, description, category, severity, source_kind,
                          content_type.pk, source, letter.pk, letter.team_id, "", deadline, status, report, verified_at,
                          verified_by, closed_on, order, letter.created_at, sent_back_at, *escalation))
        self.item_rows.write(items)
        self.transition_rows.write(moves)
        self.counts["items"] += len(items)
        self.counts["transitions"] += len(moves)

    # --- inspection trips: the rows ----------------------------------------------------------------------------

    def write_trips(self):
        t = time.monotonic()
        finding_ct = ContentType.objects.get_for_model(Finding)
        finding_rows = TableWriter(Finding, ("id", "trip_id", "county_id", "township_id", "village_id", "household_id",
                                             "category", "description", "method", "severity", "created_by_id", "created_at"))
        sample_rows = TableWriter(TripSample, ("trip_id", "level", "township_id", "village_id", "household_id", "reason"))
        member_rows = TableWriter(InspectionTrip.members.through, ("inspectiontrip_id", "person_id"))
        for ci, (spec, plan) in enumerate(zip(self.inspection, self.trip_plans, strict=True)):
            rng = self.rng("trip-rows", ci)
            last_sampled = {}  # village → last trip day, so the same villages are not sampled month after month
            ended_by_quarter = defaultdict(list)
            for part_start in range(0, len(plan), 500):
                part = list(range(part_start, min(part_start + 500, len(plan))))
                trips, samples_of, members_of = [], [], []
                for i in part:
                    gi, county, start, end = plan[i]
                    group = spec.groups[gi]
                    leader = group.leader
                    status = (TripStatus.PLANNED if start > self.as_of else
                              TripStatus.ONGOING if end > self.as_of else TripStatus.ENDED)
                    others = [p for p, role in group.people[1:] if role == MemberRole.MEMBER]
                    members = [leader] + rng.sample(others, min(len(others), rng.randint(1, 3)))
                    if county in group.liaisons and rng.random() < 0.5:
                        members.append(group.liaisons[county])
                    trip = InspectionTrip(
                        campaign_id=spec.pk, team_id=group.team_pk, county_id=county, start_date=start, end_date=end,
                        status=status, note=MARK, created_by_id=leader.user_id,
                        created_at=at(self.calendar.between(start - datetime.timedelta(days=14), start)[0], rng))
                    samples = []
                    if status != TripStatus.PLANNED:
                        samples, shortfalls = self._sample(rng, county, start, last_sampled, seed=f"{self.seed}-{ci}-{i}")
                        if shortfalls:
                            # HY 四: the leader records why the county's data cannot meet the sample rule.
                            trip.sample_exception_reason = "县内数据不能满足抽查要求：" + "".join(shortfalls)
                            trip.sample_exception_by_id = leader.user_id
                            trip.sample_exception_at = at(start, rng, 9, 12)
                    if status == TripStatus.ENDED:
                        trip.ended_by_id, trip.ended_at = leader.user_id, at(end, rng, 16, 19)
                    trips.append(trip)
                    samples_of.append(samples)
                    members_of.append(members)
                InspectionTrip.objects.bulk_create(trips)
                member_rows.write([(trip.pk, p.pk) for trip, members in zip(trips, members_of, strict=True) for p in members])
                sample_rows.write([(trip.pk, level, township, village, household, reason[:200])
                                   for trip, samples in zip(trips, samples_of, strict=True)
                                   for level, township, village, household, reason in samples])
                findings, exchanges = [], []
                for i, trip, samples, members in zip(part, trips, samples_of, members_of, strict=True):
                    if trip.status == TripStatus.PLANNED:
                        continue
                    days = self.calendar.between(trip.start_date, min(trip.end_date, self.as_of))
                    recorders = [p.user_id for p in members if p.user_id]
                    for _ in range(self.finding_counts[ci][i]):
                        category, method, level, text = rng.choice(texts.FINDINGS)
                        targets = [s for s in samples if s[0] == level] if level != "county" else []
                        township = village = household = None
                        if targets:  # on a sampled township, village or household; else on the county
                            _, township, village, household, _ = rng.choice(targets)
                        findings.append([
                            trip.pk, trip.county_id, township, village, household, category, text, method,
                            FindingSeverity.MAJOR if rng.random() < 0.08 else FindingSeverity.GENERAL,
                            rng.choice(recorders), at(rng.choice(days), rng)])
                    if trip.status == TripStatus.ENDED:
                        # HY 四: 每次督查结束后，与被督查单位及其有关领导交换意见.
                        county_name = self.counties[trip.county_id].name
                        exchanges.append(OpinionExchange(
                            trip_id=trip.pk, date=trip.end_date, recorded_by_id=trip.created_by_id,
                            with_whom=rng.choice(texts.EXCHANGE_WITH).format(county=county_name),
                            summary=rng.choice(texts.EXCHANGE_SUMMARY), recorded_at=at(trip.end_date, rng, 15, 18)))
                        ended_by_quarter[(spec.groups[plan[i][0]].team_pk, trip.start_date.year,
                                          (trip.start_date.month - 1) // 3 + 1)].append(trip.pk)
                ids = finding_rows.ids(len(findings))
                findings = [(pk, *f) for pk, f in zip(ids, findings, strict=True)]
                finding_rows.write(findings)
                OpinionExchange.objects.bulk_create(exchanges, batch_size=BATCH)
                self.counts["trips"] += len(trips)
                self.counts["trips_ended"] += sum(t.status == TripStatus.ENDED for t in trips)
                self.counts["findings"] += len(findings)
                self.counts["samples"] += sum(len(s) for s in samples_of)
                self.counts["sample_exceptions"] += sum(bool(t.sample_exception_reason) for t in trips)
                self._trip_letters(ci, spec, part, trips, findings, finding_ct, rng)
            self._hand_over(rng, spec, ended_by_quarter)
            self.log(f"  {spec.name}：{len(plan):,} 次督查（{time.monotonic() - t:.0f} 秒）")
        self.phase("督查、抽查对象、发现问题和督查整改函", t)

    def _sample(self, rng, county, day, last_sampled, seed):
        """HY 四: at least 1 township, 1 poor and 1 ordinary village, 2 预脱贫户 and 1 未脱贫户 in each village."""
        villages = self.by_county[county]

        def rank(v):
            info = self.villages[v]
            last = last_sampled.get(v)
            return (last is None or (day - last).days >= 90, info[4], rng.random())

        chosen = []
        for is_poor, kind in ((True, "贫困村"), (False, "面上村")):
            pool = [v for v in villages if self.villages[v][3] == is_poor]
            if pool:
                chosen.append((max(pool, key=rank), kind))
        if rng.random() < 0.25:
            rest = [v for v in villages if v not in {c for c, _ in chosen}]
            if rest:
                extra = max(rest, key=rank)
                chosen.append((extra, "贫困村" if self.villages[extra][3] else "面上村"))
        rows, facts = [], {}
        for v, kind in chosen:
            info = self.villages[v]
            last = last_sampled.get(v)
            since = "从未督查" if last is None else f"{(day - last).days}天前督查过"
            rows.append((SampleLevel.VILLAGE, info[1], v, None,
                         f"{kind}，{info[4]}星村，{since}" if info[4] else f"{kind}，非重点村，{since}"))
            facts[v] = {"village__name": info[2], "village__is_poor_village": info[3]}
            last_sampled[v] = day
        townships = []
        for v, _ in chosen:
            if self.villages[v][1] not in townships:
                townships.append(self.villages[v][1])
        for township in townships:
            names = "、".join(self.villages[v][2] for v, _ in chosen if self.villages[v][1] == township)
            rows.insert(0, (SampleLevel.TOWNSHIP, township, None, None, f"所选{names}所在乡（镇）"))
        statuses = defaultdict(list)
        labels = {"预脱贫户": HouseholdStatus.PRE_EXIT, "未脱贫户": HouseholdStatus.POOR}
        # The proposer's own draw (2 预脱贫户 and 1 未脱贫户 per village), its reason naming the status.
        for item in propose_households(village_ids=[v for v, _ in chosen], seed=seed):
            rows.append((SampleLevel.HOUSEHOLD, self.villages[item.village_id][1], item.village_id, item.pk, item.reason))
            statuses[item.village_id].append(labels[item.reason.split("（", 1)[0]])
        # The trip page's own check (inspections.trip_selectors.sample_shortfalls), in the same words.
        return rows, _shortfalls(set(townships), facts, statuses)

    def _trip_letters(self, ci, spec, part, trips, findings, finding_ct, rng):
        """One letter per ended trip with its findings as the 问题清单 (HY 四), mostly within 3 working days."""
        by_trip = defaultdict(list)
        for pk, trip, county, _, village, household, category, text, _, severity, *_ in findings:
            by_trip[trip].append((pk, county, village, household, FindingCategory(category).label, text, severity))
        letters, rows = [], {}
        for i, trip in zip(part, trips, strict=True):
            status, day = self.trip_letters[ci][i]
            if status is None or trip.status != TripStatus.ENDED or not by_trip[trip.pk]:
                continue
            key = (trip.county_id, trip.pk)
            group = spec.groups[self.trip_plans[ci][i][0]]
            rows[key] = by_trip[trip.pk]
            body = (f"{group.name}于{trip.start_date.year}年{trip.start_date.month}月{trip.start_date.day}日对你县脱贫攻坚工作"
                    f"进行了督促检查，现将发现的问题清单函告你县，请明确责任、限期整改，并将整改情况报告督查组。{MARK}")
            # HY 四: the group's leader signs the letter; its members verify the items (rectification.verify_item).
            verifiers = [p.user_id for p, role in group.people if p.user_id and role != MemberRole.LIAISON]
            letters.append((key, status, day, body, group.team_pk, group.leader.user_id, verifiers, trip.pk))
        self._write_letters(rng, spec, letters, rows, source_kind=SourceKind.FINDING, content_type=finding_ct)
        # The due date a trip letter carries from its draft (rectification.services: 3 working days, HY 四).
        due = letter_due_dates(t for _, t in zip(part, trips, strict=True) if t.pk in {pk for *_, pk in letters})
        for trip_pk, day in due.items():
            RectificationLetter.objects.filter(trip_id=trip_pk, due_on__isnull=True).update(due_on=day)

    def _hand_over(self, rng, spec, ended_by_quarter):
        """HY 四: each group's files of a quarter go to the 业务科 on the quarter's last working day."""
        for (team_pk, year, quarter), trip_pks in sorted(ended_by_quarter.items()):
            due = last_working_day_of_quarter(datetime.date(year, quarter * 3, 1))
            day = due if rng.random() < 0.85 else self.calendar.add(due, rng.randint(1, 5))
            if day > self.as_of:
                continue
            group = next(g for g in spec.groups if g.team_pk == team_pk)
            handover = ArchiveHandover.objects.create(
                team_id=team_pk, year=year, quarter=quarter, handed_over_on=day, handed_over_by_id=group.leader.user_id,
                received_by=rng.choice(("业务科 王丽", "业务科 陈静", "业务科 刘洋")), note=MARK, created_at=at(day, rng))
            handover.trips.set(trip_pks)
            self.counts["handovers"] += 1

    # --- numbering and the rest -----------------------------------------------------------------------------------

    def number_letters(self):
        """文号 per 发文字 and year in the order the letters went out, after those already issued; counters match."""
        t = time.monotonic()
        by_prefix = defaultdict(list)
        for pk, prefix, year, issued_at in self.letter_rows:
            by_prefix[(prefix, year)].append((issued_at, pk))
        updates = []
        for (prefix, year), rows in by_prefix.items():
            last = (RectificationLetter.objects.filter(prefix=prefix, year=year, serial__lt=10**6)
                    .aggregate(m=Max("serial"))["m"] or 0)
            counter = LetterCounter.objects.filter(prefix=prefix, year=year).first()
            last = max(last, counter.last_serial if counter else 0)
            for n, (_, pk) in enumerate(sorted(rows), start=last + 1):
                updates.append(RectificationLetter(pk=pk, serial=n))
            LetterCounter.objects.update_or_create(prefix=prefix, year=year, defaults={"last_serial": last + len(rows)})
        RectificationLetter.objects.bulk_update(updates, ["serial"], batch_size=BATCH)
        self.phase(f"整改函编号（{len(by_prefix)} 个发文字）", t)

    def run(self, accounts_wanted):
        self.load()
        # The rows written through the ORM keep the moments given them (TableWriter's rows always do).
        with given_timestamps(RepeatVisitException, InspectionTrip, OpinionExchange, RectificationLetter, ArchiveHandover):
            self.office_accounts()
            self.campaigns()
            accounts = accounts_wanted(self)
            self.write_rosters(accounts)
            self.plan_trips()
            self.plan_visits()
            self.plan_items()
            self.write_visits()
            self.write_trips()
            self.number_letters()
        self.summary.counts.update(self.counts)
        return self.summary


# --- the accounts people log in with ---------------------------------------------------------------------------

BENCHMARK_CITY = "南阳市"
GROUP_ACCOUNTS = ("guide", "inspector")
BENCHMARK_COUNTY = "新野县"


def _account(username, *, name, role, city=None, county=None):
    user = User.objects.filter(username=username).first() or User(username=username)
    user.first_name, user.role, user.city, user.county, user.is_active = name, role, city, county, True
    user.password = demo_password()
    user.save()
    return user


def benchmark_accounts(gen: Generator):
    """province, the seed demo's city/county, a large city and county, a guidance and an inspection group leader.

    The group leaders are those of the groups covering the benchmark county; their roster people take
    these accounts (``guide``, ``inspector``), so they see what their groups cover.
    """
    accounts = {"province": gen.province_office}
    if gen.province_office.pk:
        gen.province_office.role, gen.province_office.city = Role.CITY, None
        gen.province_office.password = demo_password()
        gen.province_office.save()
    else:
        gen.province_office.save()
    zhengzhou = City.objects.filter(name="郑州市", province=gen.province).first()
    if zhengzhou is not None and zhengzhou.counties.filter(villages__isnull=False).exists():
        accounts["city"] = _account("city", name="郑州市扶贫办", role=Role.CITY, city=zhengzhou)
        zhongmou = County.objects.filter(name="中牟县", city=zhengzhou).first()
        if zhongmou is not None and zhongmou.pk in gen.counties:
            accounts["county"] = _account("county", name="中牟县扶贫办", role=Role.COUNTY, county=zhongmou)
    big = City.objects.filter(name=BENCHMARK_CITY, province=gen.province).first()
    if big is not None and big.counties.filter(villages__isnull=False).exists():
        accounts["nanyang"] = _account("nanyang", name="南阳市扶贫办", role=Role.CITY, city=big)
        xinye = County.objects.filter(name=BENCHMARK_COUNTY, city=big).first()
        if xinye is not None and xinye.pk in gen.counties:
            accounts["xinye"] = _account("xinye", name="新野县扶贫办", role=Role.COUNTY, county=xinye)
    # The group leaders' accounts follow the larger of the two counties (新野县 at province scale).
    officers = [accounts[n] for n in ("xinye", "county") if n in accounts]
    target_county = (max((u.county_id for u in officers), key=lambda pk: len(gen.by_county[pk])) if officers
                     else next(iter(gen.counties)))
    for username, track in zip(GROUP_ACCOUNTS, ("province", "inspection"), strict=True):
        spec = next((s for s in gen.specs if s.track == track and s.existing is None), None)
        group = next((g for g in spec.groups if target_county in g.counties), None) if spec else None
        if group is None:
            continue
        user = _account(username, name=group.leader.name, role=Role.TEAM)
        group.leader.username = username
        accounts[username] = user
    for user in accounts.values():
        # The offices act under these accounts when they exist (letters, exceptions, promotions).
        if user.role == Role.CITY and user.city_id:
            gen.city_office[user.city_id] = user
        if user.role == Role.COUNTY:
            gen.county_officer[user.county_id] = user
    gen.accounts = accounts
    return accounts


def account_scope(user):
    """What an account sees, in words and counts (the same scoping the pages use)."""
    from villages.scoping import visible_county_ids

    ids = visible_county_ids(user)
    if user.role == Role.CITY and user.city_id is None:
        where = "全省（所有市）"
    elif user.role == Role.CITY:
        where = f"{user.city.name}全部县（市、区）"
    elif user.role == Role.COUNTY:
        where = f"仅{user.county.name}"
    else:
        names = list(County.objects.filter(pk__in=ids).order_by("code", "pk").values_list("name", flat=True))
        teams = list(Team.objects.filter(memberships__person__user=user).values_list("name", flat=True).distinct()[:1])
        where = f"{'、'.join(teams)}（组长）分包的{'、'.join(names)}"
    return {
        "where": where,
        "villages": Village.objects.visible_to(user).count(),
        "visits": GuidanceVisit.objects.visible_to(user).count(),
        "trips": InspectionTrip.objects.visible_to(user).count(),
        "letters": RectificationLetter.objects.visible_to(user).count(),
        "items": ProblemItem.objects.visible_to(user).count(),
    }


def generate(*, year, as_of, visits, items, seed, log=print):
    """Generate the activity in one transaction; returns a Summary. Star ratings follow (category 7)."""
    from villages.services import star_ratings_recompute

    from .summaries import summaries_rebuild

    gen = Generator(year=year, as_of=as_of, visits=visits, items=items, seed=seed, log=log)
    with transaction.atomic():
        summary = gen.run(benchmark_accounts)
        t = time.monotonic()
        # ZZ 四(一) 第7类 counts the problems just recorded: the stars follow, as after any submitted form.
        star_ratings_recompute()
        gen.phase("重点村星级重新计算", t)
        # Bulk inserts send no signals: the dashboards' summaries are recounted once, as the nightly task would.
        t = time.monotonic()
        summaries_rebuild()
        gen.phase("数据看板汇总重新统计", t)
    summary.counts["overdue"] = ProblemItem.objects.overdue(as_of).count()
    summary.accounts = [(name, user, account_scope(user)) for name, user in gen.accounts.items()]
    team = User.objects.filter(username="team", person__isnull=False).first()
    if team is not None and GuidanceVisit.objects.visible_to(team).exists():
        summary.accounts.append(("team", team, account_scope(team)))
    return summary


def activity_counts():
    """What the database holds now (for the summary and the ready file)."""
    items = dict(ProblemItem.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "villages": Village.objects.count(),
        "households": Household.objects.count(),
        "campaigns": Campaign.objects.count(),
        "visits": GuidanceVisit.objects.count(),
        "visits_submitted": GuidanceVisit.objects.filter(status=VisitStatus.SUBMITTED).count(),
        "problems": Problem.objects.count(),
        "trips": InspectionTrip.objects.count(),
        "findings": Finding.objects.count(),
        "letters": RectificationLetter.objects.count(),
        "letters_issued": RectificationLetter.objects.filter(status=LetterStatus.ISSUED).count(),
        "items": sum(items.values()),
        "items_by_status": {ItemStatus(k).label: v for k, v in sorted(items.items(), key=lambda kv: list(ItemStatus.values).index(kv[0]))},
        "transitions": ItemTransition.objects.count(),
    }


# --- removing it again ----------------------------------------------------------------------------------------------

@transaction.atomic
def activity_reset(log=print):
    """Remove what generate made (by its marks) and keep places, households and everything else."""
    from villages.services import star_ratings_recompute

    from .summaries import summaries_rebuild

    t = time.monotonic()
    mine = list(Campaign.objects.filter(parent_body__endswith=MARK).values_list("pk", flat=True))
    visits = GuidanceVisit.objects.filter(Q(campaign__in=mine) | Q(population_note=MARK))
    trips = InspectionTrip.objects.filter(Q(campaign__in=mine) | Q(note__endswith=MARK))
    letters = RectificationLetter.objects.filter(Q(campaign__in=mine) | Q(body__endswith=MARK) | Q(trip__in=trips))
    prefixes = set(letters.exclude(year=None).values_list("prefix", "year").distinct())
    # Raw deletes, children first: the rows are many, and the demo's rows have no history worth a signal.
    removed = {}
    for child in (EvidenceFile, ExtensionRequest, LookBack):  # none of its own, but `make run`'s demo letters have them
        child.objects.filter(item__letter__in=letters)._raw_delete("default")
    removed["transitions"] = ItemTransition.objects.filter(item__letter__in=letters)._raw_delete("default")
    removed["items"] = ProblemItem.objects.filter(letter__in=letters)._raw_delete("default")
    removed["letters"] = RectificationLetter.objects.filter(pk__in=list(letters.values_list("pk", flat=True)))._raw_delete("default")
    visit_ids = list(visits.values_list("pk", flat=True))
    exception_ids = list(visits.exclude(repeat_exception=None).values_list("repeat_exception_id", flat=True))
    for chunk in chunks(visit_ids, 20000):
        ChecklistEntry.objects.filter(visit__in=chunk)._raw_delete("default")
        removed["problems"] = removed.get("problems", 0) + Problem.objects.filter(visit__in=chunk)._raw_delete("default")
        GuidanceVisit.signers.through.objects.filter(guidancevisit_id__in=chunk)._raw_delete("default")
        GuidanceVisit.history.model.objects.filter(id__in=chunk)._raw_delete("default")
        from inspections.models import VisitCorrection

        VisitCorrection.objects.filter(visit__in=chunk)._raw_delete("default")
        removed["visits"] = removed.get("visits", 0) + GuidanceVisit.objects.filter(pk__in=chunk)._raw_delete("default")
    RepeatVisitException.objects.filter(Q(pk__in=exception_ids) | Q(campaign__in=mine))._raw_delete("default")
    trip_ids = list(trips.values_list("pk", flat=True))
    handovers = ArchiveHandover.objects.filter(Q(note=MARK) | Q(team__campaign__in=mine))
    ArchiveHandover.trips.through.objects.filter(archivehandover__in=handovers)._raw_delete("default")
    handovers._raw_delete("default")
    for chunk in chunks(trip_ids, 20000):
        TripFact.objects.filter(trip__in=chunk)._raw_delete("default")
        TripSample.objects.filter(trip__in=chunk)._raw_delete("default")
        Finding.objects.filter(trip__in=chunk)._raw_delete("default")
        OpinionExchange.objects.filter(trip__in=chunk)._raw_delete("default")
        InspectionTrip.members.through.objects.filter(inspectiontrip_id__in=chunk)._raw_delete("default")
        ArchiveHandover.trips.through.objects.filter(inspectiontrip_id__in=chunk)._raw_delete("default")
        InspectionTrip.history.model.objects.filter(id__in=chunk)._raw_delete("default")
        removed["trips"] = removed.get("trips", 0) + InspectionTrip.objects.filter(pk__in=chunk)._raw_delete("default")
    for prefix, year in prefixes:
        last = RectificationLetter.objects.filter(prefix=prefix, year=year).aggregate(m=Max("serial"))["m"]
        if last:
            LetterCounter.objects.filter(prefix=prefix, year=year).update(last_serial=last)
        else:
            LetterCounter.objects.filter(prefix=prefix, year=year).delete()
    people = set(TeamMember.objects.filter(team__campaign__in=mine).values_list("person_id", flat=True))
    people |= set(CampaignLeader.objects.filter(campaign__in=mine).values_list("person_id", flat=True))
    people |= set(TeamCounty.objects.filter(campaign__in=mine).exclude(liaison=None).values_list("liaison_id", flat=True))
    removed["campaigns"] = len(mine)
    Campaign.objects.filter(pk__in=mine).delete()
    Person.objects.filter(pk__in=people, memberships__isnull=True, leads__isnull=True, liaison_for__isnull=True).delete()
    Person.objects.filter(user__username__startswith=USER_PREFIX).update(user=None)
    # The roster people's accounts and the two group leaders' accounts are this generator's own; the offices'
    # accounts (province, city, county, nanyang, xinye) are shared with the other demo commands and stay.
    removed["accounts"] = User.objects.filter(Q(username__startswith=USER_PREFIX) | Q(username__in=GROUP_ACCOUNTS)).delete()[0]
    star_ratings_recompute()
    summaries_rebuild()
    log(f"已删除上次生成的数据：{removed.get('visits', 0):,} 份登记表、{removed.get('trips', 0):,} 次督查、"
        f"{removed['letters']:,} 份整改函、{removed['items']:,} 项整改问题、{removed['campaigns']} 个工作周期"
        f"（{time.monotonic() - t:.1f} 秒）。")
    return removed


# --- checking it --------------------------------------------------------------------------------------------------

def activity_check(as_of):
    """The rules of SPEC §6–§8, checked set-based on what the database holds (seconds at province scale).

    Returns [(rule, passed, detail)]; the command prints them, so a copy of the demo can be trusted.
    """
    from django.db.models import Exists, F, OuterRef, Subquery, Value, Window
    from django.db.models.functions import Coalesce, Lag

    results = []

    def check(rule, bad, detail=""):
        results.append((rule, not bad, detail or (f"{bad:,} 处不符" if bad else "")))

    # The services' rules hold for every row; working days and "one place a day" are how this generator
    # schedules (the services allow a weekend visit or two trips of a group on a day), checked on its rows.
    visits = GuidanceVisit.objects.filter(status=VisitStatus.SUBMITTED)
    check("每个小组每天最多指导2个村（ZZ 三）", visits.values("team", "visit_date").order_by()
          .annotate(n=Count("village", distinct=True)).filter(n__gt=2).count())
    check("工作周期内每村只指导一次，再次指导须有市扶贫办登记的例外（ZZ 六(四)）", visits.values("campaign", "village")
          .order_by().annotate(n=Count("pk", filter=Q(repeat_exception__isnull=True))).filter(n__gt=1).count())
    visits = GuidanceVisit.objects.all()
    check("指导时间在工作周期内，登记表由分包该县的指导小组填写", visits.filter(
        Q(visit_date__lt=F("campaign__start_date")) | Q(visit_date__gt=F("campaign__end_date"))).count()
        + visits.exclude(Exists(TeamCounty.objects.filter(
            team=OuterRef("team"), county=OuterRef("county"), campaign=OuterRef("campaign")))).count())
    dates = set(visits.filter(population_note=MARK).values_list("visit_date", flat=True).distinct())
    workdays = set(working_days(min(dates), max(dates))) if dates else set()
    check("生成的登记表都在法定工作日", len(dates - workdays))
    check("个性问题都写明了现场整改情况（ZZ 五(三)）", Problem.objects.filter(kind=ProblemKind.INDIVIDUAL, fix="").count())

    trips = list(InspectionTrip.objects.values("pk", "team_id", "county_id", "start_date", "end_date", "status",
                                               "sample_exception_reason", "note"))
    per_county, per_team, bad_span, bad_days = defaultdict(int), defaultdict(int), 0, 0
    trip_dates = [t["start_date"] for t in trips] + [t["end_date"] for t in trips]
    trip_workdays = set(working_days(min(trip_dates), max(trip_dates))) if trips else set()
    for t in trips:
        span = (t["end_date"] - t["start_date"]).days + 1
        bad_span += not 1 <= span <= MAX_TRIP_DAYS
        mine = t["note"].endswith(MARK)
        bad_days += mine and (t["start_date"] not in trip_workdays or t["end_date"] not in trip_workdays)
        for n in range(max(span, 0)):
            day = t["start_date"] + datetime.timedelta(days=n)
            per_county[(t["team_id"], t["county_id"], day)] += 1
            per_team[(t["team_id"], day)] += mine
    check("每次督查1–2天，同一小组到同一县的督查日期不重叠（HY 四）", bad_span + sum(n > 1 for n in per_county.values()))
    check("生成的督查都在法定工作日，同一小组同一天只在一个县", bad_days + sum(n > 1 for n in per_team.values()))
    ended = {t["pk"]: t for t in trips if t["status"] == TripStatus.ENDED}
    rows = defaultdict(list)
    for r in TripSample.objects.filter(trip__status=TripStatus.ENDED).values(
            "trip_id", "level", "township_id", "village_id", "village__name", "village__is_poor_village", "household__status"):
        rows[r["trip_id"]].append(r)
    short = 0
    for pk, t in ended.items():
        samples = rows[pk]
        townships = {r["township_id"] for r in samples if r["level"] == SampleLevel.TOWNSHIP}
        villages = {r["village_id"]: r for r in samples if r["level"] == SampleLevel.VILLAGE}
        statuses = defaultdict(list)
        for r in samples:
            if r["level"] == SampleLevel.HOUSEHOLD:
                statuses[r["village_id"]].append(r["household__status"])
        short += bool(_shortfalls(townships, villages, statuses)) and not t["sample_exception_reason"].strip()
    check("已结束的督查抽查对象符合要求或登记了例外（HY 四）", short)
    check("已结束的督查都记录了交换意见（HY 四）", InspectionTrip.objects.filter(
        status=TripStatus.ENDED, exchange__isnull=True).count())

    gaps = 0
    counters = dict(((p, y), n) for p, y, n in LetterCounter.objects.values_list("prefix", "year", "last_serial"))
    for r in (RectificationLetter.objects.filter(status=LetterStatus.ISSUED).values("prefix", "year").order_by()
              .annotate(n=Count("pk"), distinct=Count("serial", distinct=True), first=Count("pk", filter=Q(serial=1)),
                        last=Max("serial"))):
        gaps += not (r["n"] == r["distinct"] == r["last"] == counters.get((r["prefix"], r["year"])) and r["first"] == 1)
    check("整改函按发文字和年份连续编号，文号计数与之一致", gaps)
    items = ProblemItem.objects.all()
    check("整改期限不早于发函日期", items.filter(letter__status=LetterStatus.ISSUED, deadline__lt=F("letter__issued_on")).count()
          + items.filter(letter__status=LetterStatus.ISSUED, deadline__isnull=True).count())
    check("已销号的问题都有销号日期，未销号的没有", items.filter(
        Q(status=ItemStatus.CLOSED, closed_on__isnull=True) | Q(closed_on__isnull=False) & ~Q(status=ItemStatus.CLOSED)).count())
    last = ItemTransition.objects.filter(item=OuterRef("pk")).order_by("-at", "-pk").values("to_status")[:1]
    check("问题的状态与其整改过程的最后一步一致", items.annotate(last=Coalesce(Subquery(last), Value(ItemStatus.PENDING)))
          .exclude(status=F("last")).count())
    steps = ItemTransition.objects.annotate(previous=Window(Lag("to_status"), partition_by=[F("item_id")],
                                                            order_by=[F("at").asc(), F("pk").asc()]))
    check("整改过程每一步都从上一步的状态出发（待整改 → 整改中 → 已整改待核查 → 已销号）",
          steps.exclude(from_status=Coalesce("previous", Value(ItemStatus.PENDING))).count())
    total = items.count()
    overdue = ProblemItem.objects.overdue(as_of).count()
    results.append((f"截至 {as_of:%Y-%m-%d} 逾期的问题", True, f"{overdue:,} 项，占 {100 * overdue / total:.1f}%" if total else "无"))
    return results
