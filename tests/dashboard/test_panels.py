"""Each panel's figures on the known world (tests/dashboard/conftest.py), as the 郑州 city office sees them on
2018-12-10: counts, rates, rankings, overdue."""

import pytest

from tests.dashboard.helpers import cell, page, rows

pytestmark = pytest.mark.django_db


def test_key_villages_by_stars_and_county_guided_or_not(city_client):
    """登封市: 甲村★★★ 乙村★★ 丙村★ (丁村 is no key village), all guided in 2018 Q4; 巩义市: 戊村★★★ guided,
    己村★ not. 洛阳市's 庚村 is not the city's."""
    data = page(city_client, "key_villages")
    r = rows(data, "key_villages")
    assert r["登封市"] == {"县（市、区）": "登封市", "3星村": 1, "2星村": 1, "1星村": 1, "重点村合计": 3, "已指导": 3,
                         "未指导": 0, "其中3星村未指导": 0, "指导覆盖率": 100.0}
    assert r["巩义市"] == {"县（市、区）": "巩义市", "3星村": 1, "2星村": 0, "1星村": 1, "重点村合计": 2, "已指导": 1,
                         "未指导": 1, "其中3星村未指导": 0, "指导覆盖率": 50.0}
    assert r["合计"]["重点村合计"] == 5 and r["合计"]["已指导"] == 4 and r["合计"]["指导覆盖率"] == 80.0
    assert set(r) == {"登封市", "巩义市", "合计"}
    assert data["campaign"] == "2018年指导"  # the campaign running today


def test_guidance_weeks_against_the_quota_and_the_two_rules(city_client):
    """Weeks owed: 10-08 … 12-03 (National Day's week has no working day; 12-10 is this week). 第一小组 guided 登封市
    in the weeks of 10-08, 11-05 and 11-12 (3 of 9), 第二小组 巩义市 in those of 10-08 and 11-19 (2 of 9)."""
    data = page(city_client, "guidance")
    r = rows(data, "guidance_quota")
    assert (r["第一小组"]["指导天数"], r["第一小组"]["未指导（县·周）"], r["第一小组"]["达标率"]) == (3, 6, 33.3)
    assert (r["第二小组"]["指导天数"], r["第二小组"]["未指导（县·周）"], r["第二小组"]["达标率"]) == (2, 7, 22.2)
    assert "洛阳小组" not in r
    grid = cell(data, "guidance_quota", "第一小组", "10.01")
    assert grid["state"] == "holiday"
    assert cell(data, "guidance_quota", "第一小组", "10.08")["state"] == "done"
    assert cell(data, "guidance_quota", "第一小组", "10.15")["state"] == "missing"
    assert cell(data, "guidance_quota", "第一小组", "12.10")["state"] == "current"
    assert cell(data, "guidance_quota", "第一小组", "12.17")["state"] == "future"
    assert data["headline"] == {"days": 5, "owed": 18, "missed": 13, "quota": 27.8, "crowded": 1, "repeats": 2,
                                "unexcepted": 1}
    # ZZ 三: 第一小组 on 2018-10-08 guided 甲村, 乙村 and 丁村.
    crowded = data["tables"][1]["rows"]
    assert [(r[0]["v"], r[1]["v"].isoformat(), r[2]["v"]) for r in crowded] == [("第一小组", "2018-10-08", 3)]
    # ZZ 六(四): 甲村 twice with no exception, 戊村 twice with the city office's.
    repeats = {r[0]["v"].split(" / ")[-1]: (r[1]["v"], r[4]["v"]) for r in data["tables"][2]["rows"]}
    assert repeats == {"甲村": (2, "未经批准"), "戊村": (2, "市扶贫办已批准")}


def test_inspection_trips_per_group_per_month_and_sampling(city_client):
    data = page(city_client, "inspection")
    r = rows(data, "inspection_trips")
    assert (r["督查一组"]["7月"], r["督查一组"]["9月"], r["督查一组"]["12月"], r["督查一组"]["合计"]) == (1, 1, 1, 3)
    assert (r["督查二组"]["8月"], r["督查二组"]["12月"], r["督查二组"]["合计"]) == (1, 1, 2)
    assert cell(data, "inspection_trips", "督查一组", "8月")["state"] == "missing"
    assert cell(data, "inspection_trips", "督查一组", "12月")["state"] == "done"
    s = rows(data, "inspection_samples")
    assert s["督查一组"] == {"督查小组": "督查一组", "已结束": 3, "符合要求": 3, "登记例外": 0, "符合率": 100.0, "尚未结束": 0}
    assert s["督查二组"] == {"督查小组": "督查二组", "已结束": 1, "符合要求": 0, "登记例外": 1, "符合率": 0.0, "尚未结束": 1}
    assert data["headline"]["compliance"] == 75.0


