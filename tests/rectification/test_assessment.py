"""整改率 page, notices (通报表扬/批评 with 加分/扣分, HY 六) and the yearly assessment table per county and group."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from rectification import services
from rectification.choices import ItemStatus, LetterStatus, NoticeKind
from rectification.models import Notice, ProblemItem, RectificationLetter
from tests.factories import CityFactory, CountyFactory, UserFactory

D = datetime.date
NOW = datetime.datetime(2018, 10, 15, 9, 0)


@pytest.fixture
def known(county_a, county_b, group_1, group_2, hy_campaign, city_user, leader_1):
    """登封市: 5 items of 2018 (3 closed, 1 overdue, 1 not yet due), 2 letters (1 on time, 1 late);
    巩义市: 2 items (1 overdue); a 2019 item that the 2018 table leaves out."""
    def letter(county, team, issued, due, serial):
        return RectificationLetter.objects.create(
            campaign=hy_campaign, team=team, county=county, addressee="扶贫办", prefix="河扶督", created_by=leader_1,
            status=LetterStatus.ISSUED, year=issued.year, serial=serial, issued_on=issued, due_on=due)

    l1 = letter(county_a, group_1, D(2018, 7, 13), D(2018, 7, 16), 1)
    l2 = letter(county_a, group_1, D(2018, 8, 20), D(2018, 8, 15), 2)  # late
    l3 = letter(county_b, group_2, D(2018, 7, 20), D(2018, 7, 23), 3)

    def item(county, team, letter, deadline, closed_on=None):
        ProblemItem.objects.create(county=county, team=team, letter=letter, description="问题", deadline=deadline,
                                   closed_on=closed_on, status=ItemStatus.CLOSED if closed_on else ItemStatus.IN_PROGRESS)

    item(county_a, group_1, l1, D(2018, 9, 30), D(2018, 9, 20))
    item(county_a, group_1, l1, D(2018, 9, 30))  # overdue
    item(county_a, group_1, l2, D(2018, 11, 30), D(2018, 10, 10))  # closed early
    item(county_a, group_1, l2, D(2018, 11, 30))  # not due yet
    item(county_a, group_1, l1, D(2018, 8, 31), D(2018, 9, 10))  # closed late
    item(county_b, group_2, l3, D(2018, 9, 30))  # overdue
    item(county_b, group_2, l3, D(2018, 10, 31))
    item(county_a, group_1, None, D(2019, 3, 31))
    with time_machine.travel(NOW):
        services.notice_issue(acting_user=city_user, county=county_a, kind=NoticeKind.PRAISE, points=2, reason="整改到位",
                              issued_on=D(2018, 10, 12))
        services.notice_issue(acting_user=city_user, county=county_b, kind=NoticeKind.CRITICISM, points="1.5",
                              reason="整改不力", unit="回郭镇", issued_on=D(2018, 10, 12))


def test_the_yearly_table_per_county_and_group(known, city_user, settings):
    from rectification.selectors import assessment

    settings.RECTIFICATION_RATE_POINTS = 10
    with time_machine.travel(NOW):
        table = assessment(city_user, 2018)
    rows = {r["county"].name: r for r in table["rows"]}
    a, b = rows["登封市"], rows["巩义市"]
    assert (a["letters"], a["items"], a["closed"], a["overdue"], a["due"]) == (2, 5, 3, 1, 4)
    assert a["rate"] == 75.0 and a["adjust"] == Decimal("2.0") and a["score"] == Decimal("9.5")  # 7.5 + 2
    assert (b["letters"], b["items"], b["closed"], b["overdue"]) == (1, 2, 0, 1)
    assert b["rate"] == 0.0 and b["criticism"] == 1 and b["score"] == Decimal("-1.5")
    groups = {g["team__name"]: g for g in table["groups"]}
    assert (groups["第一组"]["issued"], groups["第一组"]["on_time"], groups["第一组"]["late"]) == (2, 1, 1)
    assert groups["第一组"]["rate"] == 75.0 and groups["第二组"]["late"] == 0


def test_the_table_page_the_formula_and_its_export(client, known, city_user, officer_a):
    client.force_login(city_user)
    with time_machine.travel(NOW):
        page = client.get(reverse("rectification:assessment"), {"year": 2018}).content.decode()
        assert "整改考核得分 = 整改率 × 10 分 + 通报加减分" in page and "75.0%" in page
        response = client.get(reverse("rectification:assessment"), {"year": 2018, "format": "xlsx"})
    header, *rows = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    assert header[0] == "县（市、区）" and header[-1] == "整改考核得分"
    assert {r[0]: r[-1] for r in rows} == {"郑州市登封市": 9.5, "郑州市巩义市": -1.5}
    client.force_login(officer_a)  # a county sees its own row only
    with time_machine.travel(NOW):
        page = client.get(reverse("rectification:assessment"), {"year": 2018}).content.decode()
    assert "登封市" in page and "巩义市" not in page


def test_the_assessment_does_not_query_per_county(client, known, city_user, django_assert_max_num_queries):
    client.force_login(city_user)
    url = reverse("rectification:assessment")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url, {"year": 2018})
    for n in range(4):  # four more counties with letters, items and notices
        county = CountyFactory(city=city_user.city, name=f"新县{n}")
        ProblemItem.objects.create(county=county, description="问题", deadline=D(2018, 9, 1), status=ItemStatus.PENDING)
        Notice.objects.create(county=county, kind=NoticeKind.PRAISE, score_change=1, reason="好", issued_on=D(2018, 9, 1),
                              issued_by=city_user)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        page = client.get(url, {"year": 2018}).content.decode()
    assert "新县3" in page


def test_the_rate_page_shows_the_formula_per_county_group_and_period(client, known, city_user, officer_a):
    client.force_login(city_user)
    with time_machine.travel(NOW):
        page = client.get(reverse("rectification:rates")).content.decode()
        assert "整改率 = 已销号问题数 ÷（已到整改期限的问题数 + 提前销号的问题数）" in page
        table = page.split('id="rates"')[1]
        assert "登封市" in table and "75.0%" in table and "巩义市" in table and "0.0%" in table
        table = client.get(reverse("rectification:rates"), {"by": "team", "year": 2018}).content.decode().split('id="rates"')[1]
        assert "第一组" in table and "第二组" in table
        table = client.get(reverse("rectification:rates"), {"by": "quarter", "year": 2018}).content.decode().split('id="rates"')[1]
        assert "2018年第三季度" in table and "2018年第四季度" in table
        client.force_login(officer_a)
        table = client.get(reverse("rectification:rates")).content.decode().split('id="rates"')[1]
        assert "登封市" in table and "巩义市" not in table
        # The provincial office sees counties of every city: each named with its city.
        client.force_login(UserFactory(username="province", role="city", city=None, county=None))
        table = client.get(reverse("rectification:rates")).content.decode().split('id="rates"')[1]
    assert "郑州市登封市" in table and "郑州市巩义市" in table


# --- notices ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kw, field, message", [
    ({"points": 0}, "points", "请填写大于 0 的分值"),
    ({"points": 6}, "points", "每次通报的加减分不能超过 5 分"),
    ({"reason": " "}, "reason", "请写明通报的事由"),
    ({"issued_on": D(2018, 10, 16)}, "issued_on", "通报日期不能晚于今天"),
    ({"kind": "medal"}, "kind", "请选择通报表扬或通报批评"),
])
def test_bad_notices_are_refused_and_nothing_is_written(county_a, city_user, kw, field, message):
    args = {"kind": NoticeKind.PRAISE, "points": 2, "reason": "整改到位", "issued_on": D(2018, 10, 12), **kw}
    with time_machine.travel(NOW), pytest.raises(ValidationError) as e:
        services.notice_issue(acting_user=city_user, county=county_a, **args)
    assert message in e.value.message_dict[field][0]
    assert not Notice.objects.exists()


def test_only_the_city_office_of_the_county_issues_notices(client, county_a, officer_a, leader_1, city_user):
    other_city = UserFactory(username="luoyang", role="city", city=CityFactory(name="洛阳市"), county=None)
    for refused in (officer_a, leader_1, other_city):
        with pytest.raises(ValidationError, match="只有市扶贫办"):
            services.notice_issue(acting_user=refused, county=county_a, kind=NoticeKind.CRITICISM, points=1, reason="差")
    client.force_login(officer_a)
    assert client.post(reverse("rectification:notice_list"), {"kind": "praise"}).status_code == 403
    assert not Notice.objects.exists()


def test_the_notice_page_issues_and_lists(client, county_a, county_b, city_user, officer_a):
    client.force_login(city_user)
    with time_machine.travel(NOW):
        response = client.post(reverse("rectification:notice_list"), {
            "kind": "criticism", "county": county_b.pk, "unit": "", "points": "9", "reason": "整改不力",
            "issued_on": "2018-10-12", "document_number": ""})
        assert response.status_code == 400 and "每次通报的加减分不能超过 5 分" in response.content.decode()
        page = client.post(reverse("rectification:notice_list"), {
            "kind": "criticism", "county": county_b.pk, "unit": "回郭镇", "points": "1.5", "reason": "整改不力",
            "issued_on": "2018-10-12", "document_number": "河扶督通〔2018〕3号"}, follow=True).content.decode()
    assert "已通报批评巩义市回郭镇（-1.5分）。" in page
    assert Notice.objects.get().score_change == Decimal("-1.5")
    client.force_login(officer_a)  # 登封市 does not see 巩义市's notice
    assert not client.get(reverse("rectification:notice_list")).context["page"].object_list
