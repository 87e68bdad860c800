from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from supervision.services import listing_load_seed


class Command(BaseCommand):
    help = "根据挂牌督战名单（省级领导联系的20个县）和种子数据（52个未出列贫困村）建立挂牌督战名单（可重复运行）。"

    def handle(self, *args, **options):
        try:
            listing = listing_load_seed()
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from e
        self.stdout.write(
            f"{listing.name}：挂牌督战县 {listing.counties.count()} 个，挂牌督战村 {listing.villages.count()} 个。"
        )
