import django_filters
from django import forms
from django.utils import timezone

from rosters.models import Campaign, Team
from villages.filtersets import ScopedFilterSet
from villages.models import County

from .choices import ItemStatus, LetterStatus, Severity, SourceKind
from .models import ProblemItem, RectificationLetter


class ItemFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=ItemStatus.choices, empty_label="全部")
    overdue = django_filters.ChoiceFilter(label="逾期", choices=[("yes", "逾期未销号")], empty_label="全部",
                                          method="filter_overdue")
    severity = django_filters.ChoiceFilter(label="性质", choices=Severity.choices, empty_label="全部")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")
    # The dashboards' rectification figures lead here: by letter's campaign, issuing group, deadline and source.
    open = django_filters.ChoiceFilter(label="销号", choices=[("yes", "未销号")], empty_label="全部", method="filter_open")
    campaign = django_filters.ModelChoiceFilter(label="工作周期", field_name="letter__campaign",
                                                queryset=Campaign.objects.none(), empty_label="全部")
    team = django_filters.ModelChoiceFilter(label="督促小组", queryset=Team.objects.none(), empty_label="全部")
    deadline_from = django_filters.DateFilter(label="整改期限从", field_name="deadline", lookup_expr="gte",
                                              widget=forms.DateInput(attrs={"type": "date"}))
    deadline_to = django_filters.DateFilter(label="至", field_name="deadline", lookup_expr="lte",
                                            widget=forms.DateInput(attrs={"type": "date"}))
    source_kind = django_filters.ChoiceFilter(label="来源", choices=SourceKind.choices, empty_label="全部")

    class Meta:
        model = ProblemItem
        fields = ["status", "overdue", "severity", "county"]

    def scoped_querysets(self, user):
        counties = County.objects.visible_to(user).filter(
            pk__in=ProblemItem.objects.visible_to(user).values("county_id")).select_related("city")
        teams = Team.objects.visible_to(user).filter(pk__in=ProblemItem.objects.visible_to(user).values("team_id"))
        campaigns = Campaign.objects.filter(pk__in=RectificationLetter.objects.visible_to(user).values("campaign_id"))
        return {"county": counties, "team": teams.select_related("campaign"), "campaign": campaigns}

    def filter_open(self, queryset, name, value):
        return queryset.open() if value == "yes" else queryset

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
