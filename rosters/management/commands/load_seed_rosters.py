from django.core.management.base import BaseCommand

from rosters.services import seed_rosters_load


class Command(BaseCommand):
    help = "通过名单导入功能载入源文件中的三份名单（郑州市指导小组、河源市督查小组、河南省挂牌督战），可重复运行。"

    def handle(self, *args, **options):
        for campaign, result in seed_rosters_load():
            new = sum(result.created.values())
            self.stdout.write(self.style.SUCCESS(
                f"{campaign.name}：{len(result.teams)} 个工作组，{result.county_count} 个县（市、区）"
                + (f"，新增 {new} 条记录。" if new else "，无变化。")
            ))
