"""Every page and export of the product, timed as a province-wide, a city and a county user.

Not a test: run on demand against the database of DATABASE_URL, e.g. a copy of the province
demo on PostgreSQL:

    createdb -T fupin_province fupin_mine && DATABASE_URL=postgres://…/fupin_mine python manage.py migrate
    DATABASE_URL=postgres://…/fupin_mine python tests/perf/bench_pages.py
    DATABASE_URL=postgres://…/fupin_mine python tests/perf/bench_pages.py --wrk   # requests/s under wrk

Pages: every page of the URL map that takes no argument and only shows something (lists, home
pages, reports; actions and forms that write are left out), and the detail page of the first
object each user may see of every model that has one. Exports: every export of a registered
list page, and the other exports that take no argument. Each page is requested --runs times
through Django's test client (in process, no network; the first request warms the caches and is
not counted) and the median and 95th percentile of the server time are printed with the number
of queries. Each export is requested once: its time includes the whole file. An export that
answers with a background job (villages/jobs.py) is followed by running that job here, and the
job's time is printed.

The users: --province-user (default: the demo's `province`, else one made as a city-office
account without a city), --city-user and --county-user (default: accounts made for the city and
the county with the most households, named bench_city and bench_county).

--wrk starts gunicorn with 2 workers on 127.0.0.1:--port (DEBUG=False) and runs
`wrk -t2 -c16` on the login page, the village list and the household list as the province user,
printing requests/s of each on the same run.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a refused page is a figure here, not a log line

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver, reverse  # noqa: E402

# Pages that write, download a template, or need a form's state are not "pages" here.
ACTION = re.compile(
    r"(create|new|import|export|template|logout|login|delete|read_all|preference|submit|draft|sync|issue|move|"
    r"advance|propose|sample|exchange|promote|override|edit|leader|indicator|evidence|repeat|finding_add|"
    r"download|cancel|progress|open)", re.I)


class Queries:
    """Count the statements sent, without the debug cursor's formatting of every parameter."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)


