"""Forms of the inspection-trip pages (督查). Thin: the rules live in trip_services."""

from django import forms

from rosters.models import Person, Team
from villages.choices import HouseholdStatus
from villages.models import Household, Village

from .choices import FindingCategory, FindingSeverity, InspectionMethod, SampleLevel
from .models import InspectionTrip

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
DATE_ERRORS = {"invalid": "请输入有效的日期，如 2018-10-23。", "required": "请填写日期。"}


class _Styled:
    def _style(self):
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            w.attrs.setdefault("class", "form-select" if isinstance(w, forms.Select) else "form-control")


class CoverageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.campaign.name} · {obj.team.name} · {obj.county.name}"


class MemberChoiceField(forms.ModelMultipleChoiceField):
    team_names: dict = {}

    def label_from_instance(self, obj):
        teams = "、".join(sorted(self.team_names.get(obj.pk, ())))
        return f"{obj.name}（{teams}）" if teams else obj.name


class TripForm(_Styled, forms.Form):
    coverage = CoverageChoiceField(label="督查小组 · 被督查县（市、区）", queryset=None, empty_label="请选择",
                                   error_messages={"required": "请选择督查小组和被督查县（市、区）。",
                                                   "invalid_choice": "所选小组不负责该县（市、区），或您不能为其安排督查。"})
    start_date = forms.DateField(label="开始日期", widget=DATE_INPUT, error_messages=DATE_ERRORS)
    end_date = forms.DateField(label="结束日期", widget=DATE_INPUT, error_messages=DATE_ERRORS,
                               help_text="每次安排1-2天（河源市工作方案 四）。")
    members = MemberChoiceField(label="参加人员", queryset=Person.objects.none(), required=False, widget=CHECKBOXES,
                                error_messages={"invalid_choice": "所选人员不是该督查小组的成员。"})
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, coverage_qs=None, trip: InspectionTrip | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if trip is not None:
            del self.fields["coverage"]
            teams = Team.objects.filter(pk=trip.team_id)
        else:
            self.fields["coverage"].queryset = coverage_qs
            teams = Team.objects.filter(pk__in=coverage_qs.values("team_id"))
        people = Person.objects.filter(memberships__team__in=teams).distinct().order_by("name")
        names = {}
        for person_id, team_name in Person.objects.filter(memberships__team__in=teams).values_list("pk", "memberships__team__name"):
            names.setdefault(person_id, set()).add(team_name)
        self.fields["members"].queryset = people
        if trip is None and len({n for s in names.values() for n in s}) > 1:
            self.fields["members"].team_names = names  # several groups offered: say whose member each is
        self._style()


class VillageChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        stars = getattr(getattr(obj, "star_rating", None), "stars", 0) or 0
        kind = "贫困村" if obj.is_poor_village else "面上村"
        return f"{obj.township.name} / {obj.name}（{kind}{'，' + '★' * stars if stars else ''}）"


class HouseholdChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.village.name}：{obj.head_name}（{obj.masked_id_number}，{obj.get_status_display()}）"


