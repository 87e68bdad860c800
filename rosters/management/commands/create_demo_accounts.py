import os

from django.core.management.base import BaseCommand
from django.db import transaction

from rosters.choices import Role
from rosters.models import Person, TeamMember, User
from villages.models import City, County

DEMO_PASSWORD = "Fupin-demo-2018"

ACCOUNTS = [
    # username, display name, role, what it sees
    ("admin", "系统管理员", Role.ADMIN, "全部数据与管理后台"),
    ("city", "郑州市扶贫办", Role.CITY, "郑州市全部县（市、区）"),
    ("county", "中牟县扶贫办", Role.COUNTY, "仅中牟县"),
    ("team", "张振华", Role.TEAM, "第六小组分包的中牟县、航空港区"),
]


class Command(BaseCommand):
    help = "为每个角色创建一个演示账号并打印用户名和密码（可重复运行，会重置为演示密码）。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help=f"演示密码（默认 {DEMO_PASSWORD}）。")

    @transaction.atomic
    def handle(self, *args, password, **options):
        zhengzhou = City.objects.get(name="郑州市", province__name="河南省")
        zhongmou = County.objects.get(name="中牟县", city=zhengzhou)
        rows = []
        for username, name, role, sees in ACCOUNTS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.first_name = name
            user.role = role
            user.city = zhengzhou if role == Role.CITY else None
            user.county = zhongmou if role == Role.COUNTY else None
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.is_active = True
            user.set_password(password)
            user.save()
            if role == Role.TEAM:
                sees = self._link_team_member(user, sees)
            rows.append((username, password, user.get_role_display(), sees))
        port = os.environ.get("WEB_PORT", "8000")  # as scripts/run.sh and the Procfile use it
        self.stdout.write(self.style.SUCCESS(f"演示账号（登录地址 http://127.0.0.1:{port}/login/）："))
        for username, pw, role, sees in rows:
            self.stdout.write(f"  {role:<14} 用户名 {username:<8} 密码 {pw}   可见范围：{sees}")

    def _link_team_member(self, user, sees):
        # The leader of 第六小组 of the Zhengzhou guidance roster (ZZ 附件1), once the roster is loaded.
        membership = (
            TeamMember.objects.filter(person__name="张振华", team__name="第六小组", role="leader")
            .select_related("person").first()
        )
        if membership is None:
            return "尚未关联工作组（请先载入郑州市指导组名单）"
        person = membership.person
        Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        if person.user_id != user.pk:
            person.user = user
            person.save(update_fields=["user"])
        return sees
