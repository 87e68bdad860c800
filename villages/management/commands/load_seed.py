from django.core.management.base import BaseCommand

from villages.services import seed_load


class Command(BaseCommand):
    help = "载入源文件中的地区、52个挂牌督战村和8类重点村类别（可重复运行）。"

    def handle(self, *args, **options):
        created = seed_load()
        summary = "，".join(f"{k} {v}" for k, v in created.items())
        self.stdout.write(self.style.SUCCESS(f"基础数据已载入（新建：{summary}）。"))
