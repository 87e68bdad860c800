"""Writes with a business rule for inspection trips (督查, HY 四; SPEC §7). One transaction each.

Every write asks the permission matrix (rosters/permissions.py) first and refuses
with a Chinese message what it refuses; the views, the demo and any import all
come through here, so the rules of HY 四 hold alike.
"""

import datetime

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rosters.choices import TeamKind
from rosters.models import Team, TeamCounty
from villages.models import Household, Township, Village

from .choices import MAX_TRIP_DAYS, FindingSeverity, SampleLevel, TripStatus
from .models import ArchiveHandover, Finding, InspectionTrip, OpinionExchange, TripSample
from .trip_selectors import propose_households, sample_shortfalls


def _refuse(message, field=None):
    raise ValidationError({field: [message]} if field else message)


def _require(user, perm, obj, message):
    if not rules.has_perm(perm, user, obj):
        _refuse(message)


def _require_open(trip):
    if trip.is_ended:
        _refuse("该督查已结束，记录已锁定。")


def _date_errors(*, coverage, start_date, end_date, trip=None):
    errors = {}
    campaign = coverage.campaign
    if end_date < start_date:
        errors.setdefault("end_date", []).append("结束日期不能早于开始日期。")
    elif (end_date - start_date).days + 1 > MAX_TRIP_DAYS:
        # HY 四: 每次安排1-2天.
        errors.setdefault("end_date", []).append(f"每次督查安排1-{MAX_TRIP_DAYS}天（河源市工作方案 四），请缩短日期。")
    if start_date < campaign.start_date or end_date > campaign.end_date:
        errors.setdefault("start_date", []).append(
            f"督查日期须在工作周期（{campaign.start_date:%Y年%m月%d日}—{campaign.end_date:%Y年%m月%d日}）之内。")
    if not errors:
        overlapping = (InspectionTrip.objects.filter(team_id=coverage.team_id, county_id=coverage.county_id,
                                                     start_date__lte=end_date, end_date__gte=start_date)
                       .exclude(pk=trip.pk if trip else None).first())
        if overlapping:
            errors.setdefault("start_date", []).append(
                f"{coverage.team.name}已安排{overlapping.start_date:%Y年%m月%d日}—{overlapping.end_date:%Y年%m月%d日}"
                f"到{coverage.county.name}督查，日期不能重叠。")
    return errors


def _member_errors(team, members):
    allowed = set(team.memberships.values_list("person_id", flat=True))
    strangers = [p.name for p in members if p.pk not in allowed]
    return {"members": [f"{'、'.join(strangers)} 不是{team.name}的成员。"]} if strangers else {}


@transaction.atomic
def trip_plan(*, acting_user, coverage: TeamCounty, start_date: datetime.date, end_date: datetime.date,
              members=(), note="") -> InspectionTrip:
    """Plan a trip of an inspection group to a county it covers (HY 四)."""
    if coverage.kind != TeamKind.INSPECTION:
        _refuse("所选小组不是督查小组，或不负责该县（市、区）。", "coverage")
    if not rules.has_perm("inspections.plan_trip", acting_user, coverage):
        _refuse(f"您不是{coverage.team.name}的成员，不能为其安排督查。", "coverage")
    # Serialise the group's trips, so two officers cannot plan overlapping ones at once.
    Team.objects.select_for_update().filter(pk=coverage.team_id).first()
    errors = {**_date_errors(coverage=coverage, start_date=start_date, end_date=end_date), **_member_errors(coverage.team, members)}
    if errors:
        raise ValidationError(errors)
    trip = InspectionTrip.objects.create(
        campaign_id=coverage.campaign_id, team_id=coverage.team_id, county_id=coverage.county_id,
        start_date=start_date, end_date=end_date, note=(note or "").strip(), created_by=acting_user,
    )
    trip.members.set(members)
    return trip


@transaction.atomic
def trip_update(*, acting_user, trip: InspectionTrip, start_date, end_date, members=(), note="") -> InspectionTrip:
    _require(acting_user, "inspections.edit_trip", trip, f"您不是{trip.team.name}的成员，不能修改该督查。")
    _require_open(trip)
    coverage = TeamCounty.objects.select_related("campaign", "team", "county").filter(team=trip.team, county=trip.county).first()
    if coverage is None:
        _refuse(f"{trip.team.name}已不负责{trip.county.name}。")
    Team.objects.select_for_update().filter(pk=trip.team_id).first()
    errors = {**_date_errors(coverage=coverage, start_date=start_date, end_date=end_date, trip=trip), **_member_errors(trip.team, members)}
    if errors:
        raise ValidationError(errors)
    trip.start_date, trip.end_date, trip.note = start_date, end_date, (note or "").strip()
    trip.save()
    trip.members.set(members)
    return trip


