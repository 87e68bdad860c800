from django import forms

from .models import Household, Village
from .validators import normalize_id_number


class MaskedIdNumberMixin:
    """An ID number field that never renders the stored number.

    For an existing household the input starts empty with the masked number as
    a hint; left empty, the stored number is kept (SPEC §3: never shown in full).
    """

    id_field = "head_id_number"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.id_field)
        if field is None:
            return
        field.widget = forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18})
        if self.instance and self.instance.pk:
            field.required = False
            self.initial[self.id_field] = ""
            field.help_text = f"当前：{self.instance.masked_id_number}。不修改请留空；如需更正，请输入完整的18位号码。"

    def clean_head_id_number(self):
        value = normalize_id_number(self.cleaned_data.get(self.id_field))
        if not value and self.instance and self.instance.pk:
            return self.instance.head_id_number
        return value


class HouseholdAdminForm(MaskedIdNumberMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = "__all__"


class HouseholdForm(MaskedIdNumberMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "head_name", "head_id_number", "head_phone", "member_count", "status", "identified_year", "exit_year",
            "is_dibao", "is_wubao", "is_serious_illness", "is_disabled", "is_elderly", "is_low_income",
            "food_ok", "clothing_ok", "education_ok", "medical_ok", "housing_ok", "water_ok",
            "helper_name", "measures", "income_measure_count",
        ]
        widgets = {"measures": forms.Textarea(attrs={"rows": 3})}

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
