"""Export a list to Excel from the command line, as a user sees it, with a progress bar."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch
from django.utils.http import urlencode

from villages.jobs import export_request
from villages.listing import LIST_PAGES

from ._progress import ProgressBar


class Command(BaseCommand):
    help = ("把列表导出为 Excel（与页面上的“导出 Excel”相同：同样的列、筛选和可见范围），显示进度。"
            "例如：python manage.py export_list villages:household_export --user city --filter county=5 -o 户.xlsx")

    def add_arguments(self, parser):
        exports = sorted(lp.export for lp in LIST_PAGES.values() if lp.export)
        parser.add_argument("export", help=f"导出的名称：{'、'.join(exports)}")
        parser.add_argument("--user", required=True, help="以该账号的身份和可见范围导出")
        parser.add_argument("--filter", action="append", default=[], metavar="名称=值",
                            help="列表的筛选条件（与页面地址中的相同），可重复，如 --filter status=poor")
        parser.add_argument("-o", "--output", help="保存为该文件（默认用页面下载时的文件名，存在当前目录）")

    def handle(self, *args, export, user, filter, output, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"账号“{user}”不存在。")
        pairs = []
        for item in filter:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"筛选条件应写成 名称=值，现为“{item}”。")
            pairs.append((name, value))
        bar = ProgressBar(self.stderr._out, unit="行", label="导出 ")
        written = {}

        def sink(*, filename, total, write):
            path = Path(output or filename)
            bar.total = total
            with path.open("wb") as fh:
                written["rows"] = write(fh, bar)
            written["path"] = path

        try:
            response = export_request(user=account, target=export, query=urlencode(pairs), sink=sink)
        except NoReverseMatch:
            raise CommandError(f"没有名为“{export}”的导出。") from None
        bar.finish(written.get("rows"))
        if "path" not in written:
            raise CommandError(f"未能导出（{response.status_code}）：该账号不能查看这些数据。")
        self.stdout.write(self.style.SUCCESS(f"已导出 {written['rows']:,} 行到 {written['path']}。"))
