import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from villages.excel import xlsx_response
from villages.listing import list_context, safe_next
from villages.models import Category, Village
from villages.scoping import get_visible_or_404

from . import services
from .choices import GUIDANCE_ITEMS, PRINT_COPIES, PROBLEM_CATEGORY_CHOICES, ProblemKind
from .filtersets import ExperienceFilterSet, ProblemFilterSet, VisitFilterSet
from .forms import ChecklistFormSet, ProblemFormSet, RepeatExceptionForm, VisitForm, checklist_initial
from .models import GuidanceVisit, Problem
from .selectors import (
    common_problem_counts,
    default_campaign,
    experience_list,
    guidance_campaigns,
    problem_list,
    visit_detail_queryset,
    visit_list,
    visit_prefill,
    weekly_quota,
)

PLACE_ORDER = ("campaign", "county", "township", "village")
SIMPLE_FIELDS = (
    "campaign", "visit_date", "county", "township", "village", *services.FIGURE_FIELDS,
    "population_note", "reduction_progress", "experience", "local_officials_accompanied", "others_present",
    "correction_reason",
)


def _require_recorder(user):
    if not services.may_record_visits(user):
        raise PermissionDenied("您的账号不能填写指导登记表。")


def _initial_from_visit(visit):
    initial = {name: getattr(visit, name) for name in ("visit_date", *services.FIGURE_FIELDS, "population_note",
                                                        "reduction_progress", "experience", "local_officials_accompanied",
                                                        "others_present")}
    initial.update(campaign=visit.campaign_id, county=visit.county_id, township=visit.village.township_id,
                   village=visit.village_id, categories=visit.categories, signers=[p.pk for p in visit.signers.all()])
    return initial


def _initial_from_post(post):
    initial = {name: post.get(name) for name in SIMPLE_FIELDS if name in post}
    initial["local_officials_accompanied"] = bool(post.get("local_officials_accompanied"))
    initial["categories"] = post.getlist("categories")
    initial["signers"] = post.getlist("signers")
    return initial


def _refresh(request, visit, correcting):
    """htmx: the place lists, prefilled facts and signatures after one of the selects changed."""
    initial = _initial_from_post(request.POST)
    trigger = request.POST.get("_trigger")
    if trigger in PLACE_ORDER:
        for name in PLACE_ORDER[PLACE_ORDER.index(trigger) + 1:]:
            initial.pop(name, None)
        if trigger in ("campaign", "county"):
            initial["signers"] = []
        village_id = initial.get("village")
        if trigger == "village" and village_id and str(village_id).isdigit():
            village = Village.objects.visible_to(request.user).filter(pk=village_id).first()
            if village is not None:
                initial.update(visit_prefill(village))
    form = VisitForm(initial=initial, user=request.user, correcting=correcting)
    return render(request, "inspections/_visit_refresh.html", {"form": form, "visit": visit})


