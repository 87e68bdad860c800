import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

# The live server runs in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a downloaded one.
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"没有找到 Chromium（{CHROMIUM}），浏览器测试跳过。请安装 Debian 的 chromium 和 fonts-noto-cjk。")
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# The guidance campaign, team and villages the visit tests use.
from tests.inspections.conftest import campaign, leader_a, member_a, team_a, villages_a  # noqa: E402, F401


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # As an officer's browser: Chinese, so date inputs read 年/月/日.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
