import django_filters
from django import forms
from django.db.models import Q

from rosters.choices import TeamKind
from rosters.models import Campaign, Team
from villages.filtersets import ScopedFilterSet
from villages.models import County

from .choices import PROBLEM_CATEGORY_CHOICES, ProblemKind, VisitStatus
from .models import GuidanceVisit, Problem


class _CampaignTeamScoped(ScopedFilterSet):
    """Campaign and team lists show only guidance groups of counties the user may see."""

    def scoped_querysets(self, user):
        teams = Team.objects.visible_to(user).filter(kind=TeamKind.GUIDANCE).select_related("campaign")
        return {
            **super().scoped_querysets(user),
            "team": teams,
            "campaign": Campaign.objects.filter(kind=TeamKind.GUIDANCE, pk__in=teams.values("campaign_id")),
        }


def _search_village(queryset, name, value, prefix=""):
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(
        Q(**{f"{prefix}village__name__icontains": value}) | Q(**{f"{prefix}village__township__name__icontains": value})
        | Q(**{f"{prefix}county__name__icontains": value})
    )


class VisitFilterSet(_CampaignTeamScoped):
    q = django_filters.CharFilter(label="村", method="search", widget=forms.TextInput(attrs={"placeholder": "村、乡（镇）或县名"}))
    campaign = django_filters.ModelChoiceFilter(label="工作周期", queryset=Campaign.objects.none(), empty_label="全部")
    team = django_filters.ModelChoiceFilter(label="指导小组", queryset=Team.objects.none(), empty_label="全部")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")
    date_from = django_filters.DateFilter(label="指导时间从", field_name="visit_date", lookup_expr="gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label="至", field_name="visit_date", lookup_expr="lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))
    status = django_filters.ChoiceFilter(label="状态", choices=VisitStatus.choices, empty_label="全部")
    # The dashboards' repeat-visit figures lead to one village's forms (ZZ 六(四)).
    village = django_filters.NumberFilter(widget=forms.HiddenInput)

    class Meta:
        model = GuidanceVisit
        fields = []

    def search(self, queryset, name, value):
        return _search_village(queryset, name, value)


class ProblemFilterSet(_CampaignTeamScoped):
    KIND_ALL = "all"

    q = django_filters.CharFilter(label="搜索", method="search", widget=forms.TextInput(attrs={"placeholder": "问题描述、村或乡（镇）"}))
    kind = django_filters.ChoiceFilter(label="问题性质", choices=[*ProblemKind.choices, (KIND_ALL, "全部")],
                                       empty_label=None, method="filter_kind")
    category = django_filters.ChoiceFilter(label="问题类别", choices=PROBLEM_CATEGORY_CHOICES, empty_label="全部")
    campaign = django_filters.ModelChoiceFilter(label="工作周期", field_name="visit__campaign", queryset=Campaign.objects.none(), empty_label="全部")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")
    team = django_filters.ModelChoiceFilter(label="指导小组", field_name="visit__team", queryset=Team.objects.none(),
                                            empty_label="全部")
    date_from = django_filters.DateFilter(label="指导时间从", field_name="visit__visit_date", lookup_expr="gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label="至", field_name="visit__visit_date", lookup_expr="lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Problem
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(description__icontains=value) | Q(village__name__icontains=value)
                               | Q(village__township__name__icontains=value)) if value else queryset

    def filter_kind(self, queryset, name, value):
        return queryset if value in ("", self.KIND_ALL) else queryset.filter(kind=value)

    def fast_count(self):
        """The list's count without joining every problem to its form, when only the kind is chosen.

        The filter set's queryset must be all the problems of submitted forms the user may see
        (selectors.problem_list), as the list page gives it."""
        from .selectors import submitted_problems_count

        if self.is_bound and not self.is_valid():
            return 0
        data = self.form.cleaned_data if self.is_bound else {}
        if any(data.get(name) for name in self.filters if name != "kind"):
            return None
        kind = data.get("kind")
        return submitted_problems_count(user=self.user, kind=None if kind in (None, "", self.KIND_ALL) else kind)


class ExperienceFilterSet(_CampaignTeamScoped):
    q = django_filters.CharFilter(label="搜索", method="search", widget=forms.TextInput(attrs={"placeholder": "经验内容或村名"}))
    promoted = django_filters.BooleanFilter(label="推广", field_name="experience_promoted",
                                            widget=forms.Select(choices=[("", "全部"), ("true", "已推广"), ("false", "未推广")]))
    campaign = django_filters.ModelChoiceFilter(label="工作周期", queryset=Campaign.objects.none(), empty_label="全部")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")
    team = django_filters.ModelChoiceFilter(label="指导小组", queryset=Team.objects.none(), empty_label="全部")
    date_from = django_filters.DateFilter(label="指导时间从", field_name="visit_date", lookup_expr="gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label="至", field_name="visit_date", lookup_expr="lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = GuidanceVisit
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(experience__icontains=value) | Q(village__name__icontains=value)) if value else queryset
