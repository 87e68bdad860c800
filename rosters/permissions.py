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

def _county_ids(obj):
    """The counties an object lies in: its own, its village's, or those a team covers."""
    if getattr(obj, "county_id", None) is not None:
        return [obj.county_id]
    village = getattr(obj, "village", None)
    if getattr(village, "county_id", None) is not None:
        return [village.county_id]
    coverage = getattr(obj, "coverage", None)  # a team (rosters.Team)
    if coverage is not None:
        return list(coverage.values_list("county_id", flat=True))
    return []


@rules.predicate
def in_scope(user, obj):
    """The object lies in a county the user may see (the 404 rule, asked again by services)."""
    if obj is None:
        return True
    from villages.models import County
    from villages.scoping import visible_county_ids

    ids = visible_county_ids(user)  # a subquery of county ids (its own pk is not always the county's)
    return ids is None or County.objects.filter(pk__in=_county_ids(obj)).filter(pk__in=ids).exists()


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


@rules.predicate
def leads_the_team(user, obj):
    """The leader (组长) of the group the object belongs to (a trip's group, or the group itself)."""
    if obj is None:
        return False
    from .choices import MemberRole

    team = getattr(obj, "team", obj)
    return team.memberships.filter(person__user_id=user.pk, role=MemberRole.LEADER).exists()


@rules.predicate
def is_inspection_group(user, obj):
    """The object is an inspection group, or belongs to one (HY 二: 督查小组)."""
    team = getattr(obj, "team", obj)
    return obj is not None and getattr(team, "kind", None) == "inspection"


is_office = is_city_office | is_admin


# --- listed supervision (HN) ----------------------------------------------------------------------

@rules.predicate
def is_province_office(user):
    """A city-office account with no city: the provincial office, which sees the whole province."""
    return bool(is_city_office(user) and user.city_id is None)


@rules.predicate
def reports_for_the_city(user, obj):
    """The object (a city's monthly report, or what stands for one) belongs to the user's own city."""
    city_id = getattr(obj, "city_id", None)
    return city_id is not None and city_id == user.city_id


@rules.predicate
def reports_for_the_unit(user, obj):
    """The user is an account named by the member unit the report belongs to."""
    unit = getattr(obj, "unit", None)
    return unit is not None and unit.reporters.filter(pk=user.pk).exists()


# --- rectification (HY 四、六) ---------------------------------------------------------------------

def _issuing_team(obj):
    """The group a letter or problem item was issued by; ``None`` when the city office issued it."""
    return getattr(obj, "team", None)


@rules.predicate
def member_of_the_issuing_group(user, obj):
    """A member of the group that issued the letter or item (none when the city office issued it)."""
    team = _issuing_team(obj)
    return team is not None and team.memberships.filter(person__user_id=user.pk).exists()


@rules.predicate
def leads_the_issuing_group(user, obj):
    """The leader (组长) of the group that issued the letter (none when the city office issued it)."""
    from .choices import MemberRole

    team = _issuing_team(obj)
    return team is not None and team.memberships.filter(person__user_id=user.pk, role=MemberRole.LEADER).exists()


