"""An exit indicator and its ledger item agree, whichever page a move is made on (HN 四(二) 逐一对账销号).

The county reports an indicator's item by marking the indicator 达标 with evidence on the listed
village's page; the item's page sends it there. What the city office decides on the item's page —
退回整改, 重新打开 — puts the indicator back to 未达标 with the reason; nothing is verified or closed
while the indicator is 未达标. One item of an indicator (or a household) is open at a time.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rectification.models import EvidenceFile, ProblemItem
from supervision.models import IndicatorStatus
from tests.factories import HouseholdFactory

from .test_ledger import ALL_MET, PNG, D, on, post_indicator, set_indicator, sync, timeline


def move(client, item, action, note="", **files):
    return client.post(reverse("rectification:item_move", args=[item.pk]), {"action": action, "note": note, **files},
                       follow=True)


def buttons(page):
    form = page.split('id="move-form"', 1)[1].split("</form>", 1)[0] if 'id="move-form"' in page else ""
    return {label for label in ("开始整改", "报告整改进展", "报告整改情况", "核查通过", "核查未通过，退回整改", "销号", "重新打开")
            if f">{label}</button>" in form}


def note_of(page):
    return page.split('id="source-note"', 1)[1].split("</div>", 1)[0]


def status():
    return IndicatorStatus.objects.get()


def test_the_item_page_sends_the_county_to_the_indicator_and_refuses_the_report_there(client, officer_a, city_user,
                                                                                     lv_a, transport):
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10), evidence="主干道未硬化")
    item = ProblemItem.objects.get()
    client.force_login(officer_a)
    with on(D(2020, 4, 11)):
        page = move(client, item, "start").content.decode()
    assert buttons(page) == {"报告整改进展"}  # 报告整改情况 is made on the indicator
    note = note_of(page)
    assert "大营村退出指标“交通”未达标" in note and "在挂牌督战村页面认定“达标”并写明佐证" in note
    assert f'href="{lv_a.get_absolute_url()}#indicator-{transport.pk}"' in note

    # A report posted on the item page anyway (an old page, a typed URL) is refused in words; nothing changes.
    with on(D(2020, 5, 20)):
        photo = SimpleUploadedFile("验收单.png", PNG, content_type="image/png")
        page = move(client, item, "report", "已硬化", files=photo).content.decode()
    assert "此问题是大营村退出指标“交通”未达标：整改后请在挂牌督战村页面认定“达标”并写明佐证（可附材料），即报告整改情况。" in page
    item.refresh_from_db()
    assert item.status == "in_progress" and item.report == "" and timeline(item) == [("start", "officer_a")]
    assert not EvidenceFile.objects.exists() and status().result == "not_met"

    # Progress notes stay on the item page: they change neither the item's state nor the indicator.
    with on(D(2020, 5, 1)):
        move(client, item, "progress", "已完成路基")
    assert status().result == "not_met"

    # Reported where the page sends it: the indicator, 达标 with evidence.
    with on(D(2020, 5, 20)):
        post_indicator(client, lv_a, transport, result="met", assessed_on="2020-05-20", evidence="通村硬化路已验收")
    item.refresh_from_db()
    assert item.status == "reported" and timeline(item)[-1] == ("report", "officer_a")
    client.force_login(city_user)
    with on(D(2020, 5, 21)):
        page = client.get(item.get_absolute_url()).content.decode()
    assert buttons(page) == {"核查通过", "核查未通过，退回整改"}
    assert "2020年5月20日" in note_of(page) and "认定达标，即报告整改情况：通村硬化路已验收" in note_of(page)
    # The ledger has no group: the report waits in the city office's 我的待办.
    with on(D(2020, 5, 21)):
        todo = client.get(reverse("reminders:todo")).content.decode()
    assert "1项整改问题已报告整改，待市扶贫办核查销号" in todo and "其中挂牌督战台账1项。" in todo


def test_sent_back_on_the_item_page_the_indicator_is_not_met_again(client, officer_a, city_user, lv_a, transport):
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
    with on(D(2020, 5, 20)):
        set_indicator(officer_a, lv_a, transport, "met", D(2020, 5, 20), evidence="已硬化")
    item = ProblemItem.objects.get()
    versions = status().history.count()
    client.force_login(city_user)
    with on(D(2020, 5, 25)):
        move(client, item, "verify_fail", "照片看不清路面，请补充验收材料")
        village = client.get(lv_a.get_absolute_url()).content.decode()
    item.refresh_from_db()
    s = status()
    assert item.status == "in_progress"
    assert (s.result, s.assessed_on, s.updated_by) == ("not_met", D(2020, 5, 25), city_user)
    assert s.evidence == "2020年5月25日核查未通过，退回整改：照片看不清路面，请补充验收材料"
    assert s.history.count() == versions + 1  # the change is in the indicator's history too
    card = village.split(f'id="indicator-{transport.pk}"')[1].split('id="indicator-')[0]
    assert "未达标" in card and "照片看不清路面" in card

    # The county reports again on the indicator, and the item follows as before.
    with on(D(2020, 6, 5)):
        set_indicator(officer_a, lv_a, transport, "met", D(2020, 6, 5), evidence="已补充验收单")
    item.refresh_from_db()
    assert item.status == "reported" and ProblemItem.objects.count() == 1


def test_reopened_on_the_item_page_the_indicator_is_not_met_and_one_item_stays_open(client, officer_a, city_user,
                                                                                  lv_a, transport):
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
    with on(D(2020, 5, 20)):
        set_indicator(officer_a, lv_a, transport, "met", D(2020, 5, 20), evidence="已硬化")
    item = ProblemItem.objects.get()
    client.force_login(city_user)
    with on(D(2020, 5, 21)):
        move(client, item, "verify_pass")
        move(client, item, "close", "对账销号")
    assert status().result == "met"
    with on(D(2020, 6, 2)):
        move(client, item, "reopen", "群众反映路面已开裂")
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert (status().result, status().evidence) == ("not_met", "2020年6月2日台账问题重新打开：群众反映路面已开裂")

    # Closed again; later the indicator fails anew — a new problem. The old one cannot be reopened beside it.
    with on(D(2020, 6, 10)):
        set_indicator(officer_a, lv_a, transport, "met", D(2020, 6, 10), evidence="已修补")
        move(client, item, "verify_pass")
        move(client, item, "close")
    with on(D(2020, 7, 2)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 7, 2), evidence="汛期道路损毁")
        page = move(client, item, "reopen", "同一问题").content.decode()
    assert "同一指标已有未销号的台账问题（2020年7月2日建账，待整改），请在该问题上整改，不能重新打开此问题。" in page
    item.refresh_from_db()
    assert item.status == "closed" and ProblemItem.objects.filter(status="pending").count() == 1


def test_an_item_reported_while_its_indicator_is_not_met_is_not_closed_until_the_county_marks_it(
        client, officer_a, city_user, lv_a, transport):
    """An item reported on its own page before the two were kept in step: the city office cannot close it
    with the indicator left 未达标; once the county marks the indicator 达标, it verifies and closes."""
    with on(D(2020, 4, 10)):
        set_indicator(officer_a, lv_a, transport, "not_met", D(2020, 4, 10))
    item = ProblemItem.objects.get()
    ProblemItem.objects.filter(pk=item.pk).update(status="reported", report="已硬化")
    client.force_login(city_user)
    with on(D(2020, 5, 21)):
        page = client.get(item.get_absolute_url()).content.decode()
        assert buttons(page) == {"核查未通过，退回整改"}
        page = move(client, item, "verify_pass").content.decode()
        assert "大营村退出指标“交通”仍为未达标，不能核查通过：须由县（市、区）扶贫办在挂牌督战村页面认定达标" in page
        ProblemItem.objects.filter(pk=item.pk).update(verified_at="2020-05-21T10:00+08:00")
        assert "不能销号" in move(client, item, "close").content.decode()
    item.refresh_from_db()
    assert item.status == "reported" and not item.transitions.exists() and status().result == "not_met"

    client.force_login(officer_a)
    with on(D(2020, 5, 22)):
        post_indicator(client, lv_a, transport, result="met", assessed_on="2020-05-22", evidence="已硬化，附验收单")
    item.refresh_from_db()
    assert item.status == "reported" and not item.transitions.exists()  # already reported: not reported twice
    client.force_login(city_user)
    with on(D(2020, 5, 23)):
        move(client, item, "close", "对账销号")
    item.refresh_from_db()
    assert (item.status, status().result) == ("closed", "met")


def test_a_households_closed_item_is_not_reopened_beside_its_newer_one(client, city_user, officer_a, listing, lv_a):
    household = HouseholdFactory(village=lv_a.village, head_name="张三", **{**ALL_MET, "water_ok": False})
    client.force_login(city_user)
    with on(D(2020, 4, 1)):
        sync(client, listing)
    household.water_ok = True
    household.save()
    client.force_login(officer_a)
    with on(D(2020, 4, 2)):
        client.post(reverse("supervision:ledger_report_households", args=[listing.pk]))
    client.force_login(city_user)
    with on(D(2020, 4, 3)):
        sync(client, listing)
    first = ProblemItem.objects.get()
    assert first.status == "closed"
    household.food_ok = False
    household.save()
    with on(D(2020, 5, 1)):
        sync(client, listing)
        page = move(client, first, "reopen", "复查发现仍缺粮").content.decode()
    assert "同一贫困户已有未销号的台账问题（2020年5月1日建账，待整改）" in page
    first.refresh_from_db()
    assert first.status == "closed" and ProblemItem.objects.count() == 2


def test_a_households_item_is_not_reported_or_closed_on_its_page_while_the_household_data_still_fail(
        client, city_user, officer_a, listing, lv_a):
    household = HouseholdFactory(village=lv_a.village, head_name="李四", **{**ALL_MET, "water_ok": False})
    client.force_login(city_user)
    with on(D(2020, 4, 1)):
        sync(client, listing)
    item = ProblemItem.objects.get()
    client.force_login(officer_a)
    with on(D(2020, 4, 2)):
        page = move(client, item, "start").content.decode()
        assert buttons(page) == {"报告整改进展"}
        assert "贫困户数据仍显示饮水安全未保障或未填写" in note_of(page)
        assert f'href="{household.get_absolute_url()}"' in note_of(page)
        # Posted anyway (an old page): refused in words, nothing changes.
        page = move(client, item, "report", "已通自来水").content.decode()
    assert "大营村李四户的贫困户数据仍显示饮水安全未保障或未填写，不能报告整改情况" in page
    item.refresh_from_db()
    assert item.status == "in_progress" and item.report == ""

    household.water_ok = True
    household.save()
    with on(D(2020, 4, 3)):
        page = move(client, item, "report", "已通自来水").content.decode()
    item.refresh_from_db()
    assert item.status == "reported" and "贫困户数据现显示六项均已保障" in note_of(page)

    # Changed back before the check: the city office cannot pass or close it on the item's page.
    household.water_ok = False
    household.save()
    client.force_login(city_user)
    with on(D(2020, 4, 6)):
        page = move(client, item, "verify_pass", "核对").content.decode()
    assert "不能核查通过" in page
    item.refresh_from_db()
    assert item.status == "reported"


@pytest.mark.django_db(transaction=True)
def test_sent_back_on_the_item_and_on_the_indicator_at_once_one_wins_and_they_agree(city_user, officer_a, lv_a,
                                                                                      transport):
    """Two city-office officers at once: one sends the item back on its page, the other marks the indicator
    未达标 on the village page. Both lock the indicator before the item, so neither waits on the other's
    lock (no deadlock); whoever comes second finds the work done, and the two records agree."""
    from rectification.services import item_verify
    from tests.factories import UserFactory
    from tests.rectification.test_concurrency import needs_postgresql, run_together

    needs_postgresql()
    colleague = UserFactory(username="city_2", role="city", city=city_user.city, county=None)
    for round_ in range(3):
        day = D(2020, 4, 10 + round_)
        with on(day):
            set_indicator(officer_a, lv_a, transport, "not_met", day)
            set_indicator(officer_a, lv_a, transport, "met", day, evidence="已硬化")
            item = ProblemItem.objects.get(status="reported")
            results = run_together(
                lambda i=item: item_verify(acting_user=city_user, item=i, passed=False, reason="照片与现场不符"),
                lambda d=day: set_indicator(colleague, lv_a, transport, "not_met", d, evidence="现场仍有1公里未硬化"))
        assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, ValidationError)], results
        item.refresh_from_db()
        assert item.status == "in_progress" and status().result == "not_met"
        assert item.transitions.filter(action="verify_fail").count() == round_ + 1  # one a round: the first
