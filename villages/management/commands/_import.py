"""What import_villages and import_households share: open the file, run the service, report."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ._progress import ProgressBar


class ImportCommand(BaseCommand):
    service = None  # the import service: f(*, acting_user, file, dry_run) -> ImportResult
    unit = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件（表头见下载的模板）")
        parser.add_argument("--user", help="以该账号的身份和管辖范围导入，并记入修改记录（不填则不限范围）")
        parser.add_argument("--dry-run", action="store_true", help="只检查、预览，不写入")

    def handle(self, *args, file, user, dry_run, **options):
        acting_user = None
        if user:
            acting_user = get_user_model().objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(f"账号“{user}”不存在。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        bar = ProgressBar(self.stderr._out, unit="行", label="检查 " if dry_run else "导入 ")
        with path.open("rb") as fh:
            result = type(self).service(acting_user=acting_user, file=fh, dry_run=dry_run, progress=bar)
        bar.finish()
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"共 {len(result.errors)} 处错误，未写入任何数据。")
        will = "将" if dry_run else "已"
        self.stdout.write(self.style.SUCCESS(
            f"{will}新增 {result.created} {self.unit}，{will}更新 {result.updated} {self.unit}，"
            f"{result.unchanged} {self.unit}无变化。" + ("（预览，未写入）" if dry_run else "")
        ))