@rules.predicate
def asked_for_it(user, obj):
    """The person who made the request (an extension): nobody decides their own (HY 六)."""
    return obj is not None and getattr(obj, "requested_by_id", None) == user.pk


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
               (is_office | is_county_officer | (is_team_member & (no_object | member_of_the_team))) & in_scope,
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
    Permission("inspections.plan_trip", "安排督查", "督查小组的分包县",
               is_inspection_group & in_scope & (is_office | (is_team_member & member_of_the_team)),
               "该督查小组成员、市扶贫办；被督查县只能查看"),
    Permission("inspections.edit_trip", "修改、开始、结束督查；记录抽查对象、发现问题、交换意见", "督查",
               in_scope & (is_office | (is_team_member & member_of_the_team)),
               "该督查小组成员、市扶贫办；其他小组成员和被督查县只能查看"),
    Permission("inspections.record_sample_exception", "登记抽查例外（数据不能满足抽查要求时）", "督查",
               in_scope & (is_office | (is_team_member & leads_the_team)),
               "该督查小组组长、市扶贫办"),
    Permission("inspections.hand_over_archive", "登记督查档案移交（每季度）", "督查小组",
               is_inspection_group & (is_office | (is_team_member & member_of_the_team)),
               "该督查小组成员、市扶贫办"),
    Permission("supervision.update_indicator", "填报挂牌督战村退出指标（达标须附佐证）", "挂牌督战村",
               (is_county_officer | is_office) & in_scope, "县扶贫办（本县）、市扶贫办（本市）、管理员"),
    Permission("supervision.assign_leader", "登记市、县级领导分包挂牌督战村", "挂牌督战村",
               is_office & in_scope, "市扶贫办（本市）、管理员"),
    Permission("supervision.submit_city_report", "报送、修改本市挂牌督战月度进展", "市的月度进展",
               is_city_office & reports_for_the_city, "该市的市扶贫办"),
    Permission("supervision.submit_unit_report", "报送、修改成员单位月度进展", "成员单位的月度进展",
               reports_for_the_unit | is_province_office, "该成员单位的填报账号、省扶贫办"),
    Permission("supervision.see_all", "查看全省挂牌督战情况和各市报送情况", "全省",
               is_province_office | is_admin, "省扶贫办（不限市的市扶贫办账号）、管理员"),
    Permission("supervision.sync_ledger", "核对贫困户“两不愁三保障”台账（未达标的建账；县已报告整改的与户数据核对后销号或退回）",
               "本辖区的挂牌督战县、村",
               is_office, "市扶贫办（本市）、省扶贫办、管理员"),
    Permission("supervision.propose_listing", "按数据提出挂牌督战名单", "本辖区的县、村",
               is_office, "市扶贫办（本市）、省扶贫办、管理员"),
    Permission("rectification.draft_letter", "由督查发现问题起草整改函", "督查（已结束）",
               in_scope & (is_office | (is_team_member & member_of_the_team)),
               "该督查小组成员、市扶贫办"),
    Permission("rectification.draft_common_letter", "由指导共性问题起草整改函（反馈县统一整改）", "本市的县的共性问题",
               is_office & in_scope, "市扶贫办、管理员"),
    Permission("rectification.issue_letter", "签发整改函（编文号、定整改期限）", "整改函（草稿）",
               in_scope & (is_office | (is_team_member & leads_the_issuing_group)),
               "发函小组组长、市扶贫办"),
    Permission("rectification.report_item", "开始整改、报告整改进展和整改情况（附佐证材料）", "本县的整改问题",
               is_county_officer & in_scope, "县扶贫办（本县）"),
    Permission("rectification.verify_item", "核查（可附回头看）、销号、退回、重新打开整改问题", "整改问题",
               in_scope & (is_office | (is_team_member & member_of_the_issuing_group)),
               "发函小组成员、市扶贫办"),
    Permission("rectification.request_extension", "申请延期（写明原因和延至日期）", "本县的整改问题",
               (is_county_officer | is_office) & in_scope, "县扶贫办（本县）；市扶贫办可代县登记"),
    Permission("rectification.decide_extension", "批准或不批准延期申请", "延期申请",
               in_scope & ~asked_for_it & (is_office | (is_team_member & leads_the_issuing_group)),
               "发函小组组长、市扶贫办；不能审批自己提出的申请"),
    Permission("rectification.escalate_item", "认定重大问题并上报市脱贫攻坚督查工作领导小组", "整改问题",
               in_scope & (is_office | (is_team_member & member_of_the_issuing_group)),
               "发函小组成员、市扶贫办（重大督查发现问题在签发整改函时自动上报）"),
    Permission("rectification.acknowledge_escalation", "确认收到重大问题报告", "已上报的整改问题",
               is_office & in_scope, "市扶贫办、管理员"),
    Permission("rectification.issue_notice", "通报表扬、通报批评（加分、扣分）", "本市的县及其单位",
               is_office & in_scope, "市扶贫办、管理员"),
    Permission("rosters.import_roster", "导入工作组名单", "工作周期",
               is_admin, "管理员（管理后台）"),
    Permission("reminders.view_operations", "查看提醒任务的计划与运行记录", "提醒任务",
               is_office, "市扶贫办、管理员（修改计划在管理后台）"),
    Permission("dashboard.view", "查看数据看板、导出看板表格和月度通报", "本辖区的汇总数据",
               is_office | is_county_officer, "市扶贫办（本市；省扶贫办全省）、县扶贫办（本县）、管理员"),
    Permission("admin.access", "进入管理后台", "—",
               is_admin, "管理员"),
)

for _permission in MATRIX:
    rules.set_perm(_permission.name, _permission.predicate)


def may(user, name, obj=None) -> bool:
    """Ask the matrix (the same as ``rules.has_perm``; here for readability in this app)."""
    return rules.has_perm(name, user, obj)
