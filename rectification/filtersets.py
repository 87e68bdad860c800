import datetime

import django_filters
from django import forms
from django.utils import timezone

from rosters.models import Campaign, Team
from villages.filtersets import ScopedFilterSet
from villages.models import County

from .choices import ExtensionStatus, ItemStatus, LetterStatus, NoticeKind, Severity, SourceKind
from .models import ExtensionRequest, Notice, ProblemItem, RectificationLetter


class ItemFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=ItemStatus.choices, empty_label="全部")
    overdue = django_filters.ChoiceFilter(label="逾期", choices=[("yes", "逾期未销号")], empty_label="全部",
                                          method="filter_overdue")
    due_soon = django_filters.ChoiceFilter(label="即将到期", choices=[("yes", "7天内到期")], empty_label="全部",
                                           method="filter_due_soon")
    sent_back = django_filters.ChoiceFilter(label="退回", choices=[("yes", "被退回重新整改")], empty_label="全部",
                                            method="filter_sent_back")
    severity = django_filters.ChoiceFilter(label="性质", choices=Severity.choices, empty_label="全部")
    escalation = django_filters.ChoiceFilter(label="重大问题上报", empty_label="全部", method="filter_escalation",
                                             choices=[("waiting", "已上报、待确认"), ("all", "已上报")])
    extension = django_filters.ChoiceFilter(label="延期", empty_label="全部", method="filter_extension",
                                            choices=[("pending", "延期申请待审批"), ("approved", "已批准延期")])
    source_kind = django_filters.ChoiceFilter(label="来源", choices=SourceKind.choices, empty_label="全部")
    # Who verifies and closes: the issuing group, or the city office for items with no group
    # (letters the city office issued itself, the listed-supervision ledger) — its 我的待办 links here.
    verifier = django_filters.ChoiceFilter(label="核查销号", empty_label="全部", method="filter_verifier",
                                           choices=[("city", "市扶贫办"), ("team", "督查小组")])
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

    class Meta:
        model = ProblemItem
        fields = ["status", "overdue", "due_soon", "sent_back", "severity", "escalation", "extension", "source_kind",
                  "verifier", "county", "open", "campaign", "team", "deadline_from", "deadline_to"]

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

    def filter_due_soon(self, queryset, name, value):
        if value != "yes":
            return queryset
        today = timezone.localdate()
        return queryset.open().filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=7))

    def filter_sent_back(self, queryset, name, value):
        return queryset.filter(status=ItemStatus.IN_PROGRESS, sent_back_at__isnull=False) if value == "yes" else queryset

    def filter_escalation(self, queryset, name, value):
        if value == "waiting":
            return queryset.filter(escalated_at__isnull=False, acknowledged_at__isnull=True)
        return queryset.filter(escalated_at__isnull=False) if value == "all" else queryset

    def filter_verifier(self, queryset, name, value):
        if value not in ("city", "team"):
            return queryset
        return queryset.filter(team__isnull=value == "city")

    def filter_extension(self, queryset, name, value):
        if value not in (ExtensionStatus.PENDING, ExtensionStatus.APPROVED):
            return queryset
        return queryset.filter(pk__in=ExtensionRequest.objects.filter(status=value).values("item_id"))


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


class NoticeFilterSet(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(label="类型", choices=NoticeKind.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="年度", field_name="issued_on", lookup_expr="year")
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")

    class Meta:
        model = Notice
        fields = ["kind", "year", "county"]

    def scoped_querysets(self, user):
        counties = County.objects.visible_to(user).filter(
            pk__in=Notice.objects.visible_to(user).values("county_id")).select_related("city")
        return {"county": counties}
