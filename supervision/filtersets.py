import django_filters

from villages.filtersets import ScopedFilterSet
from villages.models import County

from .choices import LedgerSource, LedgerStatus
from .models import LedgerEntry


class LedgerFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=LedgerStatus.choices, empty_label="全部")
    source = django_filters.ChoiceFilter(label="来源", choices=LedgerSource.choices, empty_label="全部")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")

    class Meta:
        model = LedgerEntry
        fields = ["status", "source", "county"]

    def scoped_querysets(self, user):
        # Only the counties that have ledger items the user may see.
        counties = County.objects.visible_to(user).filter(
            pk__in=LedgerEntry.objects.visible_to(user).values("county_id")
        ).select_related("city")
        return {"county": counties}
