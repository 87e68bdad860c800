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


@pytest.fixture(autouse=True)
def _plain_static_and_no_lockout(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


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
