"""The panels of the city office's dashboards (SPEC §11), computed from the summary tables.

Each panel is a function of the resolved filters (``dashboard.filters.Filters``) that runs a
fixed number of grouped queries — the same for a county, a city or the province — and
returns plain data: tables (rows of cells, each cell a value and the URL of the list behind
it) and charts (categories and series, each point with its URL). Pages render them, the
exports write them, the cache keeps them.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from rosters.choices import TeamKind

from . import links
from .filters import month_end, months_between
from .models import ItemFact, ProblemFact, TripFact, VillageFact, VillageVisitFact, VisitDayFact

GUIDANCE, INSPECTION, LISTED = TeamKind.GUIDANCE, TeamKind.INSPECTION, TeamKind.LISTED


# --- the shapes: plain dicts, so a panel can be cached, rendered and exported alike -----------------

def cell(value, url=None, fmt="int", **extra):
    """A value and the list behind it. ``exact=False`` marks a figure that is not the number of the list's rows
    (days guided link to the visits of those days)."""
    return {"v": value, "u": url, "f": fmt, **extra}


def text(value, url=None, **extra):
    return cell(value, url, "text", **extra)


def rate(num, den, url=None):
    return cell(round(100.0 * num / den, 1) if den else None, url, "pct")


def table(key, title, columns, rows, *, total=None, note="", first_wide=True):
    return {"key": key, "title": title, "columns": columns, "rows": rows, "total": total, "note": note,
            "first_wide": first_wide}


def chart(key, kind, title, categories, series, *, height=None, unit=""):
    n = len(categories)
    if height is None:
        height = max(220, 28 * n + 90) if kind in ("hbar", "stack", "rank") else 300
    return {"key": key, "type": kind, "title": title, "categories": categories, "series": series,
            "height": min(height, 1400), "unit": unit}


def series(name, data, urls=None, *, stack=None, color=None, axis=0):
    return {"name": name, "data": data, "urls": urls or [None] * len(data), "stack": stack, "color": color,
            "axis": axis}


def col(label, num=True):
    return {"label": label, "num": num}


# --- where rows go: per city, county or township, with the link one level down ---------------------

def _scope_params(f, kind=None):
    """The list parameters that name the counties a panel counts, or None when a list cannot say it
    (a province user's chosen city, a group's several counties): then a total has no list behind it."""
    ids = f.county_ids(kind)
    if len(ids) == 1 and (f.county or len(f.choices.counties) == 1 or f.team):
        return {"county": ids[0]}
    if set(ids) == set(f.choices.counties):
        return {}
    return None


def _places(f, tab, kind, per_county, fields):
    """Rows of per-county counts at the page's level: (label cell, counts, list params or None).

    At the province's level a city's numbers lead to the same panel for that city, where
    each county's numbers lead to the lists."""
    ids = f.county_ids(kind)
    empty = dict.fromkeys(fields, 0)
    out = []
    if f.level == "city":
        by_city = {}
        for cid in ids:
            info = f.choices.counties[cid]
            row = by_city.setdefault(info["city_id"], {"name": info["city"], **empty})
            for k in fields:
                row[k] += per_county.get(cid, empty)[k] or 0
        for city_id, row in sorted(by_city.items(), key=lambda kv: kv[1]["name"]):
            drill = links.dashboard(tab, **f.params(city=city_id, county=None))
            out.append((text(row["name"], drill), row, None, drill))
    else:
        for cid in ids:
            info = f.choices.counties[cid]
            row = {k: (per_county.get(cid, empty)[k] or 0) for k in fields}
            drill = links.dashboard(tab, **f.params(county=cid)) if not f.county else None
            out.append((text(info["name"], drill), row, {"county": cid}, None))
    return out


def _scope(f, ids, field="county_id"):
    """The counties counted, as a condition — none at all when they are every county of the province, so the
    province's figures read the summaries without a list of 190 ids."""
    if f.choices.sees_all and len(ids) == len(f.choices.counties):
        return Q()
    return Q(**{f"{field}__in": ids})


def _sum(rows, fields):
    return {k: sum(r[k] or 0 for r in rows) for k in fields}


def _dates(f, kind):
    start, end = f.dates_for(kind)
    return start, end


def _date_range(qs, field, start, end):
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def _campaign_name(f, pk):
    return f.choices.campaigns[pk]["name"] if pk else ""


def _team_name(f, pk):
    team = f.choices.teams.get(pk)
    return team["name"] if team else "（已不在名单中的小组）"


# --- 1. key villages by stars and county; guided or not in the campaign (ZZ 四(一), 三) -----------------

def key_villages(f):
    campaign = f.campaign_in_effect(GUIDANCE)
    start, end = _dates(f, GUIDANCE)
    team = f.team_for(GUIDANCE)
    ids = f.county_ids()  # a group of any kind narrows to its counties; a guidance group also to its visits
    township_level = f.level == "township"
    group = "township_id" if township_level else "county_id"
    stars = (VillageFact.objects.filter(_scope(f, ids, "county_id"), stars__gte=1).order_by().values(group)
             .annotate(three=Count("pk", filter=Q(stars=3)), two=Count("pk", filter=Q(stars=2)),
                       one=Count("pk", filter=Q(stars=1)), key=Count("pk")))
    if township_level:
        stars = stars.annotate(name=F("township__name"))
    visited = {}
    if campaign:
        vq = VillageVisitFact.objects.filter(_scope(f, ids, "county_id"), campaign_id=campaign, stars__gte=1)
        vq = _date_range(vq, "first_date", start, end)
        if team:
            vq = vq.filter(team_id=team)
        visited = {r[group]: r for r in vq.order_by().values(group).annotate(
            visited=Count("pk"), visited3=Count("pk", filter=Q(stars=3)))}
    fields = ("three", "two", "one", "key", "visited", "not_visited", "not_visited3")
    per = {}
    names = {}
    for r in stars:
        v = visited.get(r[group], {"visited": 0, "visited3": 0})
        per[r[group]] = {"three": r["three"], "two": r["two"], "one": r["one"], "key": r["key"],
                         "visited": v["visited"], "not_visited": r["key"] - v["visited"],
                         "not_visited3": r["three"] - v["visited3"]}
        if township_level:
            names[r[group]] = r["name"]
    list_params = {"campaign": campaign, "team": team, "date_from": start, "date_to": end}

    def links_for(params):
        if params is None:
            return dict.fromkeys(fields)
        p = {**list_params, **params}
        return {"three": links.villages(stars=3, **p), "two": links.villages(stars=2, **p),
                "one": links.villages(stars=1, **p), "key": links.villages(**p),
                "visited": links.villages(visited="yes", **p) if campaign else None,
                "not_visited": links.villages(visited="no", **p) if campaign else None,
                "not_visited3": links.villages(visited="no", stars=3, **p) if campaign else None}

    if township_level:
        county = f.county or next(iter(f.choices.counties))
        place_rows = [(text(names[t]), per[t], {"county": county, "township": t}, None)
                      for t in sorted(per, key=lambda t: (-per[t]["three"], -per[t]["key"], names[t]))]
    else:
        place_rows = _places(f, "key_villages", None, per, fields)
    rows = []
    for label, counts, params, drill in place_rows:
        urls = links_for(params) if drill is None else dict.fromkeys(fields, drill)
        rows.append([label] + [cell(counts[k], urls[k]) for k in fields]
                    + [rate(counts["visited"], counts["key"])])
    totals = _sum([r[1] for r in place_rows], fields)
    total_urls = links_for(_scope_params(f) if not township_level else {"county": f.county or next(iter(f.choices.counties))})
    total = [text("合计")] + [cell(totals[k], total_urls[k]) for k in fields] + [rate(totals["visited"], totals["key"])]
    level_label = {"city": "市", "county": "县（市、区）", "township": "乡（镇）"}[f.level]
    columns = [col(level_label, False), col("3星村"), col("2星村"), col("1星村"), col("重点村合计"), col("已指导"),
               col("未指导"), col("其中3星村未指导"), col("指导覆盖率")]
    campaign_note = (f"“已指导”指在{_campaign_name(f, campaign)}中指导过（首次指导在所选期间内）" if campaign
                     else "没有可以统计的业务指导工作周期，只列星级。")
    tab = table("key_villages", "重点村星级与指导情况", columns, rows, total=total, note=campaign_note)
    cats = [r[0]["v"] for r in rows]
    star_chart = chart("key_village_stars", "stack", "各地重点村（按星级）", cats, [
        series("3星村", [r[1]["v"] for r in rows], [r[1]["u"] for r in rows], stack="s", color="#b45309"),
        series("2星村", [r[2]["v"] for r in rows], [r[2]["u"] for r in rows], stack="s", color="#f59e0b"),
        series("1星村", [r[3]["v"] for r in rows], [r[3]["u"] for r in rows], stack="s", color="#fcd34d"),
    ])
    visit_chart = chart("key_village_visits", "stack", "重点村指导覆盖", cats, [
        series("已指导", [r[5]["v"] for r in rows], [r[5]["u"] for r in rows], stack="v", color="#198754"),
        series("未指导", [r[6]["v"] for r in rows], [r[6]["u"] for r in rows], stack="v", color="#dc3545"),
    ])
    headline = {"key": totals["key"], "three": totals["three"], "visited": totals["visited"],
                "not_visited3": totals["not_visited3"],
                "coverage": round(100.0 * totals["visited"] / totals["key"], 1) if totals["key"] else None}
    return {"key": "key_villages", "title": "重点村", "tables": [tab], "charts": [star_chart, visit_chart],
            "campaign": _campaign_name(f, campaign), "headline": headline}


