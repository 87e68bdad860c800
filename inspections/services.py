"""Writes with a business rule for guidance visits (SPEC §6). One transaction each.

Every path that records a visit — the browser form, the admin, any import —
goes through ``visit_save``, so the campaign rules of ZZ 三 and 六(四) hold alike.
"""

import datetime
from dataclasses import dataclass, field

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rosters.choices import TeamKind
from rosters.models import Campaign, Person, Team, TeamCounty
from villages.dates import cn_date
from villages.models import Village

from .choices import MAX_VILLAGES_PER_DAY, ChecklistResult, ProblemKind, VisitStatus
from .models import ChecklistEntry, GuidanceVisit, Problem, RepeatVisitException, VisitCorrection

FIGURE_FIELDS = ("rural_population", "poor_households", "poor_population", "exited_households", "marginal_households")
TEXT_FIELDS = ("population_note", "reduction_progress", "experience", "others_present")


@dataclass
class VisitInput:
    """What a registration form says, whichever way it arrives."""

    campaign: Campaign
    village: Village
    visit_date: datetime.date
    categories: list[int] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    population_note: str = ""
    reduction_progress: str = ""
    experience: str = ""
    signers: list[Person] = field(default_factory=list)
    local_officials_accompanied: bool = False
    others_present: str = ""
    problems: list[dict] = field(default_factory=list)  # {category, kind, description, fix}
    checklist: list[dict] = field(default_factory=list)  # {item, result, note}


def may_record_visits(user) -> bool:
    """County officers, team members and the city office fill the form (SPEC §1)."""
    return rules.has_perm("inspections.record_visit", user)


def guidance_team_for(*, campaign, county_id):
    """The guidance group covering the county in the campaign (at most one, held by the database)."""
    coverage = (
        TeamCounty.objects.filter(campaign=campaign, kind=TeamKind.GUIDANCE, county_id=county_id)
        .select_related("team").first()
    )
    return coverage.team if coverage else None


def user_may_act_for_team(user, team) -> bool:
    """A team member records only for their own team; offices for the teams of counties they see."""
    return rules.has_perm("inspections.record_visit", user, team)


def visit_edit_permission(visit) -> str:
    """A draft is edited; a submitted form is corrected (by fewer people: SPEC §1)."""
    return "inspections.correct_visit" if visit.is_submitted else "inspections.edit_draft"


def may_edit_visit(user, visit) -> bool:
    return rules.has_perm(visit_edit_permission(visit), user, visit)


def _check_scope(*, acting_user, data: VisitInput, errors):
    if not may_record_visits(acting_user) or not Village.objects.visible_to(acting_user).filter(pk=data.village.pk).exists():
        errors.setdefault("village", []).append("所选村不在您可以登记的范围内。")
        return False
    return True


