"""The listed-supervision ledger on rectification's problem items (HN 四(二) 建立工作台账，逐一对账销号).

An exit indicator found 未达标, or a household failing 两不愁三保障, becomes a rectification item
addressed to its county (待整改, no group: the city office verifies). The county rectifies and
reports — by marking the indicator 达标 with evidence, or, for households, once their data show every
guarantee met; the city office verifies and closes (销号). Every step is on the item's timeline.
"""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from rectification.models import ProblemItem
from rectification.services import NewItem, item_open
from supervision.models import ExitIndicator, IndicatorStatus, LedgerProblem
from supervision.selectors import campaign_rows, city_report_figures
from supervision.services import indicator_status_set, ledger_report_households, ledger_sync_households
from tests.factories import HouseholdFactory, VillageFactory
from villages.models import Household

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ALL_MET = {"food_ok": True, "clothing_ok": True, "education_ok": True, "medical_ok": True, "housing_ok": True,
           "water_ok": True}


def on(day, hour=10):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False)


def post_indicator(client, lv, indicator, **data):
    p = f"i{indicator.pk}-"
    files = {f"{p}evidence_file": data.pop("evidence_file")} if "evidence_file" in data else {}
    return client.post(reverse("supervision:indicator_update", args=[lv.pk, indicator.pk]),
                       {**{f"{p}{k}": v for k, v in data.items()}, **files})


def move(client, item, action, note=""):
    return client.post(reverse("rectification:item_move", args=[item.pk]), {"action": action, "note": note})


def timeline(item):
    return [(t.action, t.by.username) for t in item.transitions.select_related("by")]


def set_indicator(user, lv, indicator, result, day, evidence=""):
    return indicator_status_set(acting_user=user, listed_village=lv, indicator=indicator, result=result,
                                assessed_on=day, evidence=evidence)


@pytest.fixture
def power(db):
    return ExitIndicator.objects.get(name="电力")


# --- an indicator's item, from 未达标 to 销号 ------------------------------------------------------------

def test_an_indicator_failing_goes_through_report_verification_and_closing(client, officer_a, city_user, lv_a,
                                                                           transport, settings):
    client.force_login(officer_a)
    with on(D(2020, 4, 10)):
        response = post_indicator(client, lv_a, transport, result="not_met", assessed_on="2020-04-10",
                                  evidence="村内主干道3公里未硬化")
        assert response.status_code == 302
    item = ProblemItem.objects.get()
    problem = item.source
    assert isinstance(problem, LedgerProblem) and problem.kind == "indicator" and problem.found_by == officer_a
    assert problem.indicator_status.indicator == transport and problem.listed_village == lv_a
    assert (item.status, item.source_kind, item.letter, item.team) == ("pending", "supervision", None, None)
    assert (item.county_id, item.village_id, item.category) == (lv_a.county_id, lv_a.village_id, "退出指标：交通")
    assert item.description == "大营村退出指标“交通”未达标：村内主干道3公里未硬化"
    assert item.deadline == D(2020, 9, 30)  # HN 三: the listing's target date

    # The county may not verify or close its own item.
    with on(D(2020, 4, 11)):
        assert move(client, item, "verify_pass").status_code == 403
        assert move(client, item, "close").status_code == 403

    # The county's 达标 with evidence is its report on the item.
    with on(D(2020, 5, 20)):
        photo = SimpleUploadedFile("验收单.png", PNG, content_type="image/png")
        response = post_indicator(client, lv_a, transport, result="met", assessed_on="2020-05-20",
                                  evidence="通村硬化路已验收", evidence_file=photo)
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
    assert "督战台账问题已报告整改，待市扶贫办核查销号" in page
    item.refresh_from_db()
    assert item.status == "reported" and not item.is_verified
    assert item.report == "2020年5月20日认定“交通”达标：通村硬化路已验收（附佐证材料：验收单.png）"
    assert timeline(item) == [("start", "officer_a"), ("report", "officer_a")]

    # The city office verifies (against the evidence on the village page) and closes: 销号.
    client.force_login(city_user)
    with on(D(2020, 5, 21)):
        assert "核查通过" in client.get(item.get_absolute_url()).content.decode()
        assert move(client, item, "verify_pass").status_code == 302
        assert move(client, item, "close", "对账销号").status_code == 302
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_on == D(2020, 5, 21) and item.verified_by == city_user
    assert timeline(item) == [("start", "officer_a"), ("report", "officer_a"), ("verify_pass", "city"),
                              ("close", "city")]
    with on(D(2020, 5, 21)):
        body = client.get(lv_a.get_absolute_url()).content.decode()
    card = body.split(f'id="indicator-{transport.pk}"')[1].split('id="indicator-')[0]
    assert "已销号" in card and "2020年5月21日销号" in card