# --- 2. guidance: visit days per group per week against the quota; the day and repeat rules (ZZ 三, 六(四)) ---

def _weeks(campaign, start, end):
    first = max(campaign["start"], start) if start else campaign["start"]
    last = min(campaign["end"], end) if end else campaign["end"]
    monday = first - datetime.timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append((monday, max(first, monday), min(last, monday + datetime.timedelta(days=6))))
        monday += datetime.timedelta(days=7)
    return weeks, first, last


def guidance(f, rules=True):
    from inspections.choices import MAX_VILLAGES_PER_DAY
    from reminders.calendar import working_days
    from rosters.models import TeamCounty

    campaign = f.campaign_in_effect(GUIDANCE)
    if not campaign:
        return {"key": "guidance", "title": "指导", "tables": [], "charts": [], "empty": "没有可以统计的业务指导工作周期。"}
    info = f.choices.campaigns[campaign]
    start, end = _dates(f, GUIDANCE)
    team = f.team_for(GUIDANCE)
    ids = f.county_ids(GUIDANCE)
    weeks, first, last = _weeks(info, start, end)
    if first > last:
        return {"key": "guidance", "title": "指导", "tables": [], "charts": [], "campaign": info["name"],
                "empty": f"所选期间不在{info['name']}（{info['start']:%Y年%m月%d日}—{info['end']:%Y年%m月%d日}）之内。"}
    coverage = TeamCounty.objects.filter(_scope(f, ids, "county_id"), campaign_id=campaign, kind=GUIDANCE)
    if team:
        coverage = coverage.filter(team_id=team)
    coverage = list(coverage.order_by("team__order", "team__name", "order").values_list("team_id", "county_id"))
    days = VisitDayFact.objects.filter(_scope(f, ids, "county_id"), campaign_id=campaign, date__gte=first, date__lte=last)
    if team:
        days = days.filter(team_id=team)
    per_week = {(r["team_id"], r["county_id"], r["week"]): r["n"] for r in days.order_by().values(
        "team_id", "county_id").annotate(week=TruncWeek("date"), n=Count("pk"))}
    per_week = {(t, c, _as_date(w)): n for (t, c, w), n in per_week.items()}
    workdays = set(working_days(first, last))
    owed = {w: any(d in workdays for d in _days(a, b)) for w, a, b in weeks}
    teams = {}
    for team_id, county_id in coverage:
        teams.setdefault(team_id, []).append(county_id)
    # The rows: a group and the counties it covers; for the province, a city and every group-county pair in it.
    by_city = f.level == "city"
    groups = {}
    for team_id, counties in teams.items():
        for county_id in counties:
            key = f.choices.counties[county_id]["city_id"] if by_city else team_id
            groups.setdefault(key, []).append((team_id, county_id))
    past_owed = [w for w, a, b in weeks if owed[w] and b < f.today]
    grid_rows, chart_done = [], []
    tot = {"owed": 0, "done": 0, "missed": 0, "days": 0}
    for key, pairs in groups.items():
        visited_by_week = {w: sum(1 for t, c in pairs if per_week.get((t, c, w))) for w, _, _ in weeks}
        days_by_week = {w: sum(per_week.get((t, c, w), 0) for t, c in pairs) for w, _, _ in weeks}
        owed_n = len(pairs) * len(past_owed)
        missed = sum(len(pairs) - visited_by_week[w] for w in past_owed)
        group_days = sum(days_by_week.values())
        tot["owed"] += owed_n
        tot["missed"] += missed
        tot["days"] += group_days
        if not rules:
            continue
        if by_city:
            name = f.choices.counties[pairs[0][1]]["city"]
            drill = links.dashboard("guidance", **f.params(city=key, county=None))
            label, place_names = text(name, drill), f"{len(pairs)}个县（市、区）"
            total_url = None
        else:
            name = _team_name(f, key)
            drill = None
            label = text(name, links.dashboard("guidance", **f.params(team=key, campaign=None)))
            place_names = "、".join(f.choices.counties[c]["name"] for _, c in pairs if c in f.choices.counties)
            scope = _visit_scope(f, ids, key)
            total_url = links.visits(campaign=campaign, team=key, date_from=first, date_to=last, **scope)
        cells = []
        for monday, a, b in weeks:
            visited, n_days = visited_by_week[monday], days_by_week[monday]
            if not owed[monday]:
                state = "holiday"
            elif a > f.today:
                state = "future"
            elif b >= f.today:
                state = "current" if visited < len(pairs) else "done"
            elif visited == len(pairs):
                state = "done"
            else:
                state = "partial" if visited else "missing"
            url = drill or (links.visits(campaign=campaign, team=key, date_from=a, date_to=b, **scope) if n_days else None)
            cells.append(cell(visited, url, "quota", of=len(pairs), days=n_days, state=state))
        grid_rows.append([label, text(place_names)] + cells
                         + [cell(group_days, drill or total_url, exact=False), cell(missed, drill),
                            rate(owed_n - missed, owed_n)])
        chart_done.append((name, owed_n - missed, missed, drill or total_url))
    week_cols = [col(f"{a:%m.%d}") for _, a, _ in weeks]
    first_col = "市" if by_city else "指导小组"
    grid = table("guidance_quota", "每周指导情况（每组每周到每个分包县至少指导1天，郑州市工作方案 三）",
                 [col(first_col, False), col("分包县（市、区）", False)] + week_cols
                 + [col("指导天数"), col("未指导（县·周）"), col("达标率")], grid_rows,
                 note="每格为本周已指导的县数/应指导的县数（每个小组的每个分包县每周1天）；红色为已过去的周未指导，"
                      "浅红为部分县未指导，灰色为假期（本周无工作日）。")
    if not rules:
        return {"key": "guidance", "title": "指导", "campaign": info["name"], "tables": [grid],
                "charts": [None, _weekly_trend(f, campaign, team, ids, weeks, per_week)],
                "headline": _guidance_headline(tot)}
    # ZZ 三: no more than 2 villages per group per day — counted over every county the user sees.
    day_rows = []
    crowded = (VisitDayFact.objects.filter(_scope(f, ids, "county_id"), campaign_id=campaign, date__gte=first, date__lte=last)
               .order_by().values("team_id", "date").annotate(n=Sum("villages")).filter(n__gt=MAX_VILLAGES_PER_DAY))
    if team:
        crowded = crowded.filter(team_id=team)
    for r in crowded.order_by("date", "team_id")[:200]:
        day_rows.append([text(_team_name(f, r["team_id"])), cell(r["date"], None, "date"),
                         cell(r["n"], links.visits(campaign=campaign, team=r["team_id"], date_from=r["date"],
                                                   date_to=r["date"], **_visit_scope(f, ids, r["team_id"])),
                              exact=False)])
    # ZZ 六(四): a village is guided once in a campaign, unless the city office allowed it again.
    repeats = (VillageVisitFact.objects.filter(_scope(f, ids, "county_id"), campaign_id=campaign, visits__gt=1,
                                               last_date__gte=first, last_date__lte=last)
               .select_related("village", "township", "county"))
    if team:
        repeats = repeats.filter(team_id=team)
    repeat_rows = []
    n_repeat = n_excepted = 0
    for r in repeats.order_by("-last_date", "village_id")[:200]:
        n_repeat += 1
        n_excepted += bool(r.excepted)
        repeat_rows.append([
            text(f"{r.county.name} / {r.township.name} / {r.village.name}", links.village(r.village_id)),
            cell(r.visits, links.visits(campaign=campaign, village=r.village_id)),
            cell(r.first_date, None, "date"), cell(r.last_date, None, "date"),
            text("市扶贫办已批准" if r.excepted >= r.visits - 1 else ("部分经批准" if r.excepted else "未经批准")),
        ])
    rules = [
        table("guidance_days", f"一天指导超过{MAX_VILLAGES_PER_DAY}个村（郑州市工作方案 三）",
              [col("指导小组", False), col("日期", False), col("当天指导村数")], day_rows,
              note="每组每天最多指导2个村；系统提交时已拦截，此处列出仍然存在的记录（如更正或导入所致）。"),
        table("guidance_repeats", "重复指导的村（郑州市工作方案 六(四)）",
              [col("村", False), col("指导次数"), col("首次指导", False), col("最近指导", False), col("例外", False)],
              repeat_rows, note="本工作周期已指导过的村原则上不再重复指导；市扶贫办可登记例外及理由。"),
    ]
    cats = [c[0] for c in chart_done]
    quota_chart = chart("guidance_quota_chart", "stack", "各小组每周指导达标（县·周）", cats, [
        series("已指导", [c[1] for c in chart_done], [c[3] for c in chart_done], stack="q", color="#198754"),
        series("未指导", [c[2] for c in chart_done], [None] * len(chart_done), stack="q", color="#dc3545"),
    ])
    trend = _weekly_trend(f, campaign, team, ids, weeks, per_week)
    headline = {**_guidance_headline(tot), "crowded": len(day_rows), "repeats": n_repeat,
                "unexcepted": n_repeat - n_excepted}
    return {"key": "guidance", "title": "指导", "campaign": info["name"], "tables": [grid, *rules],
            "charts": [quota_chart, trend], "headline": headline}