def _rule_errors(*, acting_user, data: VisitInput, team, visit, submitting, errors, today):
    """The campaign rules (ZZ 三, 六(四)); each adds a Chinese message under the field it concerns."""
    campaign = data.campaign
    if campaign.kind != TeamKind.GUIDANCE:
        errors.setdefault("campaign", []).append("所选工作周期不是业务指导工作周期。")
    if data.visit_date > today:
        errors.setdefault("visit_date", []).append("指导时间不能晚于今天。")
    if not (campaign.start_date <= data.visit_date <= campaign.end_date):
        errors.setdefault("visit_date", []).append(
            f"指导时间须在工作周期（{cn_date(campaign.start_date)}—{cn_date(campaign.end_date)}）之内。"
        )
    if team is not None:
        member_ids = set(team.memberships.filter(person__is_unit=False).values_list("person_id", flat=True))
        strangers = [p.name for p in data.signers if p.pk not in member_ids]
        if strangers:
            errors.setdefault("signers", []).append(f"{'、'.join(strangers)} 不是{team.name}的成员，不能签名。")
    for n, problem in enumerate(data.problems, start=1):
        if not (problem.get("description") or "").strip():
            errors.setdefault("problems", []).append(f"第{n}个问题：请填写问题描述。")
        if problem.get("kind") == ProblemKind.INDIVIDUAL and not (problem.get("fix") or "").strip():
            # ZZ 五(三): 个性问题 are rectified on the spot, so the fix is recorded with them.
            errors.setdefault("problems", []).append(f"第{n}个问题是个性问题，请填写现场整改情况。")
    claimed = [c["item"] for c in data.checklist if c.get("result") == ChecklistResult.PROBLEM]
    if claimed and not data.problems:
        errors.setdefault("problems", []).append(
            f"指导内容第{'、'.join(map(str, claimed))}项标为“发现问题”，请在“存在问题”中逐条填写。"
        )
    if not submitting or team is None or "visit_date" in errors:
        return
    if not data.signers:
        errors.setdefault("signers", []).append("提交前请选择指导人签名（本次到村的小组成员）。")
    if not data.reduction_progress.strip():
        errors.setdefault("reduction_progress", []).append("提交前请填写减贫任务完成情况。")
    others = GuidanceVisit.objects.submitted().exclude(pk=visit.pk if visit else None)
    # ZZ 三: no more than 2 villages per group per day.
    same_day = {
        pk: name for pk, name in others.filter(team=team, visit_date=data.visit_date)
        .exclude(village=data.village).values_list("village_id", "village__name")
    }
    if len(same_day) >= MAX_VILLAGES_PER_DAY:
        errors.setdefault("visit_date", []).append(
            f"{team.name}在{cn_date(data.visit_date)}已指导{_villages_seen_by(acting_user, same_day)}，"
            f"每天不超过{MAX_VILLAGES_PER_DAY}个村（郑州市工作方案 三）。"
        )


def _villages_seen_by(user, villages):
    """"2个村（甲村、乙村）", naming only the villages the user may see (SPEC §1: nothing outside
    their scope, not even in a message — a group may cover a county the user does not)."""
    visible = set(Village.objects.visible_to(user).filter(pk__in=villages).values_list("pk", flat=True))
    names = sorted(villages[pk] for pk in visible)
    hidden = len(villages) - len(names)
    if not names:
        return f"{hidden}个村（在其他县（市、区））"
    if hidden:
        return f"{len(villages)}个村（{'、'.join(names)}，另有{hidden}个在其他县（市、区））"
    return f"{len(villages)}个村（{'、'.join(names)}）"



def _repeat_exception_needed(*, data, visit):
    """ZZ 六(四): a village guided since the campaign began is not guided again, unless the city allows it.

    Returns (error, exception to use)."""
    earlier = (
        GuidanceVisit.objects.submitted().filter(campaign=data.campaign, village=data.village)
        .exclude(pk=visit.pk if visit else None)
    )
    if visit is not None and visit.repeat_exception_id:
        return None, visit.repeat_exception
    if not earlier.exists():
        return None, None
    exception = (
        RepeatVisitException.objects.filter(campaign=data.campaign, village=data.village, visit__isnull=True)
        .order_by("granted_at").first()
    )
    if exception is not None:
        return None, exception
    first = earlier.order_by("visit_date").first()
    return (
        f"{data.village.name}已于{cn_date(first.visit_date)}接受过指导，本工作周期内原则上不再重复指导"
        "（郑州市工作方案 六(四)）。确需再次指导的，请市扶贫办登记例外及理由。"
    ), None


