import time

from django.core.management.base import BaseCommand, CommandError

from villages import demo


class Command(BaseCommand):
    help = (
        "生成演示数据：地方取自统计用区划代码表（fixtures/divisions），贫困户为虚构。--scale city 为郑州市和河源市"
        "（约3,400个村、6万户），--scale province 为河南省全省和河源市（约4.6万个村、190万户）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(demo.SCALES), default="city")
        parser.add_argument("--seed", type=int, default=2018, help="随机种子：相同种子生成相同数据。")
        parser.add_argument("--reset", action="store_true", help="先删除已有的演示数据再生成。")
        parser.add_argument("--if-missing", action="store_true", help="已有演示数据时直接跳过（不报错）。")
        parser.add_argument("--limit-counties", type=int, help="每个市只取前 N 个县（按代码顺序；用于测试和试运行）。")
        parser.add_argument("--townships", type=int, help="每县最多取 N 个乡镇（按代码顺序）。")
        parser.add_argument("--villages", type=int, help="每乡镇最多取 N 个村（按代码顺序）。")
        parser.add_argument("--households", type=int, help="每村平均户数（覆盖规模默认值）。")

    def handle(self, *args, **opts):
        if demo.demo_exists():
            if opts["if_missing"]:
                self.stdout.write("演示数据已存在，跳过生成。")
                return
            if not opts["reset"]:
                raise CommandError("演示数据已存在。如需重新生成，请加 --reset。")
            demo.demo_reset()
        started = time.monotonic()

        def progress(n):
            if n % 100000 == 0:
                self.stdout.write(f"  已写入 {n:,} 户（{time.monotonic() - started:.0f} 秒）")

        counts = demo.generate(
            scale_name=opts["scale"], seed=opts["seed"], limit_counties=opts["limit_counties"],
            townships_per_county=opts["townships"], villages_per_township=opts["villages"],
            households_per_village=opts["households"], progress=progress,
        )
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"演示数据已生成：{counts['counties']} 个县，{counts['townships']:,} 个乡镇，"
            f"{counts['villages']:,} 个村（其中新建地方 {counts['new_places']:,} 个），{counts['households']:,} 户，"
            f"用时 {elapsed:.1f} 秒。"
        ))
        try:
            from villages.services import star_ratings_recompute
        except ImportError:
            return
        started = time.monotonic()
        star_ratings_recompute()
        self.stdout.write(f"重点村星级已计算，用时 {time.monotonic() - started:.1f} 秒。")
