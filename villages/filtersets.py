import datetime
import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from .choices import ExitStatus, HouseholdStatus
from .models import County, Household, Township, Village


class FastSelect(forms.Select):
    """A <select> rendered in one string join instead of a template per option.

    A province-wide user's county list has 188 options; rendered by Django's option templates it
    took a third of a list page's time. Same HTML, same attributes, same selected option."""

    def render(self, name, value, attrs=None, renderer=None):
        from html import escape

        from django.forms.utils import flatatt
        from django.utils.safestring import mark_safe

        chosen = set(self.format_value(value))
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = " selected" if option_value in chosen else ""
            options.append(f'<option value="{escape(option_value)}"{selected}>{escape(str(label))}</option>')
        return mark_safe(f"<select{flatatt(final)}>\n" + "\n".join(options) + "\n</select>")  # noqa: S308 — escaped


# How a place's option reads in a filter's list (its full_name), from columns alone.
PLACE_LABELS = {County: ("city__name", "name"), Township: ("county__city__name", "county__name", "name")}


class ScopedFilterSet(django_filters.FilterSet):
    """A filter set whose choice lists show only what the user may see.

    The scoped querysets are set on the filters *before* anything reads a
    filter's ``field``: django-filter builds a filter's form field once and
    caches it, so a queryset set after the first read is never used — the
    dropdown stays empty and every value typed into the URL is silently
    dropped as an invalid choice. Subclasses add their own lists by overriding
    ``scoped_querysets`` (and calling super).
    """

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name, queryset in self.scoped_querysets(user).items():
            if name in self.filters:
                self.filters[name].queryset = queryset

        for f in self.filters.values():
            widget = f.field.widget
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs.setdefault("class", css)
            if type(widget) is forms.Select:
                widget.__class__ = FastSelect  # same widget, rendered without a template per option

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_place_labels", False):
            self._place_labels = True
            for name, field in form.fields.items():
                model = getattr(getattr(field, "queryset", None), "model", None)
                if name in ("county", "township") and model in PLACE_LABELS:
                    # The options' labels from one narrow read, not a model instance (and its city) per
                    # option: the provincial office's list has 188 counties on every list page.
                    field.widget.choices = [("", field.empty_label)] + [
                        (pk, "".join(names)) for pk, *names in field.queryset.values_list("pk", *PLACE_LABELS[model])
                    ]
        return form

    @property
    def qs(self):
        # A value the user may not choose (another county's id typed into the URL, a malformed date)
        # shows no rows and says why on the form — never the unfiltered list as if it were filtered.
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    def _param(self, name):
        value = self.data.get(name) if self.data else None
        return value if value and str(value).isdigit() else None

    def scoped_querysets(self, user):
        counties = County.objects.visible_to(user).select_related("city")
        townships = Township.objects.visible_to(user).select_related("county__city")  # its label names the city
        county_id = self._param("county")
        if county_id:
            townships = townships.filter(county_id=county_id)
        elif not self._param("township") and counties.count() != 1:
            # Too many to list until a county is chosen; a township id typed into
            # the URL is still honoured (within the user's counties).
            townships = townships.none()
        return {"county": counties, "township": townships}


# 2 to 12 digits: a division code or the code of a province, city, county or township above the village.
CODE_QUERY = re.compile(r"\d{2,12}")
# 4 to 18 characters of an ID number's end (the masked number shows the last four: 410***********1234).
ID_TAIL = re.compile(r"\d{3,17}[\dXx]")
# A term that finds more villages than this is matched by a subquery rather than a list of ids.
VILLAGE_IDS_LIMIT = 5000

CATEGORY_CHOICES = [(n, f"第{n}类") for n in range(1, 9)]


def filter_by_category(queryset, name, value):
    """Villages meeting category n: the rating's bit n - 1 (a JSON list cannot be filtered on SQLite)."""
    from django.db.models import F

    bit = 1 << (int(value) - 1)
    return queryset.annotate(_bit=F("star_rating__category_mask").bitand(bit)).filter(_bit__gt=0)


class VillageFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", widget=forms.TextInput(attrs={"placeholder": "村名、路径或区划代码，如 登封市大冶镇大营村、410185"}))
    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")
    township = django_filters.ModelChoiceFilter(label="乡（镇）", queryset=Township.objects.none(), empty_label="全部")
    is_poor_village = django_filters.BooleanFilter(
        label="村类型", widget=forms.Select(choices=[("", "全部"), ("true", "贫困村"), ("false", "面上村")])
    )
    exit_status = django_filters.ChoiceFilter(label="出列状态", choices=ExitStatus.choices, empty_label="全部")
    stars = django_filters.ChoiceFilter(
        label="星级", field_name="star_rating__stars",
        choices=[(3, "★★★"), (2, "★★"), (1, "★"), (0, "非重点村")], empty_label="全部", method="filter_stars",
    )
    category = django_filters.ChoiceFilter(
        label="重点村类别", method="filter_category", empty_label="全部", choices=CATEGORY_CHOICES,
    )

    class Meta:
        model = Village
        fields = ["q", "county", "township", "is_poor_village", "exit_status", "stars", "category"]

    def filter_category(self, queryset, name, value):
        return filter_by_category(queryset, name, value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if CODE_QUERY.fullmatch(value):
            # A statistical division code or its prefix (410185 = 登封市): the code's digits, not a name.
            return queryset.filter(code__startswith=value)
        # By name or by full path: "大营", "登封市大冶镇大营村", "登封市 大营村", "登封市/大冶镇/大营村".
        from django.db.models import CharField
        from django.db.models.functions import Concat

        queryset = queryset.annotate(_path=Concat(
            "county__city__name", "county__name", "township__name", "name", output_field=CharField()
        ))
        for part in (p for p in re.split(r"[\s/／、,，]+", value) if p):
            queryset = queryset.filter(_path__contains=part)
        return queryset

    def filter_stars(self, queryset, name, value):
        if str(value) == "0":
            return queryset.filter(Q(star_rating__isnull=True) | Q(star_rating__stars=0))
        return queryset.filter(star_rating__stars=value)


class HouseholdFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", widget=forms.TextInput(attrs={"placeholder": "户主姓名，村、乡（镇）、县名，或村的区划代码"}))
    county = django_filters.ModelChoiceFilter(
        label="县（市、区）", field_name="village__county", queryset=County.objects.none(), empty_label="全部"
    )
    township = django_filters.ModelChoiceFilter(
        label="乡（镇）", field_name="village__township", queryset=Township.objects.none(), empty_label="全部"
    )
    status = django_filters.ChoiceFilter(label="状态", choices=HouseholdStatus.choices, empty_label="全部")
    village = django_filters.NumberFilter(widget=forms.HiddenInput)

    class Meta:
        model = Household
        fields = ["q", "county", "township", "status", "village"]

    def search(self, queryset, name, value):
        """By head of household, or by village, township or county name (several words must all match),
        by a village's division code or a prefix of one, or by the end of the head's ID number.

        Shaped for the indexes (migration 0010): the name and the ID number are matched on the
        household's own columns (pg_trgm GIN indexes on PostgreSQL, plain LIKE on SQLite), and the
        places by the ids of the villages they name, looked up first — so the database can combine
        the indexes (a bitmap OR) instead of joining every household to its places.
        """
        value = value.strip()
        if CODE_QUERY.fullmatch(value) or ID_TAIL.fullmatch(value):
            found = Q(head_id_number__endswith=value.upper()) if ID_TAIL.fullmatch(value) else Q(pk__in=[])
            if CODE_QUERY.fullmatch(value):
                found |= _in_villages(Village.objects.filter(code__startswith=value))
            return queryset.filter(found)
        for part in (p for p in re.split(r"[\s/／、,，]+", value) if p):
            places = Village.objects.filter(
                Q(name__contains=part) | Q(township__name__contains=part) | Q(county__name__contains=part)
            )
            queryset = queryset.filter(name_matches(part) | _in_villages(places))
        return queryset

    def fast_count(self):
        """The list's count from the villages' summaries when only places and status are filtered (no search).

        The filter set's queryset must be all the households the user may see (household_list), as
        the list page gives it."""
        from .selectors import household_count

        if self.is_bound and not self.is_valid():
            return 0
        data = self.form.cleaned_data if self.is_bound else {}
        if data.get("q"):
            return None
        return household_count(
            user=self.user, county=data["county"].pk if data.get("county") else None,
            township=data["township"].pk if data.get("township") else None, village=data.get("village"),
            status=data.get("status") or None,
        )


def name_matches(part):
    """A head of household's name containing the term.

    A term of two characters matches the names it begins or ends: in a name of up to three
    characters (nearly every Chinese name) that is every place two characters can stand, and it is
    what a trigram index can serve — a two-character LIKE '%…%' has no trigram and scans the table.
    """
    if len(part) == 2:
        return Q(head_name__startswith=part) | Q(head_name__endswith=part)
    return Q(head_name__contains=part)


def _in_villages(villages):
    ids = list(villages.order_by().values_list("pk", flat=True)[:VILLAGE_IDS_LIMIT + 1])
    if len(ids) > VILLAGE_IDS_LIMIT:
        return Q(village__in=villages.order_by().values("pk"))
    return Q(village_id__in=ids)


class KeyVillageFilterSet(ScopedFilterSet):
    """Filters of the key-village list (重点村): county, stars, category."""

    county = django_filters.ModelChoiceFilter(label="县（市、区）", queryset=County.objects.none(), empty_label="全部")
    stars = django_filters.ChoiceFilter(
        label="星级", field_name="star_rating__stars", choices=[(3, "★★★ 3星村"), (2, "★★ 2星村"), (1, "★ 1星村")],
        empty_label="全部",
    )
    category = django_filters.ChoiceFilter(
        label="类别", method="filter_category", empty_label="全部", choices=CATEGORY_CHOICES,
    )

    # On the annotations a later app registers (villages/annotations.py: the visits
    # of inspections); without them these filters leave the list as it is.
    visited = django_filters.ChoiceFilter(
        label="本周期指导", method="filter_visited", empty_label="全部",
        choices=[("no", "本周期未指导"), ("yes", "本周期已指导")],
    )
    last_visit = django_filters.ChoiceFilter(
        label="最近指导", method="filter_last_visit", empty_label="全部",
        choices=[("never", "从未指导"), ("30", "30天以上未指导"), ("90", "90天以上未指导")],
    )

    class Meta:
        model = Village
        fields = ["county", "stars", "category", "visited", "last_visit"]

    def filter_category(self, queryset, name, value):
        return filter_by_category(queryset, name, value)

    def filter_visited(self, queryset, name, value):
        if "visited_this_campaign" not in queryset.query.annotations:
            return queryset
        return queryset.filter(visited_this_campaign=(value == "yes"))

    def filter_last_visit(self, queryset, name, value):
        if "last_visit_date" not in queryset.query.annotations:
            return queryset
        if value == "never":
            return queryset.filter(last_visit_date__isnull=True)
        since = timezone.localdate() - datetime.timedelta(days=int(value))
        return queryset.filter(Q(last_visit_date__isnull=True) | Q(last_visit_date__lt=since))
