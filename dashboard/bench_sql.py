"""The dashboards' figures as plain SQL on the raw rows — what the benchmark compares the pages with.

Each page's statements compute, from the visits, trips, findings, problems and items themselves, the grouped
figures the page shows from its summaries, with the same scope and filters (PostgreSQL). They are timed, not
used: the pages read ``dashboard``'s summary tables.
"""

from .filters import Filters, load_choices


def _scope(alias, ids, args, column="county_id"):
    if ids is None:
        return ""
    args.append(list(ids))
    return f" AND {alias}.{column} = ANY(%s)"


def _range(alias, column, start, end, args):
    sql = ""
    if start:
        sql += f" AND {alias}.{column} >= %s"
        args.append(start)
    if end:
        sql += f" AND {alias}.{column} <= %s"
        args.append(end)
    return sql


def _eq(alias, column, value, args):
    if value is None:
        return ""
    args.append(value)
    return f" AND {alias}.{column} = %s"


def plain_sql(user, page, params, *, today):
    f = Filters.from_query(params, user=user, choices=load_choices(user, today=today), today=today)

    def ids(kind=None):
        counties = f.county_ids(kind)
        return None if f.choices.sees_all and len(counties) == len(f.choices.counties) else counties

    builders = {
        "key_villages": lambda: _key_villages(f, ids),
        "guidance": lambda: _guidance(f, ids),
        "inspection": lambda: _inspection(f, ids),
        "rectification": lambda: _rectification(f, ids, today),
        "problems": lambda: _problems(f, ids),
        "supervision": lambda: _supervision(f, ids, today),
    }
    if page == "overview":
        return [stmts[0] for stmts in (b() for b in builders.values()) if stmts]
    return builders[page]()


def _key_villages(f, ids):
    args = []
    campaign = f.campaign_in_effect("guidance")
    start, end = f.dates_for("guidance")
    team = f.team_for("guidance")
    inner_args = [campaign]
    inner = ("SELECT village_id, min(visit_date) AS first FROM inspections_guidancevisit "
             "WHERE status = 'submitted' AND campaign_id = %s")
    if team:
        inner += " AND team_id = %s"
        inner_args.append(team)
    inner += " GROUP BY village_id"
    on = _range("gv", "first", start, end, inner_args)
    sql = ("SELECT v.county_id, count(*) FILTER (WHERE s.stars = 3), count(*) FILTER (WHERE s.stars = 2), "
           "count(*) FILTER (WHERE s.stars = 1), count(*), count(gv.village_id) "
           f"FROM villages_village v JOIN villages_starrating s ON s.village_id = v.id "
           f"LEFT JOIN ({inner}) gv ON gv.village_id = v.id{on} WHERE s.stars >= 1")
    args = inner_args + args
    sql += _scope("v", ids(), args) + " GROUP BY v.county_id"
    return [(sql, args)]


def _visit_where(f, ids, args):
    campaign = f.campaign_in_effect("guidance")
    info = f.choices.campaigns.get(campaign)
    if not info:
        return None
    start, end = f.dates_for("guidance")
    first = max(info["start"], start) if start else info["start"]
    last = min(info["end"], end) if end else info["end"]
    where = "v.status = 'submitted' AND v.campaign_id = %s AND v.visit_date BETWEEN %s AND %s"
    args += [campaign, first, last]
    where += _scope("v", ids("guidance"), args) + _eq("v", "team_id", f.team_for("guidance"), args)
    return where


def _guidance(f, ids):
    out = []
    for select, group in (
            ("v.team_id, v.county_id, date_trunc('week', v.visit_date), count(DISTINCT v.visit_date)", "1, 2, 3"),
            ("v.team_id, v.visit_date, count(DISTINCT v.village_id)", "1, 2 HAVING count(DISTINCT v.village_id) > 2"),
            ("v.village_id, count(*), count(v.repeat_exception_id)", "1 HAVING count(*) > 1")):
        args = []
        where = _visit_where(f, ids, args)
        if where is None:
            return []
        out.append((f"SELECT {select} FROM inspections_guidancevisit v WHERE {where} GROUP BY {group}", args))
    return out


def _inspection(f, ids):
    campaign = f.campaign_in_effect("inspection")
    if not campaign:
        return []
    start, end = f.dates_for("inspection")
    args = [campaign]
    where = "t.campaign_id = %s" + _range("t", "start_date", start, end, args)
    where += _scope("t", ids("inspection"), args) + _eq("t", "team_id", f.team_for("inspection"), args)
    trips = (f"SELECT t.team_id, date_trunc('month', t.start_date), count(*), count(*) FILTER (WHERE t.status = 'ended') "
             f"FROM inspections_inspectiontrip t WHERE {where} GROUP BY 1, 2", list(args))
    samples = ("SELECT s.trip_id, s.level, vi.is_poor_village, h.status, count(*) FROM inspections_tripsample s "
               "JOIN inspections_inspectiontrip t ON t.id = s.trip_id LEFT JOIN villages_village vi ON vi.id = s.village_id "
               f"LEFT JOIN villages_household h ON h.id = s.household_id WHERE t.status = 'ended' AND {where} "
               "GROUP BY 1, 2, 3, 4", list(args))
    return [trips, samples]


