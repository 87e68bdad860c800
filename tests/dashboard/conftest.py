"""A small known world for the dashboards, on 2018-12-10 (a Monday).

郑州市: 登封市 (a: 甲村★★★, 乙村★★, 丙村★, 丁村 not key) and 巩义市 (b: 戊村★★★, 己村★); 洛阳市嵩县 (c: 庚村★★★),
which the 郑州 city office does not see. Guidance in 2018 Q4 (第一小组 → a, 第二小组 → b; 洛阳小组 → c), with one
day of three villages and two repeat visits (one allowed); a 2019 guidance campaign with nothing yet. Inspection
trips of 2018 (督查一组 → a, 督查二组 → b) with their samples, findings and letters (on time, late, never, not yet
due); problem items in every state; a listing with 登封市 listed, 甲村 and 戊村 listed, indicators and reports.
Every figure the tests expect is worked out in the docstrings of the tests that use it.
"""

import datetime

import pytest
import time_machine
from django.core.cache import cache

from inspections.models import Finding, GuidanceVisit, InspectionTrip, Problem
from inspections.services import VisitInput, experience_promote, repeat_exception_grant, visit_save
from rectification.models import ProblemItem, RectificationLetter
from rosters.choices import MemberRole, Role, TeamKind
from supervision.models import ExitIndicator, IndicatorStatus, ListedCounty, ListedVillage, Listing, MonthlyReport
from tests.factories import CityFactory, CountyFactory, TownshipFactory, UserFactory, VillageFactory
from tests.rosters.factories import CampaignFactory, TeamCountyFactory, TeamFactory, team_member_user
from villages.models import StarRating

