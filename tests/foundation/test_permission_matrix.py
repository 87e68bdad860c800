"""Every cell of the permission matrix (rosters/permissions.py), allowed and refused, and the key
cells again through the pages, as the people who must be refused would try them."""

import datetime

import pytest
import rules
from django.urls import reverse

from inspections.models import GuidanceVisit, Problem
from inspections.services import VisitInput, visit_save
from rosters.choices import MemberRole, Role
from rosters.permissions import MATRIX
from tests.factories import CityFactory, CountyFactory, UserFactory, VillageFactory
from tests.rosters.factories import CampaignFactory, TeamCountyFactory, TeamFactory, team_member_user

pytestmark = pytest.mark.django_db

ACTORS = ("city", "city_other", "county_own", "county_other", "team_member", "team_other", "admin")


class World:
    pass


@pytest.fixture
def w(db):
    w = World()
    zhengzhou, luoyang = CityFactory(name="郑州市"), CityFactory(name="洛阳市")
    w.a, w.b = CountyFactory(city=zhengzhou, name="登封市"), CountyFactory(city=luoyang, name="嵩县")
    w.village = VillageFactory(township__county=w.a, name="大营村")
    other_village = VillageFactory(township__county=w.a, name="东沟村")
    campaign = CampaignFactory(name="2018年指导", start_date=datetime.date(2018, 10, 1), end_date=datetime.date(2018, 12, 31))
    w.team = TeamFactory(campaign=campaign, name="第一小组")
    TeamCountyFactory(team=w.team, county=w.a)
    later = TeamFactory(campaign=CampaignFactory(name="2019年指导", start_date=datetime.date(2019, 10, 1),
                                                 end_date=datetime.date(2019, 12, 31)), name="第三小组")
    TeamCountyFactory(team=later, county=w.a)  # another group that also sees 登封市
    w.actors = {
        "city": UserFactory(username="city", role=Role.CITY, city=zhengzhou, county=None),
        "city_other": UserFactory(username="city_ly", role=Role.CITY, city=luoyang, county=None),
        "county_own": UserFactory(username="dengfeng", role=Role.COUNTY, county=w.a),
        "county_other": UserFactory(username="songxian", role=Role.COUNTY, county=w.b),
        "team_member": team_member_user(w.team, username="leader", role=MemberRole.LEADER),
        "team_other": team_member_user(later, username="other_leader", role=MemberRole.LEADER),
        "admin": UserFactory(username="root", role=Role.ADMIN, county=None, is_staff=True, is_superuser=True),
    }
    leader = w.actors["team_member"]

    def visit(village, day, *, user, submit):
        data = VisitInput(campaign=campaign, village=village, visit_date=day, reduction_progress="已完成。",
                          signers=[leader.person] if submit else [],
                          problems=[{"category": 9, "kind": "common", "description": "产业带贫不明显", "fix": ""}])
        return visit_save(acting_user=user, data=data, submit=submit)

    w.submitted = visit(w.village, datetime.date(2018, 10, 8), user=leader, submit=True)
    w.draft = visit(other_village, datetime.date(2018, 10, 9), user=leader, submit=False)
    w.by_county = visit(other_village, datetime.date(2018, 10, 10), user=w.actors["county_own"], submit=True)
    return w


# permission → (the object it is asked about, the actors allowed). Every other actor is refused.
EXPECTED = {
    "villages.edit_village": ("village", {"city", "county_own", "admin"}),
    "villages.import": (None, {"city", "city_other", "county_own", "county_other", "admin"}),
    "villages.override_category": ("village", {"city", "admin"}),
    "villages.edit_thresholds": (None, {"city", "city_other", "admin"}),
    "inspections.record_visit": ("team", {"city", "county_own", "team_member", "admin"}),
    "inspections.edit_draft": ("draft", {"city", "team_member", "admin"}),
    "inspections.delete_draft": ("draft", {"city", "team_member", "admin"}),
    "inspections.correct_visit": ("submitted", {"city", "team_member", "admin"}),
    "inspections.promote_experience": ("submitted", {"city", "admin"}),
    "inspections.grant_repeat_exception": ("village", {"city", "admin"}),
    "rosters.import_roster": (None, {"admin"}),
    "reminders.view_operations": (None, {"city", "city_other", "admin"}),
    "dashboard.view": (None, {"city", "city_other", "county_own", "county_other", "admin"}),
    "admin.access": (None, {"admin"}),
}


# Each area's rows are tested beside the area (trips: tests/inspections/trips/test_rules.py); together the
# tables must name every permission of the matrix, so a new row cannot go untested.
def _all_tables():
    from tests.inspections.trips.test_rules import MATRIX_CASES as trips
    from tests.rectification.test_items import MATRIX_CASES as rectification
    from tests.supervision import test_leaders_permissions_proposal as supervision

    # Listed supervision tests each row in a test named after it (test_update_indicator, …).
    listed = [f"supervision.{name[5:]}" for name in dir(supervision) if name.startswith("test_")
              if any(p.name == f"supervision.{name[5:]}" for p in MATRIX)]
    return [EXPECTED, trips, listed, rectification]


def test_every_row_of_the_matrix_has_its_cells_tested():
    tested = [name for table in _all_tables() for name in table]
    assert sorted(tested) == sorted(p.name for p in MATRIX)


@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_every_cell(w, permission):
    """One row of the matrix: each actor allowed or refused exactly as the table says."""
    attr, allowed = EXPECTED[permission]
    obj = getattr(w, attr) if attr else None
    assert {actor for actor in ACTORS if rules.has_perm(permission, w.actors[actor], obj)} == allowed


