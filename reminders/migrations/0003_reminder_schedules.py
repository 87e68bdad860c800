"""The reminder schedules of SPEC §10, in the database (django-celery-beat), so a fresh install has them.

All in Asia/Shanghai, set explicitly: a CrontabSchedule created where the Celery
app was not imported would silently get UTC. The last working day of a
quarter is not a crontab (no "L"): the daily task decides it.
"""

import json

from django.db import migrations

TZ = "Asia/Shanghai"

# (name, task, kwargs, minute, hour, day_of_week, day_of_month, description)
SCHEDULES = [
    ("提醒：每日", "reminders.tasks.reminders_run", {"schedule": "daily"}, "30", "7", "*", "*",
     "每天：整改问题到期和逾期、督查后未发整改函、延期申请待审批；季度最后一个工作日的档案移交；并补发停机期间漏发的提醒。"),
    ("提醒：每周一", "reminders.tasks.reminders_run", {"schedule": "weekly"}, "40", "7", "1", "*",
     "每周一：上周未到分包县指导的指导小组（ZZ 三，节假日周除外）。"),
    ("提醒：每月1日", "reminders.tasks.reminders_run", {"schedule": "monthly_1"}, "50", "7", "*", "1",
     "每月1日：本月未安排督查的督查小组；督查小组向领导小组月度专题汇报（HY 四）。"),
    ("提醒：每月4日", "reminders.tasks.reminders_run", {"schedule": "monthly_4"}, "50", "7", "*", "4",
     "每月4日：上月数据推送三保障部门并核对（HY 附件7）。"),
    ("提醒：每月20日", "reminders.tasks.reminders_run", {"schedule": "monthly_20"}, "50", "7", "*", "20",
     "每月20日：挂牌督战进展25日前报送提醒（HN 五(三)）。"),
    ("提醒：每月26日", "reminders.tasks.reminders_run", {"schedule": "monthly_26"}, "50", "7", "*", "26",
     "每月26日：挂牌督战进展未报送名单（HN 五(三)）。"),
    ("提醒：每日邮件汇总", "reminders.tasks.notification_digests_send", {}, "30", "8", "*", "*",
     "每天 8:30：每人一封邮件，汇总当天的提醒（未登记邮箱或不接收邮件的只在系统内提醒）。"),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, kwargs, minute, hour, dow, dom, description in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week=dow, day_of_month=dom, month_of_year="*", timezone=TZ,
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={"task": task, "crontab": crontab, "kwargs": json.dumps(kwargs), "description": description},
        )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0002_notifications"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedules, remove_schedules)]