def test_marking_it_failing_again_while_open_opens_nothing_new(officer_a, lv_a, transport):
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10), evidence="仍未硬化")
    assert ProblemItem.objects.count() == 1 and LedgerProblem.objects.count() == 1


def test_a_second_failure_after_closing_is_a_new_problem_and_the_first_stays_closed(officer_a, city_user, lv_a,
                                                                                    transport):
    from rectification.services import item_close, item_verify

    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
    with on(D(2020, 5, 20)):
        set_indicator(officer_a, lv_a, transport, "met", D(2020, 5, 20), evidence="已硬化")
        first = ProblemItem.objects.get()
        item_verify(acting_user=city_user, item=first, passed=True)
        item_close(acting_user=city_user, item=first)
    with on(D(2020, 7, 2)):
        # A flood washed the road away: the same indicator fails again.
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 7, 2), evidence="汛期道路损毁")
    first.refresh_from_db()
    assert first.status == "closed" and first.closed_on == D(2020, 5, 20)  # its 销号 stands
    second = ProblemItem.objects.exclude(pk=first.pk).get()
    assert second.status == "pending" and "汛期道路损毁" in second.description
    assert second.source.indicator_status == first.source.indicator_status  # the same indicator, a new problem
    assert LedgerProblem.objects.count() == 2
    with on(D(2020, 7, 31)):
        may = city_report_figures(listing=lv_a.listing, city=lv_a.county.city, month=D(2020, 5, 1))
        july = city_report_figures(listing=lv_a.listing, city=lv_a.county.city, month=D(2020, 7, 1))
    assert (may["ledger_opened"], may["ledger_closed"]) == (0, 1)
    assert (july["ledger_opened"], july["ledger_closed"], july["ledger_open"]) == (1, 0, 1)


def test_the_city_office_does_not_report_for_the_county_and_nothing_is_written(client, officer_a, city_user, lv_a,
                                                                               transport, settings):
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
    client.force_login(city_user)
    with on(D(2020, 5, 20)):
        photo = SimpleUploadedFile("验收单.png", PNG, content_type="image/png")
        response = post_indicator(client, lv_a, transport, result="met", assessed_on="2020-05-20", evidence="已硬化",
                                  evidence_file=photo)
    assert response.status_code == 400
    assert "认定达标即报告整改情况，须由登封市扶贫办填报" in response.content.decode()
    status = IndicatorStatus.objects.get()
    assert status.result == "not_met" and not status.evidence_file and status.history.count() == 1
    assert ProblemItem.objects.get().status == "pending" and not ProblemItem.objects.get().transitions.exists()
    assert not (settings.VAR_DIR / "private").exists() or not any((settings.VAR_DIR / "private").rglob("*.png"))


def test_after_the_report_the_county_cannot_take_it_back_but_the_city_office_sends_it_back(client, officer_a,
                                                                                          city_user, lv_a, transport):
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
    with on(D(2020, 5, 20)):
        set_indicator(officer_a, lv_a, transport, "met", D(2020, 5, 20), evidence="已硬化")
        with pytest.raises(ValidationError, match="等待市扶贫办核查，不能改为未达标"):
            set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 5, 20))
    item = ProblemItem.objects.get()
    assert item.status == "reported" and IndicatorStatus.objects.get().result == "met"
    # On a look at the road the city office finds it not met: the item goes back to 整改中, with the reason.
    with on(D(2020, 5, 25)):
        set_indicator(city_user, lv_a, transport, "not_met", D(2020, 5, 25), evidence="实地查看仍有1公里未硬化")
    item.refresh_from_db()
    assert item.status == "in_progress" and ProblemItem.objects.count() == 1
    last = item.transitions.last()
    assert (last.action, last.by, last.note) == ("verify_fail", city_user,
                                                 "2020年5月25日重新认定“交通”未达标：实地查看仍有1公里未硬化")
    # The county reports again with new evidence.
    with on(D(2020, 6, 5)):
        set_indicator(officer_a, lv_a, transport, "met", D(2020, 6, 5), evidence="全线硬化，已复验")
    item.refresh_from_db()
    assert item.status == "reported" and "全线硬化" in item.report


