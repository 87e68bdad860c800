"""Fixtures of the rectification tests (整改, HY 四、六).

The 河源 inspection campaign (河扶〔2018〕23号): 第一组 covers county_a (登封市) with its leader
张翼 and member 黄运彬; 第二组 covers county_b with its leader 邓春华. trip_1 of 第一组 to
county_a ended on 2018-07-11 with three findings (one 重大).
"""

import datetime

import pytest

from inspections.choices import FindingCategory, FindingSeverity, InspectionMethod, TripStatus
from inspections.models import Finding, InspectionTrip
from rectification import services
from rosters.choices import TeamKind

# The guidance fixtures (a visit's 共性问题 feed a letter too).
from tests.inspections.conftest import campaign, leader_a, make_visit, member_a, team_a  # noqa: F401

# The inspection groups of the trip tests (第一组: 张翼, 黄运彬; 第二组: 邓春华).
from tests.inspections.trips.conftest import group_1, group_2, leader_1, leader_2, member_1  # noqa: F401
from tests.rosters.factories import CampaignFactory

TRIP_END = datetime.date(2018, 7, 11)  # a Wednesday


@pytest.fixture
def hy_campaign(db):
    return CampaignFactory(name="河源市2018年脱贫攻坚督促检查", kind=TeamKind.INSPECTION, document_number="河扶〔2018〕23号",
                           start_date=datetime.date(2018, 6, 15), end_date=datetime.date(2018, 12, 31))


def make_trip(team, county, end_date, *, status=TripStatus.ENDED, findings=3, user=None):
    trip = InspectionTrip.objects.create(campaign=team.campaign, team=team, county=county, status=status,
                                         start_date=end_date - datetime.timedelta(days=1), end_date=end_date,
                                         created_by=user)
    for n in range(findings):
        Finding.objects.create(
            trip=trip, county=county, category=FindingCategory.POLICY, method=InspectionMethod.HOME_VISIT,
            severity=FindingSeverity.MAJOR if n == 0 else FindingSeverity.GENERAL,
            description=f"问题{n + 1}：帮扶措施未落实到户", created_by=user)
    return trip


@pytest.fixture
def trip_1(group_1, county_a, leader_1):
    return make_trip(group_1, county_a, TRIP_END, user=leader_1)


@pytest.fixture
def letter_1(trip_1, leader_1):
    """trip_1's letter, issued on 2018-07-13 with every deadline on 2018-08-31."""
    letter = services.letter_draft_from_trip(acting_user=leader_1, trip=trip_1)
    return services.letter_issue(acting_user=leader_1, letter=letter, issued_on=datetime.date(2018, 7, 13),
                                 deadline=datetime.date(2018, 8, 31))


@pytest.fixture
def item_1(letter_1):
    return letter_1.items.order_by("order").first()


# --- evidence files as officers send them ------------------------------------------------------------

def png_bytes(size=(640, 480), color=(40, 120, 60)):
    """A real photo-like PNG (Pillow), so thumbnails can be made from it."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size=(800, 600)):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 40)).save(out, "JPEG", quality=85)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


def docx_bytes(*, macro=False):
    """The parts Word writes: [Content_Types].xml and word/document.xml (and a macro project if asked)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("_rels/.rels", "<Relationships/>")
        zf.writestr("word/document.xml", "<w:document/>")
        if macro:
            zf.writestr("word/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


def ole2_bytes(stream="WordDocument"):
    """An OLE2 compound file whose directory (sector 0, after the 512-byte header) names ``stream``."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * (512 - 8)
    entry = bytearray(128)
    name = (stream + "\0").encode("utf-16-le")
    entry[:len(name)] = name
    entry[64:66] = len(name).to_bytes(2, "little")
    entry[66] = 2  # a stream
    root = bytearray(128)
    root_name = "Root Entry\0".encode("utf-16-le")
    root[:len(root_name)] = root_name
    root[64:66] = len(root_name).to_bytes(2, "little")
    root[66] = 5
    return header + bytes(root) + bytes(entry) + b"\x00" * 256


def upload(name, content, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def walk(item, officer, checker, to):
    """Bring an item to 整改中 / 已整改待核查 / 核查通过 / 已销号 through the services."""
    steps = {"in_progress": 1, "reported": 2, "verified": 3, "closed": 4}[to]
    if steps >= 1:
        item = services.item_start(acting_user=officer, item=item)
    if steps >= 2:
        item = services.item_report(acting_user=officer, item=item, evidence="已整改。")
    if steps >= 3:
        item = services.item_verify(acting_user=checker, item=item, passed=True)
    if steps >= 4:
        item = services.item_close(acting_user=checker, item=item)
    return item
