"""Every filter of every registered list page, and its export, on data where it must drop rows.

The pages come from the register (villages.listing.LIST_PAGES): a new list page is
covered by registering it, and a new filter fails ``test_every_filter_has_a_case``
until it is given a case here. Each case applies one filter as the city office
(郑州市: 登封市 and 巩义市, not 洛阳市's 嵩县) and names exactly the rows that must remain.
The dropdowns are checked to list exactly what the user may see.
"""

import datetime
import io

import pytest
import time_machine
from django.urls import get_resolver, reverse
from openpyxl import load_workbook

from inspections.services import VisitInput, visit_save
from rosters.choices import MemberRole, Role, TeamKind
from tests.factories import CityFactory, CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory
from tests.rosters.factories import CampaignFactory, TeamCountyFactory, TeamFactory, team_member_user
from villages.listing import LIST_PAGES
from villages.models import StarRating

pytestmark = pytest.mark.django_db

D = datetime.date


class World:
    """Two counties of 郑州市 (three townships), one county of another city, visits in two campaigns."""


@pytest.fixture
def world(db):
    # Today is in the 2019 campaign: it is the key-village list's "本周期".
    traveller = time_machine.travel(datetime.datetime(2019, 12, 1, 10, 0))
    traveller.start()
    yield _build()
    traveller.stop()


def _build():
    w = World()
    zhengzhou = CityFactory(name="郑州市")
    w.a = CountyFactory(city=zhengzhou, name="登封市")
    w.b = CountyFactory(city=zhengzhou, name="巩义市")
    w.c = CountyFactory(city=CityFactory(name="洛阳市"), name="嵩县")
    w.ta1, w.ta2 = TownshipFactory(county=w.a, name="大冶镇"), TownshipFactory(county=w.a, name="告成镇")
    w.tb1, w.tc1 = TownshipFactory(county=w.b, name="回郭镇"), TownshipFactory(county=w.c, name="白河镇")
    w.v = {
        "甲村": VillageFactory(township=w.ta1, name="甲村", is_poor_village=True),
        "乙村": VillageFactory(township=w.ta2, name="乙村", is_poor_village=False, exit_status="exited", exit_year=2017),
        "丙村": VillageFactory(township=w.tb1, name="丙村", is_poor_village=True),
        "丁村": VillageFactory(township=w.tc1, name="丁村", is_poor_village=True),
        "戊村": VillageFactory(township=w.tb1, name="戊村", is_poor_village=True),  # never visited
    }
    for name, categories in (("甲村", [1, 2, 8]), ("乙村", [3]), ("丙村", [8]), ("丁村", [1, 2]), ("戊村", [1, 2])):
        StarRating.objects.create(
            village=w.v[name], year=2018, categories=categories, category_count=len(categories),
            category_mask=sum(1 << (n - 1) for n in categories), stars=min(len(categories), 3),
        )
    for head, village, status in (("王建国", "甲村", "poor"), ("李秀英", "甲村", "exited"), ("张明亮", "乙村", "pre_exit"),
                                  ("赵建军", "丙村", "marginal"), ("钱玉兰", "丁村", "poor")):
        HouseholdFactory(village=w.v[village], head_name=head, status=status,
                         exit_year=2017 if status == "exited" else None)
    w.camp1 = CampaignFactory(name="2018年指导", start_date=D(2018, 10, 1), end_date=D(2018, 12, 31))
    w.camp2 = CampaignFactory(name="2019年指导", start_date=D(2019, 10, 1), end_date=D(2019, 12, 31))
    w.camp_c = CampaignFactory(name="洛阳2018年指导", start_date=D(2018, 10, 1), end_date=D(2018, 12, 31))
    w.team1 = TeamFactory(campaign=w.camp1, name="第一小组")
    w.team2 = TeamFactory(campaign=w.camp1, name="第二小组")
    w.team3 = TeamFactory(campaign=w.camp2, name="第三小组")
    w.team_c = TeamFactory(campaign=w.camp_c, name="洛阳小组")
    TeamCountyFactory(team=w.team1, county=w.a)
    TeamCountyFactory(team=w.team2, county=w.b)
    TeamCountyFactory(team=w.team3, county=w.a)
    TeamCountyFactory(team=w.team_c, county=w.c)
    leaders = {t: team_member_user(t, username=f"leader{t.pk}", role=MemberRole.LEADER)
               for t in (w.team1, w.team2, w.team3, w.team_c)}

    def visit(team, village, day, *, problems=(), experience="", submit=True):
        user = leaders[team]
        data = VisitInput(campaign=team.campaign, village=w.v[village], visit_date=day, reduction_progress="已完成。",
                          signers=[user.person], experience=experience, problems=list(problems))
        return visit_save(acting_user=user, data=data, submit=submit)

    def common(category, text):
        return {"category": category, "kind": "common", "description": text, "fix": ""}

    w.visit1 = visit(w.team1, "甲村", D(2018, 10, 8), experience="光伏收益设公益岗位",
                     problems=[common(9, "产业带贫不明显"), {"category": 2, "kind": "individual",
                                                           "description": "档案缺页", "fix": "已补齐"}])
    visit(w.team2, "丙村", D(2018, 10, 9), experience="合作社带动增收", problems=[common(16, "项目公示不规范")])
    visit(w.team3, "乙村", D(2019, 10, 10), experience="三变改革激活资源", problems=[common(9, "利益联结不健全")])
    visit(w.team1, "乙村", D(2018, 10, 20), submit=False)  # a draft
    visit(w.team_c, "丁村", D(2018, 10, 8), experience="洛阳经验", problems=[common(9, "洛阳问题")])
    from inspections.services import experience_promote

    _inspections(w)
    _ledger(w)
    _rectification(w)
    w.city_user = UserFactory(username="city_zz", role=Role.CITY, city=zhengzhou, county=None)
    experience_promote(acting_user=w.city_user, visit=w.visit1, promoted=True)
    w.officer_a = UserFactory(username="officer_dengfeng", role=Role.COUNTY, county=w.a)
    # The dashboards' lists read their summaries; a test's writes are never committed, so count them here.
    from dashboard.summaries import summaries_rebuild

    summaries_rebuild()
    return w