def _guidance_headline(tot):
    return {"days": tot["days"], "owed": tot["owed"], "missed": tot["missed"],
            "quota": round(100.0 * (tot["owed"] - tot["missed"]) / tot["owed"], 1) if tot["owed"] else None}


def _weekly_trend(f, campaign, team, ids, weeks, per_week):
    weekly = defaultdict(int)
    for (_, _, monday), n in per_week.items():
        weekly[monday] += n
    return chart("guidance_trend", "line", "每周指导天数", [f"{a:%m.%d}" for _, a, _ in weeks], [
        series("指导天数", [weekly.get(w, 0) for w, _, _ in weeks],
               [links.visits(campaign=campaign, team=team, date_from=a, date_to=b, **_visit_scope(f, ids, team))
                for _, a, b in weeks], color="#0d6efd")])


def _visit_scope(f, ids, team):
    """The visit list's county for a drill-down: the one county counted, when the user sees more."""
    scope = _scope_params(f, GUIDANCE)
    if scope is not None:
        return scope
    return {"county": ids[0]} if len(ids) == 1 else {}


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def _days(a, b):
    day = a
    while day <= b:
        yield day
        day += datetime.timedelta(days=1)


# --- 3. inspection: trips per group per month; sampling compliance (HY 四) ---------------------------------