def _visit_form_page(request, visit=None):
    _require_recorder(request.user)
    correcting = visit is not None and visit.is_submitted
    service_errors = []
    if request.method == "POST":
        if request.POST.get("_refresh"):
            return _refresh(request, visit, correcting)
        form = VisitForm(request.POST, user=request.user, correcting=correcting)
        problems = ProblemFormSet(request.POST, prefix="problems")
        checklist = ChecklistFormSet(request.POST, prefix="checklist")
        submit = correcting or request.POST.get("action") == "submit"
        if form.is_valid() & problems.is_valid() & checklist.is_valid():
            cd = form.cleaned_data
            data = services.VisitInput(
                campaign=cd["campaign"], village=cd["village"], visit_date=cd["visit_date"], categories=cd["categories"],
                figures=form.figures(), population_note=cd["population_note"], reduction_progress=cd["reduction_progress"],
                experience=cd["experience"], signers=list(cd["signers"]),
                local_officials_accompanied=cd["local_officials_accompanied"], others_present=cd["others_present"],
                problems=problems.problems(), checklist=checklist.entries(),
            )
            try:
                saved = services.visit_save(acting_user=request.user, data=data, visit=visit, submit=submit,
                                            correction_reason=cd.get("correction_reason", ""))
            except ValidationError as e:
                for name, msgs in (e.message_dict.items() if hasattr(e, "error_dict") else [(None, e.messages)]):
                    if name in form.fields:
                        form.add_error(name, msgs)
                    elif name == "problems":
                        service_errors.extend(msgs)
                    else:
                        form.add_error(None, msgs)
            else:
                if correcting:
                    messages.success(request, "更正已保存，并记录了更正人、时间和原因。")
                elif saved.is_submitted:
                    messages.success(request, f"登记表已提交：{saved.visit_date:%Y年%m月%d日} {saved.village.name}。")
                else:
                    messages.info(request, "草稿已保存，可稍后继续填写并提交。")
                return redirect(saved)
    else:
        if visit is not None:
            initial = _initial_from_visit(visit)
            problems = ProblemFormSet(prefix="problems", initial=[
                {"id": p.pk, "category": p.category, "kind": p.kind, "description": p.description, "fix": p.fix}
                for p in visit.problems.all()
            ])
            checklist = ChecklistFormSet(prefix="checklist", initial=checklist_initial(visit.checklist.all()))
        else:
            # Today is offered only when a campaign is running today; otherwise the date is left for the
            # officer to enter (a default outside every campaign could only be refused).
            today = timezone.localdate()
            running = default_campaign(guidance_campaigns(user=request.user), today=today)
            initial = {"visit_date": today} if running and running.start_date <= today <= running.end_date else {}
            village_id = request.GET.get("village", "")
            village = (Village.objects.visible_to(request.user).filter(pk=village_id).first()
                       if village_id.isdigit() else None)
            if village is not None:
                initial.update(county=village.county_id, township=village.township_id, village=village.pk,
                               **visit_prefill(village))
            problems = ProblemFormSet(prefix="problems")
            checklist = ChecklistFormSet(prefix="checklist", initial=checklist_initial())
        form = VisitForm(initial=initial, user=request.user, correcting=correcting)
    if not form.fields["campaign"].queryset.exists():
        return render(request, "inspections/visit_form.html", {"no_campaign": True})
    return render(request, "inspections/visit_form.html", {
        "form": form, "problems": problems, "checklist": checklist, "visit": visit, "correcting": correcting,
        "service_errors": service_errors, "problem_kinds": ProblemKind,
    })


@login_required
def visit_create(request):
    return _visit_form_page(request)


@login_required
def visit_edit(request, pk):
    visit = get_visible_or_404(_visits(), request.user, pk=pk)
    if not services.may_edit_visit(request.user, visit):
        raise PermissionDenied(
            "已提交的登记表只能由填表人、该指导小组成员或市扶贫办更正。" if visit.is_submitted
            else "这份草稿只能由填表人、该指导小组成员或市扶贫办修改。"
        )
    return _visit_form_page(request, visit)


def _visits():
    return GuidanceVisit.objects.select_related("village", "campaign", "team").prefetch_related("signers", "problems", "checklist")


@login_required
def visit_detail(request, pk):
    visit = get_object_or_404(visit_detail_queryset(user=request.user), pk=pk)
    return render(request, "inspections/visit_detail.html", {
        "visit": visit, **_paper_context(visit),
        "can_edit": services.may_edit_visit(request.user, visit),
        "can_delete": rules.has_perm("inspections.delete_draft", request.user, visit),
        "can_promote": rules.has_perm("inspections.promote_experience", request.user, visit),
        "corrections": visit.corrections.select_related("corrected_by"),
    })


def _paper_context(visit):
    categories = dict(Category.objects.values_list("number", "label"))
    items = {n: text for n, _, text in GUIDANCE_ITEMS}
    return {
        "category_labels": [f"{n}. {categories.get(n) or f'第{n}类'}" for n in visit.categories],
        "checklist_rows": [(items[e.item], e) for e in visit.checklist.all()],
        "problem_categories": dict(PROBLEM_CATEGORY_CHOICES),
    }