def _inspections(w):
    """Inspection trips (督查) of two campaigns, with findings; one in 洛阳市 the city office may not see."""
    from inspections import trip_services
    from inspections.models import InspectionTrip

    def group(campaign, name, county):
        team = TeamFactory(campaign=campaign, name=name, kind=TeamKind.INSPECTION)
        TeamCountyFactory(team=team, county=county)
        return team, team_member_user(team, username=f"ig{team.pk}", role=MemberRole.LEADER)

    def trip(team_leader, start, days=1, *, findings=(), start_it=False):
        team, leader = team_leader
        coverage = team.coverage.select_related("campaign", "team", "county").get()
        t = trip_services.trip_plan(acting_user=leader, coverage=coverage, start_date=start,
                                    end_date=start + datetime.timedelta(days=days - 1), members=[leader.person])
        if start_it:
            trip_services.trip_start(acting_user=leader, trip=t)
        for text, category, severity in findings:
            trip_services.finding_add(acting_user=leader, trip=t, target="county", category=category, description=text,
                                      method="ledger", severity=severity)
        return t

    hy1 = CampaignFactory(name="2018年督查", kind=TeamKind.INSPECTION, start_date=D(2018, 6, 15), end_date=D(2018, 12, 31))
    hy2 = CampaignFactory(name="2019年督查", kind=TeamKind.INSPECTION, start_date=D(2019, 6, 1), end_date=D(2019, 12, 31))
    hy_c = CampaignFactory(name="洛阳2018年督查", kind=TeamKind.INSPECTION, start_date=D(2018, 6, 1), end_date=D(2018, 12, 31))
    w.hy1, w.hy2 = hy1, hy2
    w.ig1, w.ig2 = group(hy1, "督查一组", w.a), group(hy1, "督查二组", w.b)
    w.ig3, ig_c = group(hy2, "督查三组", w.a), group(hy_c, "洛阳督查组", w.c)
    first = trip(w.ig1, D(2018, 7, 10), 2, findings=[("台账不全", "records", "general")])
    # Ended with a sample exception recorded, and no letter since (HY 四: due 3 working days after).
    InspectionTrip.objects.filter(pk=first.pk).update(status="ended", sample_exception_reason="该县没有面上村")
    trip(w.ig2, D(2018, 8, 6), start_it=True, findings=[("资金滞留", "funds", "major")])
    trip(w.ig3, D(2019, 7, 1), findings=[("识别不准", "identification", "general")])
    trip(ig_c, D(2018, 7, 10), findings=[("洛阳督查问题", "funds", "major")])