@transaction.atomic
def trip_start(*, acting_user, trip: InspectionTrip) -> InspectionTrip:
    _require(acting_user, "inspections.edit_trip", trip, f"您不是{trip.team.name}的成员，不能开始该督查。")
    if trip.status != TripStatus.PLANNED:
        _refuse("只有“计划”状态的督查可以开始。")
    trip.status = TripStatus.ONGOING
    trip.save(update_fields=["status"])
    return trip


@transaction.atomic
def trip_end(*, acting_user, trip: InspectionTrip) -> InspectionTrip:
    """End a trip: the sample meets HY 四 (or an exception is recorded) and opinions were exchanged."""
    _require(acting_user, "inspections.edit_trip", trip, f"您不是{trip.team.name}的成员，不能结束该督查。")
    if trip.status != TripStatus.ONGOING:
        _refuse("只有“进行中”的督查可以结束。")
    problems = []
    shortfalls = sample_shortfalls(trip)
    if shortfalls and not trip.has_sample_exception:
        problems.append("抽查对象不符合要求（河源市工作方案 四）：" + "".join(shortfalls) + "请补齐抽查对象，或由组长登记例外及理由。")
    if not OpinionExchange.objects.filter(trip=trip).exists():
        # HY 四: 每次督查结束后，各小组应当与被督查单位及其有关领导交换意见.
        problems.append("尚未记录交换意见：督查结束前须与被督查单位及其有关领导交换意见。")
    if problems:
        raise ValidationError(problems)
    trip.status, trip.ended_by, trip.ended_at = TripStatus.ENDED, acting_user, timezone.now()
    trip.save(update_fields=["status", "ended_by", "ended_at"])
    village_ids = list(trip.findings.exclude(village=None).values_list("village_id", flat=True).distinct())
    if village_ids:
        _recompute_rating_after_commit(village_ids)
    return trip


def _recompute_rating_after_commit(village_ids):
    """Category 7 counts the findings of ended trips: the villages' stars follow."""
    from villages.tasks import star_ratings_recompute as task

    transaction.on_commit(lambda: task.delay(village_ids=village_ids))


@transaction.atomic
def sample_exception_record(*, acting_user, trip: InspectionTrip, reason: str) -> InspectionTrip:
    """When the county's data cannot meet HY 四's sample, the leader records why; kept, shown and exported."""
    _require(acting_user, "inspections.record_sample_exception", trip, "只有该督查小组组长或市扶贫办可以登记抽查例外。")
    _require_open(trip)
    if not (reason or "").strip():
        _refuse("请填写抽查例外的理由（如：该县没有面上村）。", "reason")
    trip.sample_exception_reason, trip.sample_exception_by, trip.sample_exception_at = reason.strip(), acting_user, timezone.now()
    trip.save(update_fields=["sample_exception_reason", "sample_exception_by", "sample_exception_at"])
    return trip


def _locked_targets(trip):
    """Sample rows that findings hang on: they cannot leave the sample."""
    f = trip.findings.values_list("township_id", "village_id", "household_id")
    return ({t for t, _, _ in f if t}, {v for _, v, _ in f if v}, {h for _, _, h in f if h})


@transaction.atomic
def sample_save(*, acting_user, trip: InspectionTrip, townships=(), villages=(), households=(), reasons=None) -> InspectionTrip:
    """Record the trip's sample: the given villages and households, and the townships they lie in plus any other.

    A village must lie in the trip's county; a household in one of the sampled
    villages. The reasons (the proposer's explanations) are kept with the rows.
    """
    _require(acting_user, "inspections.edit_trip", trip, f"您不是{trip.team.name}的成员，不能修改抽查对象。")
    _require_open(trip)
    reasons = reasons or {}
    errors = {}
    villages = list(villages)
    strangers = [v.name for v in villages if v.county_id != trip.county_id]
    if strangers:
        errors.setdefault("villages", []).append(f"{'、'.join(strangers)} 不在{trip.county.name}，不能抽查。")
    townships = list(townships)
    strangers = [t.name for t in townships if t.county_id != trip.county_id]
    if strangers:
        errors.setdefault("townships", []).append(f"{'、'.join(strangers)} 不在{trip.county.name}，不能抽查。")
    village_ids = {v.pk for v in villages}
    households = list(households)
    outside = [h.head_name for h in households if h.village_id not in village_ids]
    if outside:
        errors.setdefault("households", []).append(f"{'、'.join(outside)} 不在所抽查的村中：请先抽查其所在的村。")
    locked_t, locked_v, locked_h = _locked_targets(trip)
    township_ids = {t.pk for t in townships} | {v.township_id for v in villages}
    dropped = (locked_v - village_ids) | set()
    if dropped or (locked_h - {h.pk for h in households}) or (locked_t - township_ids):
        errors.setdefault("villages", []).append("已有发现问题关联的乡（镇）、村或农户不能移出抽查对象，请先删除相应问题。")
    if errors:
        raise ValidationError(errors)
    old = {(s.level, s.township_id if s.level == SampleLevel.TOWNSHIP else s.household_id or s.village_id): s.reason
           for s in trip.samples.all()}
    trip.samples.all().delete()
    village_township = {v.pk: v.township_id for v in villages}
    rows = [TripSample(trip=trip, level=SampleLevel.TOWNSHIP, township_id=t,
                       reason=reasons.get((SampleLevel.TOWNSHIP, t)) or _township_reason(t, villages, old.get((SampleLevel.TOWNSHIP, t), "")))
            for t in sorted(township_ids)]
    rows += [TripSample(trip=trip, level=SampleLevel.VILLAGE, township_id=v.township_id, village=v,
                        reason=reasons.get((SampleLevel.VILLAGE, v.pk), old.get((SampleLevel.VILLAGE, v.pk), "")))
             for v in villages]
    rows += [TripSample(trip=trip, level=SampleLevel.HOUSEHOLD, township_id=village_township[h.village_id], village_id=h.village_id,
                        household=h, reason=reasons.get((SampleLevel.HOUSEHOLD, h.pk), old.get((SampleLevel.HOUSEHOLD, h.pk), "")))
             for h in households]
    TripSample.objects.bulk_create(rows)
    return trip


