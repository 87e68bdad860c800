"""The summaries always equal a recount of the raw rows, after every kind of write, through the services.

Each write runs as a request would: its transaction commits (``django_capture_on_commit_callbacks``), the
refresh it queued runs (Celery runs eagerly in tests), and then the summaries are compared with a fresh
recount — and the figure the write should move is checked to have moved, so a write the dashboards did not
hear of fails here.
"""

import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from dashboard import summaries
from dashboard.models import ItemFact, SummaryState, TripFact, VillageFact, VillageVisitFact, VisitDayFact
from rosters.choices import MemberRole
from tests.factories import make_id_number
from tests.rosters.factories import team_member_user

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as a committed request: its on-commit refreshes run, then the summaries must equal a recount."""

    def run(write, counted=True):
        version = SummaryState.objects.get(pk=1).version
        with django_capture_on_commit_callbacks(execute=True):
            result = write()
        assert summaries.differences() == {}
        if counted:  # a write that changes what the dashboards count makes every cached page stale
            assert SummaryState.objects.get(pk=1).version > version, "the cache version moves on"
        return result

    return run


def _fact(model, **lookup):
    return model.objects.filter(**lookup).first()


def test_a_fresh_rebuild_equals_the_recount_and_every_table_has_rows(world):
    assert summaries.differences() == {}
    for model in summaries.FACT_MODELS:
        assert model.objects.exists(), model.__name__


def test_guidance_visits_submitted_corrected_promoted_and_repeated(world, commit, today):
    from inspections.services import VisitInput, experience_promote, visit_save

    leader = world.leaders[world.team2.pk]

    def data(village, day, **extra):
        return VisitInput(campaign=world.g, village=world.v[village], visit_date=day, reduction_progress="已完成。",
                          signers=[leader.person], **extra)

    # Submitted: 己村 guided on 12-04 with a 共性问题.
    visit = commit(lambda: visit_save(acting_user=leader, submit=True, data=data(
        "己村", D(2018, 12, 4), experience="村集体经济", problems=[{"category": 10, "kind": "common",
                                                                    "description": "集体经济薄弱", "fix": ""}])))
    assert _fact(VisitDayFact, team=world.team2, date=D(2018, 12, 4)).experiences == 1
    assert _fact(VillageVisitFact, campaign=world.g, village=world.v["己村"]).first_date == D(2018, 12, 4)
    # Corrected: the date was 12-03, and a second problem is added.
    problem = visit.problems.get()
    commit(lambda: visit_save(acting_user=leader, visit=visit, correction_reason="日期填错", data=data(
        "己村", D(2018, 12, 3), experience="村集体经济", problems=[
            {"id": problem.pk, "category": 10, "kind": "common", "description": "集体经济薄弱", "fix": ""},
            {"category": 15, "kind": "common", "description": "人居环境差", "fix": ""}])))
    assert not VisitDayFact.objects.filter(team=world.team2, date=D(2018, 12, 4)).exists()
    assert _fact(VillageVisitFact, campaign=world.g, village=world.v["己村"]).first_date == D(2018, 12, 3)
    # Promoted (ZZ 五(四)).
    visit.refresh_from_db()
    commit(lambda: experience_promote(acting_user=world.city_user, visit=visit, promoted=True))
    assert _fact(VisitDayFact, team=world.team2, date=D(2018, 12, 3)).promoted == 1


def test_a_draft_deleted_and_a_village_moved_to_another_county(world, commit, today):
    from inspections.services import VisitInput, visit_delete_draft, visit_save

    leader = world.leaders[world.team1.pk]
    # A draft counts nowhere: saving and deleting it leaves the cached pages valid.
    draft = commit(lambda: visit_save(acting_user=leader, submit=False, data=VisitInput(
        campaign=world.g, village=world.v["丁村"], visit_date=D(2018, 12, 5), signers=[leader.person])), counted=False)
    commit(lambda: visit_delete_draft(acting_user=leader, visit=draft), counted=False)
    # A village moved to 巩义市's township (by the admin): both counties are recounted.
    village = world.v["乙村"]
    village.township = world.tb1

    def move():
        village.save()

    commit(move)
    assert _fact(VillageFact, village=village).county_id == world.b.pk
    assert _fact(VillageVisitFact, village=village).county_id == world.b.pk


def test_village_and_household_changes_that_move_the_stars(world, commit, today):
    from villages.services import household_create, rating_threshold_save, village_update_facts

    # 丁村 has no key-village category; a household of 30 poor people with no assistance measure makes it meet
    # categories 1 (30 ÷ 1,000 ≥ 3%) and 3 (every poor household without measures): ★★.
    commit(lambda: household_create(acting_user=world.officer_a, village=world.v["丁村"], head_name="刘大山",
                                    head_id_number=make_id_number(), member_count=30, status="poor"))
    assert _fact(VillageFact, village=world.v["丁村"]).stars == 2
    commit(lambda: village_update_facts(acting_user=world.officer_a, village=world.v["丁村"], is_poor_village=True,
                                        distance_to_county_km=45))
    fact = _fact(VillageFact, village=world.v["丁村"])
    assert (fact.is_poor_village, fact.stars) == (True, 3)  # and category 8: 45 km from the county seat
    # The city office raises a threshold: every village is recomputed, the summaries follow.
    commit(lambda: rating_threshold_save(acting_user=world.city_user, year=2018, distance_km=50))
    assert _fact(VillageFact, village=world.v["丁村"]).stars == 2


def test_trips_planned_ended_with_findings_and_their_letter_and_items(world, commit, today):
    from inspections import trip_services
    from rectification import services as rs
    from rosters.models import TeamCounty

    leader = team_member_user(world.ig1, username="ig1_leader", role=MemberRole.LEADER)
    coverage = TeamCounty.objects.select_related("campaign", "team", "county").get(team=world.ig1)
    trip = commit(lambda: trip_services.trip_plan(acting_user=leader, coverage=coverage, start_date=D(2018, 12, 3),
                                                  end_date=D(2018, 12, 4), members=[leader.person]))
    assert _fact(TripFact, trip=trip).sample == TripFact.Sample.OPEN
    commit(lambda: trip_services.trip_start(acting_user=leader, trip=trip))
    finding = commit(lambda: trip_services.finding_add(acting_user=leader, trip=trip, target="county", category="funds",
                                                       description="资金闲置", method="ledger", severity="major"))
    commit(lambda: trip_services.finding_add(acting_user=leader, trip=trip, target="county", category="records",
                                             description="台账缺失", method="ledger"))
    commit(lambda: trip_services.finding_delete(acting_user=leader, finding=finding))
    commit(lambda: trip_services.sample_exception_record(acting_user=leader, trip=trip, reason="该县没有面上村"),
           counted=False)  # counted when the trip ends
    commit(lambda: trip_services.exchange_save(acting_user=leader, trip=trip, date=D(2018, 12, 4), with_whom="登封市委",
                                               summary="反馈问题"), counted=False)
    commit(lambda: trip_services.trip_end(acting_user=leader, trip=trip))
    fact = _fact(TripFact, trip=trip)
    # HY 四: 12-04 (Tue) + 3 working days = 12-07; not sent yet.
    assert (fact.sample, fact.findings, fact.letter_due, fact.first_letter_on) == (
        TripFact.Sample.EXCEPTION, 1, D(2018, 12, 7), None)
    trip.refresh_from_db()
    letter = commit(lambda: rs.letter_draft_from_trip(acting_user=leader, trip=trip))
    assert ItemFact.objects.filter(county=world.a, issued=False).exists()
    commit(lambda: rs.letter_issue(acting_user=world.city_user, letter=letter, issued_on=D(2018, 12, 10),
                                   deadline=D(2018, 12, 31)))
    assert _fact(TripFact, trip=trip).first_letter_on == D(2018, 12, 10)
    assert _fact(ItemFact, county=world.a, deadline=D(2018, 12, 31)).issued

    # The item's lifecycle, each move recounted.
    item = letter.items.get()
    item = commit(lambda: rs.item_start(acting_user=world.officer_a, item=item))
    item = commit(lambda: rs.item_report(acting_user=world.officer_a, item=item, evidence="已建台账"))
    item = commit(lambda: rs.item_verify(acting_user=world.city_user, item=item, passed=True), counted=False)
    item = commit(lambda: rs.item_close(acting_user=world.city_user, item=item, closed_on=D(2018, 12, 10)))
    assert _fact(ItemFact, county=world.a, deadline=D(2018, 12, 31)).closed == 1
    commit(lambda: rs.item_reopen(acting_user=world.city_user, item=item, reason="回头看发现反弹"))
    fact = _fact(ItemFact, county=world.a, deadline=D(2018, 12, 31))
    assert (fact.closed, fact.in_progress) == (0, 1)


def test_a_holiday_entered_by_the_admin_moves_letter_due_dates(world, commit):
    from reminders.models import CalendarDay

    assert _fact(TripFact, trip=world.t4).letter_due == D(2018, 12, 11)
    commit(lambda: CalendarDay.objects.create(date=D(2018, 12, 10), kind="holiday", name="测试假日"))
    assert _fact(TripFact, trip=world.t4).letter_due == D(2018, 12, 12)


def test_a_rolled_back_write_queues_nothing(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    from rectification.models import ProblemItem

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                ProblemItem.objects.create(county=world.a, description="回滚", status="pending")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert summaries.differences() == {}


def test_the_nightly_rebuild_is_scheduled_and_catches_bulk_writes(world):
    from dashboard.tasks import summaries_rebuild
    from rectification.models import ProblemItem

    task = PeriodicTask.objects.get(name="数据看板汇总夜间重算")
    assert task.task == "dashboard.tasks.summaries_rebuild"
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("3", "0", "Asia/Shanghai")
    # A bulk load sends no signal: the summaries fall behind until the night's rebuild.
    ProblemItem.objects.bulk_create([ProblemItem(county=world.b, description=f"批量{n}", deadline=D(2018, 11, 1))
                                     for n in range(3)])
    assert "ItemFact" in summaries.differences()
    summaries_rebuild.delay()
    assert summaries.differences() == {}


def test_the_rebuild_command_checks_and_recounts(world, capsys):
    from django.core.management import CommandError, call_command

    from rectification.models import ProblemItem

    call_command("rebuild_dashboard", "--check")
    assert "一致" in capsys.readouterr().out
    ProblemItem.objects.bulk_create([ProblemItem(county=world.a, description="批量", deadline=D(2018, 11, 2))])
    with pytest.raises(CommandError, match="不一致"):
        call_command("rebuild_dashboard", "--check")
    call_command("rebuild_dashboard")
    assert "整改问题汇总" in capsys.readouterr().out
    call_command("rebuild_dashboard", "--check")
