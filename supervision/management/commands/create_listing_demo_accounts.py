import os

from django.core.management.base import BaseCommand
from django.db import transaction

from rosters.choices import Role
from rosters.management.commands.create_demo_accounts import DEMO_PASSWORD
from rosters.models import User
from villages.models import City, County

# The demo city (郑州市) has no listed county or village: these accounts show listed supervision.
ACCOUNTS = [
    # username, display name, role, city, county, what it sees
    ("province", "河南省扶贫办", Role.CITY, None, None, "全省挂牌督战县、村和各市月度进展"),
    ("nanyang", "南阳市扶贫办", Role.CITY, "南阳市", None, "南阳市的挂牌督战县、村，报送南阳市月度进展"),
    ("xinye", "新野县扶贫办", Role.COUNTY, "南阳市", "新野县", "新野县的9个挂牌督战村"),
]


class Command(BaseCommand):
    help = "创建挂牌督战的演示账号（省扶贫办、南阳市扶贫办、新野县扶贫办）并打印（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)

    @transaction.atomic
    def handle(self, *args, password, **options):
        port = os.environ.get("WEB_PORT", "8000")
        self.stdout.write(self.style.SUCCESS(f"挂牌督战演示账号（http://127.0.0.1:{port}/supervision/）："))
        for username, name, role, city_name, county_name, sees in ACCOUNTS:
            city = City.objects.filter(name=city_name, province__name="河南省").first() if city_name else None
            county = County.objects.filter(name=county_name, city=city).first() if county_name else None
            if (city_name and city is None) or (county_name and county is None):
                continue  # places not loaded
            user = User.objects.filter(username=username).first() or User(username=username)
            user.first_name, user.role, user.is_active = name, role, True
            user.city = city if role == Role.CITY else None
            user.county = county
            user.set_password(password)
            user.save()
            self.stdout.write(f"  {user.get_role_display():<14} 用户名 {username:<8} 密码 {password}   可见范围：{sees}")
