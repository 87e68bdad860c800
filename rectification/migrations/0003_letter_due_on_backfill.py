"""Letters drafted before ``due_on`` existed get the date they were due (HY 四: 3 days after the trip)."""

import datetime

from django.conf import settings
from django.db import migrations


def backfill(apps, schema_editor):
    from reminders.calendar import add_working_days

    Letter = apps.get_model("rectification", "RectificationLetter")
    days = getattr(settings, "RECTIFICATION_LETTER_DAYS", 3)
    working = getattr(settings, "RECTIFICATION_LETTER_WORKING_DAYS", True)
    ends = Letter.objects.filter(trip__isnull=False, due_on__isnull=True).values_list("trip__end_date", flat=True)
    for end in sorted(set(ends)):  # one update per trip end date, not per letter
        due = add_working_days(end, days) if working else end + datetime.timedelta(days=days)
        Letter.objects.filter(trip__end_date=end, due_on__isnull=True).update(due_on=due)


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0002_evidence_extensions_lookback_escalation_notices"),
        ("reminders", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
