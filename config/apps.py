"""Third-party apps under Chinese names, so the admin speaks one language.

django-axes and django-celery-results ship no Simplified Chinese translation:
their app and model names would show in English on the admin index. Each app
is installed through a subclass of its own AppConfig that gives it a Chinese
``verbose_name`` and renames its models at start-up (``_meta`` only: the
migrations do not record verbose names, so nothing changes in the database).
"""

from axes.apps import AppConfig as AxesAppConfig
from django_celery_beat.apps import BeatConfig
from django_celery_results.apps import CeleryResultConfig


def _rename(app_config, names):
    for model_name, (singular, plural) in names.items():
        opts = app_config.get_model(model_name)._meta
        opts.verbose_name = singular
        opts.verbose_name_plural = plural


class AxesConfig(AxesAppConfig):
    verbose_name = "登录安全"

    def ready(self):
        super().ready()
        _rename(self, {
            "AccessAttempt": ("登录失败记录", "登录失败记录（锁定）"),
            "AccessFailureLog": ("登录失败日志", "登录失败日志"),
            "AccessLog": ("登录日志", "登录日志"),
            "AccessAttemptExpiration": ("锁定到期时间", "锁定到期时间"),
        })


class CeleryBeatConfig(BeatConfig):
    verbose_name = "定时任务"

    def ready(self):
        super().ready()
        _rename(self, {
            "PeriodicTask": ("定时任务", "定时任务"),
            "IntervalSchedule": ("间隔周期", "间隔周期"),
            "CrontabSchedule": ("计划时间", "计划时间"),
            "SolarSchedule": ("日出日落时间", "日出日落时间"),
            "ClockedSchedule": ("指定时刻", "指定时刻"),
        })


class CeleryResultsConfig(CeleryResultConfig):
    verbose_name = "后台任务结果"

    def ready(self):
        super().ready()
        _rename(self, {
            "TaskResult": ("任务结果", "任务结果"),
            "GroupResult": ("任务组结果", "任务组结果"),
            "ChordCounter": ("任务组计数", "任务组计数"),
        })