@login_required
def visit_print(request, pk):
    visit = get_object_or_404(visit_detail_queryset(user=request.user), pk=pk)
    return render(request, "inspections/visit_print.html", {"visit": visit, "copies": PRINT_COPIES, **_paper_context(visit)})


@login_required
@require_POST
def visit_delete(request, pk):
    visit = get_visible_or_404(_visits(), request.user, pk=pk)
    try:
        services.visit_delete_draft(acting_user=request.user, visit=visit)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect(visit)
    messages.success(request, "草稿已删除。")
    return redirect("inspections:visit_list")


def _visit_filter(request):
    filterset = VisitFilterSet(request.GET or None, queryset=visit_list(user=request.user), user=request.user)
    return filterset, filterset.qs


@login_required
def visit_list_view(request):
    filterset, qs = _visit_filter(request)
    # Counted for the page's rows only (a subquery), so the page's count does not group every visit's problems.
    qs = qs.annotate(problem_count=Coalesce(Subquery(
        Problem.objects.filter(visit=OuterRef("pk")).order_by().values("visit").annotate(n=Count("pk")).values("n")
    ), 0))
    return render(request, "inspections/visit_list.html", {
        **list_context(request, filterset, qs), "can_record": services.may_record_visits(request.user),
    })


@login_required
def visit_export(request):
    _, qs = _visit_filter(request)
    qs = qs.select_related("village__township").annotate(
        problem_count=Count("problems"), common_count=Count("problems", filter=Q(problems__kind=ProblemKind.COMMON)),
    ).prefetch_related("signers")
    headers = ["指导时间", "工作周期", "指导小组", "县（市、区）", "乡（镇）", "村", "类别", "贫困户（户）", "贫困人口（人）",
               "减贫任务完成情况", "存在问题（条）", "其中共性问题（条）", "典型经验", "指导人签名", "县、乡干部陪同", "状态"]

    def rows():
        for v in qs.iterator(chunk_size=1000):
            yield [
                v.visit_date, v.campaign.name, v.team.name, v.county.name, v.village.township.name, v.village.name,
                "、".join(map(str, v.categories)), v.poor_households, v.poor_population, v.reduction_progress,
                v.problem_count, v.common_count, v.experience, "、".join(p.name for p in v.signers.all()),
                "是" if v.local_officials_accompanied else "否", v.get_status_display(),
            ]

    return xlsx_response(filename=f"指导登记表_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="指导登记表",
                         headers=headers, rows=rows(), column_widths=[12, 22, 10, 10, 12, 12, 10, 10, 10, 40, 8, 8, 40, 24, 8, 8],
                         request=request)


@login_required
def problem_list_view(request):
    data = request.GET.copy()
    data.setdefault("kind", ProblemKind.COMMON)  # the page the county reads: what it must rectify
    problems = problem_list(user=request.user)
    filterset = ProblemFilterSet(data, queryset=problems, user=request.user)
    return render(request, "inspections/problem_list.html", {
        **list_context(request, filterset),
        "county_counts": common_problem_counts(user=request.user) if data.get("kind") == ProblemKind.COMMON else None,
    })


@login_required
def experience_list_view(request):
    filterset = ExperienceFilterSet(request.GET or None, queryset=experience_list(user=request.user), user=request.user)
    return render(request, "inspections/experience_list.html", list_context(request, filterset))


@login_required
@require_POST
def experience_promote(request, pk):
    visit = get_visible_or_404(_visits(), request.user, pk=pk)
    try:
        services.experience_promote(acting_user=request.user, visit=visit, promoted=request.POST.get("promoted") == "1")
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, "已标记推广。" if visit.experience_promoted else "已取消推广。")
    return redirect(safe_next(request, default="inspections:experience_list"))