def _rectification(w):
    """Problem items (整改问题): one overdue, major, sent back and reported up; one closed; one within its deadline
    with an extension waiting; one due within the week, issued by a group; one in 洛阳市. Notices of two years, and one in 洛阳市."""
    from django.utils import timezone

    from rectification.models import ExtensionRequest, Notice, ProblemItem, RectificationLetter

    clerk = UserFactory(username="letter_clerk", role=Role.CITY, city=w.a.city, county=None)
    items = {}
    for county, text, severity, status, deadline in (
            (w.a, "整改甲", "major", "in_progress", D(2019, 11, 30)), (w.b, "整改乙", "general", "closed", D(2019, 11, 30)),
            (w.a, "整改丙", "general", "pending", D(2019, 12, 31)), (w.b, "整改丁", "general", "pending", D(2019, 12, 5)),
            (w.c, "洛阳整改", "major", "pending", D(2019, 11, 1))):
        items[text] = ProblemItem.objects.create(
            county=county, description=text, severity=severity, status=status, deadline=deadline,
            closed_on=D(2019, 11, 1) if status == "closed" else None,
            sent_back_at=timezone.now() if text == "整改甲" else None,
            team=w.ig2[0] if text == "整改丁" else None,  # issued by 督查二组, which verifies it; the others: the city office
            escalated_at=timezone.now() if severity == "major" else None)
    ExtensionRequest.objects.create(item=items["整改丙"], reason="雨季", current_deadline=D(2019, 12, 31),
                                    requested_deadline=D(2020, 1, 31), requested_by=clerk)
    for serial, county in ((1, w.a), (None, w.b), (2, w.c)):
        letter = RectificationLetter.objects.create(
            campaign=w.camp1, county=county, addressee=f"{county.name}扶贫办", prefix="郑脱贫办督", created_by=clerk,
            **({"status": "issued", "year": 2019, "serial": serial, "issued_on": D(2019, 11, 1)} if serial else {}))
        if serial == 1:
            ProblemItem.objects.filter(description="整改丙").update(letter=letter)
    ProblemItem.objects.filter(description="整改甲").update(team=w.ig1[0])
    for county, kind, score, reason, day in ((w.a, "praise", 2, "表扬登封", D(2019, 11, 5)),
                                             (w.b, "criticism", -1, "批评巩义", D(2018, 12, 5)),
                                             (w.c, "praise", 1, "表扬嵩县", D(2019, 11, 5))):
        Notice.objects.create(county=county, kind=kind, score_change=score, reason=reason, issued_on=day, issued_by=clerk)


def _column(name):
    return lambda row: row[name]