def test_an_indicator_met_from_the_start_puts_nothing_on_the_ledger(officer_a, lv_a, transport):
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "met", D(2020, 4, 10), evidence="已通硬化路")
    assert not ProblemItem.objects.exists()


def test_a_problem_found_after_the_target_date_gets_a_month(officer_a, lv_a, transport, settings):
    settings.SUPERVISION_LEDGER_MIN_DAYS = 30
    with on(D(2020, 9, 20)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 9, 20))
    assert ProblemItem.objects.get().deadline == D(2020, 10, 20)


# --- households: 两不愁三保障 at each check against the data ---------------------------------------------

@pytest.fixture
def households(lv_a, village_c, county_a):
    """In 登封市 (listed): two failing households (one in the listed village), one meeting all; in 南阳市 one failing."""
    elsewhere = VillageFactory(township=lv_a.village.township, name="东沟村")
    return {
        "张三": HouseholdFactory(village=lv_a.village, head_name="张三", **{**ALL_MET, "housing_ok": False, "water_ok": False}),
        "李四": HouseholdFactory(village=elsewhere, head_name="李四", **{**ALL_MET, "medical_ok": False}),
        "赵六": HouseholdFactory(village=lv_a.village, head_name="赵六", **ALL_MET),
        "王五": HouseholdFactory(village=village_c, head_name="王五", **{**ALL_MET, "food_ok": False}),
    }


def sync(client, listing):
    return client.post(reverse("supervision:ledger_sync", args=[listing.pk]), follow=True).content.decode()


def test_households_failing_become_items_reported_by_the_county_and_closed_at_the_check(
        client, city_user, officer_a, listing, households, lv_a):
    client.force_login(city_user)
    with on(D(2020, 4, 1)):
        body = sync(client, listing)
    assert "新建台账 2 条" in body
    items = {i.household.head_name: i for i in ProblemItem.objects.select_related("household")}
    assert set(items) == {"张三", "李四"}  # not 南阳市's 王五: the city office checks its own city
    zhang = items["张三"]
    assert zhang.description == "大营村贫困户张三“两不愁三保障”未达标：住房安全、饮水安全"
    assert (zhang.status, zhang.team, zhang.category, zhang.village_id) == ("pending", None, "两不愁三保障", lv_a.village_id)
    assert zhang.source.kind == "household" and zhang.source.listed_village == lv_a
    assert items["李四"].source.listed_village is None  # a household of the listed county outside the listed villages

    # Run again: nothing new, nothing closed.
    with on(D(2020, 4, 2)):
        body = sync(client, listing)
    assert "新建台账 0 条；县已报告的 0 条核对一致已销号" in body and ProblemItem.objects.count() == 2

    # The county fixes 张三's house and water and updates the data — then reports from the ledger page.
    households["张三"].housing_ok = households["张三"].water_ok = True
    households["张三"].save()
    with on(D(2020, 4, 3)):
        body = sync(client, listing)
    assert "另有 1 条的贫困户数据已显示达标，待县（市、区）扶贫办报告整改情况后销号" in body
    zhang.refresh_from_db()
    assert zhang.status == "pending"  # not closed silently: the county reports first
    client.force_login(officer_a)
    with on(D(2020, 4, 5)):
        page = client.get(reverse("supervision:ledger_list")).content.decode()
        assert "报告数据已达标的户（1 条）" in page
        client.post(reverse("supervision:ledger_report_households", args=[listing.pk]))
    zhang.refresh_from_db()
    assert zhang.status == "reported" and "六项均已保障" in zhang.report
    assert timeline(zhang) == [("start", "officer_a"), ("report", "officer_a")]
    assert ProblemItem.objects.get(household__head_name="李四").status == "pending"

    # The city office's next check verifies the report against the data and closes it (对账销号).
    client.force_login(city_user)
    with on(D(2020, 4, 8)):
        body = sync(client, listing)
    assert "新建台账 0 条；县已报告的 1 条核对一致已销号，0 条数据仍未达标已退回整改" in body
    zhang.refresh_from_db()
    assert zhang.status == "closed" and zhang.closed_on == D(2020, 4, 8)
    assert timeline(zhang) == [("start", "officer_a"), ("report", "officer_a"), ("verify_pass", "city"),
                               ("close", "city")]
    with on(D(2020, 4, 9)):
        assert "新建台账 0 条；县已报告的 0 条" in sync(client, listing)

    # 张三 fails again later: a new problem, the closed one stays closed.
    households["张三"].food_ok = False
    households["张三"].save()
    with on(D(2020, 6, 1)):
        assert "新建台账 1 条" in sync(client, listing)
    assert ProblemItem.objects.filter(household__head_name="张三").count() == 2
    zhang.refresh_from_db()
    assert zhang.status == "closed"