def test_rectification_items_overdue_rate_ranking_and_letters(city_client):
    """登封市: 5 items — 2 closed, 3 past their deadline and open; 巩义市: one reported within its deadline and one
    on a draft letter, nothing due. 整改率 = 2 ÷ (2 + 3)."""
    data = page(city_client, "rectification")
    r = rows(data, "rectification_items")
    assert r["登封市"] == {"县（市、区）": "登封市", "待整改": 2, "整改中": 1, "已整改待核查": 0, "已销号": 2, "合计": 5,
                         "逾期": 3, "已到期": 5, "整改率": 40.0}
    assert r["巩义市"] == {"县（市、区）": "巩义市", "待整改": 1, "整改中": 0, "已整改待核查": 1, "已销号": 0, "合计": 2,
                         "逾期": 0, "已到期": 0, "整改率": None}
    assert r["合计"]["合计"] == 7 and r["合计"]["整改率"] == 40.0
    # Only places with something due are ranked.
    assert [(row[1]["v"], row[2]["v"]) for row in data["tables"][1]["rows"]] == [("登封市", 40.0)]
    # HY 四: 登封市's trips — on time (07-13 ≤ 07-16), never sent (due 09-13), not yet due (12-11); 巩义市's late.
    letters = rows(data, "rectification_letters")
    assert letters["登封市"] == {"县（市、区）": "登封市", "应发函的督查": 3, "按时发函": 1, "逾期发函": 0, "逾期未发": 1,
                               "未到期限": 1, "按时率": 50.0}
    assert letters["巩义市"]["逾期发函"] == 1 and letters["合计"]["按时率"] == 33.3
    # The same 整改率 as rectification's own selector.
    from rectification.models import ProblemItem
    from rectification.selectors import rectification_rates

    own = {row["label"]: row["rate"] for row in rectification_rates(ProblemItem.objects.filter(county__city__name="郑州市"))}
    assert own["登封市"] == 40.0


def test_rate_ranking_orders_by_rate(city_client, world):
    """Close 巩义市's reported item after its deadline passed: it ranks first with 100%."""
    import datetime

    from dashboard.summaries import summaries_rebuild
    from rectification.models import ProblemItem

    ProblemItem.objects.filter(description="识别不准").update(status="closed", closed_on=datetime.date(2018, 12, 5))
    summaries_rebuild()
    data = page(city_client, "rectification")
    assert [(row[0]["v"], row[1]["v"], row[2]["v"]) for row in data["tables"][1]["rows"]] == [
        (1, "巩义市", 100.0), (2, "登封市", 40.0)]


def test_problems_by_category_guidance_and_inspection_together(city_client):
    data = page(city_client, "problems")
    ranked = [(r[1]["v"], r[2]["v"], r[3]["v"], r[4]["v"]) for r in data["tables"][0]["rows"]]
    assert ranked[0] == ("督查", "资金使用率情况", 2, 1)
    assert sum(r[2] for r in ranked) == 9
    assert ("指导", "产业发展", 1, 1) in ranked and ("指导", "基础工作", 1, 0) in ranked
    places = rows(data, "problem_places")
    assert places["登封市"] == {"县（市、区）": "登封市", "指导发现问题": 2, "其中共性问题": 1, "督查发现问题": 5,
                              "其中重大问题": 1}
    exp = rows(data, "experiences")
    assert (exp["登封市"]["典型经验"], exp["登封市"]["已推广"], exp["巩义市"]["待推广"]) == (1, 1, 1)
    assert [e["village"] for e in data["experiences"]] == ["戊村", "甲村"]  # not yet promoted first


def test_listed_supervision_indicators_ledger_and_reports(city_client, world):
    data = page(city_client, "supervision")
    county = rows(data, "supervision_counties")["登封市"]
    n = world.indicator_count
    assert (county["挂牌村"], county["指标已达标"], county["未达标"], county["未认定"]) == (1, 2, 1, n - 3)
    assert (county["台账未销号"], county["其中逾期"], county["已销号"]) == (1, 1, 1)
    villages = rows(data, "supervision_villages")
    assert set(villages) == {"登封市 / 大冶镇 / 甲村", "巩义市 / 回郭镇 / 戊村"}
    assert villages["巩义市 / 回郭镇 / 戊村"]["指标已达标"] == 1
    reports = rows(data, "supervision_reports")["郑州市"]
    assert (reports["2018年10月"], reports["2018年11月"], reports["2018年6月"], reports["2018年12月"]) == (
        "按时", "逾期报送", "未报送", "未到期")
    assert (reports["按时"], reports["逾期"], reports["未报送"]) == (1, 1, 4)
    assert data["headline"]["indicators_met"] == 3 and data["headline"]["indicators_total"] == 2 * n


def test_the_overview_says_the_same_as_the_tabs(city_client):
    cards = page(city_client, "overview")["cards"]
    assert cards["key_villages"]["key"] == 5 and cards["key_villages"]["coverage"] == 80.0
    assert (cards["guidance"]["quota"], cards["guidance"]["missed"]) == (27.8, 13)
    assert (cards["inspection"]["trips"], cards["inspection"]["compliance"]) == (5, 75.0)
    assert (cards["rectification"]["overdue"], cards["rectification"]["rate"], cards["rectification"]["letters_rate"]) == (
        3, 40.0, 33.3)
    assert cards["problems"]["problems"] == 9 and cards["problems"]["top"][0] == ("督查", "资金使用率情况", 2)
    assert (cards["problems"]["experiences"], cards["problems"]["promoted"]) == (2, 1)
    assert cards["supervision"]["ledger_open"] == 1 and cards["supervision"]["days_left"] == 21