def inspection(f):
    from rosters.models import TeamCounty

    campaign = f.campaign_in_effect(INSPECTION)
    if not campaign:
        return {"key": "inspection", "title": "督查", "tables": [], "charts": [], "empty": "没有可以统计的督查工作周期。"}
    info = f.choices.campaigns[campaign]
    start, end = _dates(f, INSPECTION)
    first = max(info["start"], start) if start else info["start"]
    last = min(info["end"], end) if end else info["end"]
    team = f.team_for(INSPECTION)
    ids = f.county_ids(INSPECTION)
    if first > last:
        return {"key": "inspection", "title": "督查", "tables": [], "charts": [], "campaign": info["name"],
                "empty": f"所选期间不在{info['name']}之内。"}
    coverage = TeamCounty.objects.filter(_scope(f, ids, "county_id"), campaign_id=campaign, kind=INSPECTION)
    if team:
        coverage = coverage.filter(team_id=team)
    teams = {}
    for team_id, county_id in coverage.order_by("team__order", "team__name", "order").values_list("team_id", "county_id"):
        teams.setdefault(team_id, []).append(county_id)
    trips = TripFact.objects.filter(_scope(f, ids, "county_id"), campaign_id=campaign, start_date__gte=first, start_date__lte=last)
    if team:
        trips = trips.filter(team_id=team)
    counts = defaultdict(int)
    samples = defaultdict(lambda: defaultdict(int))
    for r in trips.order_by().values("team_id", "sample").annotate(month=TruncMonth("start_date"), n=Count("pk")):
        counts[(r["team_id"], _as_date(r["month"]))] += r["n"]
        samples[r["team_id"]][r["sample"]] += r["n"]
        teams.setdefault(r["team_id"], [])
    months = months_between(first, last)
    scope = _trip_scope(f, ids)
    rows, sample_rows = [], []
    for team_id, counties in teams.items():
        name = _team_name(f, team_id)
        cells = []
        for month in months:
            n = counts.get((team_id, month), 0)
            if month > f.today:
                state = "future"
            elif month_end(month) >= f.today:
                state = "current" if n < len(counties) else "done"
            else:
                state = "done" if n >= len(counties) else "missing"
            cells.append(cell(n, links.trips(campaign=campaign, team=team_id, month=month.strftime("%Y-%m"), **scope)
                              if n else None, "quota", of=len(counties), state=state))
        total = sum(counts.get((team_id, m), 0) for m in months)
        rows.append([text(name, links.dashboard("inspection", **f.params(team=team_id, campaign=None))),
                     text("、".join(f.choices.counties[c]["name"] for c in counties if c in f.choices.counties))]
                    + cells + [cell(total, links.trips(campaign=campaign, team=team_id, date_from=first, date_to=last,
                                                       **scope))])
        s = samples[team_id]
        ended = s[TripFact.Sample.MET] + s[TripFact.Sample.EXCEPTION]
        detail = {"campaign": campaign, "team": team_id, "date_from": first, "date_to": last, **scope}
        sample_rows.append([
            text(name), cell(ended, links.trips_detail(status="ended", **detail)),
            cell(s[TripFact.Sample.MET], links.trips_detail(sample="met", **detail)),
            cell(s[TripFact.Sample.EXCEPTION], links.trips_detail(sample="exception", **detail)),
            rate(s[TripFact.Sample.MET], ended),
            cell(s[TripFact.Sample.OPEN], links.trips_detail(sample="open", **detail)),
        ])
    month_cols = [col(f"{m.year}年{m.month}月" if m.month == 1 or m == months[0] else f"{m.month}月") for m in months]
    grid = table("inspection_trips", "各督查小组每月督查次数（每月到负责的县区督查1次，河源市工作方案 四）",
                 [col("督查小组", False), col("负责县（市、区）", False)] + month_cols + [col("合计")], rows,
                 note="每格为当月督查次数/负责县数；红色为已过去的月份次数少于负责县数。")
    compliance = table("inspection_samples", "抽查对象是否符合要求（每次至少1个镇、1个贫困村、1个面上村，每村3户）",
                       [col("督查小组", False), col("已结束"), col("符合要求"), col("登记例外"), col("符合率"),
                        col("尚未结束")], sample_rows,
                       note="督查结束前抽查对象须符合要求，不能满足的由组长登记例外及理由。")
    per_month = [sum(counts.get((t, m), 0) for t in teams) for m in months]
    trend = chart("inspection_trend", "line", "每月督查次数", [f"{m.year}年{m.month}月" for m in months], [
        series("督查次数", per_month, [links.trips(campaign=campaign, team=team, month=m.strftime("%Y-%m"), **scope)
                                      for m in months], color="#0d6efd")])
    cats = [r[0]["v"] for r in sample_rows]
    sample_chart = chart("inspection_sample_chart", "stack", "抽查符合要求情况", cats, [
        series("符合要求", [r[2]["v"] for r in sample_rows], [r[2]["u"] for r in sample_rows], stack="s", color="#198754"),
        series("登记例外", [r[3]["v"] for r in sample_rows], [r[3]["u"] for r in sample_rows], stack="s", color="#fd7e14"),
        series("尚未结束", [r[5]["v"] for r in sample_rows], [r[5]["u"] for r in sample_rows], stack="s", color="#adb5bd"),
    ])
    met = sum(r[2]["v"] for r in sample_rows)
    ended = sum(r[1]["v"] for r in sample_rows)
    headline = {"trips": sum(per_month), "ended": ended, "met": met, "exceptions": ended - met,
                "compliance": round(100.0 * met / ended, 1) if ended else None}
    return {"key": "inspection", "title": "督查", "campaign": info["name"], "tables": [grid, compliance],
            "charts": [trend, sample_chart], "headline": headline}


def _trip_scope(f, ids):
    scope = _scope_params(f, INSPECTION)
    if scope is not None:
        return scope
    return {"county": ids[0]} if len(ids) == 1 else {}


# --- 4. rectification: items per county, 整改率 ranking, letters within 3 working days (HY 四、六) ------------

STATUSES = (("pending", "待整改"), ("in_progress", "整改中"), ("reported", "已整改待核查"), ("closed", "已销号"))


def _items(f):
    """Items the filters select: the inspection group's own; a letter's campaign; the deadline in the period."""
    qs = ItemFact.objects.filter(_scope(f, f.county_ids(INSPECTION), "county_id"))
    team = f.team_for(INSPECTION)
    if team:
        qs = qs.filter(team_id=team)
    params = {"team": team}
    kind = f.choices.campaigns[f.campaign]["kind"] if f.campaign else None
    if f.campaign and kind in (GUIDANCE, INSPECTION):
        qs = qs.filter(campaign_id=f.campaign)
        params["campaign"] = f.campaign
        start, end = (f.period.start, f.period.end) if f.period else (None, None)
    else:
        start, end = f.dates_for("items")
    if start or end:
        qs = _date_range(qs, "deadline", start, end)
        params.update(deadline_from=start, deadline_to=end)
    if f.is_county_officer:
        # A letter still in draft is the issuer's: the county sees its items once it is sent.
        qs = qs.filter(issued=True)
    return qs, params


def _item_figures(today):
    """Sums of the item summary; ``_item_counts`` turns a row of them into the panel's figures."""
    return {
        **{f"n_{key}": Sum(key) for key, _ in STATUSES},
        "n_total": Sum("total"),
        "n_past": Sum("total", filter=Q(deadline__lt=today)),
        "n_past_closed": Sum("closed", filter=Q(deadline__lt=today)),
        "n_closed_due": Sum("closed", filter=Q(deadline__isnull=False)),
    }


def _item_counts(r):
    """待整改 … 已销号, the total, 逾期 (past the deadline, not closed) and closed items that had a deadline."""
    out = {key: r[f"n_{key}"] or 0 for key, _ in STATUSES}
    out.update(total=r["n_total"] or 0, overdue=(r["n_past"] or 0) - (r["n_past_closed"] or 0),
               closed_due=r["n_closed_due"] or 0)
    return {**{k: v for k, v in r.items() if not k.startswith("n_")}, **out}


