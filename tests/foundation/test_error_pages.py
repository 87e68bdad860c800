"""Error pages in Chinese, in the site's layout, with a way back; the admin in Chinese."""

import re

import pytest
from django.test import Client
from django.urls import path
from django.utils.html import strip_tags

from config.urls import urlpatterns as site_urlpatterns
from rosters.choices import Role
from tests.factories import UserFactory


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [*site_urlpatterns, path("boom/", _boom)]


def visible_text(html):
    return strip_tags(re.sub(r"(?s)<(script|style)\b.*?</\1>", "", html))


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


def _assert_chinese_error(response, status, title):
    assert response.status_code == status
    html = response.content.decode()
    assert title in html
    assert 'href="/"' in html and "返回首页" in html and "返回上一页" in html
    assert "bootstrap.min.css" in html  # the site's layout, not Django's bare page
    assert not re.search(r"Not Found|Forbidden|Server Error", html)


@pytest.mark.django_db
def test_404_in_chinese_inside_the_layout(production, client, officer_a):
    client.force_login(officer_a)
    response = client.get("/villages/999999/")
    _assert_chinese_error(response, 404, "页面不存在")
    assert "退出登录" in response.content.decode()  # the navigation of the site is there


@pytest.mark.django_db
def test_403_for_a_team_member_opening_an_import_page(production, client, county_a):
    member = UserFactory(username="member", role=Role.TEAM, county=county_a)
    client.force_login(member)
    response = client.get("/villages/import/")
    _assert_chinese_error(response, 403, "没有权限")
    assert "只有县（市、区）扶贫办和市扶贫办可以导入。" in response.content.decode()


@pytest.mark.django_db
def test_500_page_renders_without_a_request_context(production, settings, officer_a):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(officer_a)
    response = client.get("/boom/")
    _assert_chinese_error(response, 500, "系统出错")


@pytest.mark.django_db
def test_csrf_failure_page_in_chinese(production, officer_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    response = client.post("/logout/")
    _assert_chinese_error(response, 403, "页面已过期")


# Latin words an administrator may meet on the admin index: the brand of the
# spreadsheet program and the superuser's own login name.
ALLOWED_LATIN = {"Excel", "root"}


@pytest.mark.django_db
def test_admin_index_shows_no_english_app_or_model_name(client):
    client.force_login(UserFactory(username="root", role=Role.ADMIN, county=None, is_staff=True, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    words = set(re.findall(r"[A-Za-z][A-Za-z]+", text)) - ALLOWED_LATIN
    assert not words, f"English on the admin index: {sorted(words)}"
    for name in ("登录安全", "登录失败记录（锁定）", "后台任务结果", "任务结果", "定时任务"):
        assert name in text
