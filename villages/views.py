import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Left
from django.shortcuts import redirect, render
from django.utils import timezone

from . import services
from .choices import GUARANTEES, HouseholdStatus
from .excel import MAX_CELL_TEXT, xlsx_response
from .filtersets import HouseholdFilterSet, KeyVillageFilterSet, VillageFilterSet
from .forms import CategoryOverrideForm, HouseholdForm, RatingThresholdForm, VillageFactsForm
from .listing import cached_list_page, list_context, page_of
from .models import Category, Household, RatingThreshold, Village
from .scoping import get_visible_or_404
from .sections import village_sections
from .selectors import (
    household_list,
    key_village_counts,
    key_village_list_with_columns,
    village_list,
    village_population_summary,
    village_rating_explanation,
)
from .streaming import read_ahead
from .validators import mask_id_number, mask_phone


@login_required
def village_list_view(request):
    filterset = VillageFilterSet(request.GET or None, queryset=village_list(user=request.user), user=request.user)
    return cached_list_page(request, "villages", filterset, template="villages/village_list.html",
                            results_template="villages/_village_results.html")


@login_required
def village_detail(request, pk):
    village = get_visible_or_404(Village.objects.select_related("township__county__city", "star_rating"), request.user, pk=pk)
    households = Household.objects.filter(village=village).order_by("head_name")
    history = village.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "villages/village_detail.html", {
        "village": village,
        "explanation": village_rating_explanation(village),
        "override_form": CategoryOverrideForm(),
        "figures": village_population_summary(village),
        "households": page_of(request, households),
        "history": history,
        "village_sections": village_sections(request, village),
    })


def _require(user, permission, obj=None, message="您的账号不能进行此操作。"):
    """Ask the permission matrix (rosters/permissions.py); a refusal is a Chinese 403 page."""
    if not rules.has_perm(permission, user, obj):
        raise PermissionDenied(message)


KEEPER_ONLY = "只有市扶贫办和县（市、区）扶贫办可以修改村和贫困户数据。"