def rectification(f):
    qs, params = _items(f)
    fields = ("pending", "in_progress", "reported", "closed", "total", "overdue", "closed_due")
    per = {r["county_id"]: _item_counts(r) for r in qs.order_by().values("county_id").annotate(**_item_figures(f.today))}
    place_rows = _places(f, "rectification", INSPECTION, per, fields)

    def urls(p):
        if p is None:
            return dict.fromkeys((*fields, "rate"))
        p = {**params, **p}
        return {**{k: links.items(status=k, **p) for k, _ in STATUSES}, "total": links.items(**p),
                "overdue": links.items(overdue="yes", **p), "rate": links.items(status="closed", **p)}

    rows, ranked = [], []
    for label, counts, p, drill in place_rows:
        u = urls(p) if drill is None else dict.fromkeys((*fields, "rate"), drill)
        due = counts["closed_due"] + counts["overdue"]
        row = ([label] + [cell(counts[k], u[k]) for k in ("pending", "in_progress", "reported", "closed", "total",
                                                           "overdue")]
               + [cell(due), rate(counts["closed_due"], due, u["rate"])])
        rows.append(row)
        if due:
            ranked.append((row, counts, due))
    totals = _sum([r[1] for r in place_rows], fields)
    tu = urls(_scope_params(f, INSPECTION))
    t_due = totals["closed_due"] + totals["overdue"]
    total = ([text("合计")] + [cell(totals[k], tu[k]) for k in ("pending", "in_progress", "reported", "closed", "total",
                                                                 "overdue")]
             + [cell(t_due), rate(totals["closed_due"], t_due, tu["rate"])])
    level_label = "市" if f.level == "city" else "县（市、区）"
    columns = [col(level_label, False)] + [col(label) for _, label in STATUSES] + [
        col("合计"), col("逾期"), col("已到期"), col("整改率")]
    status_table = table("rectification_items", "整改问题（按整改期限统计）", columns, rows, total=total,
                         note="逾期：超过整改期限仍未销号。整改率 = 已销号 ÷（已到整改期限的问题 + 提前销号的问题）。")
    cats = [r[0]["v"] for r in rows]
    colors = {"pending": "#dc3545", "in_progress": "#fd7e14", "reported": "#0dcaf0", "closed": "#198754"}
    status_chart = chart("rectification_status", "stack", "各地整改问题状态", cats, [
        series(label, [r[i + 1]["v"] for r in rows], [r[i + 1]["u"] for r in rows], stack="s", color=colors[key])
        for i, (key, label) in enumerate(STATUSES)])
    ranked.sort(key=lambda x: (-x[0][8]["v"], -x[2], x[0][0]["v"]))
    rank_rows = [[cell(i), r[0], r[8], cell(counts["closed_due"], r[8]["u"], exact=False), r[7], r[6]]
                 for i, (r, counts, due) in enumerate(ranked, start=1)]
    rank_table = table("rectification_rank", "整改率排名",
                       [col("名次"), col(level_label, False), col("整改率"), col("已销号（已到期或提前）"), col("已到期"),
                        col("逾期")], rank_rows, first_wide=False,
                       note="只排有已到期问题的地方；整改率相同的，已到期问题多的在前。")
    rank_chart = chart("rectification_rank_chart", "rank", "整改率排名（%）", [r[0]["v"] for r, _, _ in ranked], [
        series("整改率", [r[8]["v"] for r, _, _ in ranked], [r[8]["u"] for r, _, _ in ranked], color="#198754")],
        unit="%")
    # The trend: by the month of the deadline.
    monthly = list(qs.exclude(deadline=None).order_by().values(month=TruncMonth("deadline"))
                   .annotate(**_item_figures(f.today)).order_by("month"))
    monthly = [_item_counts(r) for r in monthly]
    scope = _scope_params(f, INSPECTION)
    months = [_as_date(r["month"]) for r in monthly][-24:]
    by_month = {_as_date(r["month"]): r for r in monthly}
    month_urls = [links.items(**{**params, **scope, "deadline_from": max(m, params.get("deadline_from") or m),
                                 "deadline_to": min(month_end(m), params.get("deadline_to") or month_end(m))})
                  if scope is not None else None for m in months]
    trend = chart("rectification_trend", "line", "整改率按月（按整改期限所在月）", [f"{m.year}年{m.month}月" for m in months], [
        series("到期问题", [(by_month[m]["closed_due"] or 0) + (by_month[m]["overdue"] or 0) for m in months], month_urls,
               color="#6c757d"),
        series("已销号", [by_month[m]["closed_due"] or 0 for m in months], month_urls, color="#198754"),
        series("整改率（%）", [_pct(by_month[m]["closed_due"], (by_month[m]["closed_due"] or 0) + (by_month[m]["overdue"] or 0))
                           for m in months], month_urls, color="#0d6efd", axis=1),
    ])
    letters = letter_timeliness(f)
    headline = {"open": totals["total"] - totals["closed"], "overdue": totals["overdue"], "closed": totals["closed"],
                "total": totals["total"], "rate": round(100.0 * totals["closed_due"] / t_due, 1) if t_due else None,
                **letters["headline"]}
    return {"key": "rectification", "title": "整改", "tables": [status_table, rank_table, letters["table"]],
            "charts": [status_chart, rank_chart, trend, letters["chart"]], "headline": headline}


def _open(sums):
    return (sums["total"] or 0) - (sums["closed"] or 0)


def _pct(num, den):
    return round(100.0 * (num or 0) / den, 1) if den else None


LETTER_STATES = (("on_time", "按时发函"), ("late", "逾期发函"), ("overdue", "逾期未发"), ("waiting", "未到期限"))


def letter_timeliness(f, totals_only=False):
    """HY 四: 3 working days after an ended trip that found problems, its letter goes out."""
    trips = TripFact.objects.filter(_scope(f, f.county_ids(INSPECTION), "county_id"), letter_due__isnull=False)
    team = f.team_for(INSPECTION)
    params = {}
    if team:
        trips = trips.filter(team_id=team)
        params["team"] = team
    campaign = f.campaign_for(INSPECTION)
    if campaign:
        trips = trips.filter(campaign_id=campaign)
        params["campaign"] = campaign
        start, end = (f.period.start, f.period.end) if f.period else (None, None)
    else:
        start, end = f.dates_for(INSPECTION)
    trips = _date_range(trips, "start_date", start, end)
    params.update(date_from=start, date_to=end)
    not_sent = Q(first_letter_on__isnull=True)
    figures = {"on_time": Count("pk", filter=Q(first_letter_on__lte=F("letter_due"))),
               "late": Count("pk", filter=Q(first_letter_on__gt=F("letter_due"))),
               "overdue": Count("pk", filter=not_sent & Q(letter_due__lt=f.today)),
               "waiting": Count("pk", filter=not_sent & Q(letter_due__gte=f.today)),
               "trips": Count("pk")}
    if totals_only:
        t = trips.aggregate(**figures)
        return {"letters_due": t["trips"], "letters_on_time": t["on_time"], "letters_overdue": t["overdue"],
                "letters_rate": _pct(t["on_time"], t["trips"] - t["waiting"])}
    per = {r["county_id"]: r for r in trips.order_by().values("county_id").annotate(**figures)}
    fields = ("trips", "on_time", "late", "overdue", "waiting")
    place_rows = _places(f, "rectification", INSPECTION, per, fields)
    rows = []
    for label, counts, p, drill in place_rows:
        def u(state, p=p, drill=drill):
            return drill or (links.trips_detail(letter=state, **params, **p) if p is not None else None)
        rows.append([label, cell(counts["trips"], u("due")), *[cell(counts[k], u(k)) for k, _ in LETTER_STATES],
                     rate(counts["on_time"], counts["trips"] - counts["waiting"])])
    totals = _sum([r[1] for r in place_rows], fields)
    scope = _scope_params(f, INSPECTION)

    def tu(state):
        return links.trips_detail(letter=state, **params, **scope) if scope is not None else None

    total = [text("合计"), cell(totals["trips"], tu("due")), *[cell(totals[k], tu(k)) for k, _ in LETTER_STATES],
             rate(totals["on_time"], totals["trips"] - totals["waiting"])]
    level_label = "市" if f.level == "city" else "县（市、区）"
    tab = table("rectification_letters", "督查后3个工作日内发出整改函（河源市工作方案 四）",
                [col(level_label, False), col("应发函的督查")] + [col(label) for _, label in LETTER_STATES]
                + [col("按时率")], rows, total=total,
                note="应发函的督查：已结束且发现问题的督查；期限按法定工作日计算（督查结束后第3个工作日）。")
    cats = [r[0]["v"] for r in rows]
    colors = {"on_time": "#198754", "late": "#fd7e14", "overdue": "#dc3545", "waiting": "#adb5bd"}
    ch = chart("rectification_letters_chart", "stack", "整改函发出情况", cats, [
        series(label, [r[i + 2]["v"] for r in rows], [r[i + 2]["u"] for r in rows], stack="l", color=colors[key])
        for i, (key, label) in enumerate(LETTER_STATES)])
    decided = totals["trips"] - totals["waiting"]
    return {"table": tab, "chart": ch, "headline": {
        "letters_due": totals["trips"], "letters_on_time": totals["on_time"], "letters_overdue": totals["overdue"],
        "letters_rate": round(100.0 * totals["on_time"] / decided, 1) if decided else None}}


