from django.db import migrations

TASK_NAME = "村月度数据快照"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="1", day_of_week="*", day_of_month="1", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "villages.tasks.village_snapshots_take", "crontab": crontab,
                  "description": "每月1日记录各村贫困人口和已脱贫人口，供第3类“大进大出”逐月比较。"},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("villages", "0006_monthly_snapshots")]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
