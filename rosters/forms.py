from django import forms
from django.conf import settings

from villages.models import City

from .choices import TeamKind


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="名单文件（.xlsx）", help_text=f"不超过 {settings.MAX_UPLOAD_MB} MB。表头可为“小组、县（市、区）、组长、成员”，“组、负责县区、组长、成员、联络员”或“姓名、职务、县（市、区）”。")
    city = forms.ModelChoiceField(
        label="县名所属的市", queryset=City.objects.select_related("province"), required=False,
        help_text="县名在多个市重复时需要选择；一般可不选。", empty_label="不限",
    )
    kind = forms.ChoiceField(label="名单类型", choices=[("", "按表头自动判断")] + TeamKind.choices, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("文件类型不正确：请上传 .xlsx 格式的 Excel 文件。")
        if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"文件过大（{upload.size / 1024 / 1024:.1f} MB），上限为 {settings.MAX_UPLOAD_MB} MB。")
        return upload
