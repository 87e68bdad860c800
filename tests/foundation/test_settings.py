import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    # As a production shell would have it: none of the test run's own switches (the browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly warns about).
    dropped = ("DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="False", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="fupin.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://fupin.example.gov.cn", VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_mode_refuses_to_start_without_secret_key(tmp_path):
    result = _manage("check", DEBUG="False", ALLOWED_HOSTS="x", VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_database_and_broker_come_from_the_environment(tmp_path):
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CELERY_BROKER_URL)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(tmp_path))
    default = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert default.stdout.split() == ["django.db.backends.sqlite3", str(tmp_path / "db.sqlite3"), "filesystem://"]
    env.update(DATABASE_URL="postgres://fupin:pw@db.internal:5432/fupin", CELERY_BROKER_URL="redis://redis.internal:6379/0")
    switched = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert switched.stdout.split() == ["django.db.backends.postgresql", "fupin", "redis://redis.internal:6379/0"]


@pytest.mark.django_db
def test_runs_on_the_database_ci_asked_for():
    """CI runs the suite twice and says which database each pass must be on."""
    expected = os.environ.get("CI_DATABASE")
    if not expected:
        pytest.skip("CI_DATABASE 未设置：此项在 CI 的 SQLite 和 PostgreSQL 两轮中分别校验。")
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_test_run_never_shares_the_apps_var_folder(settings):
    """A running `make run` (worker on var/celery) must not take the tests' tasks, nor the reverse."""
    import os

    if "VAR_DIR" in os.environ:  # CI gives every run a fresh folder of its own
        assert str(settings.VAR_DIR) == os.environ["VAR_DIR"]
        return
    assert settings.VAR_DIR != settings.BASE_DIR / "var"
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"].startswith(str(settings.VAR_DIR))
    # The test database is never the app's file either (pytest-django: in memory, or test_<name>).
    from django.db import connection

    assert "var/db.sqlite3" not in str(connection.settings_dict["NAME"])


def test_sessions_are_read_from_a_shared_cache_when_there_is_one(tmp_path):
    code = "import django;django.setup();from django.conf import settings as s;print(s.SESSION_ENGINE)"
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(tmp_path))
    local = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert local.stdout.strip() == "django.contrib.sessions.backends.db"  # each process's own memory: no
    env["CACHE_URL"] = "redis://redis.internal:6379/1"
    shared = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert shared.stdout.strip() == "django.contrib.sessions.backends.cached_db"
