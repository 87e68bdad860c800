"""The registration form and the visit pages, as officers and team members use them."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import GuidanceVisit, Problem, VisitCorrection
from tests.factories import VillageFactory

DAY = datetime.date(2018, 10, 23)
CREATE = reverse("inspections:visit_create")


def form_data(campaign, village, *, signers=(), action="submit", problems=(), checklist=None, **extra):
    data = {
        "campaign": campaign.pk, "visit_date": DAY.isoformat(), "county": village.county_id,
        "township": village.township_id, "village": village.pk, "signers": [p.pk for p in signers],
        "reduction_progress": "今年减贫任务 12 户 40 人，已完成。", "experience": "", "action": action,
        "problems-TOTAL_FORMS": len(problems), "problems-INITIAL_FORMS": 0,
        "checklist-TOTAL_FORMS": 18, "checklist-INITIAL_FORMS": 0,
    }
    for n, p in enumerate(problems):
        data.update({f"problems-{n}-{k}": v for k, v in p.items()})
    for n in range(18):
        data[f"checklist-{n}-item"] = n + 1
        data[f"checklist-{n}-result"] = (checklist or {}).get(n + 1, "")
    data.update(extra)
    return data


def option_values(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select)


def test_the_form_offers_only_the_counties_of_the_users_team(leader_client, team_a, team_b, county_a, county_b):
    html = leader_client.get(CREATE).content.decode()
    for label in ("指导时间", "被指导村名称", "县（市、区）", "乡（镇）", "类别", "贫困人口基本情况", "减贫任务完成情况",
                  "存在问题", "典型经验", "指导人签名", "县、乡干部陪同", "其他在场人员"):
        assert label in html, label
    assert option_values(html, "county") == [str(county_a.pk)]
    assert "1. " in html and "问题整改情况" in html  # the 8 categories and the 18 content items


def test_choosing_places_narrows_each_list_and_prefills_what_the_system_knows(leader_client, campaign, team_a, member_a, villages_a):
    from villages.services import star_ratings_recompute

    village = villages_a[0]
    star_ratings_recompute()
    htmx = {"HTTP_HX_REQUEST": "true"}
    html = leader_client.post(CREATE, {"campaign": campaign.pk, "county": village.county_id, "_refresh": "1", "_trigger": "county"}, **htmx).content.decode()
    assert option_values(html, "township") == [str(village.township_id)]
    assert "周敏" in html and "张振华" in html  # the roster of the group covering the county, swapped in as well
    html = leader_client.post(CREATE, {"campaign": campaign.pk, "county": village.county_id, "township": village.township_id,
                                       "_refresh": "1", "_trigger": "township"}, **htmx).content.decode()
    assert sorted(option_values(html, "village")) == sorted(str(v.pk) for v in villages_a)
    html = leader_client.post(CREATE, {"campaign": campaign.pk, "county": village.county_id, "township": village.township_id,
                                       "village": village.pk, "_refresh": "1", "_trigger": "village"}, **htmx).content.decode()
    assert re.search(r'name="poor_population" value="12"', html)  # 3 households of 4 people
    assert re.search(r'name="poor_households" value="3"', html)


def test_submitting_the_form_lists_the_visit(leader_client, campaign, team_a, leader_a, member_a, villages_a):
    response = leader_client.post(CREATE, form_data(campaign, villages_a[0], signers=[leader_a.person, member_a], problems=[
        {"category": 2, "kind": "common", "description": "档案资料不完整", "fix": ""},
    ], checklist={2: "problem", 9: "ok"}))
    visit = GuidanceVisit.objects.get()
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    assert visit.status == "submitted" and visit.team == team_a
    assert visit.checklist.count() == 2
    listing = leader_client.get(reverse("inspections:visit_list")).content.decode()
    assert villages_a[0].name in listing and "已提交" in listing


@pytest.mark.parametrize("tamper", ["other_county", "unknown"])
def test_a_village_outside_the_users_scope_is_never_saved(leader_client, campaign, team_a, team_b, leader_a, villages_a, village_b, tamper):
    target = village_b if tamper == "other_county" else villages_a[0]
    data = form_data(campaign, villages_a[0], signers=[leader_a.person], reduction_progress="我填写的内容")
    data["village"] = target.pk if tamper == "other_county" else 999999
    response = leader_client.post(CREATE, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "所选村不属于所选乡（镇）或不在您可以登记的范围内" in html
    assert "我填写的内容" in html  # what the user typed is kept
    assert not GuidanceVisit.objects.exists()


def test_the_third_village_of_a_day_is_refused_on_the_form_and_keeps_the_input(leader_client, campaign, team_a, leader_a, villages_a, make_visit):
    make_visit(villages_a[0], DAY)
    make_visit(villages_a[1], DAY)
    response = leader_client.post(CREATE, form_data(campaign, villages_a[2], signers=[leader_a.person],
                                                    experience="村集体光伏收益用于公益岗位"))
    html = response.content.decode()
    assert response.status_code == 200 and "每天不超过2个村" in html
    assert "村集体光伏收益用于公益岗位" in html
    assert GuidanceVisit.objects.count() == 2


def test_checklist_problems_without_a_problem_list_are_refused(leader_client, campaign, team_a, leader_a, villages_a):
    response = leader_client.post(CREATE, form_data(campaign, villages_a[0], signers=[leader_a.person], checklist={5: "problem"}))
    assert "第5项标为“发现问题”，请在“存在问题”中逐条填写" in response.content.decode()
    assert not GuidanceVisit.objects.exists()


def test_a_draft_is_saved_then_submitted_then_locked(leader_client, campaign, team_a, leader_a, member_a, villages_a):
    leader_client.post(CREATE, form_data(campaign, villages_a[0], action="draft", reduction_progress=""))
    visit = GuidanceVisit.objects.get()
    assert visit.status == "draft"
    edit = reverse("inspections:visit_edit", args=[visit.pk])
    # Submitting needs the signatures and the progress the draft could leave out.
    response = leader_client.post(edit, form_data(campaign, villages_a[0], reduction_progress=""))
    assert "提交前请选择指导人签名" in response.content.decode()
    leader_client.post(edit, form_data(campaign, villages_a[0], signers=[leader_a.person]))
    visit.refresh_from_db()
    assert visit.status == "submitted" and visit.submitted_by == leader_a

    # Locked: a change without a reason is refused and changes nothing.
    response = leader_client.post(edit, form_data(campaign, villages_a[0], signers=[leader_a.person, member_a]))
    assert "更正须填写更正原因" in response.content.decode()
    assert visit.signers.count() == 1
    leader_client.post(edit, form_data(campaign, villages_a[0], signers=[leader_a.person, member_a], correction_reason="漏签周敏"))
    correction = VisitCorrection.objects.get()
    assert correction.corrected_by == leader_a and correction.reason == "漏签周敏"
    assert {"field": "指导人签名", "old": "张振华", "new": "张振华、周敏"} in correction.changes  # 组长 first
    page = leader_client.get(visit.get_absolute_url()).content.decode()
    assert "漏签周敏" in page


def test_another_countys_officer_gets_404_everywhere(client, officer_b, villages_a, make_visit):
    visit = make_visit(villages_a[0], DAY)
    client.force_login(officer_b)
    for name in ("visit_detail", "visit_edit", "visit_print"):
        assert client.get(reverse(f"inspections:{name}", args=[visit.pk])).status_code == 404
    assert client.post(reverse("inspections:visit_delete", args=[visit.pk])).status_code == 404
    assert villages_a[0].name not in client.get(reverse("inspections:visit_list")).content.decode()


def test_the_county_officer_sees_the_common_problems_of_their_county(client, officer_a, officer_b, villages_a, make_visit):
    make_visit(villages_a[0], DAY, problems=[
        {"category": 9, "kind": "common", "description": "产业带贫机制不健全", "fix": ""},
        {"category": 2, "kind": "individual", "description": "明白卡未更新", "fix": "已现场更新"},
    ])
    client.force_login(officer_a)
    html = client.get(reverse("inspections:problem_list")).content.decode()
    assert "产业带贫机制不健全" in html and "明白卡未更新" not in html
    assert "明白卡未更新" in client.get(reverse("inspections:problem_list") + "?kind=all").content.decode()
    client.force_login(officer_b)
    assert "产业带贫机制不健全" not in client.get(reverse("inspections:problem_list")).content.decode()


def test_the_problem_lists_counts_leave_out_drafts_and_follow_the_filters(client, officer_a, villages_a, make_visit):
    common = {"category": 9, "kind": "common", "fix": ""}
    make_visit(villages_a[0], DAY, problems=[{**common, "description": "产业带贫机制不健全"},
                                             {"category": 2, "kind": "individual", "description": "明白卡未更新",
                                              "fix": "已现场更新"}])
    make_visit(villages_a[1], DAY, problems=[{**common, "description": "公示不规范"}])
    make_visit(villages_a[2], DAY, submit=False, problems=[{**common, "description": "草稿里的问题"},
                                                           {**common, "description": "草稿里的问题二"}])
    client.force_login(officer_a)
    county = villages_a[0].county.name

    def shown(query=""):
        html = client.get(reverse("inspections:problem_list") + query).content.decode()
        total = re.search(r"共 (\d+) 条", html)
        badges = re.findall(r'<span class="badge text-bg-light border">([^<]*) <b>(\d+)</b> 条共性问题</span>', html)
        return (int(total.group(1)) if total else 0), badges, "草稿里的问题" in html

    assert shown() == (2, [(county, "2")], False)  # the draft's two 共性问题 are not counted anywhere
    assert shown("?kind=all") == (3, [], False)
    assert shown("?kind=individual") == (1, [], False)
    assert shown("?kind=common&q=公示") == (1, [(county, "2")], False)


def test_print_view_has_three_labelled_copies(leader_client, villages_a, make_visit):
    visit = make_visit(villages_a[0], DAY)
    html = leader_client.get(reverse("inspections:visit_print", args=[visit.pk])).content.decode()
    copies = re.findall(r'<div class="copy-label">([^<]*)</div>', html)
    assert copies == ["市脱贫攻坚领导小组办公室", "县脱贫攻坚领导小组办公室", "被指导村"]
    assert html.count("郑州市脱贫攻坚业务指导登记表</h1>") == 3
    assert "指导时间：2018 年 10 月 23 日" in html


def test_weekly_quota_shows_visited_days_and_missing_weeks(leader_client, campaign, team_a, villages_a, make_visit):
    make_visit(villages_a[0], datetime.date(2018, 10, 2))
    make_visit(villages_a[1], datetime.date(2018, 10, 2))
    make_visit(villages_a[2], datetime.date(2018, 10, 17))
    make_visit(villages_a[3], datetime.date(2018, 10, 23), submit=False)  # a draft is not a visit yet
    response = leader_client.get(reverse("inspections:visit_quota"))
    rows = response.context["rows"]
    assert len(response.context["weeks"]) == 14  # 2018-10-01 (a Monday) to 2018-12-31
    (row,) = rows
    states = [c.state for c in row["cells"]]
    assert states[:4] == ["done", "missing", "done", "missing"]
    assert row["cells"][0].days == [datetime.date(2018, 10, 2)]
    # The week of 2018-12-31 has one campaign day, a New Year holiday: not owed a visit.
    assert states[-1] == "holiday"
    assert row["missing"] == 11 and row["days"] == 2
    assert "共 11 个“县·周”未完成" in response.content.decode()


def test_typical_experiences_are_promoted_by_the_city_office_only(client, city_user, officer_a, villages_a, make_visit):
    visit = make_visit(villages_a[0], DAY, experience="“四议两公开”议定产业项目")
    url = reverse("inspections:experience_promote", args=[visit.pk])
    client.force_login(officer_a)
    client.post(url, {"promoted": "1"})
    visit.refresh_from_db()
    assert not visit.experience_promoted
    client.force_login(city_user)
    client.post(url, {"promoted": "1"})
    visit.refresh_from_db()
    assert visit.experience_promoted and visit.experience_promoted_by == city_user
    html = client.get(reverse("inspections:experience_list") + "?promoted=true").content.decode()
    assert "“四议两公开”议定产业项目" in html and "已推广" in html


def test_export_of_a_filtered_list(leader_client, villages_a, make_visit, county_a):
    make_visit(villages_a[0], DAY, experience="=HYPERLINK(\"x\")")
    make_visit(villages_a[1], DAY + datetime.timedelta(days=1))
    response = leader_client.get(reverse("inspections:visit_export") + f"?date_to={DAY.isoformat()}")
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("指导时间", "工作周期", "指导小组")
    assert len(rows) == 2 and rows[1][5] == villages_a[0].name
    assert rows[1][12] == "=HYPERLINK(\"x\")"  # text, not a formula
    assert b"<f>" not in _sheet_xml(content)


def _sheet_xml(content):
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


def test_the_village_page_shows_its_visits_and_the_city_records_an_exception(client, city_user, villages_a, make_visit, campaign):
    make_visit(villages_a[0], DAY)
    client.force_login(city_user)
    html = client.get(villages_a[0].get_absolute_url()).content.decode()
    assert "指导记录" in html and "2018年10月23日" in html
    client.post(reverse("inspections:repeat_exception_create", args=[villages_a[0].pk]),
                {"campaign": campaign.pk, "reason": "回头看"})
    assert "重复指导例外：郑州市2018年脱贫攻坚业务指导，回头看" in client.get(villages_a[0].get_absolute_url()).content.decode()


def test_the_form_page_query_count_does_not_grow_with_villages(leader_client, campaign, team_a, villages_a, django_assert_max_num_queries):
    village = villages_a[0]
    url = f"{CREATE}?village={village.pk}"
    with django_assert_max_num_queries(20) as small:
        leader_client.get(url)
    VillageFactory.create_batch(60, township__county=village.county)
    VillageFactory.create_batch(40, township=village.township)
    with django_assert_max_num_queries(len(small.captured_queries)):
        leader_client.get(url)


def test_a_draft_can_be_deleted_but_a_submitted_form_cannot(leader_client, villages_a, make_visit):
    draft = make_visit(villages_a[0], DAY, submit=False)
    submitted = make_visit(villages_a[1], DAY)
    leader_client.post(reverse("inspections:visit_delete", args=[draft.pk]))
    response = leader_client.post(reverse("inspections:visit_delete", args=[submitted.pk]), follow=True)
    assert "已提交的登记表不能删除" in response.content.decode()
    assert list(GuidanceVisit.objects.all()) == [submitted]


def test_admin_lists_visits_read_only_and_records_exceptions_through_the_service(client, admin_user, villages_a, make_visit, campaign):
    from inspections.models import RepeatVisitException

    visit = make_visit(villages_a[0], DAY)
    client.force_login(admin_user)
    assert villages_a[0].name in client.get(reverse("admin:inspections_guidancevisit_changelist")).content.decode()
    page = client.get(reverse("admin:inspections_guidancevisit_change", args=[visit.pk])).content.decode()
    assert 'name="_save"' not in page  # read only: forms are corrected on their page, with a reason
    client.post(reverse("admin:inspections_repeatvisitexception_add"),
                {"campaign": campaign.pk, "village": villages_a[0].pk, "reason": "复核整改"})
    exception = RepeatVisitException.objects.get()
    assert exception.granted_by == admin_user and exception.county == villages_a[0].county


def test_demo_visits_look_like_real_use(villages_a, team_a, leader_a, member_a):
    """Registered by the group's leader, on working days, with the figures the form would prefill."""
    from django.core.management import call_command
    from django.db.models import Count

    from reminders.calendar import is_working_day
    from tests.factories import VillageFactory
    from villages.models import StarRating

    VillageFactory.create_batch(20, township=villages_a[0].township)
    StarRating.objects.create(village=villages_a[3], year=2018, categories=[1, 2, 8], category_count=3, stars=3)
    StarRating.objects.create(village=villages_a[0], year=2018, categories=[1, 2], category_count=2, stars=2)
    call_command("generate_demo_visits")
    visits = GuidanceVisit.objects.all()
    assert visits.count() > 5 and all(v.is_submitted for v in visits)
    assert {v.created_by for v in visits} == {leader_a}
    assert all(is_working_day(v.visit_date) for v in visits)
    assert max(visits.values("team", "visit_date").annotate(n=Count("pk")).values_list("n", flat=True)) <= 2
    assert visits.values("village").distinct().count() == visits.count()
    # The 3-star village is visited first, with its categories; figures come from its households.
    first = visits.order_by("visit_date", "pk").first()
    assert first.village == villages_a[3] and first.categories == [1, 2, 8]
    second = visits.get(village=villages_a[0])  # the 2-star village next: 3 poor households of 4 people
    assert (second.poor_population, second.poor_households, second.categories) == (12, 3, [1, 2])
    kinds = set(Problem.objects.filter(visit__in=visits).values_list("kind", flat=True))
    assert kinds == {"individual", "common"}
    call_command("generate_demo_visits")  # idempotent
    assert GuidanceVisit.objects.count() == visits.count()


def test_home_pages_count_the_guidance_work_the_user_may_see(client, officer_a, officer_b, villages_a, make_visit):
    make_visit(villages_a[0], DAY, problems=[{"category": 9, "kind": "common", "description": "x", "fix": ""}])
    client.force_login(officer_a)
    response = client.get(reverse("home"))
    assert response.context["guidance"] == {"submitted": 1, "drafts": 0, "experiences": 0, "common_problems": 1}
    assert "填写指导登记表" in response.content.decode()
    client.force_login(officer_b)
    assert client.get(reverse("home")).context["guidance"]["common_problems"] == 0