def _ledger(w):
    """Listed supervision's ledger (督战台账): rectification items whose source is a ledger problem — one per
    county, one of them closed, one past its deadline; 洛阳市's is not the city office's."""
    from django.contrib.contenttypes.models import ContentType

    from rectification.models import ProblemItem
    from supervision.models import ExitIndicator, IndicatorStatus, LedgerProblem, ListedVillage, Listing

    campaign = CampaignFactory(name="2020年挂牌督战", kind=TeamKind.LISTED, start_date=D(2020, 2, 28),
                               end_date=D(2020, 9, 30))
    listing = Listing.objects.create(campaign=campaign, name=campaign.name, target_date=D(2020, 9, 30))
    clerk = UserFactory(username="ledger_clerk", role=Role.CITY, city=None, county=None)
    indicator, _ = ExitIndicator.objects.get_or_create(name="交通")
    ct = ContentType.objects.get_for_model(LedgerProblem)

    def on_indicator(village):
        lv = ListedVillage(listing=listing, village=w.v[village])
        lv.save()
        status = IndicatorStatus.objects.create(listed_village=lv, indicator=indicator, result="not_met",
                                                assessed_on=D(2019, 11, 1), updated_by=clerk)
        return {"kind": "indicator", "listed_village": lv, "indicator_status": status}

    household = w.v["丙村"].households.get()
    for county, village, text, source, status, deadline in (
            (w.a, "甲村", "交通未达标", on_indicator("甲村"), "pending", D(2019, 11, 30)),
            (w.b, "丙村", "住房未保障", {"kind": "household", "household": household}, "closed", D(2020, 9, 30)),
            (w.c, "丁村", "洛阳台账", on_indicator("丁村"), "pending", D(2020, 9, 30))):
        problem = LedgerProblem.objects.create(listing=listing, found_by=clerk, **source)
        ProblemItem.objects.create(county=county, village=w.v[village], description=text, status=status,
                                   deadline=deadline, source_kind="supervision", content_type=ct, object_id=problem.pk,
                                   closed_on=D(2019, 11, 1) if status == "closed" else None)


# How a page's rows are named: from the page's objects, and from an export's row (a dict by header).
ROW_NAMES = {
    "villages:village_list": (lambda o: o.name, _column("村")),
    "villages:household_list": (lambda o: o.head_name, _column("户主姓名")),
    "villages:key_village_list": (lambda o: o.name, _column("村")),
    "inspections:visit_list": (lambda o: f"{o.village.name}{o.visit_date:%m%d}",
                               lambda r: f"{r['村']}{r['指导时间']:%m%d}"),
    "inspections:problem_list": (lambda o: o.description, _column("问题描述")),
    "inspections:experience_list": (lambda o: o.experience, _column("典型经验")),
    "inspections:trip_list": (lambda o: f"{o.county.name}{o.start_date.year}",
                              lambda r: f"{r['被督查县（市、区）']}{r['开始日期'].year}"),
    "inspections:finding_list": (lambda o: o.description, None),
    "supervision:ledger_list": (lambda o: o.description, _column("问题")),
    "rectification:item_list": (lambda o: o.description, None),
    "rectification:letter_list": (lambda o: f"{o.county.name}{o.status}", None),
    "rectification:notice_list": (lambda o: o.reason, None),
    "dashboard:village_list": (lambda o: o.name, _column("村")),
    "dashboard:trip_list": (lambda o: f"{o.county.name}{o.start_date.year}",
                            lambda r: f"{r['被督查县（市、区）']}{r['开始日期'].year}"),
}
ALL = {
    "villages:village_list": {"甲村", "乙村", "丙村", "戊村"},
    "villages:household_list": {"王建国", "李秀英", "张明亮", "赵建军"},
    "villages:key_village_list": {"甲村", "乙村", "丙村", "戊村"},
    "inspections:visit_list": {"甲村1008", "丙村1009", "乙村1010", "乙村1020"},
    "inspections:problem_list": {"产业带贫不明显", "项目公示不规范", "利益联结不健全"},  # 共性问题 by default
    "inspections:experience_list": {"光伏收益设公益岗位", "合作社带动增收", "三变改革激活资源"},
    "inspections:trip_list": {"登封市2018", "巩义市2018", "登封市2019"},
    "inspections:finding_list": {"台账不全", "资金滞留", "识别不准"},
    "supervision:ledger_list": {"交通未达标", "住房未保障"},
    # The ledger's items are rectification items too.
    "rectification:item_list": {"整改甲", "整改乙", "整改丙", "整改丁", "交通未达标", "住房未保障"},
    "rectification:letter_list": {"登封市issued", "巩义市draft"},
    "rectification:notice_list": {"表扬登封", "批评巩义"},
    "dashboard:village_list": {"甲村", "乙村", "丙村", "戊村"},
    "dashboard:trip_list": {"登封市2018", "巩义市2018", "登封市2019"},
}