# --- 5. problems by category, guidance and inspection together; typical experiences (ZZ 五, HY 附件) -----

def _problem_filter(f):
    """One condition over both sources: each by its own campaign, group, counties and months."""
    cond = Q()
    params = {}
    for source, kind in ((ProblemFact.Source.GUIDANCE, GUIDANCE), (ProblemFact.Source.INSPECTION, INSPECTION)):
        q = Q(source=source) & _scope(f, f.county_ids(kind))
        p = {}
        campaign = f.campaign_for(kind)
        if campaign:
            q &= Q(campaign_id=campaign)
            p["campaign"] = campaign
        team = f.team_for(kind)
        if team:
            q &= Q(team_id=team)
            p["team"] = team
        start, end = (f.period.start, f.period.end) if campaign and f.period else (
            (None, None) if campaign else f.dates_for(kind))
        if start:
            q &= Q(month__gte=start.replace(day=1))
        if end:
            q &= Q(month__lte=end)
        p.update(date_from=start, date_to=end)
        params[source] = p
        cond |= q
    return cond, params


def _problem_sums():
    from .models import problem_columns

    columns = problem_columns()
    sums = {}
    for _, _, column, flagged, _ in columns:
        sums[column], sums[flagged] = Sum(column), Sum(flagged)
    return columns, sums


def _ranked(columns, totals):
    """Categories by their problems, most first: dicts of source, category, label, n and flagged."""
    ranked = [{"source": source, "category": category, "label": label, "n": totals.get(column) or 0,
               "flagged": totals.get(flagged) or 0} for source, category, column, flagged, label in columns]
    return sorted((r for r in ranked if r["n"]), key=lambda r: (-r["n"], r["source"], r["category"]))


def problems(f):
    cond, params = _problem_filter(f)
    columns, sums = _problem_sums()
    # One pass over the summary, per county; the ranking and the places add it up.
    grouped = list(ProblemFact.objects.filter(cond).order_by().values("county_id").annotate(**sums))
    totals = {key: sum(r[key] or 0 for r in grouped) for key in sums}
    ranked = _ranked(columns, totals)
    total = sum(r["n"] for r in ranked) or 0
    gscope = _scope_params(f, GUIDANCE)
    iscope = _scope_params(f, INSPECTION)

    def url(source, category=None):
        if source == ProblemFact.Source.GUIDANCE:
            return links.problems(category=category, **params[source], **gscope) if gscope is not None else None
        return links.findings(category=category, **params[source], **iscope) if iscope is not None else None

    def flag_url(source, category):
        if source == ProblemFact.Source.GUIDANCE:
            return (links.problems(kind="common", category=category, **params[source], **gscope)
                    if gscope is not None else None)
        return links.findings(category=category, severity="major", **params[source], **iscope) if iscope is not None else None

    rows = []
    for i, r in enumerate(ranked, start=1):
        source_label = ProblemFact.Source(r["source"]).label
        rows.append([cell(i), text(source_label), text(r["label"], url(r["source"], r["category"])),
                     cell(r["n"], url(r["source"], r["category"])),
                     cell(r["flagged"] or 0, flag_url(r["source"], r["category"])), rate(r["n"], total)])
    rank_table = table("problem_categories", "问题类别排名（指导发现的存在问题与督查发现问题）",
                       [col("名次"), col("来源", False), col("类别", False), col("问题数"), col("其中共性/重大"),
                        col("占比")], rows, first_wide=False,
                       note="指导问题按郑州市工作方案 四(二) 的18项指导内容归类，督查问题按河源市督查表的8个类别归类。")
    per = {}
    for r in grouped:
        row = per[r["county_id"]] = {"guidance": 0, "common": 0, "inspection": 0, "major": 0}
        for source, _, column, flagged, _ in columns:
            if source == ProblemFact.Source.GUIDANCE:
                row["guidance"] += r[column] or 0
                row["common"] += r[flagged] or 0
            else:
                row["inspection"] += r[column] or 0
                row["major"] += r[flagged] or 0
    fields = ("guidance", "common", "inspection", "major")
    place_rows = _places(f, "problems", None, per, fields)
    county_rows = []
    for label, counts, p, drill in place_rows:
        g = {**params[ProblemFact.Source.GUIDANCE], **(p or {})}
        i_ = {**params[ProblemFact.Source.INSPECTION], **(p or {})}
        county_rows.append([label, cell(counts["guidance"], drill or (links.problems(**g) if p is not None else None)),
                            cell(counts["common"], drill or (links.problems(kind="common", **g)
                                                             if p is not None else None)),
                            cell(counts["inspection"], drill or (links.findings(**i_) if p is not None else None)),
                            cell(counts["major"], drill or (links.findings(severity="major", **i_)
                                                            if p is not None else None))])
    level_label = "市" if f.level == "city" else "县（市、区）"
    by_place = table("problem_places", "各地发现问题",
                     [col(level_label, False), col("指导发现问题"), col("其中共性问题"), col("督查发现问题"),
                      col("其中重大问题")], county_rows)
    top = rows[:15]
    rank_chart = chart("problem_rank_chart", "rank", "哪些问题最多（前15类）",
                       [f"{r[1]['v']}：{r[2]['v']}" for r in top],
                       [series("问题数", [r[3]["v"] for r in top], [r[3]["u"] for r in top], color="#0d6efd")])
    headline = {"problems": total, "top": [(r[1]["v"], r[2]["v"], r[3]["v"]) for r in rows[:3]]}
    exp = experiences(f)
    return {"key": "problems", "title": "问题与经验", "tables": [rank_table, by_place, *exp["tables"]],
            "charts": [rank_chart, exp["chart"]], "headline": {**headline, **exp["headline"]},
            "experiences": exp["latest"]}


