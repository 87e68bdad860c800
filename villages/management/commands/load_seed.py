from django.core.management.base import BaseCommand

from villages.services import seed_load


class Command(BaseCommand):
    help = "载入源文件中的地区、52个挂牌督战村和8类重点村类别，并按统计用区划代码表补上代码（可重复运行）。"

    def handle(self, *args, **options):
        created, codes = seed_load()
        summary = "，".join(f"{k} {v}" for k, v in created.items())
        self.stdout.write(self.style.SUCCESS(f"基础数据已载入（新建：{summary}）。"))
        updated = sum(sum(r.updated.values()) for r in codes)
        missing = [(level, name) for r in codes for level, names in r.not_in_table.items() for name in names]
        self.stdout.write(f"统计用区划代码：本次补上或更新 {updated} 个地方的代码；代码表（2023年）中没有 {len(missing)} 个：")
        for level, name in missing:
            self.stdout.write(f"  {level} {name}")
