"""The demo trips: made through the services, so they obey HY 四; counties without villages are skipped."""

import io

from django.core.management import call_command

from inspections.choices import TripStatus
from inspections.models import ArchiveHandover, InspectionTrip
from inspections.trip_selectors import sample_shortfalls


def test_generate_demo_trips(places_a, group_1, group_2, leader_1, admin_user):
    out = io.StringIO()
    call_command("generate_demo_trips", stdout=out)
    text = out.getvalue()
    assert "跳过巩义市（第二组）：该县还没有登记的村和贫困户。" in text
    trips = list(InspectionTrip.objects.all())
    assert 4 <= len(trips) <= 7 and {t.county.name for t in trips} == {"登封市"}  # about once a month, June–December 2018
    for trip in trips:
        assert trip.status == TripStatus.ENDED and trip.days <= 2
        assert sample_shortfalls(trip) == [] and trip.exchange and trip.findings.exists()
    assert len({t.start_date.month for t in trips}) == len(trips)
    assert ArchiveHandover.objects.filter(team=group_1).exists()
    call_command("generate_demo_trips", stdout=out)
    assert "演示督查已存在" in out.getvalue() and InspectionTrip.objects.count() == len(trips)
