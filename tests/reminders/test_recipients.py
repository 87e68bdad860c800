"""Who is told follows the accounts and rosters; and the worker settings the reminders rely on."""

from django.conf import settings

from reminders import recipients
from rosters.choices import Role
from tests.factories import CityFactory, CountyFactory, UserFactory


def test_city_office_of_a_county_and_province_wide_office(county_a, city_user):
    province_wide = UserFactory(username="province", role=Role.CITY, city=None, county=None)
    other_city = UserFactory(username="other", role=Role.CITY, city=CityFactory(name="商丘市"), county=None)
    UserFactory(username="inactive", role=Role.CITY, city=county_a.city, county=None, is_active=False)
    assert recipients.city_office([county_a.pk]) == {county_a.pk: {city_user.pk, province_wide.pk}}
    assert other_city.pk not in recipients.city_office([county_a.pk])[county_a.pk]


def test_county_officers_are_per_county_and_active_only(officer_a, officer_b, county_a):
    UserFactory(username="gone", role=Role.COUNTY, county=county_a, is_active=False)
    got = recipients.county_officers([county_a.pk, officer_b.county_id, CountyFactory(name="无人县").pk])
    assert dict(got) == {county_a.pk: {officer_a.pk}, officer_b.county_id: {officer_b.pk}}


def test_leader_and_the_liaison_for_that_county_only(guidance_team, guidance_leader, county_a, county_b):
    tc = {tc.county_id: tc.pk for tc in guidance_team.coverage.all()}
    got = recipients.leaders_and_liaisons(tc.values())
    liaison = guidance_team.coverage.get(county=county_a).liaison.user_id
    assert got[tc[county_a.pk]] == {guidance_leader.pk, liaison}
    assert got[tc[county_b.pk]] == {guidance_leader.pk}


def test_worker_settings_for_exactly_once_delivery():
    # PITFALLS: acks_late with prefetch 1; on Redis a visibility timeout above the longest task.
    assert settings.CELERY_TASK_ACKS_LATE is True and settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    if settings.CELERY_BROKER_URL.startswith("redis"):
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] >= 3600
