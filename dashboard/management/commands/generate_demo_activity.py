import datetime
import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from dashboard import demo_activity as demo


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from e


class Command(BaseCommand):
    help = (
        "在演示地名和贫困户之上生成一年的工作数据（SPEC §12）：业务指导和督查工作周期、工作组和人员、指导登记表、"
        "督查、整改函和整改问题（含整改过程），以及查看这些数据的演示账号。全部批量写入，规则与网页相同。"
        "省级规模（generate_demo --scale province）请使用 PostgreSQL。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2018, help="工作年度（默认 2018，与文件相同）。")
        parser.add_argument("--as-of", help="数据截止日期（默认该年12月31日，且不晚于今天）：此后的工作不生成，"
                                            "整改问题的状态按此日计算。")
        parser.add_argument("--visits", type=int, default=100_000, help="指导登记表的目标份数（默认 100,000）。")
        parser.add_argument("--items", type=int, default=500_000, help="整改问题的目标项数（默认 500,000）。")
        parser.add_argument("--seed", type=int, default=2018, help="随机种子：相同种子、相同数据库生成相同数据。")
        parser.add_argument("--reset", action="store_true", help="先删除上次生成的数据（保留地名和贫困户）再生成。")
        parser.add_argument("--if-missing", action="store_true", help="已生成过时直接跳过（不报错）。")

    def handle(self, *args, year, as_of, visits, items, seed, reset, if_missing, **options):
        today = timezone.localdate()
        as_of = _date(as_of) if as_of else min(today, datetime.date(year, 12, 31))
        if as_of > today:
            raise CommandError(f"截止日期 {as_of:%Y-%m-%d} 晚于今天：指导时间不能晚于今天。")
        if as_of < datetime.date(year, 1, 1):
            raise CommandError(f"截止日期 {as_of:%Y-%m-%d} 早于 {year} 年。")
        if visits < 0 or items < 0:
            raise CommandError("--visits 和 --items 不能为负数。")
        if demo.activity_exists():
            if if_missing:
                self.stdout.write("演示工作数据已存在，跳过生成。")
                return
            if not reset:
                raise CommandError("演示工作数据已存在。如需重新生成，请加 --reset。")
            demo.activity_reset(log=self.stdout.write)
        if connection.vendor != "postgresql" and visits > 20_000:
            self.stdout.write(self.style.WARNING("提示：大规模数据请使用 PostgreSQL（DATABASE_URL）。"))
        started = time.monotonic()
        self.stdout.write(f"生成 {year} 年的演示工作数据（截至 {as_of:%Y-%m-%d}；目标：指导登记表 {visits:,} 份，"
                          f"整改问题 {items:,} 项；随机种子 {seed}）：")
        try:
            summary = demo.generate(year=year, as_of=as_of, visits=visits, items=items, seed=seed, log=self.stdout.write)
        except ValueError as e:
            raise CommandError(str(e)) from e
        elapsed = time.monotonic() - started
        c = summary.counts
        for note in summary.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(self.style.SUCCESS(
            f"演示工作数据已生成，用时 {elapsed:.1f} 秒：{c['campaigns']} 个工作周期、{c['teams']} 个工作组、"
            f"{c['visits']:,} 份指导登记表（已提交 {c['visits_submitted']:,}）、{c['problems']:,} 个存在问题、"
            f"{c['trips']:,} 次督查、{c['findings']:,} 个发现问题、{c['letters']:,} 份整改函、{c['items']:,} 项整改问题、"
            f"{c['transitions']:,} 条整改过程记录。"))
        counts = demo.activity_counts()
        self.stdout.write("整改问题按状态：" + "，".join(f"{k} {v:,}" for k, v in counts["items_by_status"].items())
                          + "。")
        started = time.monotonic()
        results = demo.activity_check(as_of)
        self.stdout.write(f"规则检查（{time.monotonic() - started:.1f} 秒）：")
        for rule, passed, detail in results:
            line = f"  {'通过' if passed else '不符'}  {rule}" + (f"：{detail}" if detail else "")
            self.stdout.write(line if passed else self.style.ERROR(line))
        port = os.environ.get("WEB_PORT", "8000")
        self.stdout.write(self.style.SUCCESS(f"演示账号（登录地址 http://127.0.0.1:{port}/login/，密码均为 {demo.DEMO_PASSWORD}）："))
        for username, user, seen in summary.accounts:
            self.stdout.write(
                f"  {user.get_role_display():<10} 用户名 {username:<10} 可见范围：{seen['where']}——村 {seen['villages']:,}，"
                f"登记表 {seen['visits']:,}，督查 {seen['trips']:,}，整改函 {seen['letters']:,}，整改问题 {seen['items']:,}")
