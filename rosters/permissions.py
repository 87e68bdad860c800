"""Who may do what: the one permission matrix of the product (SPEC §1).

Every row is role × action × object, written once here as a `rules` predicate
and registered under a permission name. Views, templates, the admin and the
services all ask the same registry — ``rules.has_perm(name, user, obj)`` in
Python, ``{% has_perm name user obj as can %}`` in templates — so a lower app
(``villages``) asks without importing this module, and a rule changes in one
place. The README's table is printed from ``MATRIX`` by
``python manage.py permission_matrix``.

Object predicates receive an object the user already sees (views fetch it with
``visible_to(user)``, so another county's object is a 404 before any rule is
asked); ``in_scope`` repeats that check for services called from elsewhere.
Predicates duck-type their objects (``obj.county_id``, ``obj.team``) so this
module imports no model of the apps above it.
"""

from dataclasses import dataclass

import rules

from .choices import Role

# --- who the user is ----------------------------------------------------------------------------

@rules.predicate
def is_admin(user):
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.ADMIN))


@rules.predicate
def is_city_office(user):
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.CITY)


@rules.predicate
def is_county_officer(user):
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.COUNTY)


@rules.predicate
def is_team_member(user):
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.TEAM)


# --- the user and the object ----------------------------------------------------------------------

def _county_id(obj):
    for attr in ("county_id", "village_county_id"):
        value = getattr(obj, attr, None)
        if value is not None:
            return value
    village = getattr(obj, "village", None)
    return getattr(village, "county_id", None)


@rules.predicate
def in_scope(user, obj):
    """The object lies in a county the user may see (the 404 rule, asked again by services)."""
    if obj is None:
        return True
    from villages.scoping import visible_county_ids

    ids = visible_county_ids(user)
    return ids is None or ids.filter(pk=_county_id(obj)).exists()


@rules.predicate
def filled_the_form(user, visit):
    """The person who filled the registration form."""
    return visit is not None and visit.created_by_id == user.pk


@rules.predicate
def member_of_the_team(user, obj):
    """A member (组长, 成员, 联络员) of the group the object belongs to (a visit's group, or the group itself)."""
    if obj is None:
        return False
    team = getattr(obj, "team", obj)
    return team.memberships.filter(person__user_id=user.pk).exists()


@rules.predicate
def no_object(user, obj):
    return obj is None


@rules.predicate
def is_submitted(user, visit):
    return visit is not None and visit.is_submitted


is_office = is_city_office | is_admin
is_keeper = is_city_office | is_county_officer | is_admin


# --- the matrix ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Permission:
    name: str
    action: str  # what the README's table calls it
    obj: str  # on what
    predicate: rules.Predicate
    rule: str  # who, in words (the README's column)


MATRIX = (
    Permission("villages.edit_village", "编辑村基本情况、新增和编辑贫困户", "本县（市）的村、户",
               is_keeper & in_scope, "市扶贫办（本市）、县扶贫办（本县）、管理员"),
    Permission("villages.import", "从 Excel 导入村、贫困户", "本县（市）的村、户",
               is_keeper, "市扶贫办、县扶贫办（只能导入本辖区的行）、管理员"),
    Permission("villages.override_category", "人工认定重点村类别", "村",
               is_office & in_scope, "市扶贫办、管理员"),
    Permission("villages.edit_thresholds", "修改重点村评定标准", "年度标准",
               is_office, "市扶贫办、管理员"),
    Permission("inspections.record_visit", "填写指导登记表", "指导小组（分包该县的）",
               is_city_office | is_county_officer | is_admin | (is_team_member & (no_object | member_of_the_team)),
               "市扶贫办、县扶贫办（本县）、该指导小组成员、管理员"),
    Permission("inspections.edit_draft", "修改、提交草稿", "指导登记表（草稿）",
               ~is_submitted & in_scope & (filled_the_form | member_of_the_team | is_office),
               "填表人、该指导小组成员、市扶贫办"),
    Permission("inspections.delete_draft", "删除草稿", "指导登记表（草稿）",
               ~is_submitted & in_scope & (filled_the_form | member_of_the_team | is_office),
               "填表人、该指导小组成员、市扶贫办；已提交的不能删除"),
    Permission("inspections.correct_visit", "更正已提交的登记表（须填原因；问题只增不删）", "指导登记表（已提交）",
               is_submitted & in_scope & (filled_the_form | member_of_the_team | is_office),
               "填表人、该指导小组成员、市扶贫办；被指导县不能更正"),
    Permission("inspections.promote_experience", "标记典型经验推广", "指导登记表（已提交）",
               is_office & in_scope, "市扶贫办、管理员"),
    Permission("inspections.grant_repeat_exception", "登记重复指导例外", "村",
               is_office & in_scope, "市扶贫办、管理员"),
    Permission("rosters.import_roster", "导入工作组名单", "工作周期",
               is_admin, "管理员（管理后台）"),
    Permission("reminders.view_operations", "查看提醒任务的计划与运行记录", "提醒任务",
               is_office, "市扶贫办、管理员（修改计划在管理后台）"),
    Permission("admin.access", "进入管理后台", "—",
               is_admin, "管理员"),
)

for _permission in MATRIX:
    rules.set_perm(_permission.name, _permission.predicate)


def may(user, name, obj=None) -> bool:
    """Ask the matrix (the same as ``rules.has_perm``; here for readability in this app)."""
    return rules.has_perm(name, user, obj)
