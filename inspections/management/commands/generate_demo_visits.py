import time

from django.core.management.base import BaseCommand

from inspections import demo


class Command(BaseCommand):
    help = ("为演示的业务指导工作周期生成指导登记表：由各指导小组组长登记，经与网页表单相同的规则检查，"
            "类别和人口数据取自村里的数据。已有演示登记表时跳过。")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2018, help="随机种子：相同种子生成相同数据。")

    def handle(self, *args, seed, **options):
        if demo.demo_visits_exist():
            self.stdout.write("演示指导登记表已存在，跳过生成。")
            return
        started = time.monotonic()
        n = demo.generate_visits(seed=seed)
        self.stdout.write(f"已生成 {n} 份演示指导登记表（{time.monotonic() - started:.1f} 秒）。")
