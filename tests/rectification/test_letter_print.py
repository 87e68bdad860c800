"""The letter as an official letter (版头, 文号, 主送, 正文, 问题清单, 落款 and date, 抄送) and its problem list in Excel."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from rectification import services

from .conftest import TRIP_END, make_trip


def test_the_print_view_is_laid_out_as_an_official_letter(client, letter_1, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("rectification:letter_print", args=[letter_1.pk])).content.decode()
    head = page.split('class="letter-head"')[1]
    assert head.startswith(">第一组") or "第一组" in head[:80]
    assert "河扶督〔2018〕1号" in page.split('class="letter-number"')[1][:40]
    assert "登封市扶贫开发领导小组办公室：" in page  # 主送
    assert "2018年7月10日至7月11日，第一组对你市脱贫攻坚工作进行了督查" in page  # the default body
    table = page.split('id="problem-list"')[1].split("</table>")[0]
    assert table.count("<tr>") == 4 and "问题1：帮扶措施未落实到户（重大问题）" in table and "2018年8月31日" in table
    sign = page.split('class="letter-sign"')[1][:200]
    assert "2018年7月13日" in sign  # 落款 and date
    assert "抄送：中共登封市委、登封市人民政府。" in page
    assert "草稿" not in page.split("</div>", 1)[1]  # an issued letter carries no draft mark
    assert "css/letter.css" in page


def test_a_draft_prints_with_its_mark_and_the_drafter_may_amend_it(client, group_1, county_a, leader_1, officer_a):
    trip = make_trip(group_1, county_a, TRIP_END, user=leader_1)
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip)
    client.force_login(leader_1)
    response = client.post(reverse("rectification:letter_edit", args=[letter.pk]),
                           {"addressee": "登封市人民政府", "cc": "登封市扶贫办", "body": "请你市认真整改。"}, follow=True)
    assert "整改函草稿已保存。" in response.content.decode()
    page = client.get(reverse("rectification:letter_print", args=[letter.pk])).content.decode()
    assert 'class="letter-draft-mark"' in page and "登封市人民政府：" in page and "请你市认真整改。" in page
    assert "〔草稿〕" in page and "年　月　日" in page
    services.letter_issue(acting_user=leader_1, letter=letter, issued_on=datetime.date(2018, 7, 13),
                          deadline=datetime.date(2018, 8, 31))
    page = client.post(reverse("rectification:letter_edit", args=[letter.pk]),
                       {"addressee": "改过", "cc": "", "body": ""}, follow=True).content.decode()
    assert "整改函已发出，不能再修改。" in page
    letter.refresh_from_db()
    assert letter.addressee == "登封市人民政府"
    client.force_login(officer_a)
    assert client.post(reverse("rectification:letter_edit", args=[letter.pk]),
                       {"addressee": "县改", "cc": "", "body": ""}, follow=True).status_code == 200
    letter.refresh_from_db()
    assert letter.addressee == "登封市人民政府"


def test_the_problem_list_in_excel(client, letter_1, officer_a):
    client.force_login(officer_a)
    response = client.get(reverse("rectification:letter_export", args=[letter_1.pk]))
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    header, *rows = load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    assert header[:4] == ("序号", "问题", "问题类别", "性质") and "整改期限" in header
    assert [r[0] for r in rows] == [1, 2, 3]
    assert rows[0][1] == "问题1：帮扶措施未落实到户" and rows[0][3] == "重大" and rows[0][4] == "登封市"
    assert rows[0][header.index("整改期限")] == datetime.datetime(2018, 8, 31)


def test_another_countys_letter_print_and_export_are_404(client, letter_1, officer_b, leader_2):
    for user in (officer_b, leader_2):
        client.force_login(user)
        for name in ("letter_print", "letter_export", "letter_detail"):
            assert client.get(reverse(f"rectification:{name}", args=[letter_1.pk])).status_code == 404
