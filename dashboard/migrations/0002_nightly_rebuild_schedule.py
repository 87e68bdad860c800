"""The nightly recount of the dashboards' summaries, in the database (django-celery-beat) so a fresh install has it.

At 3:00 Asia/Shanghai, after the star ratings' nightly recompute (2:30), so the
stars it copies are the night's. The timezone is set explicitly: a schedule
created where the Celery app was not imported would silently get UTC.
"""

from django.db import migrations

TASK_NAME = "数据看板汇总夜间重算"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "dashboard.tasks.summaries_rebuild", "crontab": crontab,
                  "description": "每晚按原始记录重新统计数据看板的各项汇总（村、指导、问题、督查、整改问题），"
                                 "包括批量导入等未经页面写入的数据。"},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_summaries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
