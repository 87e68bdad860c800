from django import forms

from villages.models import County

from .choices import IndicatorResult, LeaderLevel


class IndicatorStatusForm(forms.Form):
    result = forms.ChoiceField(label="结果", choices=IndicatorResult.choices, widget=forms.RadioSelect)
    assessed_on = forms.DateField(label="认定日期", widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(
        label="佐证说明", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="认定达标必须填写佐证说明，如验收文件、照片内容。",
    )
    evidence_file = forms.FileField(label="佐证材料（可选）", required=False,
                                    help_text="JPEG、PNG 图片，PDF、Excel 或 Word 文件。")


class LeaderForm(forms.Form):
    level = forms.ChoiceField(label="层级", choices=LeaderLevel.choices)
    name = forms.CharField(label="姓名", max_length=32)
    position = forms.CharField(label="职务", max_length=100, required=False)
    county = forms.ModelChoiceField(label="所在县（市、区）", queryset=County.objects.none(), required=False,
                                    help_text="县级领导填写；市级领导不填。")

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label="工作进展", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="简要说明本月督战工作进展、存在问题和下步措施；数据由系统从各县填报的情况汇总，无需重复填写。",
    )


def add_errors(form, error):
    """Put a service's ValidationError on the form (field-keyed where it names a field)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
