"""The campaign rules of ZZ 三 and 六(四), held by the one service every path uses."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from inspections.models import GuidanceVisit, Problem, RepeatVisitException
from inspections.services import VisitInput, repeat_exception_grant, visit_save

DAY = datetime.date(2018, 10, 23)


def messages_of(excinfo):
    return " ".join(m for msgs in excinfo.value.message_dict.values() for m in msgs)


def test_second_village_of_a_day_passes_and_the_third_is_refused(villages_a, make_visit):
    make_visit(villages_a[0], DAY)
    make_visit(villages_a[1], DAY)
    with pytest.raises(ValidationError) as excinfo:
        make_visit(villages_a[2], DAY)
    assert "每天不超过2个村" in messages_of(excinfo)
    assert "第六小组在2018年10月23日已指导2个村" in messages_of(excinfo)
    assert GuidanceVisit.objects.count() == 2
    # The next day is a new day.
    make_visit(villages_a[2], DAY + datetime.timedelta(days=1))


def test_drafts_do_not_take_a_place_of_the_day_but_submitting_them_does(villages_a, make_visit):
    make_visit(villages_a[0], DAY)
    make_visit(villages_a[1], DAY)
    draft = make_visit(villages_a[2], DAY, submit=False)
    assert draft.status == "draft"
    with pytest.raises(ValidationError):
        visit_save(acting_user=draft.created_by, visit=draft, submit=True, data=VisitInput(
            campaign=draft.campaign, village=draft.village, visit_date=DAY, reduction_progress="x",
            signers=list(draft.signers.all()),
        ))
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_village_is_not_guided_twice_in_a_campaign_unless_the_city_allows_it(villages_a, make_visit, city_user, officer_a):
    first = make_visit(villages_a[0], DAY)
    with pytest.raises(ValidationError) as excinfo:
        make_visit(villages_a[0], DAY + datetime.timedelta(days=7))
    assert "已于2018年10月23日接受过指导" in messages_of(excinfo)

    # Only the city office records an exception, and only with a reason.
    with pytest.raises(ValidationError, match="只有市扶贫办"):
        repeat_exception_grant(acting_user=officer_a, campaign=first.campaign, village=villages_a[0], reason="回头看")
    with pytest.raises(ValidationError):
        repeat_exception_grant(acting_user=city_user, campaign=first.campaign, village=villages_a[0], reason="  ")
    exception = repeat_exception_grant(acting_user=city_user, campaign=first.campaign, village=villages_a[0],
                                       reason="上次发现问题较多，安排回头看")
    second = make_visit(villages_a[0], DAY + datetime.timedelta(days=7))
    assert second.repeat_exception == exception
    # One exception allows one more visit, not every visit after it.
    with pytest.raises(ValidationError):
        make_visit(villages_a[0], DAY + datetime.timedelta(days=14))
    assert RepeatVisitException.objects.get().reason == "上次发现问题较多，安排回头看"


@pytest.mark.parametrize("day, message", [
    (datetime.date(2018, 9, 30), "须在工作周期（2018年10月1日—2018年12月31日）之内"),
    (datetime.date(2019, 1, 1), "须在工作周期"),
])
def test_the_date_lies_within_the_campaign(villages_a, make_visit, day, message):
    with pytest.raises(ValidationError) as excinfo:
        make_visit(villages_a[0], day)
    assert message in messages_of(excinfo)
    assert not GuidanceVisit.objects.exists()


def test_the_date_is_not_in_the_future(villages_a, make_visit, campaign):
    campaign.end_date = datetime.date(2099, 12, 31)
    campaign.save()
    with pytest.raises(ValidationError) as excinfo:
        make_visit(villages_a[0], datetime.date.today() + datetime.timedelta(days=2))
    assert "不能晚于今天" in messages_of(excinfo)


def test_signatures_are_of_the_team(villages_a, make_visit, team_b):
    stranger = team_b.memberships.get().person
    with pytest.raises(ValidationError) as excinfo:
        make_visit(villages_a[0], DAY, signers=[stranger])
    assert "徐军安 不是第六小组的成员" in messages_of(excinfo)


def test_problems_claimed_in_the_checklist_must_be_listed(villages_a, make_visit):
    with pytest.raises(ValidationError) as excinfo:
        make_visit(villages_a[0], DAY, checklist=[{"item": 2, "result": "problem", "note": "档案缺页"}])
    assert "第2项标为“发现问题”" in messages_of(excinfo)


def test_an_individual_problem_records_its_fix_and_a_common_one_goes_to_the_county(villages_a, make_visit, county_a):
    with pytest.raises(ValidationError) as excinfo:
        make_visit(villages_a[0], DAY, problems=[{"category": 2, "kind": "individual", "description": "档案缺页", "fix": ""}])
    assert "请填写现场整改情况" in messages_of(excinfo)
    visit = make_visit(villages_a[0], DAY, problems=[
        {"category": 2, "kind": "individual", "description": "档案缺页", "fix": "已补齐"},
        {"category": 9, "kind": "common", "description": "利益联结机制不落实", "fix": ""},
    ])
    assert list(Problem.objects.filter(county=county_a, kind="common").values_list("description", flat=True)) == ["利益联结机制不落实"]
    assert visit.problems.count() == 2


def test_a_team_member_records_only_for_their_own_team(villages_a, campaign, team_a, team_b):
    from tests.rosters.factories import team_member_user

    other = team_member_user(team_b, username="xu", name="许")
    with pytest.raises(ValidationError) as excinfo:
        visit_save(acting_user=other, submit=True, data=VisitInput(
            campaign=campaign, village=villages_a[0], visit_date=DAY, reduction_progress="x"))
    assert "不在您可以登记的范围内" in messages_of(excinfo)


def test_problems_found_count_towards_category_7(villages_a, make_visit):
    from villages.models import Village
    from villages.rating import rating_figures

    make_visit(villages_a[0], DAY, problems=[
        {"category": 2, "kind": "common", "description": f"问题{n}", "fix": ""} for n in range(3)
    ])
    draft = make_visit(villages_a[1], DAY, submit=False, problems=[{"category": 2, "kind": "common", "description": "x", "fix": ""}])
    rows = rating_figures(Village.objects.filter(pk__in=[villages_a[0].pk, draft.village_id]))
    assert rows[villages_a[0].pk]["problem_count"] == 3
    assert rows[draft.village_id]["problem_count"] == 0  # a draft has found nothing yet
