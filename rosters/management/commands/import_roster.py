from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rosters.choices import TeamKind
from rosters.models import Campaign
from rosters.services import roster_import
from villages.models import City


class Command(BaseCommand):
    help = "从 Excel 导入工作组名单：先检查整个文件，有错误则逐行列出且不写入；无错误时一次全部写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="名单 .xlsx 文件")
        parser.add_argument("--campaign", required=True, help="工作周期名称（须已存在，可在管理后台新建）")
        parser.add_argument("--kind", choices=TeamKind.values, help="名单类型；不填则按表头判断")
        parser.add_argument("--city", help="县名所属的市，如 郑州市（县名在多个市重复时需要）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")

    def handle(self, *args, file, campaign, kind, city, dry_run, **options):
        try:
            campaign_obj = Campaign.objects.get(name=campaign)
        except Campaign.DoesNotExist:
            names = "、".join(Campaign.objects.values_list("name", flat=True)) or "（无）"
            raise CommandError(f"工作周期“{campaign}”不存在。现有：{names}") from None
        city_obj = None
        if city:
            city_obj = City.objects.filter(name=city).first()
            if city_obj is None:
                raise CommandError(f"市“{city}”不存在。")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{file}")
        with path.open("rb") as fh:
            result = roster_import(acting_user=None, file=fh, campaign=campaign_obj, kind=kind, city=city_obj, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"名单有 {len(result.errors)} 处错误，未写入任何数据。")
        for team in result.teams:
            counties = "、".join(c.name for c in team.counties)
            members = "、".join(n for n, _ in team.members)
            liaisons = "、".join(f"{n}（{c.name}）" for c in team.counties for cid, n in team.liaisons.items() if cid == c.pk)
            line = f"  {team.name}：{counties}；组长 {team.leader}"
            line += f"；成员 {members}" if members else ""
            line += f"；联络员 {liaisons}" if liaisons else ""
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING(f"预览：{len(result.teams)} 个工作组，{result.county_count} 个县。未写入（--dry-run）。"))
        else:
            c = result.created
            self.stdout.write(self.style.SUCCESS(
                f"已导入：{len(result.teams)} 个工作组，{result.county_count} 个县；新增工作组 {c['teams']} 个、"
                f"人员 {c['people']} 人、成员关系 {c['memberships']} 条、分包县 {c['counties']} 个。"
            ))
