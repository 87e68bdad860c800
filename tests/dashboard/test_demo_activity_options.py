"""generate_demo_activity refuses what it cannot do, in Chinese, and writes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from rosters.models import Campaign

pytestmark = pytest.mark.django_db


def test_bad_options_are_refused_in_chinese():
    with pytest.raises(CommandError, match="晚于今天"):
        call_command("generate_demo_activity", "--as-of", "2999-01-01", stdout=io.StringIO())
    with pytest.raises(CommandError, match="早于 2018 年"):
        call_command("generate_demo_activity", "--as-of", "2017-12-31", stdout=io.StringIO())
    with pytest.raises(CommandError, match="日期格式"):
        call_command("generate_demo_activity", "--as-of", "2018-13-01", stdout=io.StringIO())
    with pytest.raises(CommandError, match="不能为负数"):
        call_command("generate_demo_activity", "--visits", "-1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="没有村"):
        call_command("generate_demo_activity", "--visits", "10", "--items", "10", stdout=io.StringIO())
    assert not Campaign.objects.exists()