def _item_where(f, ids, args):
    where = "TRUE" + _scope("i", ids("inspection"), args) + _eq("i", "team_id", f.team_for("inspection"), args)
    kind = f.choices.campaigns[f.campaign]["kind"] if f.campaign else None
    if f.campaign and kind in ("guidance", "inspection"):
        where += _eq("l", "campaign_id", f.campaign, args)
        start, end = (f.period.start, f.period.end) if f.period else (None, None)
    else:
        start, end = f.dates_for("items")
    where += _range("i", "deadline", start, end, args)
    if f.is_county_officer:
        where += " AND (i.letter_id IS NULL OR l.status = 'issued')"
    return where


def _rectification(f, ids, today):
    out = []
    for select, group in (("i.county_id, i.status", "1, 2"), ("date_trunc('month', i.deadline)", "1")):
        args = [today]
        where = _item_where(f, ids, args)
        out.append((f"SELECT {select}, count(*), count(*) FILTER (WHERE i.deadline < %s AND i.status <> 'closed') "
                    "FROM rectification_problemitem i LEFT JOIN rectification_rectificationletter l ON l.id = i.letter_id "
                    f"WHERE {where} GROUP BY {group}", args))
    args = []
    where = "t.status = 'ended'" + _scope("t", ids("inspection"), args) + _eq("t", "team_id", f.team_for("inspection"), args)
    out.append(("SELECT t.county_id, t.id, t.end_date, min(l.issued_on) FROM inspections_inspectiontrip t "
                "JOIN inspections_finding fi ON fi.trip_id = t.id LEFT JOIN rectification_rectificationletter l "
                f"ON l.trip_id = t.id AND l.status = 'issued' WHERE {where} GROUP BY 1, 2, 3", args))
    return out


def _problems(f, ids):
    g_args, i_args = [], []
    g_where = "v.status = 'submitted'" + _scope("p", ids("guidance"), g_args)
    g_campaign, g_team = f.campaign_for("guidance"), f.team_for("guidance")
    g_where += _eq("v", "campaign_id", g_campaign, g_args) + _eq("v", "team_id", g_team, g_args)
    start, end = (f.period.start, f.period.end) if g_campaign and f.period else (
        (None, None) if g_campaign else f.dates_for("guidance"))
    g_where += _range("v", "visit_date", start, end, g_args)
    i_where = "TRUE" + _scope("fi", ids("inspection"), i_args)
    i_campaign, i_team = f.campaign_for("inspection"), f.team_for("inspection")
    i_where += _eq("t", "campaign_id", i_campaign, i_args) + _eq("t", "team_id", i_team, i_args)
    start, end = (f.period.start, f.period.end) if i_campaign and f.period else (
        (None, None) if i_campaign else f.dates_for("inspection"))
    i_where += _range("t", "start_date", start, end, i_args)
    problems = ("SELECT 'guidance', p.category::text, p.county_id, count(*), count(*) FILTER (WHERE p.kind = 'common') "
                "FROM inspections_problem p JOIN inspections_guidancevisit v ON v.id = p.visit_id "
                f"WHERE {g_where} GROUP BY 2, 3 UNION ALL "
                "SELECT 'inspection', fi.category, fi.county_id, count(*), count(*) FILTER (WHERE fi.severity = 'major') "
                "FROM inspections_finding fi JOIN inspections_inspectiontrip t ON t.id = fi.trip_id "
                f"WHERE {i_where} GROUP BY 2, 3", g_args + i_args)
    e_args = []
    e_where = "v.status = 'submitted'" + _scope("v", ids("guidance"), e_args)
    e_where += _eq("v", "campaign_id", g_campaign, e_args) + _eq("v", "team_id", g_team, e_args)
    experiences = ("SELECT v.county_id, count(*) FILTER (WHERE v.experience <> ''), "
                   "count(*) FILTER (WHERE v.experience <> '' AND v.experience_promoted) "
                   f"FROM inspections_guidancevisit v WHERE {e_where} GROUP BY 1", e_args)
    return [problems, experiences]


def _supervision(f, ids, today):
    listing = f.listing()
    if not listing:
        return []
    start, end = f.dates_for("listed")
    args = [today]
    where = "i.source_kind = 'supervision'" + _scope("i", ids("listed"), args) + _range("i", "deadline", start, end, args)
    ledger = ("SELECT i.county_id, i.village_id, count(*) FILTER (WHERE i.status <> 'closed'), "
              "count(*) FILTER (WHERE i.status = 'closed'), count(*) FILTER (WHERE i.status <> 'closed' AND i.deadline < %s) "
              f"FROM rectification_problemitem i WHERE {where} GROUP BY 1, 2", args)
    args = [listing]
    where = "lv.listing_id = %s" + _scope("lv", ids("listed"), args)
    indicators = ("SELECT s.listed_village_id, count(*) FILTER (WHERE s.result = 'met'), "
                  "count(*) FILTER (WHERE s.result = 'not_met') FROM supervision_indicatorstatus s "
                  "JOIN supervision_listedvillage lv ON lv.id = s.listed_village_id JOIN supervision_exitindicator e "
                  f"ON e.id = s.indicator_id WHERE e.is_active AND {where} GROUP BY 1", args)
    reports = ("SELECT city_id, month, is_late FROM supervision_monthlyreport WHERE listing_id = %s AND city_id IS NOT NULL",
               [listing])
    return [ledger, indicators, reports]