class SampleForm(forms.Form):
    """Build the sample by hand: villages of the county, households of the sampled villages."""

    villages = VillageChoices(label="抽查的村", queryset=Village.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
                              error_messages={"invalid_choice": "所选村不在被督查县（市、区）。"})
    households = HouseholdChoices(label="抽查的农户", queryset=Household.objects.none(), required=False,
                                  widget=forms.CheckboxSelectMultiple,
                                  help_text="只列出已抽查村的预脱贫户和未脱贫户；新增村后保存一次，即可勾选该村的农户。",
                                  error_messages={"invalid_choice": "所选农户不在抽查的村中。"})

    def __init__(self, *args, trip, sampled_village_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = (
            Village.objects.filter(county_id=trip.county_id).select_related("township", "star_rating").order_by("township__name", "name"))
        village_ids = set(sampled_village_ids)
        if self.is_bound:
            village_ids |= {int(v) for v in self.data.getlist("villages") if str(v).isdigit()}
        # Any household posted is looked up in the county, so the service can say which one lies outside the sampled villages.
        self.fields["households"].queryset = Household.objects.filter(village__county_id=trip.county_id).select_related("village")
        self.household_choices = (
            Household.objects.filter(village_id__in=village_ids, status__in=(HouseholdStatus.PRE_EXIT, HouseholdStatus.POOR))
            .select_related("village").order_by("village__name", "status", "head_name"))


class _NameChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SwapForm(forms.Form):
    village = _NameChoice(label="换下", queryset=Village.objects.none(), empty_label=None)
    replacement = VillageChoices(label="换成", queryset=Village.objects.none())

    def __init__(self, *args, trip, sampled_village_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.filter(pk__in=list(sampled_village_ids)).order_by("name")
        self.fields["replacement"] = forms.ModelChoiceField(
            label="换成", empty_label="请选择",
            queryset=Village.objects.filter(county_id=trip.county_id).exclude(pk__in=list(sampled_village_ids))
            .select_related("township", "star_rating").order_by("township__name", "name"),
            error_messages={"required": "请选择替换的村。", "invalid_choice": "所选村不在被督查县（市、区）。"})
        self.fields["replacement"].label_from_instance = VillageChoices.label_from_instance.__get__(self.fields["replacement"])
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select form-select-sm"


class ExceptionForm(_Styled, forms.Form):
    reason = forms.CharField(label="例外理由", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写抽查例外的理由（如：该县没有面上村）。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class FindingForm(_Styled, forms.Form):
    target = forms.ChoiceField(label="问题所在", error_messages={"invalid_choice": "所选对象不在本次抽查对象中。",
                                                              "required": "请选择问题所在。"})
    category = forms.ChoiceField(label="类别（河源市督查内容）", choices=[("", "请选择"), *FindingCategory.choices],
                                 error_messages={"required": "请选择问题类别。"})
    method = forms.ChoiceField(label="督查形式", choices=[("", "请选择"), *InspectionMethod.choices],
                               error_messages={"required": "请选择督查形式。"})
    severity = forms.ChoiceField(label="性质", choices=FindingSeverity.choices, initial=FindingSeverity.GENERAL,
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}), help_text="重大问题报告市脱贫攻坚督查工作领导小组（河源市工作方案 六）。")
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写问题描述。"})

    def __init__(self, *args, trip, samples, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("county", f"县（市、区）：{trip.county.name}")]
        labels = {SampleLevel.TOWNSHIP: "乡（镇）", SampleLevel.VILLAGE: "村", SampleLevel.HOUSEHOLD: "农户"}
        for s in samples:
            if s.level == SampleLevel.TOWNSHIP:
                choices.append((f"township:{s.township_id}", f"{labels[s.level]}：{s.township.name}"))
            elif s.level == SampleLevel.VILLAGE:
                choices.append((f"village:{s.village_id}", f"{labels[s.level]}：{s.village.name}"))
            else:
                h = s.household
                choices.append((f"household:{s.household_id}",
                                f"{labels[s.level]}：{h.head_name}（{h.masked_id_number}，{h.get_status_display()}），{s.village.name}"))
        self.fields["target"].choices = choices
        self._style()


class ExchangeForm(_Styled, forms.Form):
    date = forms.DateField(label="交换意见日期", widget=DATE_INPUT, error_messages=DATE_ERRORS)
    with_whom = forms.CharField(label="交换对象", max_length=300, error_messages={"required": "请填写交换意见的对象（被督查单位及在场领导）。"},
                                widget=forms.TextInput(attrs={"placeholder": "如：和平县扶贫办、县委副书记某某"}))
    summary = forms.CharField(label="意见摘要", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写交换意见的摘要。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ArchiveForm(_Styled, forms.Form):
    team = forms.ModelChoiceField(label="督查小组", queryset=Team.objects.none(), empty_label="请选择",
                                  error_messages={"required": "请选择督查小组。", "invalid_choice": "您不能为所选小组登记档案移交。"})
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, error_messages={"required": "请填写年度。"})
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=[(n, f"第{n}季度") for n in range(1, 5)])
    trips = forms.ModelMultipleChoiceField(label="移交档案的督查", queryset=InspectionTrip.objects.none(), widget=CHECKBOXES,
                                           error_messages={"required": "请选择移交档案的督查。"})
    handed_over_on = forms.DateField(label="移交日期", widget=DATE_INPUT, error_messages=DATE_ERRORS,
                                     help_text="每个季度的最后一个工作日移交市扶贫办业务科（河源市工作方案 四）。")
    received_by = forms.CharField(label="接收人（业务科）", max_length=64, error_messages={"required": "请填写业务科接收人。"})
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, teams, trips, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["trips"].queryset = trips
        self._style()