def test_a_report_the_data_do_not_bear_out_is_sent_back(client, city_user, officer_a, listing, households):
    client.force_login(city_user)
    with on(D(2020, 4, 1)):
        sync(client, listing)
    li = ProblemItem.objects.get(household__head_name="李四")
    from rectification.services import item_report, item_start

    # The county reports from the item's page once the household's data say 基本医疗 met — and before the check
    # the data say it is not met after all.
    household = li.household
    with on(D(2020, 4, 2)):
        item_start(acting_user=officer_a, item=li)
        with pytest.raises(ValidationError, match="李四户的贫困户数据仍显示基本医疗未保障或未填写，不能报告整改情况"):
            item_report(acting_user=officer_a, item=li, evidence="已办理医保")
        household.medical_ok = True
        household.save()
        item_report(acting_user=officer_a, item=li, evidence="已办理医保")
        household.medical_ok = None
        household.save()
        body = sync(client, listing)
    assert "1 条数据仍未达标已退回整改" in body
    li.refresh_from_db()
    assert li.status == "in_progress"
    assert li.transitions.last().note == "与贫困户数据核对：基本医疗仍未保障或未填写，退回整改"


def test_who_may_check_and_who_may_report(client, city_user, officer_a, listing, households):
    client.force_login(officer_a)
    assert client.post(reverse("supervision:ledger_sync", args=[listing.pk])).status_code == 403
    assert not ProblemItem.objects.exists()
    with pytest.raises(ValidationError):
        ledger_sync_households(acting_user=officer_a, listing=listing)
    client.force_login(city_user)
    sync(client, listing)
    households["张三"].housing_ok = households["张三"].water_ok = True
    households["张三"].save()
    # The city office does not report for the county.
    assert client.post(reverse("supervision:ledger_report_households", args=[listing.pk])).status_code == 403
    with pytest.raises(ValidationError, match="只有县（市、区）扶贫办可以报告"):
        ledger_report_households(acting_user=city_user, listing=listing)
    assert not ProblemItem.objects.filter(status="reported").exists()
    assert "报告数据已达标的户" not in client.get(reverse("supervision:ledger_list")).content.decode()


# --- scoping -------------------------------------------------------------------------------------------

def test_another_countys_ledger_item_is_404_and_the_province_sees_every_listed_county(
        client, officer_a, officer_b, officer_c, province_user, city_user, listing, lv_a, lv_b, lv_c, transport):
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
        set_indicator(officer_b, lv_b, transport, "not_met", D(2020, 4, 10))
        set_indicator(officer_c, lv_c, transport, "not_met", D(2020, 4, 10))
    item_a = ProblemItem.objects.get(county=lv_a.county)

    def ledger(user):
        client.force_login(user)
        response = client.get(reverse("supervision:ledger_list"))
        return {i.county.name for i in response.context["page"].object_list}

    assert ledger(officer_a) == {"登封市"}
    assert ledger(officer_b) == {"巩义市"}
    assert ledger(city_user) == {"登封市", "巩义市"}
    assert ledger(province_user) == {"登封市", "巩义市", "新野县"}
    for user in (officer_b, officer_c):
        client.force_login(user)
        assert client.get(item_a.get_absolute_url()).status_code == 404
        assert move(client, item_a, "start").status_code == 404
        export = client.get(reverse("supervision:ledger_export"))
        rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
        assert all(r[2] != "登封市" for r in rows[1:]) and len(rows) == 2
    assert not item_a.transitions.exists()


def test_item_open_refuses_what_it_must_and_writes_nothing(officer_a, officer_b, lv_a, transport):
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
        problem = LedgerProblem.objects.get()
        fresh = LedgerProblem.objects.create(listing=lv_a.listing, kind="indicator", listed_village=lv_a,
                                             indicator_status=problem.indicator_status)

        def open_(user, source, deadline=None, county=lv_a.county_id, description="问题"):
            return item_open(acting_user=user, source_kind="supervision", deadline=deadline or D(2020, 9, 30),
                             problems=[NewItem(source=source, county_id=county, description=description)])

        with pytest.raises(ValidationError, match="已列入整改，不能重复列入"):
            open_(officer_a, problem)
        with pytest.raises(ValidationError, match="不在您可以查看的县"):
            open_(officer_b, fresh)
        with pytest.raises(ValidationError, match="不能早于今天"):
            open_(officer_a, fresh, deadline=D(2020, 4, 9))
        with pytest.raises(ValidationError, match="请填写问题描述"):
            open_(officer_a, fresh, description="  ")
        assert ProblemItem.objects.count() == 1
        assert open_(officer_a, fresh)[0].deadline == D(2020, 9, 30)