@transaction.atomic
def visit_save(*, acting_user, data: VisitInput, visit: GuidanceVisit | None = None, submit=False,
               correction_reason="") -> GuidanceVisit:
    """Create or change a registration form, as a draft or submitted.

    A submitted form is locked: changing it needs a reason, and the change is
    recorded (who, when, why, what). Raises ValidationError (a dict by field).
    """
    if visit is not None and not may_edit_visit(acting_user, visit):
        # SPEC §1: the supervised never edit what their supervisors found.
        raise ValidationError(
            "只有填表人、该指导小组成员或市扶贫办可以更正已提交的登记表。" if visit.is_submitted
            else "只有填表人、该指导小组成员或市扶贫办可以修改这份草稿。", code="not_allowed",
        )
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    _problem_id_errors(visit=visit, problems=data.problems, errors=errors)
    if visit is not None and visit.is_submitted:
        submit = True
        if not correction_reason.strip():
            errors.setdefault("correction_reason", []).append("已提交的登记表被锁定，更正须填写更正原因。")
    team = None
    if _check_scope(acting_user=acting_user, data=data, errors=errors):
        team = guidance_team_for(campaign=data.campaign, county_id=data.village.county_id)
        if team is None:
            errors.setdefault("village", []).append(f"{data.village.county.name}在“{data.campaign.name}”中没有分包的指导小组。")
        elif not user_may_act_for_team(acting_user, team):
            errors.setdefault("village", []).append(f"您不是{team.name}的成员，不能为其登记。")
            team = None
    if team is not None:
        # Serialise writes of one team, so two officers cannot both take the last place of a day.
        Team.objects.select_for_update().filter(pk=team.pk).first()
    _rule_errors(acting_user=acting_user, data=data, team=team, visit=visit, submitting=submit, errors=errors, today=today)
    exception = None
    if submit and team is not None and not errors:
        error, exception = _repeat_exception_needed(data=data, visit=visit)
        if error:
            errors.setdefault("village", []).append(error)
    if errors:
        raise ValidationError(errors)

    creating = visit is None
    before = _snapshot(visit) if visit is not None and visit.is_submitted else None
    if creating:
        visit = GuidanceVisit(created_by=acting_user)
    visit.campaign, visit.team, visit.village, visit.county_id = data.campaign, team, data.village, data.village.county_id
    visit.visit_date = data.visit_date
    visit.categories = sorted({int(c) for c in data.categories if 1 <= int(c) <= 8})
    for name in FIGURE_FIELDS:
        setattr(visit, name, data.figures.get(name))
    for name in TEXT_FIELDS:
        setattr(visit, name, (getattr(data, name) or "").strip())
    visit.local_officials_accompanied = data.local_officials_accompanied
    if exception is not None:
        visit.repeat_exception = exception
    if submit and not visit.is_submitted:
        visit.status, visit.submitted_by, visit.submitted_at = VisitStatus.SUBMITTED, acting_user, timezone.now()
    visit._change_reason = correction_reason.strip() or ("提交" if submit else "保存草稿")
    visit.save()
    visit.signers.set(data.signers)
    _problems_write(visit=visit, problems=data.problems)
    visit.checklist.all().delete()
    ChecklistEntry.objects.bulk_create([
        ChecklistEntry(visit=visit, item=int(c["item"]), result=c["result"], note=(c.get("note") or "").strip()[:300])
        for c in data.checklist if c.get("result")
    ])
    if before is not None:
        changes = _diff(before, _snapshot(visit))
        VisitCorrection.objects.create(visit=visit, corrected_by=acting_user,
                                       reason=correction_reason.strip(), changes=changes)
    if visit.is_submitted:
        _recompute_rating_after_commit(visit.village_id)
    return visit


def _problem_id_errors(*, visit, problems, errors):
    """A problem keeps its identity across edits; one on a submitted form is never deleted.

    SPEC §1: a problem once submitted is closed through rectification, not
    erased — a correction may amend its text or add problems, never drop one.
    """
    existing = dict(visit.problems.values_list("pk", "description")) if visit is not None else {}
    given = [int(p["id"]) for p in problems if p.get("id")]
    if any(pk not in existing for pk in given):
        errors.setdefault("problems", []).append("问题记录与本登记表不符，请刷新页面后重新填写。")
    if visit is not None and visit.is_submitted:
        dropped = [text for pk, text in existing.items() if pk not in given]
        if dropped:
            errors.setdefault("problems", []).append(
                f"已提交的问题不能删除（{'；'.join(t[:30] for t in dropped)}）。"
                "问题应通过整改销号关闭；如描述有误，请修改其文字并写明更正原因。"
            )


def _problems_write(*, visit, problems):
    """Update the problems the form kept (by id), add the new ones, and drop those a draft removed."""
    existing = {p.pk: p for p in visit.problems.all()}
    keep, new = [], []
    for n, p in enumerate(problems, start=1):
        values = {"county_id": visit.county_id, "village_id": visit.village_id, "category": int(p["category"]),
                  "kind": p["kind"], "description": p["description"].strip(), "fix": (p.get("fix") or "").strip(),
                  "order": n}
        problem = existing.get(int(p["id"])) if p.get("id") else None
        if problem is None:
            new.append(Problem(visit=visit, **values))
        else:
            for name, value in values.items():
                setattr(problem, name, value)
            keep.append(problem)
    if keep:
        Problem.objects.bulk_update(keep, ["county_id", "village_id", "category", "kind", "description", "fix", "order"])
    Problem.objects.bulk_create(new)
    # Only a draft loses problems (_problem_id_errors refused it for a submitted form).
    visit.problems.exclude(pk__in=[p.pk for p in keep + new]).delete()


