"""Demo inspection trips (督查, HY 四) for the inspection campaigns, written through the services.

Each group goes to each county it covers about once a month (some months are
left out, so the monthly coverage page has gaps to show), for one or two
working days; it takes the proposer's sample, records a few findings under the
categories of HY 附件, exchanges opinions and ends the trip. Where the county's
data cannot meet the sample rule, the group records an exception saying what
was missing. Each quarter's ended trips are handed over to the 业务科 on the
quarter's last working day. A county with no registered villages is skipped.
"""

import datetime
import random

from django.core.exceptions import ValidationError
from django.db import transaction

from reminders.calendar import is_working_day, last_working_day_of_quarter
from rosters.choices import TeamKind
from rosters.models import Campaign, TeamCounty
from villages.models import Village

from . import trip_services as services
from .choices import FindingCategory, FindingSeverity, InspectionMethod, SampleLevel
from .models import InspectionTrip
from .trip_selectors import sample_proposal

DEMO_MARK = "（演示）"
FINDINGS = (
    (FindingCategory.RESPONSIBILITY, InspectionMethod.LEDGER, "county", "党委会议记录中脱贫攻坚专题研究次数不足，“一把手”负责制落实不到位。"),
    (FindingCategory.POLICY, InspectionMethod.HOME_VISIT, SampleLevel.HOUSEHOLD, "该户符合条件的教育补助未发放到位。"),
    (FindingCategory.IDENTIFICATION, InspectionMethod.HOME_VISIT, SampleLevel.HOUSEHOLD, "预脱贫户“八有”中住房安全指标未落实。"),
    (FindingCategory.MEASURES, InspectionMethod.MEETING, SampleLevel.VILLAGE, "部分帮扶措施与致贫原因不对应，针对性不强。"),
    (FindingCategory.TASKS, InspectionMethod.LEDGER, SampleLevel.TOWNSHIP, "2018年计划预脱贫户“八有”指标年底达标存在困难。"),
    (FindingCategory.NEW_COUNTRYSIDE, InspectionMethod.SITE_VISIT, SampleLevel.VILLAGE, "新农村示范村创建项目进度滞后于时间节点。"),
    (FindingCategory.FUNDS, InspectionMethod.LEDGER, "county", "部分精准扶贫资金拨付不及时，存在滞留现象。"),
    (FindingCategory.RECORDS, InspectionMethod.SYSTEM_DATA, SampleLevel.VILLAGE, "扶贫大数据平台信息与台账不一致，“户有卡、村有册”不完整。"),
)


def demo_trips_exist():
    return InspectionTrip.objects.filter(note__endswith=DEMO_MARK).exists()


def _working_days_in(month_start, campaign, rng):
    last = (month_start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    days = [month_start + datetime.timedelta(days=n) for n in range((last - month_start).days + 1)]
    days = [d for d in days if campaign.start_date <= d <= campaign.end_date and is_working_day(d)]
    return days


@transaction.atomic
def generate_trips(*, acting_user, seed=2018, today=None, log=print):
    """Returns (trips made, counties skipped)."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    made, skipped = 0, []
    for campaign in Campaign.objects.filter(kind=TeamKind.INSPECTION).order_by("start_date"):
        coverage = (TeamCounty.objects.filter(campaign=campaign).select_related("campaign", "team", "county")
                    .order_by("team__order", "team__name", "order"))
        for tc in coverage:
            if not Village.objects.filter(county=tc.county).exists():
                skipped.append(tc.county.name)
                log(f"跳过{tc.county.name}（{tc.team.name}）：该县还没有登记的村和贫困户。")
                continue
            members = [m.person for m in tc.team.memberships.select_related("person").order_by("order")]
            month = campaign.start_date.replace(day=1)
            while month <= min(campaign.end_date, today):
                days = _working_days_in(month, campaign, rng)
                if days and rng.random() > 0.15:  # most months
                    made += _trip(acting_user, tc, rng.choice(days[:-1] or days), members, rng, today)
                month = (month + datetime.timedelta(days=32)).replace(day=1)
        _hand_over(acting_user, campaign, today)
    return made, skipped


def _trip(acting_user, coverage, day, members, rng, today):
    end = day + datetime.timedelta(days=1) if rng.random() < 0.4 and is_working_day(day + datetime.timedelta(days=1)) else day
    if end > coverage.campaign.end_date:
        end = day
    try:
        trip = services.trip_plan(acting_user=acting_user, coverage=coverage, start_date=day, end_date=end,
                                  members=members[: rng.choice((2, 3, 4))], note=DEMO_MARK)
    except ValidationError:
        return 0
    if day > today:
        return 1  # a planned trip
    services.trip_start(acting_user=acting_user, trip=trip)
    proposal = sample_proposal(trip=trip, seed=trip.pk)
    services.sample_accept_proposal(acting_user=acting_user, trip=trip, proposal=proposal)
    if proposal.shortfalls:
        services.sample_exception_record(acting_user=acting_user, trip=trip,
                                         reason="县内数据不能满足抽查要求：" + "".join(proposal.shortfalls))
    samples = list(trip.samples.all())
    for category, method, level, text in rng.sample(FINDINGS, rng.choice((1, 2, 2, 3))):
        rows = [s for s in samples if s.level == level]
        if level == "county" or not rows:
            target = "county"
        else:
            row = rng.choice(rows)
            target = f"{level}:{row.township_id if level == SampleLevel.TOWNSHIP else row.household_id or row.village_id}"
        severity = FindingSeverity.MAJOR if rng.random() < 0.12 else FindingSeverity.GENERAL
        services.finding_add(acting_user=acting_user, trip=trip, target=target, category=category, description=text,
                             method=method, severity=severity)
    services.exchange_save(acting_user=acting_user, trip=trip, date=end,
                           with_whom=f"{coverage.county.name}扶贫办及县（区）分管领导",
                           summary="督查组反馈了抽查发现的问题，被督查单位表示立即组织整改，并在限期内报告整改情况。")
    services.trip_end(acting_user=acting_user, trip=trip)
    return 1


def _hand_over(acting_user, campaign, today):
    """HY 四: each group's ended trips of a quarter are handed over on its last working day."""
    by_quarter = {}
    for trip in InspectionTrip.objects.filter(campaign=campaign, note__endswith=DEMO_MARK, status="ended"):
        by_quarter.setdefault((trip.team, trip.start_date.year, services.quarter_of(trip.start_date)), []).append(trip)
    for (team, year, quarter), trips in sorted(by_quarter.items(), key=lambda kv: (kv[0][0].order, kv[0][1], kv[0][2])):
        day = last_working_day_of_quarter(datetime.date(year, quarter * 3, 1))
        if day > today:
            continue
        try:
            services.archive_handover_record(acting_user=acting_user, team=team, year=year, quarter=quarter, trips=trips,
                                             handed_over_on=day, received_by="市扶贫办业务科")
        except ValidationError:
            continue
