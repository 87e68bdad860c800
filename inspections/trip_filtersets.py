import re

import django_filters
from django import forms

from rosters.choices import TeamKind
from rosters.models import Campaign, Team
from villages.filtersets import ScopedFilterSet
from villages.models import County

from .choices import FindingCategory, FindingSeverity, TripStatus
from .models import Finding, InspectionTrip


class _InspectionScoped(ScopedFilterSet):
    """Campaign and group lists show only inspection groups of counties the user may see."""

    def scoped_querysets(self, user):
        teams = Team.objects.visible_to(user).filter(kind=TeamKind.INSPECTION).select_related("campaign")
        return {
            **super().scoped_querysets(user),
            "team": teams,
            "campaign": Campaign.objects.filter(kind=TeamKind.INSPECTION, pk__in=teams.values("campaign_id")),
        }


class TripFilterSet(_InspectionScoped):
    campaign = django_filters.ModelChoiceFilter(label="工作周期", queryset=Campaign.objects.none(), empty_label="全部")
    team = django_filters.ModelChoiceFilter(label="督查小组", queryset=Team.objects.none(), empty_label="全部")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=TripStatus.choices, empty_label="全部")
    month = django_filters.CharFilter(label="月份", method="filter_month", widget=forms.DateInput(attrs={"type": "month"}))
    date_from = django_filters.DateFilter(label="开始日期从", field_name="start_date", lookup_expr="gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label="至", field_name="start_date", lookup_expr="lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = InspectionTrip
        fields = []

    def filter_month(self, queryset, name, value):
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
        if not match:
            return queryset
        year, month = int(match[1]), int(match[2])
        return queryset.filter(start_date__year=year, start_date__month=month)


class FindingFilterSet(_InspectionScoped):
    campaign = django_filters.ModelChoiceFilter(label="工作周期", field_name="trip__campaign", queryset=Campaign.objects.none(), empty_label="全部")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")
    category = django_filters.ChoiceFilter(label="类别", choices=FindingCategory.choices, empty_label="全部")
    severity = django_filters.ChoiceFilter(label="性质", choices=FindingSeverity.choices, empty_label="全部")
    team = django_filters.ModelChoiceFilter(label="督查小组", field_name="trip__team", queryset=Team.objects.none(),
                                            empty_label="全部")
    date_from = django_filters.DateFilter(label="督查开始日期从", field_name="trip__start_date", lookup_expr="gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label="至", field_name="trip__start_date", lookup_expr="lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Finding
        fields = []
