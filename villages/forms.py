from django import forms

from .models import Household
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
