from django import forms

from .models import Household, RatingThreshold, Village
from .validators import normalize_id_number, normalize_phone


class MaskedIdNumberMixin:
    """Sensitive fields that never render the stored value (SPEC §3).

    For an existing household the input starts empty, with the masked value as
    a hint; left empty, the stored value is kept.
    """

    masked_fields = {"head_id_number": "masked_id_number", "head_phone": "masked_phone"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, masked_attr in self.masked_fields.items():
            field = self.fields.get(name)
            if field is None:
                continue
            field.widget = forms.TextInput(attrs={"autocomplete": "off", "maxlength": field.max_length})
            if self.instance and self.instance.pk and getattr(self.instance, name):
                field.required = False
                self.initial[name] = ""
                field.help_text = f"当前：{getattr(self.instance, masked_attr)}。不修改请留空。"

    def _keep_stored(self, name, value):
        if not value and self.instance and self.instance.pk:
            return getattr(self.instance, name)
        return value

    # Normalized here too because the admin saves its form without the service.
    def clean_head_id_number(self):
        return self._keep_stored("head_id_number", normalize_id_number(self.cleaned_data.get("head_id_number")))

    def clean_head_phone(self):
        return self._keep_stored("head_phone", normalize_phone(self.cleaned_data.get("head_phone")))


class HouseholdAdminForm(MaskedIdNumberMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = "__all__"


class GuaranteeSelect(forms.NullBooleanSelect):
    """已保障 / 未保障 / 未填写: 两不愁三保障 are unknown until someone enters them, never pre-ticked."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "未填写"), ("true", "已保障"), ("false", "未保障")]


GUARANTEE_FIELDS = ["food_ok", "clothing_ok", "education_ok", "medical_ok", "housing_ok", "water_ok"]


class HouseholdForm(MaskedIdNumberMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "head_name", "head_id_number", "head_phone", "member_count", "status", "identified_year", "exit_year",
            "is_dibao", "is_wubao", "is_serious_illness", "is_disabled", "is_elderly", "is_low_income",
            "food_ok", "clothing_ok", "education_ok", "medical_ok", "housing_ok", "water_ok",
            "helper_name", "measures", "income_measure_count",
        ]
        widgets = {"measures": forms.Textarea(attrs={"rows": 3}), **{name: GuaranteeSelect for name in GUARANTEE_FIELDS}}

    def _post_clean(self):
        # Model validation runs in the service, which is the one place for the rules.
        pass


class VillageFactsForm(forms.ModelForm):
    """The hand-entered facts that categories 5–8 need (ZZ 四(一))."""

    class Meta:
        model = Village
        fields = [
            "is_poor_village", "exit_status", "exit_year", "rural_population", "distance_to_county_km",
            "is_weak_party_org", "petition_count", "negative_report_count", "code",
        ]

    def _post_clean(self):
        pass


class CategoryOverrideForm(forms.Form):
    number = forms.TypedChoiceField(
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        label="类别", coerce=int,
        choices=[(1, "第1类"), (2, "第2类"), (3, "第3类"), (4, "第4类"), (7, "第7类"), (8, "第8类")],
    )
    decision = forms.ChoiceField(
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        label="认定", choices=[("met", "认定符合"), ("not_met", "认定不符合"), ("clear", "撤销人工认定")],
    )
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RatingThresholdForm(forms.ModelForm):
    class Meta:
        model = RatingThreshold
        fields = [
            "incidence_percent", "poor_population", "empty_measures_percent", "flagged_households",
            "petition_count", "problem_count", "distance_km", "swing_people",
        ]

    def _post_clean(self):
        pass


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件", help_text="请使用下载的模板（.xlsx）。先预览，确认无误后才写入；有任何错误时不写入任何数据。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )

    def clean_file(self):
        from django.core.exceptions import ValidationError

        from .excel import check_upload

        upload = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except ValidationError as e:
            raise forms.ValidationError(e.messages) from None
        return upload
