"""Rectification letters (整改函, HY 四): drafting from findings or 共性问题, issuing and numbering."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from inspections.choices import ProblemKind, TripStatus
from inspections.models import Problem
from rectification import services
from rectification.choices import ItemStatus, LetterStatus, Severity, SourceKind
from rectification.models import LetterCounter, ProblemItem
from tests.factories import VillageFactory

from .conftest import TRIP_END, make_trip

JUL13 = datetime.date(2018, 7, 13)
AUG31 = datetime.date(2018, 8, 31)


def test_a_letter_from_all_findings_of_an_ended_trip(trip_1, leader_1):
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip_1)
    assert letter.status == LetterStatus.DRAFT and letter.number == ""
    assert letter.team == trip_1.team and letter.county == trip_1.county and letter.trip == trip_1
    # HY 四: 抄送所在县区党委、政府.
    assert letter.cc == "中共登封市委、登封市人民政府"
    assert letter.addressee == "登封市扶贫开发领导小组办公室"
    assert letter.prefix == "河扶督"
    items = list(letter.items.order_by("order"))
    assert [i.order for i in items] == [1, 2, 3]
    assert items[0].severity == Severity.MAJOR and items[1].severity == Severity.GENERAL
    assert all(i.source_kind == SourceKind.FINDING and i.status == ItemStatus.PENDING for i in items)
    assert items[0].source == trip_1.findings.order_by("pk").first()
    assert items[0].category == "扶贫政策落实情况" and items[0].team == trip_1.team


def test_a_letter_from_chosen_findings_and_never_twice(trip_1, leader_1):
    first, second, third = trip_1.findings.order_by("pk")
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip_1, findings=[second])
    assert [i.source for i in letter.items.all()] == [second]
    with pytest.raises(ValidationError, match="不能重复列入"):
        services.letter_draft_from_trip(acting_user=leader_1, trip=trip_1, findings=[first, second])
    assert ProblemItem.objects.count() == 1
    with pytest.raises(ValidationError, match="至少一个"):
        services.letter_draft_from_trip(acting_user=leader_1, trip=trip_1, findings=[])


def test_only_an_ended_trip_and_only_its_group_or_the_office(group_1, county_a, leader_1, leader_2, city_user, officer_a):
    ongoing = make_trip(group_1, county_a, TRIP_END, status=TripStatus.ONGOING, user=leader_1)
    with pytest.raises(ValidationError, match="督查结束后"):
        services.letter_draft_from_trip(acting_user=leader_1, trip=ongoing)
    ended = make_trip(group_1, county_a, datetime.date(2018, 8, 1), user=leader_1)
    for stranger in (leader_2, officer_a):
        with pytest.raises(ValidationError, match="不是第一组的成员"):
            services.letter_draft_from_trip(acting_user=stranger, trip=ended)
    assert ProblemItem.objects.count() == 0
    assert services.letter_draft_from_trip(acting_user=city_user, trip=ended).items.count() == 3


def test_issue_numbers_per_prefix_and_year_and_sets_deadlines(group_1, county_a, leader_1, city_user):
    trips = [make_trip(group_1, county_a, datetime.date(2018, 7, d), user=leader_1) for d in (3, 11, 20)]
    letters = [services.letter_draft_from_trip(acting_user=leader_1, trip=t) for t in trips]
    issued = [services.letter_issue(acting_user=leader_1, letter=lt, issued_on=JUL13, deadline=AUG31) for lt in letters[:2]]
    assert [lt.number for lt in issued] == ["河扶督〔2018〕1号", "河扶督〔2018〕2号"]
    assert set(issued[0].items.values_list("deadline", flat=True)) == {AUG31}
    # A new year starts again at 1.
    third = services.letter_issue(acting_user=city_user, letter=letters[2], issued_on=datetime.date(2019, 1, 3),
                                  deadline=datetime.date(2019, 2, 28))
    assert third.number == "河扶督〔2019〕1号" and third.issued_by == city_user
    assert LetterCounter.objects.get(prefix="河扶督", year=2018).last_serial == 2


def test_per_item_deadlines_and_bad_deadlines_are_refused(trip_1, leader_1):
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip_1)
    first, second, third = letter.items.order_by("order")
    with pytest.raises(ValidationError) as e:
        services.letter_issue(acting_user=leader_1, letter=letter, issued_on=JUL13,
                              deadlines={first.pk: AUG31, second.pk: datetime.date(2018, 7, 12)})
    messages = e.value.message_dict["deadline"]
    assert "第2项的整改期限（2018年7月12日）早于发函日期（2018年7月13日）。" in messages
    assert any("第3项" in m and "未定整改期限" in m for m in messages)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT and letter.serial is None
    assert not letter.items.exclude(deadline=None).exists()
    assert not LetterCounter.objects.exists()
    services.letter_issue(acting_user=leader_1, letter=letter, issued_on=JUL13, deadline=datetime.date(2018, 9, 30),
                          deadlines={first.pk: AUG31})
    assert dict(letter.items.values_list("order", "deadline")) == {1: AUG31, 2: datetime.date(2018, 9, 30),
                                                                   3: datetime.date(2018, 9, 30)}


def test_a_letter_without_items_or_issued_twice_is_refused(trip_1, leader_1):
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip_1)
    letter.items.all().delete()
    with pytest.raises(ValidationError, match="没有问题清单"):
        services.letter_issue(acting_user=leader_1, letter=letter, issued_on=JUL13, deadline=AUG31)
    other = make_trip(trip_1.team, trip_1.county, datetime.date(2018, 8, 2), user=leader_1)
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=other)
    services.letter_issue(acting_user=leader_1, letter=letter, issued_on=JUL13, deadline=AUG31)
    with pytest.raises(ValidationError, match="不能再次签发"):
        services.letter_issue(acting_user=leader_1, letter=letter, issued_on=JUL13, deadline=AUG31)
    assert LetterCounter.objects.get().last_serial == 1


def test_only_the_leader_or_the_office_issues(trip_1, leader_1, member_1, leader_2, officer_a):
    letter = services.letter_draft_from_trip(acting_user=member_1, trip=trip_1)
    for refused in (member_1, leader_2, officer_a):
        with pytest.raises(ValidationError, match="组长或市扶贫办"):
            services.letter_issue(acting_user=refused, letter=letter, issued_on=JUL13, deadline=AUG31)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_a_letter_from_common_problems_of_submitted_visits(campaign, county_a, county_b, village_a, make_visit,
                                                           city_user, leader_a, officer_a):
    campaign.document_number = "郑脱贫办〔2018〕28号"
    campaign.save()
    visit = make_visit(village_a, datetime.date(2018, 10, 9), problems=[
        {"category": 5, "kind": "common", "description": "帮扶计划不合格", "fix": ""},
        {"category": 6, "kind": "individual", "description": "明白栏未更新", "fix": "已现场更新"},
    ])
    common = Problem.objects.get(visit=visit, kind=ProblemKind.COMMON)
    individual = Problem.objects.get(visit=visit, kind=ProblemKind.INDIVIDUAL)
    # ZZ 五(三): 共性问题 go back to the county through the city office.
    for refused in (leader_a, officer_a):
        with pytest.raises(ValidationError, match="只有市扶贫办"):
            services.letter_draft_from_common_problems(acting_user=refused, county=county_a, problems=[common])
    with pytest.raises(ValidationError, match="只有共性问题"):
        services.letter_draft_from_common_problems(acting_user=city_user, county=county_a, problems=[individual])
    with pytest.raises(ValidationError, match="不属于巩义市"):
        services.letter_draft_from_common_problems(acting_user=city_user, county=county_b, problems=[common])
    draft = make_visit(VillageFactory(township=village_a.township), datetime.date(2018, 10, 10), submit=False,
                       problems=[{"category": 2, "kind": "common", "description": "档案不完整", "fix": ""}])
    with pytest.raises(ValidationError, match="尚未提交"):
        services.letter_draft_from_common_problems(acting_user=city_user, county=county_a,
                                                   problems=list(draft.problems.all()))
    assert not ProblemItem.objects.exists()
    letter = services.letter_draft_from_common_problems(acting_user=city_user, county=county_a, problems=[common])
    item = letter.items.get()
    assert letter.team is None and letter.issuer_name == "市扶贫办" and letter.trip is None
    assert letter.prefix == "郑脱贫办督"
    assert item.source == common and item.source_kind == SourceKind.COMMON_PROBLEM and item.village == village_a
    assert item.category == "5. “N+2”帮扶计划"
    issued = services.letter_issue(acting_user=city_user, letter=letter, issued_on=datetime.date(2018, 10, 12),
                                   deadline=datetime.date(2018, 11, 30))
    assert issued.number == "郑脱贫办督〔2018〕1号"


def test_a_problem_already_taken_by_another_draft_is_refused_in_words(trip_1, leader_1):
    """Two drafts from one finding at the same moment: the second meets the one-item-per-source constraint."""
    from django.core.exceptions import ValidationError

    from rectification import services as rect
    from rectification.models import ProblemItem, RectificationLetter

    first = rect.letter_draft_from_trip(acting_user=leader_1, trip=trip_1)
    finding = trip_1.findings.first()
    with pytest.raises(ValidationError, match="刚刚已被列入另一份整改函"):
        rect._add_item(first, 99, finding, source_kind="finding", description="重复", category="", severity="general")
    assert ProblemItem.objects.count() == trip_1.findings.count()
    assert RectificationLetter.objects.count() == 1