# --- figures: the campaign view and the monthly report --------------------------------------------------

@pytest.fixture
def known_ledger(officer_a, officer_b, city_user, lv_a, lv_b, transport, power):
    """登封市 (lv_a): 交通 open, 电力 closed in May, a household item open. 巩义市 (lv_b): 交通 reported, due 2020-10-15."""
    from rectification.services import item_close, item_verify

    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
        set_indicator(officer_a, lv_a, power, "not_met", D(2020, 4, 10))
        HouseholdFactory(village=lv_a.village, head_name="张三", **{**ALL_MET, "housing_ok": False})
        ledger_sync_households(acting_user=city_user, listing=lv_a.listing)
    with on(D(2020, 5, 20)):
        set_indicator(officer_a, lv_a, power, "met", D(2020, 5, 20), evidence="已通动力电")
        item = ProblemItem.objects.get(category="退出指标：电力")
        item_close(acting_user=city_user, item=item_verify(acting_user=city_user, item=item, passed=True))
    with on(D(2020, 9, 15)):
        set_indicator(officer_b, lv_b, transport, "not_met", D(2020, 9, 15))
    with on(D(2020, 9, 20)):
        set_indicator(officer_b, lv_b, transport, "met", D(2020, 9, 20), evidence="已硬化")
    assert ProblemItem.objects.get(county=lv_b.county).deadline == D(2020, 10, 15)


def test_campaign_figures_open_closed_overdue_per_county_and_village(client, city_user, listing, known_ledger, lv_a,
                                                                     lv_b, django_assert_max_num_queries):
    client.force_login(city_user)
    with on(D(2020, 10, 1)), django_assert_max_num_queries(25):
        response = client.get(listing.get_absolute_url())
    (county,) = response.context["county_rows"]  # only 登封市 is a listed county
    assert {k: county["ledger"][k] for k in ("open", "closed", "overdue", "reported")} == \
        {"open": 2, "closed": 1, "overdue": 2, "reported": 0}
    villages = {r["listed"].pk: r["ledger"] for r in response.context["village_rows"]}
    assert {k: villages[lv_a.pk][k] for k in ("open", "closed", "overdue")} == {"open": 2, "closed": 1, "overdue": 2}
    # 巩义市's item is reported and within its deadline (found 15 days before the target date: 30 days to rectify).
    assert {k: villages[lv_b.pk][k] for k in ("open", "closed", "overdue", "reported")} == \
        {"open": 1, "closed": 0, "overdue": 0, "reported": 1}
    assert "2 <span class=\"text-danger\">（2）</span> / 1" in response.content.decode()
    with on(D(2020, 9, 30)):
        (county,) = campaign_rows(user=city_user, listing=listing)[0]
    assert county["ledger"]["overdue"] == 0  # due on the 30th: not yet overdue that day
    with on(D(2020, 10, 1)):
        export = client.get(reverse("supervision:campaign_export", args=[listing.pk]))
    header, *rows = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True)
    row = dict(zip(header, next(r for r in rows if r[0] == "挂牌督战县"), strict=True))
    assert (row["台账未销号"], row["其中逾期"], row["台账已销号"]) == (2, 2, 1)


def test_monthly_report_counts_items_opened_and_closed_in_the_month(client, city_user, listing, known_ledger):
    city = city_user.city
    with on(D(2020, 10, 1)):
        april = city_report_figures(listing=listing, city=city, month=D(2020, 4, 1))
        may = city_report_figures(listing=listing, city=city, month=D(2020, 5, 1))
        september = city_report_figures(listing=listing, city=city, month=D(2020, 9, 1))
    assert (april["ledger_opened"], april["ledger_closed"]) == (3, 0)
    assert (may["ledger_opened"], may["ledger_closed"]) == (0, 1)
    assert (september["ledger_opened"], september["ledger_closed"]) == (1, 0)
    assert (september["ledger_open"], september["ledger_reported"], september["ledger_overdue"]) == (3, 1, 2)
    client.force_login(city_user)
    with on(D(2020, 9, 24)):
        form = client.get(reverse("supervision:report_submit") + "?month=2020-09").content.decode()
    assert "其中已报告整改、待核查（条）" in form