def _snapshot(visit):
    """The form as a reader sees it: label → text, for the correction record."""
    from .choices import PROBLEM_CATEGORY_CHOICES

    categories = dict(PROBLEM_CATEGORY_CHOICES)
    snap = {
        "指导时间": f"{visit.visit_date:%Y-%m-%d}",
        "被指导村": str(visit.village_id),
        "类别": "、".join(map(str, visit.categories)),
        **{GuidanceVisit._meta.get_field(f).verbose_name: "" if getattr(visit, f) is None else str(getattr(visit, f)) for f in FIGURE_FIELDS},
        **{GuidanceVisit._meta.get_field(f).verbose_name: getattr(visit, f) for f in TEXT_FIELDS},
        "县、乡干部陪同": "是" if visit.local_officials_accompanied else "否",
        "指导人签名": "、".join(visit.signers_in_roster_order().values_list("name", flat=True)),
        "存在问题": "；".join(
            f"{categories.get(p.category, p.category)} {p.get_kind_display()} {p.description}"
            + (f"（整改：{p.fix}）" if p.fix else "")
            for p in visit.problems.all()
        ),
    }
    if snap["被指导村"]:
        snap["被指导村"] = Village.objects.filter(pk=visit.village_id).values_list("name", flat=True).first() or ""
    return snap


def _diff(before, after):
    return [{"field": k, "old": before.get(k, ""), "new": v} for k, v in after.items() if before.get(k, "") != v]


def _recompute_rating_after_commit(village_id):
    """Category 7 counts problems found on visits: the village's stars follow a submitted form."""
    from villages.tasks import star_ratings_recompute as task

    transaction.on_commit(lambda: task.delay(village_ids=[village_id]))


@transaction.atomic
def visit_delete_draft(*, acting_user, visit: GuidanceVisit):
    if visit.is_submitted:
        raise ValidationError("已提交的登记表不能删除，如有错误请更正。")
    if not rules.has_perm("inspections.delete_draft", acting_user, visit):
        raise ValidationError("只有填表人、该指导小组成员或市扶贫办可以删除这份草稿。")
    visit.delete()


def _require(user, permission, obj, what):
    if user is not None and not rules.has_perm(permission, user, obj):
        raise ValidationError(f"只有市扶贫办可以{what}。")


@transaction.atomic
def repeat_exception_grant(*, acting_user, campaign: Campaign, village: Village, reason: str) -> RepeatVisitException:
    """ZZ 六(四) 原则上不再重复指导: the city office may allow one more visit, with a reason that is kept."""
    _require(acting_user, "inspections.grant_repeat_exception", village, "登记重复指导例外")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写允许再次指导的理由。"]})
    if campaign.kind != TeamKind.GUIDANCE:
        raise ValidationError({"campaign": ["所选工作周期不是业务指导工作周期。"]})
    return RepeatVisitException.objects.create(campaign=campaign, village=village, reason=reason.strip(), granted_by=acting_user)


@transaction.atomic
def experience_promote(*, acting_user, visit: GuidanceVisit, promoted: bool) -> GuidanceVisit:
    """ZZ 五(四): the city office marks a typical experience for promotion (推广)."""
    _require(acting_user, "inspections.promote_experience", visit, "标记典型经验推广")
    if not visit.is_submitted or not visit.experience.strip():
        raise ValidationError("只有已提交且填写了典型经验的登记表可以标记推广。")
    visit.experience_promoted = promoted
    visit.experience_promoted_by = acting_user if promoted else None
    visit.experience_promoted_at = timezone.now() if promoted else None
    visit._change_reason = "标记推广" if promoted else "取消推广"
    visit.save(update_fields=["experience_promoted", "experience_promoted_by", "experience_promoted_at", "updated_at"])
    return visit
