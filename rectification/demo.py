"""Demo rectification (整改) for the demo trips (河源) and guidance visits (郑州), written through the services.

The year is replayed at its own dates, so every timeline reads as it happened: each group's
leader drafts and issues a letter a few working days after its trip (now and then late), a
county office starts, reports progress with a photo, asks for an extension; the group checks
— sometimes with a look-back (回头看) — and closes or sends back; the city office decides
extensions, acknowledges major problems and issues a few notices. The 郑州 city office feeds
each county's open 共性问题 back in one letter per county (ZZ 五(三)). Items end in every
state: closed, reported and waiting, in progress, sent back, never started (so overdue),
extended, with an extension waiting; one major problem stays unacknowledged.
"""

import datetime
import io
import random

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from inspections.choices import ProblemKind, TripStatus
from inspections.models import InspectionTrip, Problem
from reminders.calendar import add_working_days
from rosters.choices import MemberRole, Role, TeamKind
from rosters.models import Campaign, TeamMember, User
from rosters.services import team_accounts_create

from . import services
from .choices import ExtensionStatus, ItemStatus, NoticeKind, Severity
from .models import ExtensionRequest, ProblemItem, RectificationLetter

DEMO_MARK = "（演示）"
TZ = timezone.get_default_timezone()

PROGRESS = ("已召开专题会议部署整改，制定整改方案，明确责任人和完成时限。", "已完成一半，剩余部分正在推进。")
REPORTS = ("已逐户核实并落实到位，相关台账已补齐，附现场照片。", "已完成整改，资金已拨付到位，附拨付凭证和照片。",
           "问题已整改完毕，举一反三在全县开展自查自纠。")
SENT_BACK = ("入户核实仍有2户未落实，请继续整改。", "佐证材料不足以说明整改到位，请补充。")
EXTENSION_REASONS = ("项目需经招投标程序，工期较长，申请延期。", "雨季影响施工，确需延长整改时间。")


def demo_exists():
    return RectificationLetter.objects.filter(body__endswith=DEMO_MARK).exists()


