import django_filters
from django.utils import timezone

from villages.filtersets import ScopedFilterSet
from villages.models import County

from .choices import ItemStatus, LetterStatus, Severity, SourceKind
from .models import ProblemItem, RectificationLetter


class ItemFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=ItemStatus.choices, empty_label="全部")
    overdue = django_filters.ChoiceFilter(label="逾期", choices=[("yes", "逾期未销号")], empty_label="全部",
                                          method="filter_overdue")
    severity = django_filters.ChoiceFilter(label="性质", choices=Severity.choices, empty_label="全部")
    source_kind = django_filters.ChoiceFilter(label="来源", choices=SourceKind.choices, empty_label="全部")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")

    class Meta:
        model = ProblemItem
        fields = ["status", "overdue", "severity", "source_kind", "county"]

    def scoped_querysets(self, user):
        counties = County.objects.visible_to(user).filter(
            pk__in=ProblemItem.objects.visible_to(user).values("county_id")).select_related("city")
        return {"county": counties}

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value == "yes" else queryset


class LetterFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=LetterStatus.choices, empty_label="全部")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")

    class Meta:
        model = RectificationLetter
        fields = ["status", "county"]

    def scoped_querysets(self, user):
        counties = County.objects.visible_to(user).filter(
            pk__in=RectificationLetter.objects.visible_to(user).values("county_id")).select_related("city")
        return {"county": counties}
