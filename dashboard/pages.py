"""The dashboard pages (SPEC §11): one tab per theme, the filters in the URL, exports of every table."""

import datetime

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import cache, excel, links
from .filters import parse_period

TABS = (
    ("overview", "总览"),
    ("key_villages", "重点村"),
    ("guidance", "指导"),
    ("inspection", "督查"),
    ("rectification", "整改"),
    ("problems", "问题与经验"),
    ("supervision", "挂牌督战"),
)
TAB_LABELS = dict(TABS)


def _require_view(user):
    if not rules.has_perm("dashboard.view", user):
        raise PermissionDenied("数据看板供市扶贫办和县（市、区）扶贫办查看。")


def _title(request):
    user = request.user
    if user.county_id and user.is_county_officer:
        return f"{user.county.name}数据看板"
    if user.city_id:
        return f"{user.city.name}数据看板"
    return "全省数据看板"


@login_required
def tab_view(request, tab):
    from urllib.parse import urlencode

    from django.template.loader import render_to_string
    from django.utils.functional import SimpleLazyObject

    _require_view(request.user)
    today = timezone.localdate()
    raw = cache.raw_params(request.GET)
    # A page this user opened in this browser since the figures last changed: sent again as it was.
    page_key = None if messages.get_messages(request) else cache.page_key(request, tab, raw, today=today)
    page = cache.get_page(request, page_key, today=today)
    if page is not None:
        return HttpResponse(page)
    body = cache.cached_html(request, tab, raw, today=today)
    if body is not None:
        # Served again: no filter to resolve, no figure to read — the panel's data only if someone asks for it.
        f = None
        data = SimpleLazyObject(lambda: cache.panel(cache.filters_for(request, today=today), tab))
    else:
        f = cache.filters_for(request, today=today)
        data = cache.panel(f, tab) if f.is_valid else None
        body = render_to_string("dashboard/_body.html", {
            "tab": tab, "f": f, "data": data, "query": urlencode(f.params()), "request": request, "form": _form(f)})
        if f.is_valid:
            cache.store_html(f, tab, raw, body)
    period = parse_period(raw.get("period", ""))
    query = urlencode(raw)
    response = render(request, "dashboard/page.html", {
        "tab": tab, "tab_label": TAB_LABELS[tab], "title": _title(request), "f": f, "data": data, "body": body,
        "query": query, "tabs": [(links.dashboard(key), label, key == tab) for key, label in TABS], "today": today,
        "briefing_query": query if period and len(period.key) == 7 else urlencode({
            **raw, "period": (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")}),
    })
    if f is None or f.is_valid:
        cache.set_page(request, page_key, response.content, today=today)
    return response


def _form(f):
    """The filter form's options, grouped as officers read them, with the current choice marked."""
    c = f.choices
    kinds = {"guidance": "业务指导", "inspection": "督查", "listed": "挂牌督战"}
    campaign_groups = []
    for kind, label in kinds.items():
        options = [(pk, info["name"]) for pk, info in c.campaigns.items() if info["kind"] == kind]
        if options:
            campaign_groups.append((label, options))
    # The groups of the campaign chosen, else of the campaigns the panels show (a province has hundreds of groups).
    if f.campaign:
        shown = {f.campaign}
    elif f.team:
        shown = {c.teams[f.team]["campaign_id"]}
    else:
        shown = {f.campaign_in_effect(kind) for kind in ("guidance", "inspection", "listed")} - {None}
    team_groups = {}
    for pk, info in sorted(c.teams.items(), key=lambda kv: (kv[1]["campaign_id"], kv[1]["order"], kv[1]["name"])):
        if info["campaign_id"] in shown:
            team_groups.setdefault(c.campaigns.get(info["campaign_id"], {}).get("name", ""), []).append(
                (pk, info["name"]))
    county_groups = {}
    for pk, info in c.counties.items():
        if not f.city or info["city_id"] == f.city:
            county_groups.setdefault(info["city"], []).append((pk, info["name"]))
    from .filters import period_choices

    return {
        "periods": period_choices(c.years), "campaigns": campaign_groups, "teams": list(team_groups.items()),
        "cities": [("", list(c.cities.items()))] if len(c.cities) > 1 else [],
        "counties": list(county_groups.items()) if len(c.counties) > 1 else [],
        "grouped_counties": len(county_groups) > 1,
    }


@login_required
def export_view(request):
    """One panel table as an Excel file, the filters in its title row."""
    _require_view(request.user)
    tab, key = request.GET.get("tab", ""), request.GET.get("table", "")
    if tab not in TAB_LABELS or tab == "overview":
        raise Http404
    f = cache.filters_for(request, today=timezone.localdate())
    if not f.is_valid:
        raise Http404
    data = cache.panel(f, tab)
    tables = [t for t in data.get("tables", []) if t["key"] == key]
    if not tables:
        raise Http404
    return excel.workbook_response(
        filename=f"{tables[0]['title'][:20]}_{f.today:%Y%m%d}.xlsx",
        sheets=[(tables[0]["title"], tables[0])], heading=_title(request), filters=f.describe(), today=f.today)


@login_required
def briefing_view(request):
    """月度通报: every panel for one month, one sheet each — what the city office sends upward."""
    _require_view(request.user)
    month = request.GET.get("period", "")
    period = parse_period(month)
    if period is None or len(period.key) != 7:
        today = timezone.localdate()
        return render(request, "dashboard/briefing.html", {
            "title": _title(request), "error": "请选择月份（如 2018-10）。" if month else "",
            "default_month": (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m"),
            "query": request.GET.urlencode(), "tabs": [(k, v, False) for k, v in TABS],
        })
    f = cache.filters_for(request, today=timezone.localdate())
    if not f.is_valid:
        raise Http404
    sheets = [("总览", _overview_table(cache.panel(f, "overview")))]
    for tab, label in TABS[1:]:
        data = cache.panel(f, tab)
        if data.get("empty"):
            sheets.append((label, {"title": label, "columns": [], "rows": [], "total": None,
                                   "note": data["empty"]}))
        for t in data.get("tables", []):
            sheets.append((f"{label}-{t['title']}", t))
    return excel.workbook_response(
        filename=f"月度通报_{period.start:%Y年%m月}.xlsx", sheets=sheets,
        heading=f"{_title(request).removesuffix('数据看板')}脱贫攻坚督导工作月度通报（{period.label}）",
        filters=f.describe(), today=f.today)


def _overview_table(data):
    """The overview's cards as rows: 项目 · 数值 · 说明."""
    from .panels import col, table, text

    c = data["cards"]
    rows = []

    def add(group, label, value, note=""):
        rows.append([text(group), text(label), {"v": value, "u": None, "f": "pct" if "率" in label else "int"},
                     text(note)])

    kv = c["key_villages"]
    add("重点村", "重点村", kv.get("key"))
    add("重点村", "3星村", kv.get("three"))
    add("重点村", "已指导", kv.get("visited"))
    add("重点村", "指导覆盖率", kv.get("coverage"))
    g = c["guidance"]
    add("指导", "指导天数", g.get("days"), g.get("campaign", ""))
    add("指导", "应指导（县·周）", g.get("owed"))
    add("指导", "未指导（县·周）", g.get("missed"))
    add("指导", "每周指导达标率", g.get("quota"))
    i = c["inspection"]
    add("督查", "督查次数", i.get("trips"), i.get("campaign", ""))
    add("督查", "已结束", i.get("ended"))
    add("督查", "抽查符合率", i.get("compliance"))
    r = c["rectification"]
    add("整改", "整改问题", r.get("total"))
    add("整改", "未销号", r.get("open"))
    add("整改", "逾期", r.get("overdue"))
    add("整改", "整改率", r.get("rate"))
    add("整改", "应发整改函的督查", r.get("letters_due"))
    add("整改", "按时发函率", r.get("letters_rate"))
    p = c["problems"]
    add("问题", "发现问题", p.get("problems"))
    for source, category, n in p.get("top", []):
        add("问题", f"较多：{source} {category}", n)
    add("典型经验", "典型经验", p.get("experiences"))
    add("典型经验", "已推广", p.get("promoted"))
    s = c["supervision"]
    if s:
        add("挂牌督战", "挂牌督战村", s.get("villages"), s.get("listing", ""))
        add("挂牌督战", "退出指标达标率", s.get("indicator_rate"))
        add("挂牌督战", "台账未销号", s.get("ledger_open"))
    return table("overview", "总览", [col("方面", False), col("项目", False), col("数值"), col("说明", False)], rows)
