from django import forms

from rosters.models import Campaign, Person
from rosters.selectors import in_roster_order
from villages.models import Category, County, Township, Village

from .choices import GUIDANCE_ITEMS, PROBLEM_CATEGORY_CHOICES, ChecklistResult, ProblemKind
from .selectors import default_campaign, form_counties, guidance_campaigns
from .services import FIGURE_FIELDS, guidance_team_for


class NameChoiceField(forms.ModelChoiceField):
    """A place list inside its parent: the place's own name, without a query for its parents."""

    def label_from_instance(self, obj):
        return obj.name


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitForm(forms.Form):
    """郑州市脱贫攻坚业务指导登记表 (ZZ 附件2), labels as printed on the paper form.

    The place is chosen 县（市、区）→ 乡（镇）→ 村, each list narrowed by the one
    before and limited to the counties the user may record for; signatures
    come from the roster of the group covering the county.
    """

    campaign = forms.ModelChoiceField(label="工作周期", queryset=Campaign.objects.none(), empty_label=None)
    visit_date = forms.DateField(label="指导时间", widget=DATE_INPUT,
                                 error_messages={"invalid": "请输入有效的日期，如 2018-10-23。", "required": "请填写指导时间。"})
    county = NameChoiceField(label="县（市、区）", queryset=County.objects.none(), empty_label="请选择",
                                    error_messages={"required": "请选择县（市、区）。", "invalid_choice": "所选县（市、区）不在您可以登记的范围内。"})
    township = NameChoiceField(label="乡（镇）", queryset=Township.objects.none(), empty_label="请选择",
                                      error_messages={"required": "请选择乡（镇）。", "invalid_choice": "所选乡（镇）不属于所选县（市、区）。"})
    village = NameChoiceField(label="村", queryset=Village.objects.none(), empty_label="请选择",
                                     error_messages={"required": "请选择村。", "invalid_choice": "所选村不属于所选乡（镇）或不在您可以登记的范围内。"})
    categories = forms.TypedMultipleChoiceField(label="类别", coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    rural_population = forms.IntegerField(label="户籍农业人口（人）", min_value=0, required=False)
    poor_households = forms.IntegerField(label="贫困户（户）", min_value=0, required=False)
    poor_population = forms.IntegerField(label="贫困人口（人）", min_value=0, required=False)
    exited_households = forms.IntegerField(label="已脱贫户（户）", min_value=0, required=False)
    marginal_households = forms.IntegerField(label="边缘户（户）", min_value=0, required=False)
    population_note = forms.CharField(label="补充说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reduction_progress = forms.CharField(label="减贫任务完成情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    experience = forms.CharField(label="典型经验", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="基层在实践中涌现的典型人物、典型经验（郑州市工作方案 五(四)）。")
    signers = forms.ModelMultipleChoiceField(label="指导人签名", queryset=Person.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text="勾选本次到村指导的小组成员。",
                                             error_messages={"invalid_choice": "所选人员不是该县分包指导小组的成员。"})
    local_officials_accompanied = forms.BooleanField(label="县、乡干部陪同", required=False,
                                                     help_text="原则上县、乡同志不陪同（郑州市工作方案 六(四)）。")
    others_present = forms.CharField(label="其他在场人员", required=False, max_length=200,
                                     widget=forms.TextInput(attrs={"placeholder": "如：村支书、第一书记、驻村工作队员"}))

    PLACE_FIELDS = ("campaign", "county", "township", "village")

    def __init__(self, *args, user, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in self.PLACE_FIELDS:
            # The form page listens for changes of these (htmx) and re-renders the lists below them.
            self.fields[name].widget.attrs["class"] = "form-select place-select"
        campaigns = guidance_campaigns(user=user)
        self.fields["campaign"].queryset = campaigns
        labels = dict(Category.objects.values_list("number", "label"))
        self.fields["categories"].choices = [(n, f"{n}. {labels.get(n, f'第{n}类')}") for n in range(1, 9)]
        campaign = self._chosen(Campaign, campaigns, "campaign")
        if campaign is not None and not self.is_bound:
            self.initial["campaign"] = campaign.pk
        counties = form_counties(user=user, campaign=campaign)
        self.fields["county"].queryset = counties
        county = self._chosen(County, counties, "county")
        townships = Township.objects.filter(county=county).order_by("name") if county else Township.objects.none()
        self.fields["township"].queryset = townships
        township = self._chosen(Township, townships, "township")
        self.fields["village"].queryset = (
            Village.objects.visible_to(user).filter(township=township).order_by("name") if township else Village.objects.none()
        )
        self.team = guidance_team_for(campaign=campaign, county_id=county.pk) if campaign and county else None
        self.fields["signers"].queryset = (
            in_roster_order(Person.objects.filter(is_unit=False), self.team) if self.team else Person.objects.none()
        )
        if correcting:
            self.fields["correction_reason"] = forms.CharField(
                label="更正原因", widget=forms.Textarea(attrs={"rows": 2}),
                help_text="本登记表已提交并锁定；更正将记录更正人、时间和原因。",
                error_messages={"required": "已提交的登记表被锁定，更正须填写更正原因。"},
            )

    def _chosen(self, model, queryset, name):
        """The value of a select as the user left it (bound data first, then initial), if it is allowed."""
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        if isinstance(raw, model):
            raw = raw.pk
        if raw in (None, ""):
            return default_campaign(queryset) if name == "campaign" else None
        try:
            return queryset.filter(pk=int(raw)).first()
        except (TypeError, ValueError):
            return None

    def figures(self):
        return {name: self.cleaned_data.get(name) for name in FIGURE_FIELDS}


class ProblemForm(forms.Form):
    # The problem's identity: kept across edits, so a submitted problem is amended, never replaced.
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    category = forms.TypedChoiceField(label="问题类别", coerce=int, choices=[("", "请选择")] + PROBLEM_CATEGORY_CHOICES,
                                      error_messages={"required": "请选择问题类别。"})
    kind = forms.ChoiceField(label="问题性质", choices=ProblemKind.choices, widget=forms.RadioSelect,
                             initial=ProblemKind.INDIVIDUAL, error_messages={"required": "请选择个性问题或共性问题。"})
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写问题描述。"})
    fix = forms.CharField(label="现场整改情况", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                          help_text="个性问题：现场指导整改的情况（必填）。")


class BaseProblemFormSet(forms.BaseFormSet):
    def problems(self):
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


ProblemFormSet = forms.formset_factory(ProblemForm, formset=BaseProblemFormSet, extra=0, can_delete=True, max_num=50,
                                       validate_max=True)


class ChecklistForm(forms.Form):
    """One of the 18 guidance content items of ZZ 四(二), optional."""

    item = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=18)
    result = forms.ChoiceField(label="结果", required=False, choices=[("", "未涉及")] + list(ChecklistResult.choices))
    note = forms.CharField(label="说明", required=False, max_length=300)

    def item_text(self):
        number = self.initial.get("item") or self.data.get(self.add_prefix("item"))
        try:
            return GUIDANCE_ITEMS[int(number) - 1][2]
        except (TypeError, ValueError, IndexError):
            return ""


class BaseChecklistFormSet(forms.BaseFormSet):
    def entries(self):
        return [f.cleaned_data for f in self.forms if f.cleaned_data.get("result")]


ChecklistFormSet = forms.formset_factory(ChecklistForm, formset=BaseChecklistFormSet, extra=0, max_num=18, validate_max=True)


def checklist_initial(entries=None):
    entries = {e.item: e for e in entries or []}
    return [
        {"item": n, "result": entries[n].result if n in entries else "", "note": entries[n].note if n in entries else ""}
        for n, _, _ in GUIDANCE_ITEMS
    ]


class RepeatExceptionForm(forms.Form):
    campaign = forms.ModelChoiceField(label="工作周期", queryset=Campaign.objects.none(), empty_label=None)
    reason = forms.CharField(label="允许再次指导的理由", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写允许再次指导的理由。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = guidance_campaigns(user=user)
        self.fields["campaign"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["reason"].widget.attrs["class"] = "form-control form-control-sm"