def _township_reason(township_id, villages, previous):
    """A township sampled because villages in it are: say which, keeping what else was said of it before."""
    names = "、".join(v.name for v in villages if v.township_id == township_id)
    if not names:
        return previous
    rest = previous.split("，", 1)[1] if previous.startswith("所选") and "，" in previous else ""
    return f"所选{names}所在乡（镇）" + (f"，{rest}" if rest else "")


@transaction.atomic
def sample_accept_proposal(*, acting_user, trip: InspectionTrip, proposal) -> InspectionTrip:
    """Take the proposer's sample as it stands, with its explanations."""
    return sample_save(
        acting_user=acting_user, trip=trip,
        townships=list(Township.objects.filter(pk__in=[i.pk for i in proposal.townships])),
        villages=list(Village.objects.filter(pk__in=[i.pk for i in proposal.villages])),
        households=list(Household.objects.filter(pk__in=[i.pk for i in proposal.households])),
        reasons=proposal.reasons(),
    )


@transaction.atomic
def sample_swap_village(*, acting_user, trip: InspectionTrip, village: Village, replacement: Village, seed=None) -> InspectionTrip:
    """Swap one sampled village for another of the county; the new village's households are drawn as the proposer does."""
    _require(acting_user, "inspections.edit_trip", trip, f"您不是{trip.team.name}的成员，不能修改抽查对象。")
    _require_open(trip)
    rows = list(trip.samples.select_related("village", "household", "township"))
    sampled = [r.village for r in rows if r.level == SampleLevel.VILLAGE]
    if village not in sampled:
        _refuse(f"{village.name}不在本次抽查对象中。", "village")
    if replacement.county_id != trip.county_id:
        _refuse(f"{replacement.name}不在{trip.county.name}，不能抽查。", "replacement")
    if replacement in sampled:
        _refuse(f"{replacement.name}已在抽查对象中。", "replacement")
    villages = [replacement if v == village else v for v in sampled]
    kept_households = [r.household for r in rows if r.level == SampleLevel.HOUSEHOLD and r.village_id != village.pk]
    new_households = propose_households(village_ids=[replacement.pk], seed=trip.pk if seed is None else seed)
    households = kept_households + list(Household.objects.filter(pk__in=[i.pk for i in new_households]))
    other_townships = {v.township_id for v in villages}
    townships = [r.township for r in rows if r.level == SampleLevel.TOWNSHIP
                 and (r.township_id != village.township_id or r.township_id in other_townships)]
    kind = "贫困村" if replacement.is_poor_village else "面上村"
    reasons = {(SampleLevel.VILLAGE, replacement.pk): f"{kind}，人工替换{village.name}",
               **{(i.level, i.pk): i.reason for i in new_households}}
    return sample_save(acting_user=acting_user, trip=trip, townships=townships, villages=villages, households=households,
                       reasons=reasons)


TARGET_LEVELS = ("county", SampleLevel.TOWNSHIP, SampleLevel.VILLAGE, SampleLevel.HOUSEHOLD)


