import time

from django.core.management.base import BaseCommand, CommandError

from inspections import trip_demo
from rosters.models import User


class Command(BaseCommand):
    help = ("为督查工作周期（河源市）的各督查小组生成演示督查：抽查对象、发现问题、交换意见和季度档案移交，"
            "均经与网页相同的规则检查。没有登记村的县跳过。已有演示督查时跳过。")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2018, help="随机种子：相同种子生成相同数据。")
        parser.add_argument("--user", default="admin", help="以哪个管理员账号登记（默认 admin）。")

    def handle(self, *args, seed, user, **options):
        if trip_demo.demo_trips_exist():
            self.stdout.write("演示督查已存在，跳过生成。")
            return
        acting = User.objects.filter(username=user).first()
        if acting is None or not acting.is_city_office:
            raise CommandError(f"没有名为“{user}”的管理员或市扶贫办账号，请先运行 create_demo_accounts。")
        started = time.monotonic()
        made, skipped = trip_demo.generate_trips(acting_user=acting, seed=seed, log=self.stdout.write)
        self.stdout.write(f"已生成 {made} 次演示督查（{time.monotonic() - started:.1f} 秒）"
                          + (f"；{len(skipped)} 个县没有登记的村，已跳过。" if skipped else "。"))
