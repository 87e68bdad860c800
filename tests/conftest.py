import os

import pytest

from config.celery import app as celery_app
from rosters.choices import Role
from tests.factories import CityFactory, CountyFactory, UserFactory, VillageFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Tasks queued by the code under test run at once, in process; the tests that
# need a real worker switch this off for themselves.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


def skip_or_fail(reason):
    """Skip a test whose service is missing — or fail when CI promised the service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def real_worker():
    """A real Celery worker (in a thread) on the broker the settings name — Redis in CI.

    Runs on PostgreSQL: SQLite's in-memory test database is shared between threads with table locks,
    so the worker's writes fail at once ("table is locked") while the test's thread reads. CI's
    PostgreSQL round runs these tests with REQUIRE_SERVICES=1."""
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("真实 Celery worker 的测试在 CI 的 PostgreSQL 一轮中运行（SQLite 内存测试库在两个线程同时读写时锁表）。")
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # noqa: BLE001 — any failure means "not reachable"
        skip_or_fail(f"Celery broker {settings.CELERY_BROKER_URL} unreachable: {exc}")
    if os.environ.get("CI_BROKER") and not settings.CELERY_BROKER_URL.startswith(os.environ["CI_BROKER"]):
        pytest.fail(f"CI asked for a {os.environ['CI_BROKER']} broker, settings have {settings.CELERY_BROKER_URL}")
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _plain_static_and_no_lockout(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # The lists' cache is driven by commits, which a test's transaction never makes; its own tests
    # (tests/villages/test_listcache.py) turn it on and run the commit callbacks.
    settings.LIST_CACHE = False


@pytest.fixture
def city(db):
    return CityFactory(name="郑州市")


@pytest.fixture
def county_a(city):
    return CountyFactory(city=city, name="登封市")


@pytest.fixture
def county_b(city):
    return CountyFactory(city=city, name="巩义市")


@pytest.fixture
def village_a(county_a):
    return VillageFactory(township__county=county_a, name="大营村")


@pytest.fixture
def village_b(county_b):
    return VillageFactory(township__county=county_b, name="大营村")


@pytest.fixture
def officer_a(county_a):
    return UserFactory(username="officer_a", role=Role.COUNTY, county=county_a)


@pytest.fixture
def officer_b(county_b):
    return UserFactory(username="officer_b", role=Role.COUNTY, county=county_b)


@pytest.fixture
def city_user(city):
    return UserFactory(username="city", role=Role.CITY, city=city, county=None)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, county=None, is_staff=True, is_superuser=True)


@pytest.fixture
def client_a(client, officer_a):
    client.force_login(officer_a)
    return client