@login_required
def quota_view(request):
    campaigns = list(guidance_campaigns(user=request.user))
    chosen = request.GET.get("campaign", "")
    campaign = next((c for c in campaigns if str(c.pk) == chosen), None) or default_campaign(campaigns)
    weeks, rows = weekly_quota(user=request.user, campaign=campaign) if campaign else ([], [])
    from reminders.calendar import uses_fallback

    return render(request, "inspections/quota.html", {
        "campaigns": campaigns, "campaign": campaign, "weeks": weeks, "rows": rows, "today": timezone.localdate(),
        "calendar_fallback": campaign is not None and uses_fallback(campaign.start_date, campaign.end_date),
        "missing_total": sum(r["missing"] for r in rows),
    })


@login_required
@require_POST
def repeat_exception_create(request, village_pk):
    village = get_visible_or_404(Village.objects.all(), request.user, pk=village_pk)
    form = RepeatExceptionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.repeat_exception_grant(acting_user=request.user, campaign=form.cleaned_data["campaign"],
                                            village=village, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, f"已允许{village.name}在“{form.cleaned_data['campaign'].name}”中再接受一次指导。")
    else:
        messages.error(request, "；".join(m for errs in form.errors.values() for m in errs))
    return redirect(village)




# Excel exports of the list and table pages, with the filters the page shows.

def _problem_filter(request):
    data = request.GET.copy()
    data.setdefault("kind", ProblemKind.COMMON)  # as on the page: 共性问题 unless asked otherwise
    return ProblemFilterSet(data, queryset=problem_list(user=request.user), user=request.user).qs


@login_required
def problem_export(request):
    qs = _problem_filter(request)
    headers = ["指导时间", "指导小组", "县（市、区）", "乡（镇）", "村", "问题性质", "问题类别", "问题描述", "现场整改情况"]
    rows = (
        [p.visit.visit_date, p.visit.team.name, p.county.name, p.village.township.name, p.village.name,
         p.get_kind_display(), p.get_category_display(), p.description, p.fix]
        for p in qs.iterator(chunk_size=2000)
    )
    return xlsx_response(filename=f"存在问题_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="存在问题",
                         headers=headers, rows=rows, column_widths=[12, 12, 12, 12, 12, 10, 16, 60, 40], request=request)


@login_required
def experience_export(request):
    filterset = ExperienceFilterSet(request.GET or None, queryset=experience_list(user=request.user), user=request.user)
    qs = filterset.qs.select_related("village__township", "county", "team")
    headers = ["指导时间", "指导小组", "县（市、区）", "乡（镇）", "村", "典型经验", "推广"]
    rows = (
        [v.visit_date, v.team.name, v.county.name, v.village.township.name, v.village.name, v.experience,
         "已推广" if v.experience_promoted else "未推广"]
        for v in qs.iterator(chunk_size=2000)
    )
    return xlsx_response(filename=f"典型经验_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="典型经验",
                         headers=headers, rows=rows, column_widths=[12, 12, 12, 12, 12, 80, 8], request=request)


QUOTA_STATES = {"done": "已指导", "missing": "未到", "current": "本周", "future": "", "holiday": "假期"}


@login_required
def quota_export(request):
    """每周指导情况 as on the page: one row per team and county, one column per week (ZZ 三: a day a week)."""
    campaigns = list(guidance_campaigns(user=request.user))
    chosen = request.GET.get("campaign", "")
    campaign = next((c for c in campaigns if str(c.pk) == chosen), None) or default_campaign(campaigns)
    if campaign is None:
        raise Http404
    weeks, quota_rows = weekly_quota(user=request.user, campaign=campaign)
    headers = ["指导小组", "县（市、区）", *(f"{w.month}月{w.day}日起" for w in weeks), "指导天数", "未到周数"]

    def cell(c):
        if c.days:
            return "、".join(f"{d.month}月{d.day}日" for d in c.days)
        return QUOTA_STATES.get(c.state, "")

    rows = ([r["team"].name, r["county"].name, *(cell(c) for c in r["cells"]), r["days"], r["missing"]] for r in quota_rows)
    return xlsx_response(filename=f"每周指导情况_{campaign.name}_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="每周指导情况",
                         headers=headers, rows=rows, column_widths=[12, 12, *([10] * len(weeks)), 8, 8], request=request)