D = datetime.date
TODAY = datetime.datetime(2018, 12, 10, 10, 0)


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # Entries are keyed by the summaries' version, which every test's rolled-back database starts again.
    # Whole pages are not kept between requests here (their tests read each response's context); the test of
    # that cache switches it on.
    settings.DASHBOARD_PAGE_CACHE = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _exit_indicators(db):
    """The indicators listed supervision's data migration seeds (a transactional test may have flushed them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("supervision.migrations.0002_seed_exit_indicators").seed(apps, None)


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


class World:
    pass


def _stars(village, n):
    categories = [1, 2, 8][:n]
    StarRating.objects.update_or_create(village=village, defaults={
        "year": 2018, "categories": categories, "category_count": n, "stars": n,
        "category_mask": sum(1 << (c - 1) for c in categories)})


STARS = {"甲村": 3, "乙村": 2, "丙村": 1, "丁村": 0, "戊村": 3, "己村": 1, "庚村": 3}


def build_world(*, extra=0):
    """The world; ``extra`` adds that many more counties of 郑州市 with villages, visits, trips and items
    (the same pages, more rows: for the query counts)."""
    w = World()
    zhengzhou, luoyang = CityFactory(name="郑州市"), CityFactory(name="洛阳市")
    w.zhengzhou, w.luoyang = zhengzhou, luoyang
    w.a = CountyFactory(city=zhengzhou, name="登封市")
    w.b = CountyFactory(city=zhengzhou, name="巩义市")
    w.c = CountyFactory(city=luoyang, name="嵩县")
    ta1, ta2 = TownshipFactory(county=w.a, name="大冶镇"), TownshipFactory(county=w.a, name="告成镇")
    tb1, tc1 = TownshipFactory(county=w.b, name="回郭镇"), TownshipFactory(county=w.c, name="白河镇")
    w.ta1, w.ta2, w.tb1 = ta1, ta2, tb1
    w.v = {}
    for name, township, stars, poor in (("甲村", ta1, 3, True), ("乙村", ta1, 2, False), ("丙村", ta2, 1, True),
                                        ("丁村", ta2, 0, False), ("戊村", tb1, 3, True), ("己村", tb1, 1, False),
                                        ("庚村", tc1, 3, True)):
        w.v[name] = VillageFactory(township=township, name=name, is_poor_village=poor)
        assert STARS[name] == stars

    # --- guidance (ZZ) ---------------------------------------------------------------------------
    w.g = CampaignFactory(name="2018年指导", start_date=D(2018, 10, 1), end_date=D(2018, 12, 31))
    w.g2 = CampaignFactory(name="2019年指导", start_date=D(2019, 10, 1), end_date=D(2019, 12, 31))
    w.team1 = TeamFactory(campaign=w.g, name="第一小组", order=1)
    w.team2 = TeamFactory(campaign=w.g, name="第二小组", order=2)
    w.team_c = TeamFactory(campaign=w.g, name="洛阳小组", order=3)
    w.team3 = TeamFactory(campaign=w.g2, name="第三小组", order=1)
    for team, county in ((w.team1, w.a), (w.team2, w.b), (w.team_c, w.c), (w.team3, w.a)):
        TeamCountyFactory(team=team, county=county)
    w.leaders = {t.pk: team_member_user(t, username=f"leader{t.pk}", role=MemberRole.LEADER)
                 for t in (w.team1, w.team2, w.team_c)}
    w.city_user = UserFactory(username="city_zz", role=Role.CITY, city=zhengzhou, county=None)
    w.province_user = UserFactory(username="province", role=Role.CITY, city=None, county=None)
    w.officer_b = UserFactory(username="officer_gongyi", role=Role.COUNTY, county=w.b)
    w.officer_a = UserFactory(username="officer_dengfeng", role=Role.COUNTY, county=w.a)

    def visit(team, village, day, *, problems=(), experience=""):
        leader = w.leaders[team.pk]
        data = VisitInput(campaign=team.campaign, village=w.v[village], visit_date=day, reduction_progress="已完成。",
                          signers=[leader.person], experience=experience, problems=list(problems))
        return visit_save(acting_user=leader, data=data, submit=True)

    def common(category, text):
        return {"category": category, "kind": "common", "description": text, "fix": ""}

    with time_machine.travel(TODAY, tick=False):
        w.visit_jia = visit(w.team1, "甲村", D(2018, 10, 8), experience="光伏收益设公益岗位",
                            problems=[common(9, "产业带贫不明显"),
                                      {"category": 2, "kind": "individual", "description": "档案缺页", "fix": "已补齐"}])
        visit(w.team1, "乙村", D(2018, 10, 8))
        visit(w.team1, "丙村", D(2018, 11, 6))
        visit(w.team2, "戊村", D(2018, 10, 9), experience="合作社带动增收", problems=[common(16, "项目公示不规范")])
        visit(w.team_c, "庚村", D(2018, 10, 10), experience="洛阳经验", problems=[common(9, "洛阳问题")])
        repeat_exception_grant(acting_user=w.city_user, campaign=w.g, village=w.v["戊村"], reason="整改复核")
        visit(w.team2, "戊村", D(2018, 11, 20))
        experience_promote(acting_user=w.city_user, visit=w.visit_jia, promoted=True)
    # What the services refuse but old or imported records may hold: a third village on one day, a repeat
    # visit nobody allowed.
    for village, day in (("丁村", D(2018, 10, 8)), ("甲村", D(2018, 11, 13))):
        GuidanceVisit.objects.create(campaign=w.g, team=w.team1, county=w.a, village=w.v[village], visit_date=day,
                                     status="submitted", reduction_progress="已完成。", created_by=w.city_user)

    # --- inspection (HY) ---------------------------------------------------------------------------
    w.i = CampaignFactory(name="2018年督查", kind=TeamKind.INSPECTION, start_date=D(2018, 6, 15),
                          end_date=D(2018, 12, 31), document_number="郑脱贫办〔2018〕23号")
    w.ig1 = TeamFactory(campaign=w.i, name="督查一组", order=1)
    w.ig2 = TeamFactory(campaign=w.i, name="督查二组", order=2)
    TeamCountyFactory(team=w.ig1, county=w.a)
    TeamCountyFactory(team=w.ig2, county=w.b)

    def trip(team, county, start, end, status, findings=(), exception=""):
        t = InspectionTrip.objects.create(campaign=w.i, team=team, county=county, start_date=start, end_date=end,
                                          status=status, sample_exception_reason=exception, created_by=w.city_user)
        for text, category, severity in findings:
            Finding.objects.create(trip=t, county=county, category=category, description=text, method="ledger",
                                   severity=severity, created_by=w.city_user)
        return t

    # 3 working days after the end: 07-11 → 07-16; 08-06 → 08-09; 09-10 → 09-13; 12-06 → 12-11.
    w.t1 = trip(w.ig1, w.a, D(2018, 7, 10), D(2018, 7, 11), "ended",
                [("台账不全", "records", "general"), ("资金滞留", "funds", "major")])
    w.t2 = trip(w.ig2, w.b, D(2018, 8, 6), D(2018, 8, 6), "ended", [("识别不准", "identification", "general")],
                exception="该县没有面上村")
    w.t3 = trip(w.ig1, w.a, D(2018, 9, 10), D(2018, 9, 10), "ended",
                [("帮扶不实", "measures", "general"), ("资金拨付慢", "funds", "general")])
    w.t4 = trip(w.ig1, w.a, D(2018, 12, 6), D(2018, 12, 6), "ended", [("项目滞后", "tasks", "general")])
    w.t5 = trip(w.ig2, w.b, D(2018, 12, 10), D(2018, 12, 10), "ongoing")

    # --- rectification --------------------------------------------------------------------------------
    def letter(campaign, team, county, issued_on, trip=None, serial=None):
        return RectificationLetter.objects.create(
            campaign=campaign, team=team, county=county, trip=trip, addressee=f"{county.name}扶贫办", prefix="郑扶督",
            created_by=w.city_user,
            **({"status": "issued", "year": 2018, "serial": serial, "issued_on": issued_on} if issued_on else {}))

    l1 = letter(w.i, w.ig1, w.a, D(2018, 7, 13), w.t1, 1)  # on time (due 07-16)
    l2 = letter(w.i, w.ig2, w.b, D(2018, 8, 20), w.t2, 2)  # late (due 08-09)
    l3 = letter(w.g, None, w.a, D(2018, 10, 20), serial=3)  # 共性问题 fed back by the city office
    l4 = letter(w.g, None, w.b, None)  # a draft the county does not see yet

    def item(county, text, status, deadline, *, letter=None, source="finding", village=None, closed_on=None):
        return ProblemItem.objects.create(
            county=county, description=text, status=status, deadline=deadline, letter=letter, source_kind=source,
            team_id=letter.team_id if letter else None, village=village, closed_on=closed_on)

    item(w.a, "台账不全", "closed", D(2018, 8, 13), letter=l1, closed_on=D(2018, 8, 1))
    item(w.a, "资金滞留", "in_progress", D(2018, 8, 13), letter=l1)  # overdue
    item(w.b, "识别不准", "reported", D(2018, 12, 20), letter=l2)  # not yet due
    item(w.a, "产业带贫不明显", "pending", D(2018, 11, 30), letter=l3, source="common_problem")  # overdue
    item(w.b, "项目公示不规范", "pending", None, letter=l4, source="common_problem")  # on a draft
    item(w.a, "交通未达标", "pending", D(2018, 11, 15), source="supervision", village=w.v["甲村"])  # overdue
    item(w.a, "饮水未达标", "closed", D(2018, 10, 31), source="supervision", village=w.v["甲村"],
         closed_on=D(2018, 10, 1))
    item(w.c, "洛阳整改", "pending", D(2018, 11, 1))

    # --- listed supervision (HN) ---------------------------------------------------------------------
    w.listed = CampaignFactory(name="2018年挂牌督战", kind=TeamKind.LISTED, start_date=D(2018, 6, 1),
                               end_date=D(2018, 12, 31))
    w.listing = Listing.objects.create(campaign=w.listed, name="2018年挂牌督战名单", target_date=D(2018, 12, 31))
    w.listed_a = ListedCounty.objects.create(listing=w.listing, county=w.a)
    w.lv_jia = ListedVillage.objects.create(listing=w.listing, village=w.v["甲村"])
    w.lv_wu = ListedVillage.objects.create(listing=w.listing, village=w.v["戊村"])
    ListedVillage.objects.create(listing=w.listing, village=w.v["庚村"])
    indicators = list(ExitIndicator.objects.filter(is_active=True).order_by("order"))
    w.indicator_count = len(indicators)
    for lv, results in ((w.lv_jia, ["met", "met", "not_met"]), (w.lv_wu, ["met"])):
        for indicator, result in zip(indicators, results, strict=False):
            IndicatorStatus.objects.create(listed_village=lv, indicator=indicator, result=result,
                                           assessed_on=D(2018, 9, 1), evidence="验收单" if result == "met" else "",
                                           updated_by=w.city_user)
    for month, late in ((D(2018, 10, 1), False), (D(2018, 11, 1), True)):
        MonthlyReport.objects.create(listing=w.listing, month=month, city=zhengzhou, narrative="进展顺利。",
                                     submitted_at=datetime.datetime(2018, month.month, 24 + 3 * late, tzinfo=datetime.UTC),
                                     submitted_by=w.city_user, is_late=late)
    for n in range(extra):
        _more(w, n)
    # The stars as the world says, also where a committed visit had them recomputed from (absent) households.
    for name, stars in STARS.items():
        _stars(w.v[name], stars)
    from dashboard.summaries import summaries_rebuild

    summaries_rebuild()
    return w


def _more(w, n):
    """Another county of 郑州市 with the same kinds of rows (for query counts at a larger size)."""
    county = CountyFactory(city=w.zhengzhou, name=f"新增{n}县")
    township = TownshipFactory(county=county, name=f"新增{n}镇")
    villages = [VillageFactory(township=township, name=f"新增{n}-{k}村") for k in range(4)]
    for k, village in enumerate(villages):
        _stars(village, k % 4)
    team = TeamFactory(campaign=w.g, name=f"新增{n}小组", order=10 + n)
    TeamCountyFactory(team=team, county=county)
    inspection = TeamFactory(campaign=w.i, name=f"新增{n}督查组", order=10 + n)
    TeamCountyFactory(team=inspection, county=county)
    for k, village in enumerate(villages):
        GuidanceVisit.objects.create(campaign=w.g, team=team, county=county, village=village, status="submitted",
                                     visit_date=D(2018, 10, 8 + k), experience="经验" if k % 2 else "",
                                     reduction_progress="已完成。", created_by=w.city_user)
        Problem.objects.create(visit=GuidanceVisit.objects.filter(village=village).first(), county=county,
                               village=village, category=9, kind="common", description=f"问题{n}-{k}")
    t = InspectionTrip.objects.create(campaign=w.i, team=inspection, county=county, start_date=D(2018, 9, 3),
                                      end_date=D(2018, 9, 3), status="ended", created_by=w.city_user)
    Finding.objects.create(trip=t, county=county, category="funds", description="资金", method="ledger",
                           created_by=w.city_user)
    for k in range(3):
        ProblemItem.objects.create(county=county, description=f"整改{n}-{k}", status=("pending", "closed", "reported")[k],
                                   deadline=D(2018, 11, 1 + k), closed_on=D(2018, 10, 1) if k == 1 else None)
    ListedVillage.objects.create(listing=w.listing, village=villages[0])


@pytest.fixture
def world(db, today):
    return build_world()


@pytest.fixture
def city_client(client, world):
    client.force_login(world.city_user)
    return client
