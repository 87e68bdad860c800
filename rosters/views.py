from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from villages.excel import xlsx_response
from villages.listing import page_of

from .choices import MemberRole
from .sections import team_sections
from .selectors import campaign_list, team_detail_list, team_list
from .services import roster_export_rows


@login_required
def campaign_list_view(request):
    campaigns = campaign_list(user=request.user).order_by("-start_date", "name")
    page = page_of(request, campaigns, per_page=30)
    return render(request, "rosters/campaign_list.html", {"page": page, "query": ""})


@login_required
def campaign_detail(request, pk):
    campaign = get_object_or_404(campaign_list(user=request.user), pk=pk)
    teams = team_detail_list(user=request.user, campaign=campaign)
    leaders = campaign.leaders.select_related("person")
    return render(request, "rosters/campaign_detail.html", {
        "campaign": campaign, "teams": teams, "leaders": leaders, "MemberRole": MemberRole,
    })


@login_required
def team_detail(request, pk):
    team = get_object_or_404(
        team_list(user=request.user).prefetch_related("memberships__person", "coverage__county", "coverage__liaison"), pk=pk
    )
    return render(request, "rosters/team_detail.html", {"team": team, "MemberRole": MemberRole,
                                                        "team_sections": team_sections(request, team)})


@login_required
def campaign_export(request, pk):
    campaign = get_object_or_404(campaign_list(user=request.user), pk=pk)
    rows = roster_export_rows(campaign=campaign, teams=team_list(user=request.user).filter(campaign=campaign))
    headers = next(rows)
    return xlsx_response(
        filename=f"{campaign.name}_名单_{timezone.localdate():%Y%m%d}.xlsx", sheet_title="名单",
        headers=headers, rows=rows, column_widths=[12, 24, 12, 30, 40], request=request,
    )


@login_required
def roster_template(request, kind):
    """The empty roster workbook of one kind of team, with its filling notes."""
    from django.http import Http404, HttpResponse
    from django.utils.http import content_disposition_header

    from .choices import TeamKind
    from .importers import template_workbook

    if kind not in TeamKind.values:
        raise Http404
    response = HttpResponse(template_workbook(kind),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"{TeamKind(kind).label}名单导入模板.xlsx")
    return response
