from django import forms

from villages.models import County

from .choices import NoticeKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(label="申请延至", widget=DATE)
    reason = forms.CharField(label="延期原因", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="HY 六：对特殊情况确需延长时间的，应及时报告原因和明确延长时限。")


class ExtensionDecisionForm(forms.Form):
    note = forms.CharField(label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="不批准时必须填写理由。")


class LookBackForm(forms.Form):
    """回头看, recorded with a verification: all three or none."""

    lookback_on = forms.DateField(label="回头看日期", required=False, widget=DATE)
    lookback_people = forms.CharField(label="参加人员", required=False, max_length=200)
    lookback_found = forms.CharField(label="发现情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def has_lookback(self):
        d = self.cleaned_data
        return bool(d.get("lookback_on") or d.get("lookback_people") or d.get("lookback_found"))


class LetterEditForm(forms.Form):
    addressee = forms.CharField(label="主送", max_length=200)
    cc = forms.CharField(label="抄送", max_length=200, required=False)
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="留空时打印默认正文（督查时间、问题清单、整改期限和报告要求）。")


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=NoticeKind.choices)
    county = forms.ModelChoiceField(label="县（市、区）", queryset=County.objects.none())
    unit = forms.CharField(label="单位", max_length=200, required=False,
                           help_text="通报县内某单位（如某镇、某帮扶单位）时填写；空白表示通报该县。")
    points = forms.DecimalField(label="分值", min_value=0, max_digits=4, decimal_places=1,
                                help_text="表扬为加分，批评为扣分，填正数。")
    reason = forms.CharField(label="事由", widget=forms.Textarea(attrs={"rows": 2}))
    issued_on = forms.DateField(label="通报日期", widget=DATE)
    document_number = forms.CharField(label="通报文号", max_length=50, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = County.objects.visible_to(user).select_related("city")