def experiences(f, totals_only=False):
    """ZZ 五(四): typical experiences found on visits; the city office marks some for promotion."""
    from inspections.choices import VisitStatus
    from inspections.models import GuidanceVisit

    ids = f.county_ids(GUIDANCE)
    campaign = f.campaign_for(GUIDANCE)
    team = f.team_for(GUIDANCE)
    start, end = (f.period.start, f.period.end) if campaign and f.period else (
        (None, None) if campaign else f.dates_for(GUIDANCE))
    days = VisitDayFact.objects.filter(_scope(f, ids, "county_id"))
    visits = GuidanceVisit.objects.filter(_scope(f, ids, "county_id"), status=VisitStatus.SUBMITTED).exclude(experience="")
    params = {"campaign": campaign, "team": team, "date_from": start, "date_to": end}
    if campaign:
        days, visits = days.filter(campaign_id=campaign), visits.filter(campaign_id=campaign)
    if team:
        days, visits = days.filter(team_id=team), visits.filter(team_id=team)
    days = _date_range(days, "date", start, end)
    visits = _date_range(visits, "visit_date", start, end)
    if totals_only:
        t = days.aggregate(experiences=Sum("experiences"), promoted=Sum("promoted"))
        return {k: v or 0 for k, v in t.items()}
    per = {r["county_id"]: r for r in days.order_by().values("county_id").annotate(
        experiences=Sum("experiences"), promoted=Sum("promoted"))}
    fields = ("experiences", "promoted")
    rows = []
    for label, counts, p, drill in _places(f, "problems", GUIDANCE, per, fields):
        q = {**params, **(p or {})}
        rows.append([label, cell(counts["experiences"], drill or (links.experiences(**q) if p is not None else None)),
                     cell(counts["promoted"], drill or (links.experiences(promoted="true", **q) if p is not None else None)),
                     cell(counts["experiences"] - counts["promoted"],
                          drill or (links.experiences(promoted="false", **q) if p is not None else None))])
    level_label = "市" if f.level == "city" else "县（市、区）"
    tab = table("experiences", "典型经验（郑州市工作方案 五(四)）",
                [col(level_label, False), col("典型经验"), col("已推广"), col("待推广")], rows)
    # The latest: the days the summary says had typical experiences, then those days' forms (an index each).
    recent = list(days.filter(experiences__gt=0).order_by("-date").values_list("county_id", "date")[:6])
    cond = Q(pk__in=[])
    for county_id, day in recent:
        cond |= Q(county_id=county_id, visit_date=day)
    latest = [{"id": v.pk, "url": v.get_absolute_url(), "date": v.visit_date, "village": v.village.name,
               "county": v.county.name, "text": v.experience[:120], "promoted": v.experience_promoted}
              for v in visits.filter(cond).select_related("village", "county").order_by(
                  "experience_promoted", "-visit_date", "-pk")[:6]]
    cats = [r[0]["v"] for r in rows]
    ch = chart("experience_chart", "stack", "典型经验", cats, [
        series("已推广", [r[2]["v"] for r in rows], [r[2]["u"] for r in rows], stack="e", color="#198754"),
        series("待推广", [r[3]["v"] for r in rows], [r[3]["u"] for r in rows], stack="e", color="#0dcaf0"),
    ])
    total = sum(r[1]["v"] for r in rows)
    promoted = sum(r[2]["v"] for r in rows)
    return {"tables": [tab], "chart": ch, "latest": latest,
            "headline": {"experiences": total, "promoted": promoted}}


# --- 6. listed supervision: per listed county and village, indicators, ledger, reports (HN 四、五(三)) ------

def supervision(f):
    from supervision.choices import IndicatorResult
    from supervision.models import ExitIndicator, IndicatorStatus, ListedCounty, ListedVillage, Listing, MonthlyReport
    from supervision.selectors import due_date, months_of

    listing_id = f.listing()
    if not listing_id:
        return {"key": "supervision", "title": "挂牌督战", "tables": [], "charts": [], "empty": "没有挂牌督战名单。"}
    listing = Listing.objects.select_related("campaign").get(pk=listing_id)
    ids = f.county_ids(LISTED)
    counties = list(ListedCounty.objects.filter(_scope(f, ids, "county_id"), listing=listing)
                    .select_related("county__city", "leader").order_by("order", "county__name"))
    villages = list(ListedVillage.objects.filter(_scope(f, ids, "county_id"), listing=listing)
                    .select_related("village__township", "county").order_by("order", "county__name", "village__name"))
    indicator_total = ExitIndicator.objects.filter(is_active=True).count()
    ind = {r["listed_village_id"]: r for r in IndicatorStatus.objects.filter(_scope(f, ids, "listed_village__county_id"),
        listed_village__listing=listing, indicator__is_active=True)
        .order_by().values("listed_village_id").annotate(
            met=Count("pk", filter=Q(result=IndicatorResult.MET)),
            not_met=Count("pk", filter=Q(result=IndicatorResult.NOT_MET)))}
    start, end = f.dates_for(LISTED)
    ledger = ItemFact.objects.filter(_scope(f, ids, "county_id"), source_kind="supervision")
    ledger = _date_range(ledger, "deadline", start, end)
    if f.is_county_officer:
        ledger = ledger.filter(issued=True)
    by_pair = {}
    for r in ledger.order_by().values("county_id", "village_id").annotate(**_item_figures(f.today)):
        r = _item_counts(r)
        by_pair[(r["county_id"], r["village_id"])] = {"open": r["total"] - r["closed"], "closed": r["closed"],
                                                      "overdue": r["overdue"]}
    item_params = {"source_kind": "supervision", "deadline_from": start, "deadline_to": end}

    def ledger_cells(county_id, village_id=None):
        rows = [v for (c, vi), v in by_pair.items() if c == county_id and (village_id is None or vi == village_id)]
        o, c_, od = (sum(r[k] or 0 for r in rows) for k in ("open", "closed", "overdue"))
        if village_id is None:
            p = {**item_params, "county": county_id}
            return [cell(o, links.items(open="yes", **p)), cell(od, links.items(overdue="yes", **p)),
                    cell(c_, links.items(status="closed", **p))]
        # The item list has no village filter: the village's page lists its ledger.
        return [cell(o), cell(od), cell(c_)]

    # HN 五(三): each city reports by the 25th; the months due so far, in the period.
    months = [m for m in months_of(listing, until=f.today) if (not start or month_end(m) >= start) and (not end or m <= end)]
    cities = {}
    for c in counties:
        cities.setdefault(c.county.city_id, c.county.city.name)
    for v in villages:
        cities.setdefault(f.choices.counties[v.county_id]["city_id"], f.choices.counties[v.county_id]["city"])
    reports = {(r["city_id"], r["month"]): r for r in MonthlyReport.objects.filter(
        listing=listing, city_id__in=list(cities), month__in=months).values("pk", "city_id", "month", "is_late")}
    report_rows = []
    for city_id, name in sorted(cities.items(), key=lambda kv: kv[1]):
        cells, on_time, late, missing = [], 0, 0, 0
        for month in months:
            r = reports.get((city_id, month))
            if r:
                state = "late" if r["is_late"] else "on_time"
                late += r["is_late"]
                on_time += not r["is_late"]
                cells.append(text("逾期报送" if r["is_late"] else "按时", links.report(r["pk"]), state=state))
            elif f.today > due_date(month):
                missing += 1
                cells.append(text("未报送", links.reports(month), state="missing"))
            else:
                cells.append(text("未到期", links.reports(month), state="future"))
        report_rows.append([text(name)] + cells + [cell(on_time), cell(late), cell(missing)])
    report_table = table("supervision_reports", "各市月度进展报送（每月25日前，豫脱贫组〔2020〕6号 五(三)）",
                         [col("市", False)] + [col(f"{m.year}年{m.month}月", False) for m in months]
                         + [col("按时"), col("逾期"), col("未报送")], report_rows)
    villages_per_county = defaultdict(int)
    ind_per_county = defaultdict(lambda: [0, 0])
    for v in villages:
        villages_per_county[v.county_id] += 1
        r = ind.get(v.pk, {"met": 0, "not_met": 0})
        ind_per_county[v.county_id][0] += r["met"]
        ind_per_county[v.county_id][1] += r["not_met"]
    county_rows = []
    for c in counties:
        n = villages_per_county.get(c.county_id, 0)
        met, not_met = ind_per_county[c.county_id]
        county_rows.append([text(c.county.name, links.listed_county(c.pk)), text(c.county.city.name),
                            text(c.leader.name if c.leader else ""), cell(n), cell(met), cell(not_met),
                            cell(n * indicator_total - met - not_met), rate(met, n * indicator_total)]
                           + ledger_cells(c.county_id))
    county_table = table("supervision_counties", "挂牌督战县",
                         [col("县（市、区）", False), col("市", False), col("省级督战领导", False), col("挂牌村"),
                          col("指标已达标"), col("未达标"), col("未认定"), col("达标率"), col("台账未销号"), col("其中逾期"),
                          col("已销号")], county_rows,
                         note=f"退出指标共{indicator_total}项（由管理员维护）；台账为挂牌督战台账中的整改问题，按整改期限统计。")
    village_rows = []
    for v in villages:
        r = ind.get(v.pk, {"met": 0, "not_met": 0})
        village_rows.append([text(f"{v.county.name} / {v.village.township.name} / {v.village.name}",
                                  links.listed_village(v.pk)),
                             cell(r["met"]), cell(r["not_met"]), cell(indicator_total - r["met"] - r["not_met"]),
                             rate(r["met"], indicator_total)] + ledger_cells(v.county_id, v.village_id))
    village_table = table("supervision_villages", "挂牌督战村",
                          [col("村", False), col("指标已达标"), col("未达标"), col("未认定"), col("达标率"),
                           col("台账未销号"), col("其中逾期"), col("已销号")], village_rows)
    cats = [r[0]["v"] for r in county_rows]
    ch = chart("supervision_chart", "stack", "挂牌督战县退出指标", cats, [
        series("已达标", [r[4]["v"] for r in county_rows], [r[0]["u"] for r in county_rows], stack="i", color="#198754"),
        series("未达标", [r[5]["v"] for r in county_rows], [r[0]["u"] for r in county_rows], stack="i", color="#dc3545"),
        series("未认定", [r[6]["v"] for r in county_rows], [r[0]["u"] for r in county_rows], stack="i", color="#adb5bd"),
    ])
    total_ind = sum(villages_per_county.values()) * indicator_total
    met = sum(v[0] for v in ind_per_county.values())
    headline = {"counties": len(counties), "villages": len(villages), "indicators_met": met,
                "indicators_total": total_ind, "indicator_rate": round(100.0 * met / total_ind, 1) if total_ind else None,
                "ledger_open": sum(r["open"] or 0 for r in by_pair.values()),
                "reports_missing": sum(r[-1]["v"] for r in report_rows),
                "days_left": (listing.target_date - f.today).days}
    return {"key": "supervision", "title": "挂牌督战", "listing": listing.name, "target_date": listing.target_date,
            "tables": [county_table, village_table, report_table], "charts": [ch], "headline": headline}


