import time

from django.core.management.base import BaseCommand, CommandError

from rectification import demo
from rosters.models import User


class Command(BaseCommand):
    help = ("为演示督查（河源）和演示指导登记表的共性问题（郑州）生成整改函和整改问题，经与网页相同的规则办理："
            "签发、整改、报告（附照片）、延期、核查（回头看）、销号或退回、重大问题上报和通报。已有演示整改函时跳过。")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2018, help="随机种子：相同种子生成相同数据。")
        parser.add_argument("--city-user", default="city", help="郑州市扶贫办的账号（默认 city）。")
        parser.add_argument("--office-user", default="admin", help="代河源市扶贫办审批和确认的账号（默认 admin）。")

    def handle(self, *args, seed, city_user, office_user, **options):
        if demo.demo_exists():
            self.stdout.write("演示整改函已存在，跳过生成。")
            return
        city = User.objects.filter(username=city_user).first()
        office = User.objects.filter(username=office_user).first()
        if city is None or city.city_id is None or office is None or not office.is_city_office:
            raise CommandError("没有演示的市扶贫办账号和管理员账号，请先运行 create_demo_accounts。")
        started = time.monotonic()
        demo.generate(city_user=city, office_user=office, seed=seed, log=self.stdout.write)
        summary = "，".join(f"{k} {v}" for k, v in demo.counts().items())
        self.stdout.write(f"整改问题：{summary}（{time.monotonic() - started:.1f} 秒）。")