def _form_view(request, form, *, save, success, template, context):
    """Validate the form, hand its data to a service, show the service's refusal on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(**form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, success(obj))
            return redirect(obj)
    return render(request, template, {**context, "form": form})


@login_required
def village_edit(request, pk):
    village = get_visible_or_404(Village.objects.select_related("township__county__city"), request.user, pk=pk)
    _require(request.user, "villages.edit_village", village, KEEPER_ONLY)
    return _form_view(
        request, VillageFactsForm(request.POST or None, instance=village),
        save=lambda **data: services.village_update_facts(acting_user=request.user, village=village, **data),
        success=lambda _: "村基本情况已保存。", template="villages/village_form.html", context={"village": village},
    )


@login_required
def village_export(request):
    filterset = VillageFilterSet(request.GET or None, queryset=village_list(user=request.user), user=request.user)
    qs = filterset.qs.select_related("township__county__city")
    headers = ["市", "县（市、区）", "乡（镇）", "村", "村类型", "出列状态", "户籍农业人口", "距县城（公里）", "星级", "符合类别",
               "统计用区划代码"]

    def rows():
        for v in qs.iterator(chunk_size=2000):
            rating = getattr(v, "star_rating", None)
            yield [
                v.township.county.city.name, v.township.county.name, v.township.name, v.name,
                "贫困村" if v.is_poor_village else "面上村", v.get_exit_status_display(), v.rural_population,
                float(v.distance_to_county_km) if v.distance_to_county_km is not None else None,
                rating.stars if rating else 0, "、".join(map(str, rating.categories)) if rating else "", v.code,
            ]

    return xlsx_response(
        filename=f"村庄列表_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="村庄", headers=headers, rows=rows(),
        column_widths=[10, 12, 14, 16, 8, 8, 12, 12, 6, 12, 15], request=request, total=qs.count,
    )


@login_required
def household_list_view(request):
    filterset = HouseholdFilterSet(request.GET or None, queryset=household_list(user=request.user), user=request.user)
    return cached_list_page(request, "households", filterset, template="villages/household_list.html",
                            results_template="villages/_household_results.html")


@login_required
def household_detail(request, pk):
    household = get_visible_or_404(Household.objects.select_related("village__township__county__city"), request.user, pk=pk)
    history = household.history.select_related("history_user").order_by("-history_date")[:20]
    guarantees = [(label, getattr(household, name)) for name, label in GUARANTEES]
    return render(request, "villages/household_detail.html", {"household": household, "history": history, "guarantees": guarantees})


@login_required
def household_create(request, village_pk):
    village = get_visible_or_404(Village.objects.select_related("township__county__city"), request.user, pk=village_pk)
    _require(request.user, "villages.edit_village", village, KEEPER_ONLY)
    return _form_view(
        request, HouseholdForm(request.POST or None),
        save=lambda **data: services.household_create(acting_user=request.user, village=village, **data),
        success=lambda h: f"已添加贫困户：{h.head_name}。", template="villages/household_form.html",
        context={"village": village},
    )


@login_required
def household_edit(request, pk):
    household = get_visible_or_404(Household.objects.select_related("village__township__county__city"), request.user, pk=pk)
    _require(request.user, "villages.edit_village", household.village, KEEPER_ONLY)
    return _form_view(
        request, HouseholdForm(request.POST or None, instance=household),
        save=lambda **data: services.household_update(acting_user=request.user, household=household, **data),
        success=lambda _: "贫困户信息已保存。", template="villages/household_form.html",
        context={"village": household.village, "household": household},
    )


@login_required
def household_export(request):
    filterset = HouseholdFilterSet(request.GET or None, queryset=household_list(user=request.user), user=request.user)
    qs = filterset.qs

    def total():
        known = filterset.fast_count()
        return qs.count() if known is None else known

    # The columns of the household template, flags and 两不愁三保障 included (blank = 未填写).
    flags = ["is_dibao", "is_wubao", "is_serious_illness", "is_disabled", "is_elderly", "is_low_income"]
    guarantees = [name for name, _ in GUARANTEES]
    labels = {f.name: f.verbose_name for f in Household._meta.fields}
    headers = ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "联系电话", "家庭人口", "状态", "识别年份", "脱贫年份",
               *(labels[f] for f in flags), *(labels[f] for f in guarantees), "帮扶责任人", "帮扶措施", "增收措施数", "村代码"]

    yes_no = {None: None, True: "是", False: "否"}  # blank for 未填写
    status_labels = dict(HouseholdStatus.choices)

    def rows():
        # The places come from one read of the villages in scope, not from a join per household:
        # at province scale that is 48,000 rows read once against 2,000,000 joined.
        places = {
            pk: (county, township, name, code) for pk, county, township, name, code in
            Village.objects.visible_to(request.user).values_list("pk", "county__name", "township__name", "name", "code")
            .iterator(chunk_size=5000)
        }
        for village_id, name, idn, phone, members, status, identified, exit_year, *marks, helper, measures, income in (
            read_ahead(qs.values_list("village_id", "head_name", "head_id_number", "head_phone", "member_count",
                                      "status", "identified_year", "exit_year", *flags, *guarantees, "helper_name",
                                      Left("measures", MAX_CELL_TEXT), "income_measure_count").iterator(chunk_size=5000))
        ):
            county, township, village, code = places[village_id]
            yield [county, township, village, name, mask_id_number(idn), mask_phone(phone), members, status_labels[status],
                   identified, exit_year, *map(yes_no.__getitem__, marks), helper, measures, income, code]

    return xlsx_response(
        filename=f"贫困户列表_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="贫困户", headers=headers, rows=rows(),
        column_widths=[12, 14, 16, 10, 22, 14, 8, 8, 8, 8, *([8] * 12), 10, 40, 8, 15], request=request, total=total,
        plain=True,  # bounded text (the one free-text column cut by the query), ints, None
    )


@login_required
def village_override(request, pk):
    """Set or clear an override of a computed category, with its reason."""
    village = get_visible_or_404(Village.objects.all(), request.user, pk=pk)
    if request.method != "POST":
        return redirect(village)
    form = CategoryOverrideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "clear":
                services.category_override_remove(acting_user=request.user, village=village, number=data["number"])
                messages.success(request, f"已撤销第{data['number']}类的人工认定，恢复按数据计算。")
            else:
                services.category_override_set(
                    acting_user=request.user, village=village, number=data["number"],
                    met=data["decision"] == "met", reason=data["reason"],
                )
                messages.success(request, f"第{data['number']}类已人工认定，星级随之重新计算。")
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
    else:
        messages.error(request, "；".join(err for errors in form.errors.values() for err in errors))
    return redirect(village)


def _key_villages(request):
    villages, info = key_village_list_with_columns(user=request.user)
    filterset = KeyVillageFilterSet(request.GET or None, queryset=villages, user=request.user)
    # The visit columns are there when inspections has registered them (villages/annotations.py).
    info["visit_columns"] = "last_visit_date" in villages.query.annotations
    return filterset, filterset.qs, info


@login_required
def key_village_list_view(request):
    filterset, qs, info = _key_villages(request)
    labels = dict(Category.objects.values_list("number", "label"))
    return render(request, "villages/key_village_list.html", {
        **list_context(request, filterset), "counts": key_village_counts(villages=qs), "labels": labels, **info,
    })


@login_required
def key_village_export(request):
    _, qs, info = _key_villages(request)
    labels = dict(Category.objects.values_list("number", "label"))
    headers = ["星级", "符合类别数", "县（市、区）", "乡（镇）", "村", "村类型", "符合类别"]
    widths = [6, 10, 12, 14, 16, 8, 80]
    if info["visit_columns"]:
        headers += ["最近指导", "本周期已指导"]
        widths += [12, 12]

    def rows():
        for v in qs.iterator(chunk_size=2000):
            row = [v.star_rating.stars, v.star_rating.category_count, v.township.county.name, v.township.name, v.name,
                   "贫困村" if v.is_poor_village else "面上村",
                   "；".join(f"{n}.{labels.get(n, '')}" for n in v.star_rating.categories)]
            if info["visit_columns"]:
                row += [v.last_visit_date, "是" if v.visited_this_campaign else "否"]
            yield row

    return xlsx_response(
        filename=f"重点村名单_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="重点村", headers=headers, rows=rows(),
        column_widths=widths, request=request, total=qs.count,
    )


@login_required
def rating_thresholds(request):
    """The year's thresholds of the 8 categories; the city office edits them, others read them."""
    from .rating import DEFAULT_THRESHOLDS

    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    instance = RatingThreshold.objects.filter(year=year).first() or RatingThreshold(year=year, **DEFAULT_THRESHOLDS)
    form = RatingThresholdForm(request.POST or None, instance=instance)
    can_edit = rules.has_perm("villages.edit_thresholds", request.user)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("只有市扶贫办可以修改重点村评定标准。")
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_threshold_save(acting_user=request.user, year=year, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"{year}年重点村评定标准已保存，全部村的星级正在重新计算。")
            return redirect(f"{request.path}?year={year}")
    return render(request, "villages/rating_thresholds.html", {
        "form": form, "year": year, "defaults": DEFAULT_THRESHOLDS, "saved": instance.pk is not None, "can_edit": can_edit,
    })