# --- the overview: one card per panel, and the months' trend ----------------------------------------

def overview(f):
    """The head of the office's first look: a few figures of each panel, each card leading to its tab."""
    from supervision.choices import IndicatorResult
    from supervision.models import ExitIndicator, IndicatorStatus, ListedVillage, Listing

    cards = {"key_villages": key_villages(f)["headline"]}
    g = guidance(f, rules=False)
    cards["guidance"] = {**g.get("headline", {}), "campaign": g.get("campaign", "")}
    # Inspection: trips and sampling of the campaign in effect.
    campaign = f.campaign_in_effect(INSPECTION)
    trips_card = {"campaign": _campaign_name(f, campaign)}
    if campaign:
        info = f.choices.campaigns[campaign]
        start, end = _dates(f, INSPECTION)
        trips = TripFact.objects.filter(_scope(f, f.county_ids(INSPECTION), "county_id"), campaign_id=campaign)
        trips = _date_range(trips, "start_date", max(info["start"], start) if start else info["start"],
                            min(info["end"], end) if end else info["end"])
        if f.team_for(INSPECTION):
            trips = trips.filter(team_id=f.team_for(INSPECTION))
        t = trips.aggregate(trips=Count("pk"), ended=Count("pk", filter=~Q(sample=TripFact.Sample.OPEN)),
                            met=Count("pk", filter=Q(sample=TripFact.Sample.MET)))
        trips_card.update(t, compliance=_pct(t["met"], t["ended"]))
    cards["inspection"] = trips_card
    # Rectification: items and the 整改率; letters within 3 working days.
    qs, _ = _items(f)
    t = _item_counts(qs.aggregate(**_item_figures(f.today)))
    due = t["closed_due"] + t["overdue"]
    cards["rectification"] = {"open": t["total"] - t["closed"], "overdue": t["overdue"], "closed": t["closed"],
                              "total": t["total"], "rate": _pct(t["closed_due"], due),
                              **letter_timeliness(f, totals_only=True)}
    # Problems: the three most frequent categories; typical experiences.
    cond, _ = _problem_filter(f)
    columns, sums = _problem_sums()
    ranked = _ranked(columns, ProblemFact.objects.filter(cond).aggregate(**sums))
    exp = experiences(f, totals_only=True)
    cards["problems"] = {"problems": sum(r["n"] for r in ranked), **exp,
                         "top": [(ProblemFact.Source(r["source"]).label, r["label"], r["n"]) for r in ranked[:3]]}
    # Listed supervision: exit indicators met, ledger open, days to the target date.
    listing_id = f.listing()
    sup = {}
    if listing_id:
        listing = Listing.objects.get(pk=listing_id)
        ids = f.county_ids(LISTED)
        n_villages = ListedVillage.objects.filter(_scope(f, ids, "county_id"), listing=listing).count()
        indicators = ExitIndicator.objects.filter(is_active=True).count()
        met = IndicatorStatus.objects.filter(_scope(f, ids, "listed_village__county_id"), listed_village__listing=listing,
                                             indicator__is_active=True, result=IndicatorResult.MET).count()
        start, end = f.dates_for(LISTED)
        ledger = _date_range(ItemFact.objects.filter(_scope(f, ids, "county_id"), source_kind="supervision"), "deadline", start, end)
        sup = {"listing": listing.name, "villages": n_villages, "indicators_met": met,
               "indicators_total": n_villages * indicators, "indicator_rate": _pct(met, n_villages * indicators),
               "ledger_open": _open(ledger.aggregate(total=Sum("total"), closed=Sum("closed"))),
               "days_left": (listing.target_date - f.today).days}
    cards["supervision"] = sup
    return {"key": "overview", "title": "总览", "cards": cards, "tables": [], "charts": [g["charts"][1]] if g.get("charts") else []}


PANELS = {
    "overview": overview,
    "key_villages": key_villages,
    "guidance": guidance,
    "inspection": inspection,
    "rectification": rectification,
    "problems": problems,
    "supervision": supervision,
}
