"""Filters of the dashboards' own drill-down lists: the numbers no other list can show.

The key-village panel counts villages guided *in a chosen campaign and period* (the
key-village list knows only the current campaign), and the inspection panels count trips
by sampling compliance and by their letter against its due date in working days (which
``inspections`` cannot compute: the due date is rectification's). These lists read the
same summaries as the panels, so a number and its list always agree.
"""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from inspections.choices import TripStatus
from rosters.choices import TeamKind
from rosters.models import Campaign, Team
from villages.filtersets import ScopedFilterSet
from villages.models import County, Township, Village

from .models import TripFact, VillageVisitFact

DATE = forms.DateInput(attrs={"type": "date"})


class _ByKind(ScopedFilterSet):
    """Campaign and group lists hold only those of one kind, of counties the user may see."""

    kind = None

    def scoped_querysets(self, user):
        teams = Team.objects.visible_to(user).filter(kind=self.kind).select_related("campaign")
        return {**super().scoped_querysets(user), "team": teams,
                "campaign": Campaign.objects.filter(kind=self.kind, pk__in=teams.values("campaign_id"))}


class KeyVillageVisitFilterSet(_ByKind):
    kind = TeamKind.GUIDANCE

    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")
    township = django_filters.ModelChoiceFilter(label="乡（镇）", queryset=Township.objects.none(), empty_label="全部")
    stars = django_filters.ChoiceFilter(label="星级", choices=[(3, "★★★ 3星村"), (2, "★★ 2星村"), (1, "★ 1星村")],
                                        empty_label="全部重点村", method="filter_stars")
    campaign = django_filters.ModelChoiceFilter(label="工作周期", queryset=Campaign.objects.none(), empty_label="全部",
                                                method="keep")
    team = django_filters.ModelChoiceFilter(label="指导小组", queryset=Team.objects.none(), empty_label="全部",
                                            method="filter_team")
    date_from = django_filters.DateFilter(label="首次指导从", widget=DATE, method="keep")
    date_to = django_filters.DateFilter(label="至", widget=DATE, method="keep")
    visited = django_filters.ChoiceFilter(label="指导情况", choices=[("yes", "已指导"), ("no", "未指导")],
                                          empty_label="全部", method="filter_visited")

    class Meta:
        model = Village
        fields = []

    def keep(self, queryset, name, value):
        # Read by ``filter_visited`` (and the list's columns): the campaign, group and period it counts in.
        return queryset

    def filter_stars(self, queryset, name, value):
        return queryset.filter(dashboard_stars=int(value))

    def filter_team(self, queryset, name, value):
        # A group's key villages are those of the counties it covers (and its visits, below).
        return queryset.filter(county_id__in=value.coverage.values("county_id"))

    def visits(self):
        """The facts the 已指导 of this list counts: the campaign, the group, first guided in the period."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        facts = VillageVisitFact.objects.all()
        if data.get("campaign"):
            facts = facts.filter(campaign=data["campaign"])
        if data.get("team"):
            facts = facts.filter(team=data["team"])
        if data.get("date_from"):
            facts = facts.filter(first_date__gte=data["date_from"])
        if data.get("date_to"):
            facts = facts.filter(first_date__lte=data["date_to"])
        return facts

    def filter_visited(self, queryset, name, value):
        guided = Exists(self.visits().filter(village_id=OuterRef("pk")))
        return queryset.filter(guided if value == "yes" else ~guided)


LETTER_STATES = [("due", "应发函"), ("on_time", "按时发函"), ("late", "逾期发函"), ("overdue", "逾期未发"),
                 ("waiting", "未到期限")]


class TripDetailFilterSet(_ByKind):
    kind = TeamKind.INSPECTION

    campaign = django_filters.ModelChoiceFilter(label="工作周期", queryset=Campaign.objects.none(), empty_label="全部")
    team = django_filters.ModelChoiceFilter(label="督查小组", queryset=Team.objects.none(), empty_label="全部")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")
    date_from = django_filters.DateFilter(label="开始日期从", field_name="start_date", lookup_expr="gte", widget=DATE)
    date_to = django_filters.DateFilter(label="至", field_name="start_date", lookup_expr="lte", widget=DATE)
    status = django_filters.ChoiceFilter(label="状态", choices=TripStatus.choices, empty_label="全部")
    sample = django_filters.ChoiceFilter(label="抽查", choices=TripFact.Sample.choices, empty_label="全部",
                                         method="filter_sample")
    letter = django_filters.ChoiceFilter(label="整改函", choices=LETTER_STATES, empty_label="全部",
                                         method="filter_letter")

    class Meta:
        model = TripFact
        fields = []

    def filter_sample(self, queryset, name, value):
        return queryset.filter(sample=value)

    def filter_letter(self, queryset, name, value):
        """HY 四: against the 3-working-day due date, as of today."""
        today = timezone.localdate()
        queryset = queryset.filter(letter_due__isnull=False)
        unsent = Q(first_letter_on__isnull=True)
        return queryset.filter({
            "due": Q(),
            "on_time": Q(first_letter_on__lte=F("letter_due")),
            "late": Q(first_letter_on__gt=F("letter_due")),
            "overdue": unsent & Q(letter_due__lt=today),
            "waiting": unsent & Q(letter_due__gte=today),
        }[value])
