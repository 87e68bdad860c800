"""The demo rectification: made through the services on the demo trips, at the year's own dates, idempotent."""
# ruff: noqa: F811

import io

from django.core.management import call_command

from inspections.models import Finding, InspectionTrip
from rectification.models import ItemTransition, ProblemItem, RectificationLetter
from tests.inspections.trips.conftest import places_a  # noqa: F401


def test_generate_demo_rectification(places_a, group_1, leader_1, admin_user, city_user, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("generate_demo_trips", stdout=io.StringIO())
    out = io.StringIO()
    call_command("generate_demo_rectification", stdout=out)
    trips = InspectionTrip.objects.filter(findings__isnull=False).distinct()
    letters = RectificationLetter.objects.all()
    assert letters.count() == trips.count() and all(lt.is_issued and lt.number.startswith("河扶督〔2018〕") for lt in letters)
    assert ProblemItem.objects.count() == Finding.objects.count()
    # Every step happened at its own date, in order, by the people whose step it is.
    steps = ItemTransition.objects.select_related("item__letter")
    assert steps.exists() and {s.at.year for s in steps} <= {2018, 2019}  # a December letter runs into 2019
    assert all(s.at.date() >= s.item.letter.issued_on for s in steps)
    assert {s.by.role for s in steps.filter(action__in=["start", "report"])} == {"county"}
    assert {s.by for s in steps.filter(action__in=["verify_pass", "close"])} <= {leader_1}
    for item in ProblemItem.objects.filter(status="closed"):
        assert item.transitions.filter(action="verify_pass").exists() and item.closed_on.year in (2018, 2019)
    assert "份演示整改函" in out.getvalue()
    call_command("generate_demo_rectification", stdout=out)
    assert "演示整改函已存在" in out.getvalue() and RectificationLetter.objects.count() == letters.count()
