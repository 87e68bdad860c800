"""Recount the dashboards' summaries from the raw rows (what the nightly task does), or check them.

    python manage.py rebuild_dashboard            # after a bulk load (generate_demo, imports done outside the pages)
    python manage.py rebuild_dashboard --check    # only compare with a recount; exit 1 if they differ
"""

import time

from django.core.management.base import BaseCommand, CommandError

from dashboard import summaries


class Command(BaseCommand):
    help = "按原始记录重新统计数据看板的汇总表（每晚自动运行；批量导入数据后也可手工运行），或用 --check 只核对。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对汇总表与原始记录是否一致，不写入")

    def handle(self, *args, check=False, **options):
        start = time.monotonic()
        if check:
            diff = summaries.differences()
            if diff:
                for table, rows in diff.items():
                    self.stdout.write(f"{table}: 缺少 {len(rows['missing'])} 行（最多列出20行），多出 {len(rows['extra'])} 行")
                raise CommandError("数据看板汇总表与原始记录不一致，请运行 python manage.py rebuild_dashboard。")
            self.stdout.write(f"数据看板汇总表与原始记录一致（{time.monotonic() - start:.1f} 秒）。")
            return
        written = summaries.summaries_rebuild()
        for table, n in written.items():
            self.stdout.write(f"{table}：{n:,} 行")
        self.stdout.write(f"数据看板汇总已重新统计（{time.monotonic() - start:.1f} 秒）。")