@transaction.atomic
def finding_add(*, acting_user, trip: InspectionTrip, target: str, category: str, description: str, method: str,
                severity: str = FindingSeverity.GENERAL) -> Finding:
    """A problem found on the trip, on the county or on a sampled township, village or household.

    ``target`` is "county" or "<level>:<pk>" of a sample row.
    """
    _require(acting_user, "inspections.edit_trip", trip, f"您不是{trip.team.name}的成员，不能记录发现问题。")
    _require_open(trip)
    errors = {}
    finding = Finding(trip=trip, county_id=trip.county_id, category=category, method=method, severity=severity,
                      description=(description or "").strip(), created_by=acting_user)
    if target != "county":
        level, _, pk = (target or "").partition(":")
        row = None
        if level in (SampleLevel.TOWNSHIP, SampleLevel.VILLAGE, SampleLevel.HOUSEHOLD) and pk.isdigit():
            key = {"township_id" if level == SampleLevel.TOWNSHIP else f"{level}_id": int(pk)}
            row = trip.samples.filter(level=level, **key).first()
        if row is None:
            errors.setdefault("target", []).append("所选对象不在本次抽查对象中：问题只能记在本县或抽查的乡（镇）、村、农户上。")
        else:
            finding.township_id, finding.village_id, finding.household_id = row.township_id, row.village_id, row.household_id
    if not finding.description:
        errors.setdefault("description", []).append("请填写问题描述。")
    try:
        finding.full_clean(exclude=["trip", "county", "township", "village", "household", "created_by", "description"])
    except ValidationError as e:
        for name, msgs in e.message_dict.items():
            errors.setdefault(name, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    finding.save()
    return finding


@transaction.atomic
def finding_delete(*, acting_user, finding: Finding):
    _require(acting_user, "inspections.edit_trip", finding.trip, f"您不是{finding.trip.team.name}的成员，不能删除发现问题。")
    _require_open(finding.trip)
    finding.delete()


@transaction.atomic
def exchange_save(*, acting_user, trip: InspectionTrip, date: datetime.date, with_whom: str, summary: str) -> OpinionExchange:
    """交换意见 (HY 四): on a day of the trip or within a few days after it."""
    _require(acting_user, "inspections.edit_trip", trip, f"您不是{trip.team.name}的成员，不能记录交换意见。")
    _require_open(trip)
    errors = {}
    if date < trip.start_date:
        errors.setdefault("date", []).append(f"交换意见日期不能早于督查开始日期（{trip.start_date:%Y年%m月%d日}）。")
    if date > timezone.localdate():
        errors.setdefault("date", []).append("交换意见日期不能晚于今天。")
    if not (with_whom or "").strip():
        errors.setdefault("with_whom", []).append("请填写交换意见的对象（被督查单位及在场领导）。")
    if not (summary or "").strip():
        errors.setdefault("summary", []).append("请填写交换意见的摘要。")
    if errors:
        raise ValidationError(errors)
    exchange, _ = OpinionExchange.objects.update_or_create(
        trip=trip, defaults={"date": date, "with_whom": with_whom.strip(), "summary": summary.strip(), "recorded_by": acting_user})
    return exchange


def quarter_of(day):
    return (day.month - 1) // 3 + 1


@transaction.atomic
def archive_handover_record(*, acting_user, team: Team, year: int, quarter: int, trips, handed_over_on: datetime.date,
                            received_by: str, note="") -> ArchiveHandover:
    """HY 四: the group's files of the quarter go to the 业务科 on its last working day."""
    _require(acting_user, "inspections.hand_over_archive", team, f"您不是{team.name}的成员，不能登记其档案移交。")
    errors = {}
    trips = list(trips)
    if not 1 <= quarter <= 4:
        errors.setdefault("quarter", []).append("季度应为1-4。")
    if not trips:
        errors.setdefault("trips", []).append("请选择移交档案的督查。")
    wrong = [str(t) for t in trips if t.team_id != team.pk or t.start_date.year != year or quarter_of(t.start_date) != quarter]
    if wrong:
        errors.setdefault("trips", []).append(f"{'、'.join(wrong)} 不是{team.name}在{year}年第{quarter}季度的督查。")
    open_trips = [str(t) for t in trips if not t.is_ended]
    if open_trips:
        errors.setdefault("trips", []).append(f"{'、'.join(open_trips)} 尚未结束，档案不能移交。")
    if not (received_by or "").strip():
        errors.setdefault("received_by", []).append("请填写业务科接收人。")
    if ArchiveHandover.objects.filter(team=team, year=year, quarter=quarter).exists():
        errors.setdefault("quarter", []).append(f"{team.name}{year}年第{quarter}季度的档案已登记移交。")
    if errors:
        raise ValidationError(errors)
    handover = ArchiveHandover.objects.create(team=team, year=year, quarter=quarter, handed_over_on=handed_over_on,
                                              handed_over_by=acting_user, received_by=received_by.strip(), note=(note or "").strip())
    handover.trips.set(trips)
    return handover