def _at(day, hour=10, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _photo(rng):
    """A small photo-like PNG: a field, a wall and a sign — enough to show a thumbnail."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (640, 480), (120 + rng.randrange(60), 170, 110))
    draw = ImageDraw.Draw(im)
    draw.rectangle((80, 140, 560, 420), fill=(215, 205, 185), outline=(90, 80, 70), width=6)
    draw.rectangle((260, 260, 380, 420), fill=(120, 80, 50))
    draw.polygon([(60, 150), (320, 40), (580, 150)], fill=(150, 50, 40))
    draw.rectangle((420, 200, 540, 250), fill=(200, 30, 30))
    out = io.BytesIO()
    im.save(out, "PNG")
    return SimpleUploadedFile("整改现场照片.png", out.getvalue(), content_type="image/png")


def _county_officer(county):
    """The county office's account: the demo's own where it exists, else one without a password (demo only)."""
    user = User.objects.filter(role=Role.COUNTY, county=county, is_active=True).order_by("pk").first()
    if user is None:
        user = User(username=f"county{county.pk}", first_name=f"{county.name}扶贫办", role=Role.COUNTY, county=county)
        user.set_unusable_password()
        user.save()
    return user


def _leader(team):
    m = TeamMember.objects.filter(team=team, role=MemberRole.LEADER, person__user__isnull=False).select_related(
        "person__user").first()
    return m.person.user if m else None


class _Clock:
    """Moves the demo's clock forward through the year (services stamp their rows with "now")."""

    def __init__(self):
        self.traveller = None

    def at(self, moment):
        self.stop()
        self.traveller = time_machine.travel(moment, tick=False)
        self.traveller.start()

    def stop(self):
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None


@transaction.atomic
def generate(*, city_user, office_user, seed=2018, today=None, log=print):
    """Returns the number of letters and items made. ``office_user`` acts for the city office of 河源
    (the demo has no 河源 city account: the administrator, as the city's office, decides and acknowledges)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    clock = _Clock()
    letters = items = 0
    try:
        for campaign in Campaign.objects.filter(kind=TeamKind.INSPECTION).order_by("start_date"):
            team_accounts_create(acting_user=None, campaign=campaign)
            trips = (InspectionTrip.objects.filter(campaign=campaign, status=TripStatus.ENDED, findings__isnull=False)
                     .select_related("team", "county").distinct().order_by("end_date", "pk"))
            for trip in trips:
                leader = _leader(trip.team)
                if leader is None:
                    continue
                made = _trip_letter(clock, rng, trip, leader, office_user, today)
                letters, items = letters + bool(made), items + made
        for county_id in (Problem.objects.filter(kind=ProblemKind.COMMON, visit__status="submitted",
                                                 county__city=city_user.city)
                          .values_list("county_id", flat=True).distinct().order_by("county_id")):
            made = _common_letter(clock, rng, county_id, city_user, today)
            letters, items = letters + bool(made), items + made
        _leave_one_unacknowledged(clock, office_user, city_user, today)
        _notices(clock, city_user, office_user, today)
    finally:
        clock.stop()
    log(f"已生成 {letters} 份演示整改函、{items} 个整改问题。")
    return letters, items


def _trip_letter(clock, rng, trip, leader, office_user, today):
    # Most letters go out within the 3 working days (HY 四); now and then one is late.
    issued_on = add_working_days(trip.end_date, rng.choice((1, 2, 2, 3, 3, 3, 5)))
    if issued_on >= today:
        return 0
    clock.at(_at(trip.end_date, 16))
    letter = services.letter_draft_from_trip(acting_user=leader, trip=trip)
    letter.body = _body(letter) + DEMO_MARK
    letter.save(update_fields=["body"])
    clock.at(_at(issued_on, 9, 30))
    deadline = issued_on + datetime.timedelta(days=rng.choice((30, 30, 45, 60)))
    letter = services.letter_issue(acting_user=leader, letter=letter, issued_on=issued_on, deadline=deadline)
    checker = leader
    officer = _county_officer(trip.county)
    for item in letter.items.order_by("order"):
        _live(clock, rng, item, officer, checker, office_user, today)
    return letter.items.count()


def _body(letter):
    from .selectors import letter_body

    return letter_body(letter)


class _Later(Exception):
    """The next step would fall after today: the item stays where it is."""


def _common_letter(clock, rng, county_id, city_user, today):
    problems = list(Problem.objects.filter(county_id=county_id, kind=ProblemKind.COMMON, visit__status="submitted")
                    .exclude(pk__in=ProblemItem.objects.filter(source_kind="common_problem").values("object_id"))
                    .select_related("visit", "county").order_by("pk")[:6])
    if not problems:
        return 0
    last_visit = max(p.visit.visit_date for p in problems)
    issued_on = add_working_days(last_visit, 3)
    if issued_on >= today:
        return 0
    clock.at(_at(issued_on, 9))
    letter = services.letter_draft_from_common_problems(acting_user=city_user, county=problems[0].county, problems=problems)
    letter.body = _body(letter) + DEMO_MARK
    letter.save(update_fields=["body"])
    clock.at(_at(issued_on, 10))
    letter = services.letter_issue(acting_user=city_user, letter=letter, issued_on=issued_on,
                          deadline=issued_on + datetime.timedelta(days=rng.choice((30, 45))))
    officer = _county_officer(problems[0].county)
    for item in letter.items.order_by("order"):
        _live(clock, rng, item, officer, city_user, city_user, today)
    return letter.items.count()


def _live(clock, rng, item, officer, checker, decider, today):
    """One item's life after the letter: a fate drawn for it, each step on a working day of its own."""
    issued = item.letter.issued_on
    deadline = item.deadline
    fate = rng.choices(
        ("closed", "closed_lookback", "closed_after_send_back", "extended_closed", "reported", "in_progress",
         "sent_back", "pending", "extension_waiting", "extension_refused"),
        weights=(22, 12, 8, 8, 10, 10, 8, 10, 6, 6))[0]
    day = add_working_days(issued, rng.randint(1, 4))

    def step(days):
        nonlocal day
        day = add_working_days(day, days)
        if day >= today:
            raise _Later
        clock.at(_at(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45))))
        return day

    if fate == "pending":
        return
    try:
        _steps(step, rng, fate, item, officer, checker, decider, deadline, lambda: day)
    except _Later:
        return