# (page, filter) → (query, the rows that must remain). `w` is the world: ids are looked up at run time.
CASES = {
    ("villages:village_list", "q"): (lambda w: {"q": "登封 甲"}, {"甲村"}),
    ("villages:village_list", "county"): (lambda w: {"county": w.a.pk}, {"甲村", "乙村"}),
    ("villages:village_list", "township"): (lambda w: {"township": w.ta2.pk}, {"乙村"}),
    ("villages:village_list", "is_poor_village"): (lambda w: {"is_poor_village": "false"}, {"乙村"}),
    ("villages:village_list", "exit_status"): (lambda w: {"exit_status": "exited"}, {"乙村"}),
    ("villages:village_list", "stars"): (lambda w: {"stars": 3}, {"甲村"}),
    ("villages:village_list", "category"): (lambda w: {"category": 8}, {"甲村", "丙村"}),
    ("villages:household_list", "q"): (lambda w: {"q": "告成"}, {"张明亮"}),  # a township's name finds its households
    ("villages:household_list", "county"): (lambda w: {"county": w.b.pk}, {"赵建军"}),
    ("villages:household_list", "township"): (lambda w: {"township": w.ta1.pk}, {"王建国", "李秀英"}),
    ("villages:household_list", "status"): (lambda w: {"status": "exited"}, {"李秀英"}),
    ("villages:household_list", "village"): (lambda w: {"village": w.v["乙村"].pk}, {"张明亮"}),
    ("villages:key_village_list", "county"): (lambda w: {"county": w.b.pk}, {"丙村", "戊村"}),
    ("villages:key_village_list", "stars"): (lambda w: {"stars": 1}, {"乙村", "丙村"}),
    ("villages:key_village_list", "category"): (lambda w: {"category": 1}, {"甲村", "戊村"}),
    # 本周期 is the 2019 campaign: only 乙村 was guided in it (2019-10-10, 52 days before "today").
    ("villages:key_village_list", "visited"): (lambda w: {"visited": "yes"}, {"乙村"}),
    ("villages:key_village_list", "last_visit"): (lambda w: {"last_visit": "90"}, {"甲村", "丙村", "戊村"}),
    ("inspections:visit_list", "q"): (lambda w: {"q": "巩义"}, {"丙村1009"}),
    ("inspections:visit_list", "campaign"): (lambda w: {"campaign": w.camp2.pk}, {"乙村1010"}),
    ("inspections:visit_list", "team"): (lambda w: {"team": w.team2.pk}, {"丙村1009"}),
    ("inspections:visit_list", "county"): (lambda w: {"county": w.a.pk}, {"甲村1008", "乙村1010", "乙村1020"}),
    ("inspections:visit_list", "date_from"): (lambda w: {"date_from": "2018-10-09"}, {"丙村1009", "乙村1010", "乙村1020"}),
    ("inspections:visit_list", "date_to"): (lambda w: {"date_to": "2018-10-08"}, {"甲村1008"}),
    ("inspections:visit_list", "status"): (lambda w: {"status": "draft"}, {"乙村1020"}),
    ("inspections:visit_list", "village"): (lambda w: {"village": w.v["乙村"].pk}, {"乙村1010", "乙村1020"}),
    ("inspections:problem_list", "q"): (lambda w: {"q": "公示"}, {"项目公示不规范"}),
    ("inspections:problem_list", "kind"): (lambda w: {"kind": "individual"}, {"档案缺页"}),
    ("inspections:problem_list", "category"): (lambda w: {"category": 9}, {"产业带贫不明显", "利益联结不健全"}),
    ("inspections:problem_list", "campaign"): (lambda w: {"campaign": w.camp1.pk}, {"产业带贫不明显", "项目公示不规范"}),
    ("inspections:problem_list", "county"): (lambda w: {"county": w.b.pk}, {"项目公示不规范"}),
    ("inspections:problem_list", "team"): (lambda w: {"team": w.team2.pk}, {"项目公示不规范"}),
    ("inspections:problem_list", "date_from"): (lambda w: {"date_from": "2018-10-09"}, {"项目公示不规范", "利益联结不健全"}),
    ("inspections:problem_list", "date_to"): (lambda w: {"date_to": "2018-10-08"}, {"产业带贫不明显"}),
    ("inspections:experience_list", "q"): (lambda w: {"q": "合作社"}, {"合作社带动增收"}),
    ("inspections:experience_list", "promoted"): (lambda w: {"promoted": "true"}, {"光伏收益设公益岗位"}),
    ("inspections:experience_list", "campaign"): (lambda w: {"campaign": w.camp1.pk}, {"光伏收益设公益岗位", "合作社带动增收"}),
    ("inspections:experience_list", "county"): (lambda w: {"county": w.b.pk}, {"合作社带动增收"}),
    ("inspections:experience_list", "team"): (lambda w: {"team": w.team3.pk}, {"三变改革激活资源"}),
    ("inspections:experience_list", "date_from"): (lambda w: {"date_from": "2018-10-09"},
                                                   {"合作社带动增收", "三变改革激活资源"}),
    ("inspections:experience_list", "date_to"): (lambda w: {"date_to": "2018-10-08"}, {"光伏收益设公益岗位"}),
    ("inspections:trip_list", "campaign"): (lambda w: {"campaign": w.hy2.pk}, {"登封市2019"}),
    ("inspections:trip_list", "team"): (lambda w: {"team": w.ig2[0].pk}, {"巩义市2018"}),
    ("inspections:trip_list", "county"): (lambda w: {"county": w.b.pk}, {"巩义市2018"}),
    ("inspections:trip_list", "status"): (lambda w: {"status": "ongoing"}, {"巩义市2018"}),
    ("inspections:trip_list", "month"): (lambda w: {"month": "2018-07"}, {"登封市2018"}),
    ("inspections:trip_list", "date_from"): (lambda w: {"date_from": "2018-08-01"}, {"巩义市2018", "登封市2019"}),
    ("inspections:trip_list", "date_to"): (lambda w: {"date_to": "2018-12-31"}, {"登封市2018", "巩义市2018"}),
    ("inspections:finding_list", "campaign"): (lambda w: {"campaign": w.hy1.pk}, {"台账不全", "资金滞留"}),
    ("inspections:finding_list", "county"): (lambda w: {"county": w.b.pk}, {"资金滞留"}),
    ("inspections:finding_list", "category"): (lambda w: {"category": "funds"}, {"资金滞留"}),
    ("inspections:finding_list", "severity"): (lambda w: {"severity": "major"}, {"资金滞留"}),
    ("inspections:finding_list", "team"): (lambda w: {"team": w.ig1[0].pk}, {"台账不全"}),
    ("inspections:finding_list", "date_from"): (lambda w: {"date_from": "2018-08-01"}, {"资金滞留", "识别不准"}),
    ("inspections:finding_list", "date_to"): (lambda w: {"date_to": "2018-07-31"}, {"台账不全"}),
    ("supervision:ledger_list", "status"): (lambda w: {"status": "closed"}, {"住房未保障"}),
    ("supervision:ledger_list", "overdue"): (lambda w: {"overdue": "yes"}, {"交通未达标"}),  # today is 2019-12-01
    ("supervision:ledger_list", "source"): (lambda w: {"source": "indicator"}, {"交通未达标"}),
    ("supervision:ledger_list", "county"): (lambda w: {"county": w.a.pk}, {"交通未达标"}),
    ("rectification:item_list", "status"): (lambda w: {"status": "closed"}, {"整改乙", "住房未保障"}),
    ("rectification:item_list", "overdue"): (lambda w: {"overdue": "yes"}, {"整改甲", "交通未达标"}),
    ("rectification:item_list", "severity"): (lambda w: {"severity": "major"}, {"整改甲"}),
    ("rectification:item_list", "source_kind"): (lambda w: {"source_kind": "supervision"}, {"交通未达标", "住房未保障"}),
    ("rectification:item_list", "county"): (lambda w: {"county": w.b.pk}, {"整改乙", "整改丁", "住房未保障"}),
    ("rectification:item_list", "due_soon"): (lambda w: {"due_soon": "yes"}, {"整改丁"}),  # 12-05, within 7 days
    ("rectification:item_list", "sent_back"): (lambda w: {"sent_back": "yes"}, {"整改甲"}),
    ("rectification:item_list", "escalation"): (lambda w: {"escalation": "waiting"}, {"整改甲"}),
    ("rectification:item_list", "extension"): (lambda w: {"extension": "pending"}, {"整改丙"}),
    ("rectification:item_list", "verifier"): (lambda w: {"verifier": "team"}, {"整改甲", "整改丁"}),
    ("rectification:notice_list", "kind"): (lambda w: {"kind": "criticism"}, {"批评巩义"}),
    ("rectification:notice_list", "year"): (lambda w: {"year": 2019}, {"表扬登封"}),
    ("rectification:notice_list", "county"): (lambda w: {"county": w.a.pk}, {"表扬登封"}),
    ("rectification:item_list", "open"): (lambda w: {"open": "yes"}, {"整改甲", "整改丙", "整改丁", "交通未达标"}),
    ("rectification:item_list", "campaign"): (lambda w: {"campaign": w.camp1.pk}, {"整改丙"}),
    ("rectification:item_list", "team"): (lambda w: {"team": w.ig1[0].pk}, {"整改甲"}),
    ("rectification:item_list", "deadline_from"): (lambda w: {"deadline_from": "2019-12-01"},
                                                   {"整改丙", "整改丁", "住房未保障"}),
    ("rectification:item_list", "deadline_to"): (lambda w: {"deadline_to": "2019-11-30"},
                                                 {"整改甲", "整改乙", "交通未达标"}),
    ("rectification:letter_list", "status"): (lambda w: {"status": "draft"}, {"巩义市draft"}),
    ("rectification:letter_list", "county"): (lambda w: {"county": w.a.pk}, {"登封市issued"}),
    # The dashboards' key villages: guided in a campaign, by a group, first guided within dates.
    ("dashboard:village_list", "county"): (lambda w: {"county": w.b.pk}, {"丙村", "戊村"}),
    ("dashboard:village_list", "township"): (lambda w: {"township": w.ta2.pk}, {"乙村"}),
    ("dashboard:village_list", "stars"): (lambda w: {"stars": 1}, {"乙村", "丙村"}),
    ("dashboard:village_list", "visited"): (lambda w: {"visited": "no"}, {"戊村"}),
    ("dashboard:village_list", "campaign"): (lambda w: {"visited": "yes", "campaign": w.camp1.pk}, {"甲村", "丙村"}),
    ("dashboard:village_list", "team"): (lambda w: {"team": w.team2.pk}, {"丙村", "戊村"}),
    ("dashboard:village_list", "date_from"): (lambda w: {"visited": "yes", "date_from": "2018-10-09"}, {"丙村", "乙村"}),
    ("dashboard:village_list", "date_to"): (lambda w: {"visited": "yes", "date_to": "2018-10-08"}, {"甲村"}),
    ("dashboard:trip_list", "campaign"): (lambda w: {"campaign": w.hy2.pk}, {"登封市2019"}),
    ("dashboard:trip_list", "team"): (lambda w: {"team": w.ig2[0].pk}, {"巩义市2018"}),
    ("dashboard:trip_list", "county"): (lambda w: {"county": w.b.pk}, {"巩义市2018"}),
    ("dashboard:trip_list", "date_from"): (lambda w: {"date_from": "2018-08-01"}, {"巩义市2018", "登封市2019"}),
    ("dashboard:trip_list", "date_to"): (lambda w: {"date_to": "2018-07-31"}, {"登封市2018"}),
    ("dashboard:trip_list", "status"): (lambda w: {"status": "ongoing"}, {"巩义市2018"}),
    ("dashboard:trip_list", "sample"): (lambda w: {"sample": "exception"}, {"登封市2018"}),
    # Ended 2018-07-11 with a finding, no letter since: due 3 working days later, overdue on 2019-12-01.
    ("dashboard:trip_list", "letter"): (lambda w: {"letter": "overdue"}, {"登封市2018"}),
}


