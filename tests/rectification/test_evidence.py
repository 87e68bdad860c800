"""Evidence of rectification (整改佐证): type from the bytes, size per file and per item, stored privately,
served only through the item's scope, thumbnails of photos on the item page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rectification import services
from rectification.choices import ItemStatus
from rectification.models import EvidenceFile, ItemTransition
from villages.uploads import DOC, DOCX, XLS, check_evidence

from .conftest import EXE, PDF, docx_bytes, jpeg_bytes, ole2_bytes, png_bytes, upload, walk


def _stored_files(settings):
    root = settings.VAR_DIR / "private" / "rectification"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # each test sees only the files it wrote


@pytest.fixture
def working(item_1, officer_a, leader_1):
    return walk(item_1, officer_a, leader_1, "in_progress")


def post_report(client, item, *, action="report", note="已将帮扶措施落实到户，附照片。", files=()):
    return client.post(reverse("rectification:item_move", args=[item.pk]),
                       {"action": action, "note": note, "files": list(files)}, follow=True)


def test_a_report_with_a_photo_and_a_pdf_through_the_page(client, working, officer_a, leader_1, settings):
    client.force_login(officer_a)
    page = post_report(client, working, files=[upload("现场照片.png", png_bytes()), upload("验收单.pdf", PDF)])
    assert "已报告整改情况。" in page.content.decode()
    item = type(working).objects.get(pk=working.pk)
    assert item.status == ItemStatus.REPORTED
    photo, pdf = item.evidence.order_by("pk")
    assert (photo.name, photo.content_type, pdf.content_type) == ("现场照片.png", "image/png", "application/pdf")
    assert photo.transition == pdf.transition == item.transitions.get(action="report")
    # Stored under VAR_DIR/private, under names of our own — never under the public media or static paths.
    for path in (photo.file.path, photo.thumbnail.path, pdf.file.path):
        assert path.startswith(str((settings.VAR_DIR / "private").resolve()))
        assert not path.startswith(str(settings.MEDIA_ROOT)) and "现场照片" not in path
    assert not pdf.thumbnail
    # The item page shows the photo's thumbnail and links the PDF.
    detail = client.get(item.get_absolute_url()).content.decode()
    assert reverse("rectification:evidence_thumbnail", args=[photo.pk]) in detail
    assert reverse("rectification:evidence_download", args=[pdf.pk]) in detail and "验收单.pdf" in detail
    # The group sees them too when it checks.
    client.force_login(leader_1)
    assert client.get(reverse("rectification:evidence_download", args=[pdf.pk])).status_code == 200


def test_files_are_served_with_their_type_disposition_and_nosniff(client, working, officer_a):
    services.item_report(acting_user=officer_a, item=working, evidence="已整改。",
                         files=[upload("照片.jpg", jpeg_bytes()), upload("台账.docx", docx_bytes())])
    photo, doc = EvidenceFile.objects.order_by("pk")
    client.force_login(officer_a)
    response = client.get(photo.get_absolute_url())
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline") and "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == jpeg_bytes()
    response = client.get(doc.get_absolute_url())
    assert response["Content-Type"] == DOCX and response["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''%E5%8F%B0%E8%B4%A6.docx" in response["Content-Disposition"]
    thumb = client.get(reverse("rectification:evidence_thumbnail", args=[photo.pk]))
    assert thumb["Content-Type"] == "image/jpeg" and thumb["X-Content-Type-Options"] == "nosniff"
    import io

    from PIL import Image

    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) <= 320  # a thumbnail, not the photo
    assert client.get(reverse("rectification:evidence_thumbnail", args=[doc.pk])).status_code == 404


def test_another_countys_evidence_file_is_404_the_file_and_its_thumbnail(client, working, officer_a, officer_b,
                                                                       leader_2):
    services.item_report(acting_user=officer_a, item=working, evidence="已整改。", files=[upload("照片.png", png_bytes())])
    photo = EvidenceFile.objects.get()
    for stranger in (officer_b, leader_2):
        client.force_login(stranger)
        assert client.get(photo.get_absolute_url()).status_code == 404
        assert client.get(reverse("rectification:evidence_thumbnail", args=[photo.pk])).status_code == 404
    client.logout()
    assert client.get(photo.get_absolute_url()).status_code == 302  # to the login page


@pytest.mark.parametrize("name, content, message", [
    ("整改照片.jpg", EXE, "不是可接受的文件类型"),  # an .exe renamed .jpg
    ("空白.pdf", b"", "是空文件"),
    ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, "不是完整的图片文件"),  # says JPEG, is not a photo
    ("台账.docm", docx_bytes(macro=True), "含有宏"),
    ("setup.doc", ole2_bytes("\x05SummaryInformation"), "不是可接受的文件类型"),  # an OLE2 file with no Word stream
    ("资料.zip", b"PK\x03\x04" + b"\x00" * 100, "不是可接受的文件类型"),
])
def test_bad_files_are_refused_in_chinese_and_nothing_changes(client, working, officer_a, settings, name, content, message):
    client.force_login(officer_a)
    before = (working.transitions.count(), working.status)
    page = post_report(client, working, files=[upload("好照片.png", png_bytes()), upload(name, content)]).content.decode()
    assert message in page and name in page
    working.refresh_from_db()
    assert (working.transitions.count(), working.status) == before
    assert not EvidenceFile.objects.exists() and _stored_files(settings) == []


def test_size_limits_per_file_and_per_item(working, officer_a, settings):
    settings.RECTIFICATION_EVIDENCE_MAX_MB = 1
    settings.RECTIFICATION_EVIDENCE_ITEM_MAX_MB = 2
    big = png_bytes() + b"\x00" * (1024 * 1024)  # a PNG, padded past 1 MB
    with pytest.raises(ValidationError, match=r"“大照片.png”过大（1.0 MB），每个文件上限为 1 MB"):
        services.item_progress(acting_user=officer_a, item=working, note="进展", files=[upload("大照片.png", big)])
    assert not EvidenceFile.objects.exists() and working.transitions.count() == 1
    half = PDF + b"%" * (700 * 1024)
    services.item_progress(acting_user=officer_a, item=working, note="第一批", files=[upload("1.pdf", half), upload("2.pdf", half)])
    with pytest.raises(ValidationError, match=r"每个问题的佐证材料合计不能超过 2 MB（已有 1.4 MB，本次 0.7 MB）"):
        services.item_report(acting_user=officer_a, item=working, evidence="完成", files=[upload("3.pdf", half)])
    assert EvidenceFile.objects.count() == 2
    working.refresh_from_db()
    assert working.status == ItemStatus.IN_PROGRESS


def test_reporting_on_a_closed_item_is_refused_before_any_file_is_kept(item_1, officer_a, leader_1, settings):
    item = walk(item_1, officer_a, leader_1, "closed")
    with pytest.raises(ValidationError, match="该问题当前为“已销号”"):
        services.item_report(acting_user=officer_a, item=item, evidence="再报", files=[upload("照片.png", png_bytes())])
    assert not EvidenceFile.objects.exists() and _stored_files(settings) == []


def test_progress_keeps_the_item_in_progress_with_its_files(working, officer_a):
    services.item_progress(acting_user=officer_a, item=working, note="已完成一半。", files=[upload("进展.png", png_bytes())])
    working.refresh_from_db()
    assert working.status == ItemStatus.IN_PROGRESS
    step = ItemTransition.objects.get(action="progress")
    assert (step.from_status, step.to_status, step.note) == (ItemStatus.IN_PROGRESS, ItemStatus.IN_PROGRESS, "已完成一半。")
    assert step.evidence.get().name == "进展.png"
    with pytest.raises(ValidationError, match="请填写整改进展"):
        services.item_progress(acting_user=officer_a, item=working, note=" ")


def test_the_one_check_knows_office_and_wps_files_by_their_bytes():
    assert check_evidence(upload("a.bin", png_bytes())) == "image/png"
    assert check_evidence(upload("a.txt", PDF)) == "application/pdf"
    assert check_evidence(upload("a.wps", ole2_bytes("WordDocument"))) == DOC  # WPS 文字 / Word 97-2003
    assert check_evidence(upload("a.et", ole2_bytes("Workbook"))) == XLS  # WPS 表格 / Excel 97-2003
    import io

    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    assert check_evidence(upload("统计.xlsx", out.getvalue())).endswith("spreadsheetml.sheet")
    with pytest.raises(ValidationError, match="佐证材料只接受"):
        check_evidence(upload("readme.pdf", b"just some text"))


def test_listed_supervision_uses_the_same_check(settings):
    """supervision's indicator evidence asks villages.uploads too: an OLE2 Word file passes, an .exe does not."""
    from supervision.services import _check_evidence_file

    assert _check_evidence_file(upload("达标材料.doc", ole2_bytes())) == DOC
    with pytest.raises(ValidationError) as e:
        _check_evidence_file(upload("照片.jpg", EXE))
    assert "evidence_file" in e.value.message_dict
