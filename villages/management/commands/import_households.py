from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rosters.models import User
from villages.services import household_import


class Command(BaseCommand):
    help = "从 Excel 导入贫困户（按身份证号匹配，按 县/乡/村 匹配村）；先检查整个文件，有错误则逐行列出且不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="以该账号的身份和管辖范围导入（不填则不限范围）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, file, user, dry_run, **options):
        acting_user = None
        if user:
            acting_user = User.objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(f"账号“{user}”不存在。")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{file}")
        with path.open("rb") as fh:
            created, updated, errors = household_import(acting_user=acting_user, file=fh, dry_run=dry_run)
        if errors:
            for error in errors[:200]:
                self.stderr.write(error)
            raise CommandError(f"共 {len(errors)} 处错误，未写入任何数据。")
        verb = "将新增" if dry_run else "已新增"
        self.stdout.write(self.style.SUCCESS(f"{verb} {created} 户，{'将更新' if dry_run else '已更新'} {updated} 户。"))