# --- the ledger page -------------------------------------------------------------------------------------

def test_the_ledger_page_keeps_its_query_count_as_items_grow(client, city_user, officer_a, listing, lv_a,
                                                             django_assert_max_num_queries):
    def load():
        with on(D(2020, 4, 20)), django_assert_max_num_queries(9):
            response = client.get(reverse("supervision:ledger_list"))
        return len(response.context["page"].object_list)

    client.force_login(city_user)
    HouseholdFactory(village=lv_a.village, housing_ok=False)
    with on(D(2020, 4, 10)):
        ledger_sync_households(acting_user=city_user, listing=listing)
    assert load() == 1
    for _ in range(20):
        HouseholdFactory(village=lv_a.village, food_ok=False)
    with on(D(2020, 4, 11)):
        ledger_sync_households(acting_user=city_user, listing=listing)
    assert load() == 21


def test_big_rounds_go_in_batches_each_request_short(client, city_user, officer_a, listing, households, monkeypatch):
    import supervision.services

    monkeypatch.setattr(supervision.services, "LEDGER_BATCH", 1)
    client.force_login(city_user)
    with on(D(2020, 4, 1)):
        sync(client, listing)
    for name in ("张三", "李四"):
        households[name].__dict__.update(ALL_MET)
        households[name].save()
    client.force_login(officer_a)
    url = reverse("supervision:ledger_report_households", args=[listing.pk])
    with on(D(2020, 4, 2)):
        body = client.post(url, follow=True).content.decode()
    assert "已报告 1 户" in body and "还有 1 户待报告" in body
    assert ProblemItem.objects.filter(status="reported").count() == 1
    with on(D(2020, 4, 2)):
        body = client.post(url, follow=True).content.decode()
    assert "还有" not in body and ProblemItem.objects.filter(status="reported").count() == 2
    client.force_login(city_user)
    with on(D(2020, 4, 3)):
        assert "还有 1 条县已报告的台账问题待核对" in sync(client, listing)
        assert "还有" not in sync(client, listing)
    assert ProblemItem.objects.filter(status="closed").count() == 2


def test_a_round_costs_the_same_queries_for_thirty_households_as_for_three(client, city_user, officer_a, listing,
                                                                           lv_a):
    """The county's report and the city office's check move their items together (rectification's items_move):
    a few queries a round, not a dozen an item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def round_of(n, day):
        households = [HouseholdFactory(village=lv_a.village, housing_ok=False) for _ in range(n)]
        client.force_login(city_user)
        with on(day):
            sync(client, listing)
        Household.objects.filter(pk__in=[h.pk for h in households]).update(**ALL_MET)
        counts = []
        for user, url in ((officer_a, reverse("supervision:ledger_report_households", args=[listing.pk])),
                          (city_user, reverse("supervision:ledger_sync", args=[listing.pk]))):
            client.force_login(user)
            with on(day + datetime.timedelta(days=1)), CaptureQueriesContext(connection) as ctx:
                assert client.post(url).status_code == 302
            counts.append(len(ctx))
        items = ProblemItem.objects.filter(household__in=households)
        assert [i.status for i in items] == ["closed"] * n
        assert {tuple(a for a, _ in timeline(i)) for i in items} == {("start", "report", "verify_pass", "close")}
        return counts

    few = round_of(3, D(2020, 4, 1))
    assert round_of(30, D(2020, 5, 1)) == few
    assert few[0] <= 21 and few[1] <= 30, few  # the report reads the households once more: their data bear it out


def test_the_admin_shows_each_ledger_problem_with_its_item_and_changes_nothing(client, admin_user, officer_a, lv_a,
                                                                               transport):
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
    problem = LedgerProblem.objects.get()
    client.force_login(admin_user)
    body = client.get(reverse("admin:supervision_ledgerproblem_changelist")).content.decode()
    assert "大营村：交通未达标" in body and "待整改" in body
    body = client.get(reverse("admin:supervision_ledgerproblem_change", args=[problem.pk])).content.decode()
    assert ProblemItem.objects.get().get_absolute_url() in body
    assert client.post(reverse("admin:supervision_ledgerproblem_delete", args=[problem.pk]), {"post": "yes"}).status_code == 403
    assert LedgerProblem.objects.count() == 1
    body = client.get(reverse("admin:rectification_problemitem_changelist"), {"source_kind__exact": "supervision"})
    assert "大营村退出指标“交通”未达标" in body.content.decode()
