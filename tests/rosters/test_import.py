import io

import pytest

from rosters.models import Person, TeamMember
from rosters.services import roster_import, seed_rosters_load
from tests.rosters.conftest import db_state, roster_of, seed_file, workbook

pytestmark = pytest.mark.django_db


def _import(campaign, file, **kw):
    return roster_import(acting_user=None, file=file, campaign=campaign, **kw)


def test_zhengzhou_guidance_roster(guidance_campaign):
    result = _import(guidance_campaign, seed_file("zhengzhou_guidance_2018.xlsx"))
    assert result.ok and result.written
    roster = roster_of(guidance_campaign)
    assert len(roster) == 6
    assert roster["第六小组"] == (["张振华"], ["刘雯雯", "周敏"], ["中牟县", "航空港区"], [])
    assert roster["第一小组"] == (["郑深怀"], ["晁俊涛", "赵冉冉"], ["登封市"], [])


def test_heyuan_inspection_roster_with_liaisons(inspection_campaign):
    assert _import(inspection_campaign, seed_file("heyuan_inspection_2018.xlsx")).ok
    roster = roster_of(inspection_campaign)
    assert roster["第二组"][3] == [("东源县", "黄陈强"), ("江东新区", "刘劲松")]
    assert roster["第一组"][3] == [("和平县", "黄运彬"), ("源城区", "王小康")]
    assert roster["第三组"][3] == [("龙川县", "钟振宇")]  # a lone liaison goes with the only county
    # "秘书科、对口科工作人员": the staff of both sections, as units, not people.
    assert roster["第一组"][1] == ["对口科工作人员", "秘书科工作人员"]
    assert Person.objects.get(name="秘书科工作人员").is_unit


def test_henan_listed_roster(listed_campaign):
    assert _import(listed_campaign, seed_file("henan_listed_2020.xlsx")).ok
    roster = roster_of(listed_campaign)
    assert len(roster) == 17
    assert roster["李文慧"][2] == ["固始县", "邓州市"]
    assert roster["戴柏华"][2] == ["嵩县"]  # the document prints "嵩 县"
    assert sum(len(r[2]) for r in roster.values()) == 20
    assert Person.objects.get(name="李文慧").position == "省人大常委会副主任"


def test_reimport_changes_nothing(guidance_campaign):
    _import(guidance_campaign, seed_file("zhengzhou_guidance_2018.xlsx"))
    before = db_state()
    result = _import(guidance_campaign, seed_file("zhengzhou_guidance_2018.xlsx"))
    assert result.ok and sum(result.created.values()) == 0
    assert db_state() == before


def test_seed_rosters_load_is_idempotent(places):
    seed_rosters_load()
    before = db_state()
    seed_rosters_load()
    assert db_state() == before
    assert TeamMember.objects.filter(person__name="张振华", team__name="第六小组", role="leader").exists()


def test_messy_workbook_imports_like_the_clean_one(guidance_campaign, places):
    from rosters.models import Campaign

    messy = workbook([
        ["郑州市脱贫攻坚业务指导组分组表"],
        [" 成员 ", "组 长", "县(市、区)", "小  组"],
        ["晁俊涛，赵冉冉", "郑深怀", "登封市", "第一小组"],
        [],
        ["杨显斌;黄冰清", "徐军安", "巩义市", "第二小组"],
        ["李延涛\n张捷", "王曙光", "新密市", "第三小组"],
        ["孔维超、刘刚", "曹长福", "荥阳市", "第四小组"],
        ["师晓立、耿伟", "王海明", "新郑市", "第五小组"],
        ["周敏、刘雯雯", "张振华", "中牟县", "第六小组"],
        [None, None, "航空港区", None],
    ], merges=["A9:A10", "B9:B10", "D9:D10"])
    clean = Campaign.objects.create(name="对照", kind="guidance", start_date="2018-10-01", end_date="2018-12-31")
    assert _import(guidance_campaign, messy).ok
    assert _import(clean, seed_file("zhengzhou_guidance_2018.xlsx")).ok
    assert roster_of(guidance_campaign) == roster_of(clean)


def test_round_trip_through_export(inspection_campaign, places):
    from rosters.models import Campaign
    from rosters.services import roster_export_rows

    _import(inspection_campaign, seed_file("heyuan_inspection_2018.xlsx"))
    exported = workbook(list(roster_export_rows(campaign=inspection_campaign)))
    copy = Campaign.objects.create(name="副本", kind="inspection", start_date="2018-06-15", end_date="2018-12-31")
    assert _import(copy, exported).ok
    assert roster_of(copy) == roster_of(inspection_campaign)