def plain_pages():
    """(name, path) of every URL without arguments that is not an action, admin excluded."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin" or "admin" in str(p.pattern):
                    continue
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters and "<" not in str(p.pattern):
                name = f"{namespace}{p.name}"
                if not ACTION.search(p.name):
                    found.append(name)

    walk(get_resolver().url_patterns, "")
    out = []
    for name in sorted(set(found), key=lambda n: (n != "home", n)):
        try:
            out.append((name, reverse(name)))
        except Exception:  # noqa: BLE001 — a pattern with a default argument or a regex group
            continue
    return out


def _campaigns(user):
    from rosters.selectors import campaign_list

    return campaign_list(user=user)


def _teams(user):
    from rosters.selectors import team_list

    return team_list(user=user)


# Models scoped by a selector rather than by visible_to.
SCOPED_BY_SELECTOR = {("rosters", "Campaign"): _campaigns, ("rosters", "Team"): _teams}


def detail_pages(user):
    """(model label, path) of the first object the user may see of each model with a page of its own."""
    out = []
    for model in apps.get_models():
        if not hasattr(model, "get_absolute_url") or model._meta.app_label not in (
            "villages", "rosters", "inspections", "rectification", "supervision", "reminders", "dashboard"
        ):
            continue
        manager = model._default_manager
        qs = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
        if (model._meta.app_label, model.__name__) in SCOPED_BY_SELECTOR:
            qs = SCOPED_BY_SELECTOR[(model._meta.app_label, model.__name__)](user)
        if model._meta.model_name == "notification":
            qs = qs.filter(recipient=user)
        obj = qs.order_by("pk").first()
        if obj is None:
            continue
        try:
            out.append((f"{model._meta.verbose_name}详情（{model._meta.app_label}.{model.__name__}）", obj.get_absolute_url()))
        except Exception:  # noqa: BLE001 — an object whose page needs more than itself
            continue
    return out


def export_pages():
    from villages.listing import LIST_PAGES

    names = {lp.export for lp in LIST_PAGES.values() if lp.export}

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name and "export" in p.name and not p.pattern.converters:
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns, "")
    return [(name, reverse(name)) for name in sorted(names)]


def users(args):
    from django.db.models import Count

    from rosters.choices import Role
    from rosters.models import User
    from villages.models import County

    def made(username, **fields):
        user, _ = User.objects.update_or_create(username=username, defaults={"is_active": True, **fields})
        return user

    province = User.objects.filter(username=args.province_user).first() if args.province_user else None
    if province is None:
        province = User.objects.filter(username="province").first() or made(
            "bench_province", role=Role.CITY, city=None, county=None)
    by_households = County.objects.annotate(n=Count("villages__households")).order_by("-n")
    if args.city_user:
        city = User.objects.get(username=args.city_user)
    else:
        top = by_households.select_related("city").first()
        city = made("bench_city", role=Role.CITY, city=top.city, county=None)
    if args.county_user:
        county = User.objects.get(username=args.county_user)
    else:
        county = made("bench_county", role=Role.COUNTY, county=by_households.first(), city=None)
    return [("省", province), ("市", city), ("县", county)]


def scope_of(user):
    from villages.models import County, Household, Village

    return (f"{County.objects.visible_to(user).count():,} 县, {Village.objects.visible_to(user).count():,} 村, "
            f"{Household.objects.visible_to(user).count():,} 户")


def measure(client, path, runs):
    times, queries, status = [], 0, None
    for i in range(runs + 1):
        with Queries() as q:
            start = time.perf_counter()
            response = client.get(path)
            if getattr(response, "streaming", False):
                for _ in response.streaming_content:
                    pass
            elapsed = time.perf_counter() - start
        status = response.status_code
        if i:
            times.append(elapsed)
            queries = q.count
        if status != 200:
            break
    if not times:
        return status, queries, None, None
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return status, queries, statistics.median(times), p95


def run_job_if_any(user, response, started):
    """An export that answered with a background job: run the job here and return its time and rows."""
    try:
        from villages.jobs import job_run
        from villages.models import Job
    except ImportError:
        return None
    job = Job.objects.filter(user=user, created_at__gte=started).order_by("-pk").first()
    if job is None:
        return None
    start = time.perf_counter()
    job_run(job_id=job.pk)
    job.refresh_from_db()
    return time.perf_counter() - start, job


def ms(value):
    return "—" if value is None else f"{value * 1000:,.0f}"


def bench(args):
    people = users(args)
    print(f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}")
    for label, user in people:
        print(f"  {label}: {user.username} — {scope_of(user)}")
    clients = []
    for _, user in people:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        clients.append(client)
    header = "| page | " + " | ".join(f"{label} queries | {label} median ms | {label} p95 ms" for label, _ in people) + " |"
    print()
    print(f"Pages ({args.runs} requests each after one warm-up; server time through the test client)")
    print(header)
    print("|---" * (1 + 3 * len(people)) + "|")
    rows = [(name, [path] * len(people)) for name, path in plain_pages()]
    if args.only:
        rows = [r for r in rows if re.search(args.only, r[0])]
    details = [dict(detail_pages(user)) for _, user in people]
    labels = sorted({k for d in details for k in d})
    if not args.only:
        rows += [(label, [d.get(label) for d in details]) for label in labels]
    for name, paths in rows:
        cells = []
        for client, path in zip(clients, paths, strict=True):
            if path is None:
                cells += ["—", "—", "—"]
                continue
            status, queries, median, p95 = measure(client, path, args.runs)
            if status != 200:
                cells += [f"HTTP {status}", "—", "—"]
            else:
                cells += [str(queries), ms(median), ms(p95)]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    if args.skip_exports:
        return
    print()
    print("Exports (one request each; the whole file; a job is run here when the export answers with one)")
    print("| export | " + " | ".join(f"{label} size or rows | {label} s | {label} queries" for label, _ in people) + " |")
    print("|---" * (1 + 3 * len(people)) + "|")
    from django.utils import timezone

    for name, path in export_pages():
        if args.only_exports and not re.search(args.only_exports, name):
            continue
        cells = []
        for (_, user), client in zip(people, clients, strict=True):
            started = timezone.now()
            with Queries() as q:
                start = time.perf_counter()
                response = client.get(path)
                size = 0
                if getattr(response, "streaming", False):
                    for chunk in response.streaming_content:
                        size += len(chunk)
                elapsed = time.perf_counter() - start
            if response.status_code == 302:
                ran = run_job_if_any(user, response, started)
                if ran is not None:
                    job_time, job = ran
                    cells += [f"{job.rows_done:,} (job)", f"{elapsed:.2f} + {job_time:.1f}", str(q.count)]
                    continue
            if response.status_code != 200:
                cells += [f"HTTP {response.status_code}", "—", "—"]
                continue
            cells += [f"{size / 1024:,.0f} KB", f"{elapsed:.1f}", str(q.count)]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


def wrk(args):
    """gunicorn with 2 workers, wrk -t2 -c16 on the login page and the two big lists, on one run."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    user = users(args)[0][1]
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "rosters.backends.ModelPermissionsBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    # The server signs sessions with the key this process used to create the one it is given.
    env = {**os.environ, "DEBUG": "False", "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1",
           "STATIC_MANIFEST": "False", "SECURE_SSL_REDIRECT": "False", "LOG_LEVEL": "WARNING",
           "CACHE_URL": args.cache_url}  # as in production: sessions and the dashboards' entries in Redis
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{args.port}",
         "--timeout", "120", "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                subprocess.run(["curl", "-fsS", "-o", "/dev/null", f"{base}/login/"], check=True, timeout=5,
                               capture_output=True)
                break
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                time.sleep(0.3)
        cookie = f"Cookie: {settings.SESSION_COOKIE_NAME}={session.session_key}"
        print(f"wrk -t2 -c16 -d{args.wrk_seconds}s, gunicorn --workers 2, cache {args.cache_url}, as {user.username}")
        print("| page | requests/s | latency median | latency p99 | non-2xx |")
        print("|---|---|---|---|---|")
        for label, path, headers in (("登录页 /login/", "/login/", []),
                                     ("村 /villages/", "/villages/", ["-H", cookie]),
                                     ("贫困户 /villages/households/", "/villages/households/", ["-H", cookie]),
                                     ("首页 /", "/", ["-H", cookie])):
            # A page answered by a redirect to the login page would measure the redirect: check it is the page.
            status = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *headers, base + path],
                                    capture_output=True, text=True, timeout=120).stdout
            if status != "200":
                print(f"| {label} | HTTP {status}: not measured | | | |", flush=True)
                continue
            out = subprocess.run(["wrk", "-t2", "-c16", f"-d{args.wrk_seconds}s", "--latency", *headers, base + path],
                                 capture_output=True, text=True, timeout=args.wrk_seconds + 60).stdout
            rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
            p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
            p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
            bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
            print(f"| {label} | {float(rps.group(1)) if rps else 0:,.1f} | {p50.group(1) if p50 else '?'} | "
                  f"{p99.group(1) if p99 else '?'} | {bad.group(1) if bad else 0} |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        session.delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--province-user")
    parser.add_argument("--city-user")
    parser.add_argument("--county-user")
    parser.add_argument("--only", help="only the pages whose name matches this regular expression")
    parser.add_argument("--only-exports", help="only the exports whose name matches this regular expression")
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument("--wrk", action="store_true", help="requests/s under wrk instead of the table")
    parser.add_argument("--wrk-seconds", type=int, default=15)
    parser.add_argument("--cache-url", default=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/1"),
                        help="the server's CACHE_URL under --wrk (default: Redis on this machine, as in production)")
    parser.add_argument("--port", type=int, default=8103)
    args = parser.parse_args()
    if args.wrk:
        wrk(args)
    else:
        bench(args)


if __name__ == "__main__":
    main()