def _pages():
    get_resolver().url_patterns  # noqa: B018 — load every urls.py, which registers its list pages
    return sorted(LIST_PAGES)


def test_every_filter_has_a_case():
    missing = [
        (page, name) for page in _pages() for name in LIST_PAGES[page].filterset.base_filters
        if (page, name) not in CASES
    ]
    assert not missing, f"filters without a case in CASES: {missing}"
    assert set(_pages()) <= set(ROW_NAMES), "every registered list page needs its row names in ROW_NAMES"


def _rows_of_page(client, page, query):
    response = client.get(reverse(page), {**query, "per_page": 100})
    assert response.status_code == 200
    name, _ = ROW_NAMES[page]
    return {name(o) for o in response.context["page"].paginator.object_list}


def _rows_of_export(client, page, query):
    listing = LIST_PAGES[page]
    _, name = ROW_NAMES[page]
    response = client.get(reverse(listing.export), query)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    header, *rows = load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    return {name(dict(zip(header, r, strict=True))) for r in rows}


@pytest.mark.parametrize("url_name", sorted(ROW_NAMES))
def test_each_filter_drops_the_rows_it_must(client, world, url_name):
    """One page at a time (the world is built once per page): each filter alone, on the page and its export."""
    page, listing = url_name, LIST_PAGES[url_name]
    client.force_login(world.city_user)
    assert _rows_of_page(client, page, {}) == ALL[page]
    for (case_page, name), (query_of, expected) in sorted(CASES.items()):
        if case_page != page:
            continue
        assert expected != ALL[page], f"{name}: a case must change the rows, or it proves nothing"
        assert _rows_of_page(client, page, query_of(world)) == expected, f"filter {name} on {page}"
        if listing.export and ROW_NAMES[page][1]:
            assert _rows_of_export(client, page, query_of(world)) == expected, f"filter {name} on {listing.export}"


