import django_filters
from django.utils import timezone

from rectification.choices import ItemStatus
from rectification.models import ProblemItem
from villages.filtersets import ScopedFilterSet
from villages.models import County

from .choices import LedgerKind


class LedgerFilterSet(ScopedFilterSet):
    """督战台账: the ledger's rectification items, by their lifecycle state, what raised them, and county."""

    status = django_filters.ChoiceFilter(label="状态", choices=ItemStatus.choices, empty_label="全部")
    overdue = django_filters.ChoiceFilter(label="逾期", choices=[("yes", "逾期未销号")], empty_label="全部",
                                          method="filter_overdue")
    source = django_filters.ChoiceFilter(label="来源", choices=LedgerKind.choices, empty_label="全部",
                                         field_name="ledger_problem__kind")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")

    class Meta:
        model = ProblemItem
        fields = ["status", "overdue", "source", "county"]

    def scoped_querysets(self, user):
        # Only the counties that have ledger items the user may see.
        from .selectors import ledger_items

        counties = County.objects.visible_to(user).filter(
            pk__in=ledger_items().visible_to(user).values("county_id")
        ).select_related("city")
        return {"county": counties}

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value == "yes" else queryset
