import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from rosters.choices import Role
from rosters.models import Team, User
from rosters.services import person_link_user, seed_rosters_load, team_accounts_create
from tests.factories import UserFactory
from tests.rosters.conftest import db_state, seed_file, workbook
from villages.models import County, Village

pytestmark = pytest.mark.django_db


def test_admin_upload_preview_confirm(client, admin_user, guidance_campaign):
    client.force_login(admin_user)
    url = reverse("admin:rosters_campaign_import", args=[guidance_campaign.pk])
    assert "上传名单文件" in client.get(url).content.decode()
    preview = client.post(url, {"file": seed_file("zhengzhou_guidance_2018.xlsx")})
    page = preview.content.decode()
    assert "预览：6 个工作组，7 个县（市、区）" in page and "航空港区" in page
    assert Team.objects.count() == 0  # nothing written before confirming
    token = preview.context["token"]
    done = client.post(url, {"confirm": "1", "token": token})
    assert done.status_code == 302
    assert Team.objects.filter(campaign=guidance_campaign).count() == 6


def test_admin_preview_lists_row_errors_and_writes_nothing(client, admin_user, guidance_campaign):
    client.force_login(admin_user)
    url = reverse("admin:rosters_campaign_import", args=[guidance_campaign.pk])
    bad = workbook([["小组", "县（市、区）", "组长", "成员"], ["第一小组", "登丰市", "郑深怀", ""]])
    page = client.post(url, {"file": bad}).content.decode()
    assert "名单有 1 处错误，未写入任何数据" in page and "第2行" in page and "登封市" in page
    assert "确认导入" not in page
    assert db_state()[0] == 0


def test_admin_refuses_non_xlsx_upload(client, admin_user, guidance_campaign):
    client.force_login(admin_user)
    file = io.BytesIO(b"a,b\n")
    file.name = "roster.csv"
    page = client.post(reverse("admin:rosters_campaign_import", args=[guidance_campaign.pk]), {"file": file}).content.decode()
    assert "请上传 .xlsx 格式的 Excel 文件" in page


def test_command_dry_run_and_import(guidance_campaign, tmp_path, capsys):
    path = tmp_path / "zz.xlsx"
    path.write_bytes(seed_file("zhengzhou_guidance_2018.xlsx").getvalue())
    call_command("import_roster", str(path), "--campaign", guidance_campaign.name, "--dry-run")
    assert "第六小组：中牟县、航空港区；组长 张振华；成员 周敏、刘雯雯" in capsys.readouterr().out
    assert Team.objects.count() == 0
    call_command("import_roster", str(path), "--campaign", guidance_campaign.name, "--city", "郑州市")
    assert Team.objects.count() == 6


def test_command_reports_errors_and_fails(guidance_campaign, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook([["小组", "县（市、区）", "组长"], ["第一小组", "登丰市", "郑深怀"]]).getvalue())
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_roster", str(path), "--campaign", guidance_campaign.name)
    assert "第2行" in capsys.readouterr().err
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_roster", str(path), "--campaign", "没有这个周期")


@pytest.fixture
def seeded_rosters(places):
    seed_rosters_load()


def test_county_officer_sees_only_teams_covering_the_county(client, seeded_rosters):
    officer = UserFactory(username="zm", role=Role.COUNTY, county=County.objects.get(name="中牟县"))
    client.force_login(officer)
    page = client.get(reverse("rosters:campaign_list")).content.decode()
    assert "郑州市2018年脱贫攻坚业务指导" in page and "河源市" not in page
    sixth = Team.objects.get(name="第六小组")
    first = Team.objects.get(name="第一小组")
    assert "张振华" in client.get(sixth.get_absolute_url()).content.decode()
    assert client.get(first.get_absolute_url()).status_code == 404
    heyuan = Team.objects.get(name="第二组").campaign
    assert client.get(heyuan.get_absolute_url()).status_code == 404
    assert client.get(reverse("rosters:campaign_export", args=[heyuan.pk])).status_code == 404


def test_campaign_page_and_export_for_the_city(client, city_user, seeded_rosters):
    from rosters.models import Campaign

    client.force_login(UserFactory(username="admin2", role=Role.ADMIN, county=None))
    campaign = Campaign.objects.get(name="河源市2018年脱贫攻坚督促检查")
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "黄陈强（东源县）" in page and "彭定邦" in page
    response = client.get(reverse("rosters:campaign_export", args=[campaign.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0] == ("组", "负责县区", "组长", "成员", "联络员")
    assert rows[2] == ("第二组", "东源县、江东新区", "邓春华", "业务科工作人员、综合协调组工作人员", "黄陈强（东源县）、刘劲松（江东新区）")


def test_team_accounts_see_their_counties(seeded_rosters):
    from rosters.models import Campaign

    campaign = Campaign.objects.get(name="郑州市2018年脱贫攻坚业务指导")
    created = team_accounts_create(acting_user=None, campaign=campaign, password="Team-pass-2018")
    names = {name for _, name in created}
    assert {"张振华", "周敏", "刘雯雯", "郑深怀"} <= names
    assert team_accounts_create(acting_user=None, campaign=campaign) == []  # idempotent
    zhou = User.objects.get(person__name="周敏")
    assert set(County.objects.visible_to(zhou).values_list("name", flat=True)) == {"中牟县", "航空港区"}
    assert not Village.objects.visible_to(zhou).exclude(county__name__in=["中牟县", "航空港区"]).exists()


def test_person_link_user_refuses_units_and_wrong_roles(seeded_rosters, county_a):
    from django.core.exceptions import ValidationError

    from rosters.models import Person

    unit = Person.objects.get(name="秘书科工作人员")
    user = UserFactory(username="t1", role=Role.TEAM, county=None)
    with pytest.raises(ValidationError, match="科室"):
        person_link_user(acting_user=None, person=unit, user=user)
    with pytest.raises(ValidationError, match="工作组成员"):
        person_link_user(acting_user=None, person=Person.objects.get(name="周敏"), user=UserFactory(username="c1", county=county_a))


def test_admin_action_creates_team_accounts(client, admin_user, seeded_rosters):
    from rosters.models import Campaign

    campaign = Campaign.objects.get(name="郑州市2018年脱贫攻坚业务指导")
    client.force_login(admin_user)
    response = client.post(reverse("admin:rosters_campaign_changelist"),
                           {"action": "create_team_accounts", "_selected_action": [campaign.pk]}, follow=True)
    assert "已创建" in response.content.decode()
    assert User.objects.filter(person__name="张振华", role=Role.TEAM).exists()
