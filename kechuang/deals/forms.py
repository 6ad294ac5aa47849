from __future__ import annotations

from typing import Any

from django import forms

from kechuang.deals.choices import BrokerGrade, DealMode
from kechuang.deals.models import FILE_TYPES


class NoteForm(forms.Form):
    text = forms.CharField(label="记录内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写记录内容"})
    next_action = forms.CharField(label="下一步工作", max_length=200, required=False)
    next_action_on = forms.DateField(label="下一步工作日期", required=False, help_text="格式：2026-12-31",
                                     widget=forms.DateInput(attrs={"type": "date"}),
                                     error_messages={"invalid": "日期格式应为 2026-12-31"})
    file = forms.FileField(label="附件（可不填）", required=False,
                           help_text="PDF、Word、Excel、JPG 或 PNG，不超过 10 MB",
                           widget=forms.ClearableFileInput(attrs={"accept": ",".join(FILE_TYPES)}))


class ContractLinkForm(forms.Form):
    contract: forms.ModelChoiceField = forms.ModelChoiceField(label="技术合同", queryset=None, empty_label="请选择本机构的技术合同",
                                      error_messages={"required": "请选择技术合同", "invalid_choice": "找不到该技术合同"})

    def __init__(self, *args: Any, contracts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts  # type: ignore[attr-defined]


class PreDisclosureForm(forms.Form):
    price_yuan = forms.IntegerField(label="拟交易价格（元）", min_value=0,
                                    error_messages={"required": "请填写拟交易价格（元）"})
    mode = forms.ChoiceField(label="交易方式", choices=DealMode.choices)


class ListingForm(forms.Form):
    achievement: forms.ModelChoiceField = forms.ModelChoiceField(label="挂牌成果", queryset=None, empty_label="请选择已发布的科技成果",
                                         error_messages={"required": "请选择挂牌成果"})
    mode = forms.ChoiceField(label="交易方式", choices=DealMode.choices)
    reserve_price = forms.IntegerField(label="挂牌底价（元）", min_value=0)
    deposit = forms.IntegerField(label="竞买保证金（元）", min_value=0, initial=0)
    step = forms.IntegerField(label="加价幅度（元）", min_value=1)
    starts_at = forms.DateTimeField(label="竞价开始时间", help_text="格式：2026-12-01 09:00",
                                    error_messages={"invalid": "时间格式应为 2026-12-01 09:00"})
    ends_at = forms.DateTimeField(label="竞价截止时间", help_text="格式：2026-12-10 17:00",
                                  error_messages={"invalid": "时间格式应为 2026-12-10 17:00"})
    extension_minutes = forms.IntegerField(label="延时周期（分钟）", min_value=0, initial=5,
                                           help_text="截止前该分钟数内有人出价，截止时间顺延")

    def __init__(self, *args: Any, achievements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = achievements  # type: ignore[attr-defined]


class BidForm(forms.Form):
    amount = forms.IntegerField(label="出价（元）", min_value=1, error_messages={"required": "请填写出价金额"})


class ObjectionForm(forms.Form):
    text = forms.CharField(label="异议内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写异议内容"})


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label="技术经理人等级", choices=BrokerGrade.choices)
