"""Benchmark the dashboards on the current database: per page, user and filters — queries, median and p95
server time over repeated requests (cache off, then on), and the page's underlying aggregate run as plain SQL
on the raw rows.

    python manage.py bench_dashboard                                   # province, nanyang (a city), county
    python manage.py bench_dashboard --users province,city --repeat 20 --pages overview,rectification
    python manage.py bench_dashboard --session province                # a session cookie for wrk, then exit

The plain-SQL column is what counting live would cost: the same figures the page shows, computed from the
visits, trips, items and problems themselves (the summaries exist because this is slow at province scale).
"""

import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

PAGES = ("overview", "key_villages", "guidance", "inspection", "rectification", "problems", "supervision")


def _p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


class Command(BaseCommand):
    help = "数据看板性能测试：每个页面、账号和筛选条件的查询次数、服务器耗时中位数和 p95，以及按原始记录直接统计的 SQL 耗时。"

    def add_arguments(self, parser):
        parser.add_argument("--users", default="province,nanyang,county", help="账号，逗号分隔（默认 province,nanyang,county）")
        parser.add_argument("--pages", default=",".join(PAGES))
        parser.add_argument("--repeat", type=int, default=15, help="每项重复请求次数（默认 15）")
        parser.add_argument("--filters", default="all", help="all 或 none（只测无筛选）")
        parser.add_argument("--session", metavar="USER", help="只为该账号建立一个会话，打印 Cookie（供 wrk 使用）")

    def handle(self, *args, **opts):
        from rosters.models import User

        if opts["session"]:
            return self._session(opts["session"])
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        users = []
        for name in opts["users"].split(","):
            user = User.objects.filter(username=name.strip()).first()
            if user is None:
                raise CommandError(f"没有账号 {name}。")
            users.append(user)
        pages = [p for p in opts["pages"].split(",") if p]
        rows = []
        for user in users:
            client = Client()
            client.force_login(user)
            for label, params in self._filters(user, opts["filters"]):
                for page in pages:
                    rows.append(self._measure(client, user, page, label, params, opts["repeat"]))
                    self.stdout.write(self._line(rows[-1]), ending="\n")
                    self.stdout.flush()
        self.stdout.write("\n" + self._table(rows))

    # --- the filter combinations: none, a month, a county, a group, a campaign -------------------------------

    def _filters(self, user, which):
        from dashboard.filters import load_choices

        combos = [("无筛选", {})]
        if which == "none":
            return combos
        choices = load_choices(user)
        months = sorted({c["end"] for c in choices.campaigns.values() if c["kind"] == "guidance"})
        if months:
            combos.append((f"期间 {months[-1]:%Y-%m}", {"period": months[-1].strftime("%Y-%m")}))
        if len(choices.counties) > 1:
            county = max(choices.counties, key=lambda c: c)
            combos.append((f"县 {choices.counties[county]['name']}", {"county": county}))
        guidance = [pk for pk, t in choices.teams.items() if t["kind"] == "guidance"]
        if guidance:
            combos.append((f"工作组 {choices.teams[guidance[-1]]['name']}", {"team": guidance[-1]}))
        inspection = [pk for pk, c in choices.campaigns.items() if c["kind"] == "inspection"]
        if inspection:
            combos.append(("督查工作周期", {"campaign": inspection[0]}))
        return combos

    # --- one page ---------------------------------------------------------------------------------------------

    def _measure(self, client, user, page, label, params, repeat):
        url = reverse(f"dashboard:{page}")
        settings.DASHBOARD_CACHE_ENABLED = False
        client.get(url, params)  # warm the process (imports, connections, templates)
        cold, queries, sql_ms = [], 0, []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url, params)
                cold.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{page} {params}: HTTP {response.status_code}")
            queries = len(ctx.captured_queries)
            sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        settings.DASHBOARD_CACHE_ENABLED = True
        cache.clear()
        client.get(url, params)
        warm = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url, params)
            warm.append((time.perf_counter() - start) * 1000)
        plain = self._plain(user, page, params, repeat)
        return {"user": user.username, "page": page, "filters": label, "queries": queries,
                "median": statistics.median(cold), "p95": _p95(cold), "summary_sql": statistics.median(sql_ms),
                "cached": statistics.median(warm), "plain": plain}

    def _plain(self, user, page, params, repeat):
        from dashboard.bench_sql import plain_sql

        statements = plain_sql(user, page, params, today=timezone.localdate())
        times = []
        with connection.cursor() as cursor:
            for _ in range(max(3, repeat // 3)):
                start = time.perf_counter()
                for sql, args in statements:
                    cursor.execute(sql, args)
                    cursor.fetchall()
                times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    # --- output -----------------------------------------------------------------------------------------------

    def _line(self, r):
        return (f"{r['user']:<9} {r['page']:<14} {r['filters']:<22} 查询 {r['queries']:>2}  中位数 {r['median']:7.1f} ms  "
                f"p95 {r['p95']:7.1f} ms  其中SQL {r['summary_sql']:6.1f} ms  有缓存 {r['cached']:6.1f} ms  "
                f"原始数据SQL {r['plain']:7.1f} ms")

    def _table(self, rows):
        out = ["| 账号 | 页面 | 筛选 | 查询数 | 中位数 ms | p95 ms | 其中 SQL ms | 有缓存中位数 ms | 原始数据直接统计 SQL ms |",
               "|---|---|---|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            out.append(f"| {r['user']} | {r['page']} | {r['filters']} | {r['queries']} | {r['median']:.0f} | {r['p95']:.0f} | "
                       f"{r['summary_sql']:.0f} | {r['cached']:.0f} | {r['plain']:.0f} |")
        return "\n".join(out)

    def _session(self, username):
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from rosters.models import User

        user = User.objects.get(username=username)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "rosters.backends.ModelPermissionsBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        self.stdout.write(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