def _require_importer(user):
    """County officers import their county's rows, the city office its city's; team members do not import."""
    _require(user, "villages.import", None, "只有县（市、区）扶贫办和市扶贫办可以导入。")


@login_required
def village_import(request):
    from django.urls import reverse

    from .imports import import_flow

    _require_importer(request.user)
    return import_flow(request, kind="villages", template="villages/import.html", context={},
                       done_url=reverse("villages:village_list"))


@login_required
def household_import(request):
    from django.urls import reverse

    from .imports import import_flow

    _require_importer(request.user)
    return import_flow(request, kind="households", template="villages/import.html", context={},
                       done_url=reverse("villages:household_list"))


@login_required
def import_template(request, kind):
    from django.http import Http404

    from .imports import KINDS, template_response

    if kind not in KINDS:
        raise Http404
    return template_response(kind)


# --- background jobs (villages/jobs.py) -------------------------------------------------------------

def _own_job(request, pk):
    """The user's own job, or 404 — whoever else asks, and for the file, whoever no longer sees its counties."""
    from django.shortcuts import get_object_or_404

    from .jobs import job_list

    return get_object_or_404(job_list(user=request.user), pk=pk)


@login_required
def job_list_view(request):
    from .jobs import job_list

    return render(request, "villages/job_list.html", {"page": page_of(request, job_list(user=request.user), 20), "query": ""})


def _job_context(request, job):
    from .imports import KINDS, result_from_dict
    from .jobs import file_visible

    context = {"job": job, "can_download": file_visible(job, request.user)}
    if job.kind != job.Kind.EXPORT and job.result:
        context["result"] = result_from_dict(job.result)
        context["spec"] = KINDS[job.target]
        context["kind"] = job.target
    return context


@login_required
def job_detail(request, pk):
    job = _own_job(request, pk)
    return render(request, "villages/job_detail.html", _job_context(request, job))


@login_required
def job_progress(request, pk):
    """The progress bar alone, polled by htmx while the job runs; once finished the whole page reloads."""
    from django.http import HttpResponse

    job = _own_job(request, pk)
    if job.is_finished and request.GET.get("running"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "villages/_job_progress.html", {"job": job})


@login_required
def job_download(request, pk):
    from pathlib import Path

    from django.http import FileResponse, Http404

    from .jobs import file_visible

    job = _own_job(request, pk)
    if not file_visible(job, request.user) or not Path(job.file_path).is_file():
        raise Http404("文件不存在或已过期。")
    response = FileResponse(Path(job.file_path).open("rb"), as_attachment=True, filename=job.file_name,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["X-Content-Type-Options"] = "nosniff"
    return response