@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_templates_and_the_admin_get_the_same_answers(w, permission):
    """``user.has_perm`` — what ``{% has_perm %}`` in a template asks — is the matrix too."""
    attr, allowed = EXPECTED[permission]
    obj = getattr(w, attr) if attr else None
    assert {actor for actor in ACTORS if w.actors[actor].has_perm(permission, obj)} == allowed


def test_the_pages_offer_what_the_matrix_allows(client, w):
    village_page = reverse("villages:village_detail", args=[w.village.pk])
    client.force_login(w.actors["county_own"])
    assert "从 Excel 导入村" in client.get(reverse("villages:village_list")).content.decode()
    assert "编辑村基本情况" in client.get(village_page).content.decode()
    client.force_login(w.actors["team_member"])  # sees the village, may not keep it
    assert "从 Excel 导入村" not in client.get(reverse("villages:village_list")).content.decode()
    page = client.get(village_page)
    assert page.status_code == 200 and "编辑村基本情况" not in page.content.decode()


def test_django_model_permissions_still_come_from_the_permission_tables(w):
    from django.contrib.auth.models import Permission

    staff = w.actors["county_own"]
    assert not staff.has_perm("villages.view_household")
    staff.user_permissions.add(Permission.objects.get(codename="view_household"))
    staff = type(staff).objects.get(pk=staff.pk)  # permissions are cached on the user object
    assert staff.has_perm("villages.view_household")


def test_the_person_who_filled_a_form_may_correct_it(w):
    # 登封市's officer filled this one: they may correct it, as the group and the city office may.
    allowed = {a for a in ACTORS if rules.has_perm("inspections.correct_visit", w.actors[a], w.by_county)}
    assert allowed == {"city", "county_own", "team_member", "admin"}


def test_a_submitted_form_is_never_a_draft_and_a_draft_is_not_corrected(w):
    city = w.actors["city"]
    assert not rules.has_perm("inspections.edit_draft", city, w.submitted)
    assert not rules.has_perm("inspections.delete_draft", city, w.submitted)
    assert not rules.has_perm("inspections.correct_visit", city, w.draft)


# --- the same cells through the pages ----------------------------------------------------------

def test_the_supervised_county_cannot_correct_or_delete_what_its_supervisors_found(client, w):
    client.force_login(w.actors["county_own"])
    edit = reverse("inspections:visit_edit", args=[w.submitted.pk])
    page = client.get(w.submitted.get_absolute_url()).content.decode()
    assert edit not in page  # no 更正 button
    assert client.get(edit).status_code == 403
    response = client.post(edit, {"campaign": w.submitted.campaign_id, "correction_reason": "删掉",
                                  "problems-TOTAL_FORMS": 0, "problems-INITIAL_FORMS": 0})
    assert response.status_code == 403
    assert Problem.objects.filter(visit=w.submitted).count() == 1
    assert client.post(reverse("inspections:visit_delete", args=[w.draft.pk])).status_code == 302
    assert GuidanceVisit.objects.filter(pk=w.draft.pk).exists()


def _correction_post(visit, problems, reason):
    data = {
        "campaign": visit.campaign_id, "visit_date": visit.visit_date.isoformat(), "county": visit.county_id,
        "township": visit.village.township_id, "village": visit.village_id, "reduction_progress": "已完成。",
        "signers": [p.pk for p in visit.signers.all()], "correction_reason": reason, "action": "submit",
        "problems-TOTAL_FORMS": len(problems), "problems-INITIAL_FORMS": 0, "problems-MAX_NUM_FORMS": 50,
        "checklist-TOTAL_FORMS": 0, "checklist-INITIAL_FORMS": 0,
    }
    for i, p in enumerate(problems):
        data.update({f"problems-{i}-{k}": v for k, v in p.items()})
    return data


def test_a_correction_amends_and_adds_problems_but_never_drops_one(client, w):
    client.force_login(w.actors["team_member"])
    edit = reverse("inspections:visit_edit", args=[w.submitted.pk])
    (problem,) = Problem.objects.filter(visit=w.submitted)
    # Dropping the submitted problem is refused, and nothing changes.
    response = client.post(edit, _correction_post(w.submitted, [], "问题已整改"))
    assert "已提交的问题不能删除" in response.content.decode()
    assert Problem.objects.filter(visit=w.submitted).count() == 1
    # Amending its text and adding one is a correction, kept with its reason.
    kept = {"id": problem.pk, "category": 9, "kind": "common", "description": "产业项目带贫效果不明显", "fix": ""}
    added = {"category": 16, "kind": "common", "description": "项目公示不规范", "fix": ""}
    response = client.post(edit, _correction_post(w.submitted, [kept, added], "补记一条问题"))
    assert response.status_code == 302
    problems = list(Problem.objects.filter(visit=w.submitted).order_by("order"))
    assert [p.description for p in problems] == ["产业项目带贫效果不明显", "项目公示不规范"]
    assert problems[0].pk == problem.pk  # the same problem, amended — its identity is kept
    assert w.submitted.corrections.get().reason == "补记一条问题"


def test_a_county_officer_cannot_edit_thresholds_by_post(client, w):
    client.force_login(w.actors["county_own"])
    response = client.post(reverse("villages:rating_thresholds") + "?year=2018", {"poor_population": 1})
    assert response.status_code == 403
    from villages.models import RatingThreshold

    assert not RatingThreshold.objects.exists()


def test_only_the_admin_enters_the_admin(client, w):
    for actor in ACTORS:
        client.force_login(w.actors[actor])
        status = client.get(reverse("admin:index")).status_code
        assert (status == 200) == (actor == "admin"), actor


def test_the_readme_shows_the_matrix_as_the_module_has_it():
    from pathlib import Path

    from django.conf import settings

    from rosters.management.commands.permission_matrix import matrix_table

    assert matrix_table() in (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
