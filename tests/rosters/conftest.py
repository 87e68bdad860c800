import datetime
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from rosters.choices import TeamKind
from rosters.models import Campaign, Person, Team, TeamCounty, TeamMember
from villages.services import seed_load

SEED_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "rosters"


@pytest.fixture
def places(db):
    seed_load()


@pytest.fixture
def guidance_campaign(places):
    return Campaign.objects.create(
        name="郑州市2018年脱贫攻坚业务指导", kind=TeamKind.GUIDANCE,
        start_date=datetime.date(2018, 10, 1), end_date=datetime.date(2018, 12, 31),
    )


@pytest.fixture
def inspection_campaign(places):
    return Campaign.objects.create(
        name="河源市2018年脱贫攻坚督促检查", kind=TeamKind.INSPECTION,
        start_date=datetime.date(2018, 6, 15), end_date=datetime.date(2018, 12, 31),
    )


@pytest.fixture
def listed_campaign(places):
    return Campaign.objects.create(
        name="河南省2020年脱贫攻坚挂牌督战", kind=TeamKind.LISTED,
        start_date=datetime.date(2020, 2, 28), end_date=datetime.date(2020, 9, 30),
    )


def seed_file(name):
    path = SEED_DIR / name
    buffer = io.BytesIO(path.read_bytes())
    buffer.name = path.name
    return buffer


def workbook(rows, *, merges=(), name="roster.xlsx"):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for merge in merges:
        ws.merge_cells(merge)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def db_state():
    """Everything the importer may write, as comparable data."""
    return (
        Team.objects.count(), Person.objects.count(), TeamMember.objects.count(), TeamCounty.objects.count(),
        sorted(TeamCounty.objects.values_list("team__name", "county__name", "liaison__name")),
        sorted(TeamMember.objects.values_list("team__name", "person__name", "role")),
    )


def roster_of(campaign):
    """A campaign's roster as plain data: {team: (leader, members, counties, liaisons)}."""
    out = {}
    for team in campaign.teams.all():
        members = team.memberships.select_related("person")
        out[team.name] = (
            [m.person.name for m in members if m.role == "leader"],
            sorted(m.person.name for m in members if m.role == "member"),
            [tc.county.name for tc in team.coverage.order_by("order")],
            sorted((tc.county.name, tc.liaison.name) for tc in team.coverage.all() if tc.liaison),
        )
    return out
