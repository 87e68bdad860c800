import time

from django.core.management.base import BaseCommand, CommandError

from inspections import demo
from rosters.choices import Role
from rosters.models import User


class Command(BaseCommand):
    help = "为演示的业务指导工作周期生成指导登记表（经与网页表单相同的规则检查）。已有演示登记表时跳过。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2018, help="随机种子：相同种子生成相同数据。")
        parser.add_argument("--user", default="city", help="以哪个市扶贫办账号登记（默认 city）。")

    def handle(self, *args, seed, user, **options):
        if demo.demo_visits_exist():
            self.stdout.write("演示指导登记表已存在，跳过生成。")
            return
        acting = User.objects.filter(username=user, role=Role.CITY).first()
        if acting is None:
            raise CommandError(f"没有名为“{user}”的市扶贫办账号，请先运行 create_demo_accounts。")
        started = time.monotonic()
        n = demo.generate_visits(acting_user=acting, seed=seed)
        self.stdout.write(f"已生成 {n} 份演示指导登记表（{time.monotonic() - started:.1f} 秒）。")