def _steps(step, rng, fate, item, officer, checker, decider, deadline, today_of):
    step(0)
    item = services.item_start(acting_user=officer, item=item)
    if fate in ("extended_closed", "extension_waiting", "extension_refused"):
        step(rng.randint(3, 8))
        ext = services.extension_request(acting_user=officer, item=item, reason=rng.choice(EXTENSION_REASONS),
                                         requested_deadline=deadline + datetime.timedelta(days=rng.choice((15, 30))))
        if fate == "extension_waiting":
            return
        step(rng.randint(1, 2))
        if fate == "extension_refused":
            services.extension_decide(acting_user=decider, extension=ext, approve=False,
                                      note="理由不充分，请按原期限完成整改。")
            return
        services.extension_decide(acting_user=decider, extension=ext, approve=True, note="同意延期，请按新期限完成。")
        item.refresh_from_db()
    if fate == "in_progress":
        step(rng.randint(5, 15))
        services.item_progress(acting_user=officer, item=item, note=rng.choice(PROGRESS))
        return
    step(rng.randint(5, 20))
    files = [_photo(rng)] if rng.random() < 0.5 else []
    item = services.item_report(acting_user=officer, item=item, evidence=rng.choice(REPORTS), files=files)
    if fate == "reported":
        return
    step(rng.randint(2, 5))
    if fate in ("sent_back", "closed_after_send_back"):
        item = services.item_verify(acting_user=checker, item=item, passed=False, reason=rng.choice(SENT_BACK))
        if fate == "sent_back":
            return
        step(rng.randint(5, 10))
        item = services.item_report(acting_user=officer, item=item, evidence="已按督查组意见补充整改，附补充材料。",
                                    files=[_photo(rng)])
        step(rng.randint(2, 4))
    lookback = None
    if fate == "closed_lookback":
        lookback = services.LookBackInput(today_of(), f"{checker.display_name}等", "回头看入户核实，整改措施已落实，群众认可。")
    item = services.item_verify(acting_user=checker, item=item, passed=True, lookback=lookback)
    step(1)
    services.item_close(acting_user=checker, item=item, closed_on=today_of())


def _leave_one_unacknowledged(clock, office_user, city_user, today):
    """Major problems were reported as their letters went out: the offices acknowledge all but the latest one."""
    waiting = list(ProblemItem.objects.filter(escalated_at__isnull=False, acknowledged_at__isnull=True)
                   .select_related("county__city").order_by("escalated_at"))
    for item in waiting[:-1]:
        clock.at(item.escalated_at + datetime.timedelta(days=1))
        user = city_user if item.county.city_id == city_user.city_id else office_user
        services.item_acknowledge(acting_user=user, item=item)
    if not waiting:  # no 重大 finding this year: the 郑州 office reports one itself
        item = ProblemItem.objects.filter(county__city=city_user.city).exclude(status=ItemStatus.CLOSED).first()
        if item is not None:
            clock.at(_at(item.letter.issued_on + datetime.timedelta(days=7)))
            services.item_escalate(acting_user=city_user, item=item, note="涉及群众切身利益，问题性质严重。")


def _notices(clock, city_user, office_user, today):
    """HY 六: 整改落实到位的通报表扬（加分），反之通报批评（扣分）— the counties with the best and worst 整改率."""
    from django.db.models import Count, Q

    rows = list(ProblemItem.objects.filter(deadline__isnull=False).values("county_id", "county__city_id")
                .annotate(closed=Count("pk", filter=Q(status=ItemStatus.CLOSED)), n=Count("pk"))
                .filter(n__gte=3).order_by("-closed", "county_id"))
    if not rows:
        return
    best, worst = rows[0], min(rows, key=lambda r: (r["closed"] / r["n"], r["county_id"]))
    last = ProblemItem.objects.filter(deadline__isnull=False).order_by("-deadline").values_list("deadline", flat=True)[0]
    day = min(last + datetime.timedelta(days=7), today)
    clock.at(_at(day, 15))
    from villages.models import County

    for row, kind, points, reason in (
            (best, NoticeKind.PRAISE, 2, "督查发现问题整改落实到位、成效明显，予以全市通报表扬。"),
            (worst, NoticeKind.CRITICISM, 1, "督查发现问题整改进度滞后，多项问题逾期未销号，予以全市通报批评。")):
        if kind == NoticeKind.CRITICISM and row is best:
            continue
        county = County.objects.get(pk=row["county_id"])
        user = city_user if county.city_id == city_user.city_id else office_user
        services.notice_issue(acting_user=user, county=county, kind=kind, points=points, reason=reason, issued_on=day,
                              document_number=f"{'河扶督通' if user != city_user else '郑脱贫办通'}〔{day.year}〕{1 if kind == NoticeKind.PRAISE else 2}号")


def counts():
    """What the demo made, by state (for the command's summary)."""
    from django.db.models import Count

    by_status = dict(ProblemItem.objects.values_list("status").annotate(n=Count("pk")))
    return {
        **{ItemStatus(k).label: v for k, v in by_status.items()},
        "逾期": ProblemItem.objects.overdue().count(),
        "延期已批准": ExtensionRequest.objects.filter(status=ExtensionStatus.APPROVED).count(),
        "延期待审批": ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).count(),
        "重大问题待确认": ProblemItem.objects.filter(escalated_at__isnull=False, acknowledged_at__isnull=True).count(),
        "重大": ProblemItem.objects.filter(severity=Severity.MAJOR).count(),
    }