GUIDANCE_HEADER = ["小组", "县（市、区）", "组长", "成员"]


@pytest.mark.parametrize("rows, message", [
    ([["小组", "组长", "成员"], ["第一小组", "郑深怀", "赵冉冉"]], "缺少必需的列：县（市、区）"),
    ([GUIDANCE_HEADER, ["第一小组", "登丰市", "郑深怀", "赵冉冉"]], "第2行（第一小组）：县（市、区）“登丰市”不存在，是否为“登封市”？"),
    ([GUIDANCE_HEADER, ["第一小组", "东京都", "郑深怀", "赵冉冉"]], "导入名单不会新建县"),
    ([GUIDANCE_HEADER, ["第一小组", "登封市", "郑深怀", ""], ["第二小组", "登封市", "徐军安", ""]], "第3行（第二小组）：登封市已由第一小组分包"),
    ([GUIDANCE_HEADER, ["第一小组", "登封市", "", "赵冉冉"]], "第2行（第一小组）：组长为空"),
    ([GUIDANCE_HEADER, ["第一小组", "登封市", "郑深怀", "赵冉冉、赵冉冉"]], "第2行（第一小组）：“赵冉冉”在本组重复出现"),
    ([GUIDANCE_HEADER, ["第一小组", "登封市", "郑深怀", "郑深怀"]], "“郑深怀”在本组重复出现"),
    ([GUIDANCE_HEADER], "表格中没有名单数据"),
    ([["随便", "什么"], ["a", "b"]], "找不到表头"),
])
def test_bad_workbooks_write_nothing(guidance_campaign, rows, message):
    before = db_state()
    result = _import(guidance_campaign, workbook(rows))
    assert not result.ok and not result.written
    assert any(message in e for e in result.errors), result.errors
    assert db_state() == before


def test_county_already_covered_in_the_campaign_by_another_team(guidance_campaign):
    _import(guidance_campaign, seed_file("zhengzhou_guidance_2018.xlsx"))
    before = db_state()
    result = _import(guidance_campaign, workbook([GUIDANCE_HEADER, ["第七小组", "登封市", "某某", ""]]))
    assert "登封市已由本工作周期的第一小组分包" in result.errors[0]
    assert db_state() == before


def test_liaison_without_county_for_a_two_county_team(inspection_campaign):
    rows = [["组", "负责县区", "组长", "成员", "联络员"], ["第一组", "源城区、和平县", "张翼", "", "黄运彬"]]
    result = _import(inspection_campaign, workbook(rows))
    assert "联络员“黄运彬”未注明所联络的县" in result.errors[0]


def test_wrong_kind_for_the_campaign(guidance_campaign):
    result = _import(guidance_campaign, seed_file("henan_listed_2020.xlsx"))
    assert "与工作周期" in result.errors[0] and "挂牌督战" in result.errors[0]


@pytest.mark.parametrize("content, name, message", [
    (b"not a zip at all", "roster.xlsx", "不是有效的 .xlsx"),
    (b"PK\x03\x04 whatever", "roster.xls", "文件类型不正确"),
    (b"", "roster.xlsx", "文件为空"),
])
def test_not_an_xlsx(guidance_campaign, content, name, message):
    file = io.BytesIO(content)
    file.name = name
    result = _import(guidance_campaign, file)
    assert any(message in e for e in result.errors), result.errors
    assert db_state() == (0, 0, 0, 0, [], [])


def test_file_over_the_limit(guidance_campaign, settings):
    settings.MAX_UPLOAD_MB = 20
    file = io.BytesIO(b"PK" + b"\0" * (20 * 1024 * 1024 + 10))
    file.name = "big.xlsx"
    result = _import(guidance_campaign, file)
    assert "文件过大" in result.errors[0] and "20 MB" in result.errors[0]
    assert db_state() == (0, 0, 0, 0, [], [])


def test_dry_run_writes_nothing(guidance_campaign):
    result = _import(guidance_campaign, seed_file("zhengzhou_guidance_2018.xlsx"), dry_run=True)
    assert result.ok and not result.written and len(result.teams) == 6
    assert db_state() == (0, 0, 0, 0, [], [])