def _options(response, name):
    field = response.context["filter"].form.fields[name]
    return {str(label) for value, label in field.choices if value != ""}


INSPECTION_PAGES = {"inspections:trip_list", "inspections:finding_list", "dashboard:trip_list"}
# The item list's campaign is its letter's (a trip's, or 共性问题 fed back in a guidance campaign); its group the
# inspection group that issued it.
CAMPAIGNS = {"rectification:item_list": ({"2018年指导"}, {"2018年指导"})}
TEAMS = {"rectification:item_list": ({"督查一组", "督查二组"}, {"督查一组"})}


@pytest.mark.parametrize("url_name", sorted(ROW_NAMES))
def test_dropdowns_list_exactly_what_the_user_may_see(client, world, url_name):
    page = url_name
    filters = LIST_PAGES[page].filterset.base_filters
    inspection = page in INSPECTION_PAGES
    client.force_login(world.city_user)
    seen = client.get(reverse(page))
    assert {o[-3:] for o in _options(seen, "county")} == {"登封市", "巩义市"}  # not 洛阳市's 嵩县
    if "campaign" in filters:
        assert _options(seen, "campaign") == (CAMPAIGNS.get(page, [None])[0] or (
            {"2018年督查", "2019年督查"} if inspection else {"2018年指导", "2019年指导"}))
    if "team" in filters:
        assert {o.split()[-1] for o in _options(seen, "team")} == (TEAMS.get(page, [None])[0] or (
            {"督查一组", "督查二组", "督查三组"} if inspection else {"第一小组", "第二小组", "第三小组"}))
    if "township" in filters:
        chosen = client.get(reverse(page), {"county": world.a.pk})
        assert {o[-3:] for o in _options(chosen, "township")} == {"大冶镇", "告成镇"}
    client.force_login(world.officer_a)
    own = client.get(reverse(page))
    assert {o[-3:] for o in _options(own, "county")} == {"登封市"}
    if "township" in filters:  # one county: its townships are listed at once
        assert {o[-3:] for o in _options(own, "township")} == {"大冶镇", "告成镇"}
    if "team" in filters:
        assert {o.split()[-1] for o in _options(own, "team")} == (TEAMS.get(page, [None, None])[1] or (
            {"督查一组", "督查三组"} if inspection else {"第一小组", "第三小组"}))
    # Another county's id typed into the URL shows nothing of it.
    assert not _rows_of_page(client, page, {"county": world.b.pk})
