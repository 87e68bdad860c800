"""generate_demo_activity: a year of activity written in bulk that still obeys every rule the services enforce."""

import datetime
import io
from collections import defaultdict

import pytest
import rules
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from dashboard.demo_activity import MARK, USER_PREFIX, activity_check
from inspections.choices import MAX_TRIP_DAYS, TripStatus, VisitStatus
from inspections.models import GuidanceVisit, InspectionTrip, Problem
from inspections.services import VisitInput, visit_save
from inspections.trip_selectors import sample_shortfalls
from rectification.choices import ItemStatus, LetterStatus, SourceKind
from rectification.models import ItemTransition, LetterCounter, ProblemItem, RectificationLetter
from rectification.selectors import trips_awaiting_letter
from rectification.services import TRANSITIONS, item_start, letter_is_late
from reminders.calendar import working_days
from rosters.choices import MemberRole, Role, TeamKind
from rosters.models import Campaign, TeamCounty, TeamMember, User
from villages.models import Household, StarRating, Village

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2018, 12, 31)
ARGS = ("--visits", "2000", "--items", "9000", "--seed", "5")


@pytest.fixture(scope="module")
def activity(django_db_setup, django_db_blocker):
    """The city demo's real places (2 townships × 4 villages a county), the seed rosters and a year of activity.

    Made once for the module inside a transaction that is rolled back at its end; each test runs in a
    savepoint of it (pytest-django's ``db``), so what a test changes is undone before the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed", stdout=io.StringIO())
        call_command("generate_demo", "--scale", "city", "--townships", "2", "--villages", "4", "--households", "12",
                     "--seed", "3", stdout=io.StringIO())
        call_command("load_seed_rosters", stdout=io.StringIO())
        call_command("create_demo_accounts", stdout=io.StringIO())
        out = io.StringIO()
        call_command("generate_demo_activity", *ARGS, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_visits_obey_the_campaign_rules(activity):
    visits = GuidanceVisit.objects.all()
    assert 1800 <= visits.count() <= 2200
    assert visits.filter(status=VisitStatus.DRAFT).exists() and visits.filter(status=VisitStatus.SUBMITTED).count() > 1600
    # ZZ 三: no group guides a 3rd village in a day.
    per_day = visits.values("team", "visit_date").annotate(n=Count("village", distinct=True))
    assert max(r["n"] for r in per_day) == 2
    assert not per_day.filter(n__gt=2).exists()
    # ZZ 六(四): a village once per campaign, unless the city office recorded an exception for the visit again.
    repeats = visits.values("campaign", "village").annotate(n=Count("pk")).filter(n__gt=1)
    assert repeats.exists()  # a few, each with its exception
    for r in repeats:
        pair = visits.filter(campaign=r["campaign"], village=r["village"])
        assert pair.filter(repeat_exception__isnull=True).count() == 1
        assert pair.exclude(repeat_exception=None).get().repeat_exception.reason
    # Every visit on an official working day inside its campaign, by the group covering the county.
    workdays = set(working_days(datetime.date(2018, 1, 1), AS_OF))
    coverage = set(TeamCounty.objects.filter(kind=TeamKind.GUIDANCE).values_list("campaign", "team", "county"))
    members = defaultdict(set)
    for team, person, user in TeamMember.objects.values_list("team", "person", "person__user"):
        members[team] |= {("p", person), ("u", user)}
    for v in visits.select_related("campaign").prefetch_related("signers"):
        assert v.visit_date in workdays
        assert v.campaign.start_date <= v.visit_date <= v.campaign.end_date
        assert (v.campaign_id, v.team_id, v.county_id) in coverage
        assert v.village.county_id == v.county_id
        assert ("u", v.created_by_id) in members[v.team_id]
        assert v.signers.exists() and all(("p", p.pk) in members[v.team_id] for p in v.signers.all())
    # 个性问题 carry their on-the-spot fix (ZZ 五(三)); both kinds are there.
    assert not Problem.objects.filter(kind="individual", fix="").exists()
    assert set(Problem.objects.values_list("kind", flat=True)) == {"individual", "common"}
    # The form's prefill: the village's categories (only category 7, problems found, moved with the activity
    # itself) and its household figures.
    assert visits.exclude(categories=[]).exists()
    for visit in visits.filter(poor_households__gt=0)[:50]:
        rating = StarRating.objects.get(village=visit.village).categories
        assert set(visit.categories) - {7} == set(rating) - {7}
        assert visit.poor_households == Household.objects.filter(
            village=visit.village, status__in=("poor", "pre_exit", "returned")).count()


def test_the_services_work_on_the_generated_visits(activity):
    # A group's full day: the service refuses a 3rd village, naming the rule.
    day = (GuidanceVisit.objects.filter(status=VisitStatus.SUBMITTED).values("team", "visit_date")
           .annotate(n=Count("pk")).filter(n=2).order_by("visit_date", "team").first())
    visit = GuidanceVisit.objects.filter(team=day["team"], visit_date=day["visit_date"]).select_related("campaign").first()
    leader = TeamMember.objects.get(team=visit.team, role=MemberRole.LEADER).person
    other = Village.objects.filter(county=visit.county).exclude(
        visits__team=visit.team, visits__visit_date=visit.visit_date).first()
    data = VisitInput(campaign=visit.campaign, village=other, visit_date=visit.visit_date, signers=[leader],
                      reduction_progress="已核实。")
    before = GuidanceVisit.objects.count()
    with pytest.raises(ValidationError, match="每天不超过2个村"):
        visit_save(acting_user=leader.user, data=data, submit=True)
    # A village already guided in the campaign is refused again.
    data.village, data.visit_date = visit.village, visit.campaign.end_date
    with pytest.raises(ValidationError, match="本工作周期内原则上不再重复指导"):
        visit_save(acting_user=leader.user, data=data, submit=True)
    assert GuidanceVisit.objects.count() == before
    # A pending item of an issued letter can be started by its county's officer, through the service.
    item = ProblemItem.objects.filter(status=ItemStatus.PENDING, letter__status=LetterStatus.ISSUED).first()
    officer = User.objects.filter(role=Role.COUNTY, county=item.county).first()
    item_start(acting_user=officer, item=item)
    assert ProblemItem.objects.get(pk=item.pk).status == ItemStatus.IN_PROGRESS


def test_trips_samples_and_letters_obey_hy(activity):
    trips = InspectionTrip.objects.all()
    assert trips.count() > 50 and trips.filter(campaign__name="河源市2018年脱贫攻坚督促检查").exists()
    workdays = set(working_days(datetime.date(2018, 1, 1), AS_OF))
    by_team_day = defaultdict(int)
    for trip in trips.select_related("campaign"):
        assert trip.status == TripStatus.ENDED and 1 <= trip.days <= MAX_TRIP_DAYS
        assert trip.start_date in workdays and trip.end_date in workdays
        assert trip.campaign.start_date <= trip.start_date and trip.end_date <= trip.campaign.end_date
        assert TeamCounty.objects.filter(team=trip.team, county=trip.county).exists()
        # HY 四: the sample rule is met, or the leader recorded why the data cannot meet it; opinions exchanged.
        assert sample_shortfalls(trip) == [] or trip.has_sample_exception
        assert trip.exchange.date == trip.end_date and trip.findings.exists()
        for n in range((trip.end_date - trip.start_date).days + 1):
            by_team_day[(trip.team_id, trip.start_date + datetime.timedelta(days=n))] += 1
    assert max(by_team_day.values()) == 1  # a group is in one county a day
    assert trips.exclude(sample_exception_reason="").count() < trips.count()
    # Letters: mostly within 3 working days, some late, some trips still waiting.
    letters = RectificationLetter.objects.filter(trip__isnull=False, status=LetterStatus.ISSUED).select_related("trip")
    late = [letter for letter in letters if letter_is_late(letter)]
    assert 0 < len(late) < letters.count() / 3
    assert trips_awaiting_letter(User.objects.get(username="province")).exists()


def test_letters_carry_their_due_date_and_major_problems_are_reported(activity):
    from dashboard import summaries
    from rectification.services import letter_due_date

    letters = RectificationLetter.objects.filter(trip__isnull=False).select_related("trip")
    assert letters.exists() and all(letter.due_on == letter_due_date(letter.trip) for letter in letters)
    # HY 六: an issued letter's 重大 problems are reported to the city; most are acknowledged, some still wait.
    major = ProblemItem.objects.filter(severity="major", letter__status=LetterStatus.ISSUED)
    assert major.exists() and not major.filter(escalated_at__isnull=True).exists()
    assert major.filter(acknowledged_at__isnull=False).exists() and major.filter(acknowledged_at__isnull=True).exists()
    assert not ProblemItem.objects.exclude(severity="major").filter(escalated_at__isnull=False).exists()
    # Sent back and not reported again since: the inbox's 被退回.
    assert ProblemItem.objects.filter(status=ItemStatus.IN_PROGRESS, sent_back_at__isnull=False).exists()
    # The bulk load sends no signals: the dashboards' summaries were recounted at its end.
    assert summaries.differences() == {}


def test_letters_are_numbered_without_gap_and_counters_match(activity):
    issued = RectificationLetter.objects.filter(status=LetterStatus.ISSUED)
    assert issued.values("prefix").distinct().count() >= 4  # the province's two bodies, 郑州, 河源's two
    for prefix, year in issued.values_list("prefix", "year").distinct():
        rows = list(issued.filter(prefix=prefix, year=year).order_by("serial").values_list("serial", "issued_on"))
        assert [s for s, _ in rows] == list(range(1, len(rows) + 1)), prefix
        assert [d for _, d in rows] == sorted(d for _, d in rows)  # numbered in the order they went out
        assert LetterCounter.objects.get(prefix=prefix, year=year).last_serial == len(rows)
    assert RectificationLetter.objects.filter(status=LetterStatus.DRAFT).exists()
    for letter in issued.prefetch_related("items")[:200]:
        assert all(item.deadline >= letter.issued_on for item in letter.items.all())


def test_items_states_match_their_timelines(activity):
    items = ProblemItem.objects.all()
    assert 8000 <= items.count() <= 10000
    assert set(items.values_list("status", flat=True)) == set(ItemStatus.values)
    assert set(items.values_list("source_kind", flat=True)) == {SourceKind.FINDING, SourceKind.COMMON_PROBLEM}
    timelines = defaultdict(list)
    for row in ItemTransition.objects.order_by("item", "at", "pk").values("item", "action", "from_status", "to_status", "at"):
        timelines[row["item"]].append(row)
    for item in items.select_related("letter"):
        steps = timelines[item.pk]
        state = ItemStatus.PENDING
        for step in steps:
            t = TRANSITIONS[step["action"]]  # only moves of the one transition table
            assert step["from_status"] == state and state in t.sources and step["to_status"] == t.target
            state = step["to_status"]
        assert state == item.status
        assert (item.status == ItemStatus.CLOSED) == (item.closed_on is not None)
        if item.closed_on:
            assert steps[-1]["action"] == "close" and item.verified_at is not None
        if steps:
            assert item.letter.status == LetterStatus.ISSUED and steps[0]["at"].date() >= item.letter.issued_on
            assert steps[-1]["at"].date() <= AS_OF
        elif item.letter.status == LetterStatus.DRAFT:
            assert item.deadline is None
    overdue = ProblemItem.objects.overdue(AS_OF).count()
    open_items = items.exclude(status=ItemStatus.CLOSED).count()
    assert 0 < overdue < open_items  # some open items are overdue, others still within their deadline
    assert items.filter(status=ItemStatus.CLOSED).count() > items.count() / 2


def test_each_move_was_made_by_someone_the_matrix_allows(activity):
    moves = ItemTransition.objects.select_related("item__letter", "item__team", "by").order_by("pk")
    for move in list(moves[:150]) + list(moves.order_by("-pk")[:150]):
        assert rules.has_perm(TRANSITIONS[move.action].permission, move.by, move.item), (move.action, move.by)
    for letter in RectificationLetter.objects.filter(status=LetterStatus.ISSUED).select_related("issued_by", "team")[:100]:
        assert rules.has_perm("rectification.issue_letter", letter.issued_by, letter)


def test_accounts_see_the_activity_through_the_pages(activity, client):
    assert "用户名 city" in activity and "用户名 county" in activity and "用户名 guide" in activity
    for username in ("province", "city", "county", "team", "guide", "inspector"):
        user = User.objects.get(username=username)
        assert user.check_password("Fupin-demo-2018")
        client.force_login(user)
        visits = GuidanceVisit.objects.visible_to(user)
        assert visits.exists(), username
        page = client.get(reverse("inspections:visit_list"))
        assert page.status_code == 200 and visits.first().village.name in page.content.decode()
        items = ProblemItem.objects.visible_to(user)
        assert items.exists(), username
        page = client.get(reverse("rectification:item_list"))
        assert page.status_code == 200 and items.order_by("letter_id", "order", "pk").first().description[:10] in page.content.decode()
    county = User.objects.get(username="county")
    assert not GuidanceVisit.objects.visible_to(county).exclude(county=county.county).exists()
    # The county never sees a draft letter's items.
    assert not ProblemItem.objects.visible_to(county).filter(letter__status=LetterStatus.DRAFT).exists()
    # Category 7 now counts the problems: some villages' stars changed with the activity.
    assert StarRating.objects.filter(category_mask__gte=64).exists()


def test_refuses_twice_resets_and_is_reproducible(activity):
    counts = (GuidanceVisit.objects.count(), InspectionTrip.objects.count(), ProblemItem.objects.count())
    households = Household.objects.count()
    with pytest.raises(CommandError, match="已存在"):
        call_command("generate_demo_activity", *ARGS, stdout=io.StringIO())
    out = io.StringIO()
    call_command("generate_demo_activity", *ARGS, "--if-missing", stdout=out)
    assert "跳过" in out.getvalue()
    call_command("generate_demo_activity", *ARGS, "--reset", stdout=io.StringIO())
    assert (GuidanceVisit.objects.count(), InspectionTrip.objects.count(), ProblemItem.objects.count()) == counts
    assert Household.objects.count() == households
    assert not User.objects.filter(username__startswith=USER_PREFIX, person__isnull=True, role=Role.TEAM).exists()

    from dashboard.demo_activity import activity_reset

    activity_reset(log=lambda *_: None)
    assert not GuidanceVisit.objects.exists() and not InspectionTrip.objects.exists() and not ProblemItem.objects.exists()
    assert not RectificationLetter.objects.exists() and not LetterCounter.objects.filter(last_serial__gt=0).exists()
    assert not Campaign.objects.filter(parent_body__endswith=MARK).exists()
    assert set(Campaign.objects.values_list("name", flat=True)) == {
        "郑州市2018年脱贫攻坚业务指导", "河源市2018年脱贫攻坚督促检查", "河南省2020年脱贫攻坚挂牌督战"}
    assert not User.objects.filter(username__startswith=USER_PREFIX).exists()
    assert not User.objects.filter(username__in=("guide", "inspector")).exists()
    assert User.objects.filter(username__in=("province", "city", "county")).count() == 3  # shared with other demos
    assert Household.objects.count() == households
    # The seed rosters keep their people (张振华 still leads 第六小组, with the team account).
    assert TeamMember.objects.get(team__name="第六小组", role=MemberRole.LEADER).person.user.username == "team"


def test_the_printed_check_passes_and_catches_a_broken_rule(activity):
    assert "规则检查" in activity and "不符" not in activity
    assert all(passed for _, passed, _ in activity_check(AS_OF))
    # Break three rules by hand: each is reported.
    visit = GuidanceVisit.objects.filter(status=VisitStatus.SUBMITTED).order_by("pk").first()
    full_day = (GuidanceVisit.objects.filter(team=visit.team).exclude(visit_date=visit.visit_date).values("visit_date")
                .annotate(n=Count("pk")).filter(n=2).order_by("visit_date").first()["visit_date"])
    visit.visit_date = full_day
    visit.save(update_fields=["visit_date"])
    letter = RectificationLetter.objects.filter(status=LetterStatus.ISSUED, serial=2).first()
    RectificationLetter.objects.filter(pk=letter.pk).update(serial=10**5)
    item = ProblemItem.objects.filter(status=ItemStatus.CLOSED).first()
    ItemTransition.objects.filter(item=item, action="report").update(from_status=ItemStatus.PENDING)
    failed = {rule for rule, passed, _ in activity_check(AS_OF) if not passed}
    assert {"每个小组每天最多指导2个村（ZZ 三）", "整改函按发文字和年份连续编号，文号计数与之一致",
            "整改过程每一步都从上一步的状态出发（待整改 → 整改中 → 已整改待核查 → 已销号）"} <= failed
