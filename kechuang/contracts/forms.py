from __future__ import annotations

from typing import Any

from django import forms

from kechuang.contracts.choices import ContractType, RefusalReason, SubType
from kechuang.contracts.models import Contract, validate_contract_file
from kechuang.core import regions

DEDUCTION_ROWS = 5
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractForm(forms.ModelForm):
    """The seller's JJ-001 form (the seller's own identity comes from its organisation)."""

    class Meta:
        model = Contract
        fields = ("title", "contract_type", "sub_type", "technology_field", "signed_on", "valid_from", "valid_to",
                  "buyer_name", "buyer_credit_code", "buyer_country", "buyer_region_code", "buyer_nature",
                  "seller_nature", "contract_amount", "declared_transaction_amount", "ip_type", "plan_source",
                  "socio_economic_goal", "expected_investment", "expected_output", "achievement", "file")
        widgets = {"signed_on": DATE, "valid_from": DATE, "valid_to": DATE}
        help_texts = {
            "declared_transaction_amount": "合同成交额减去外购设备、仪器、零部件、原材料等非技术性费用；不能超过合同成交额",
            "buyer_region_code": "6位行政区划代码（GB/T 2260），如 530102 五华区",
            "file": "PDF、JPG 或 PNG，不超过 20 MB，须有双方签章",
            "expected_investment": "技术转让合同必填", "expected_output": "技术转让合同必填",
        }

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kechuang.market.models import Achievement

        achievement: Any = self.fields["achievement"]
        achievement.queryset = Achievement.objects.filter(owner=organisation) if organisation else Achievement.objects.none()
        achievement.help_text = "促成本合同的本机构科技成果（可不选）"
        for field in self.fields.values():
            choices = getattr(field, "choices", None)
            if choices is not None and not isinstance(field, forms.ModelChoiceField):
                field.choices = [(v, "（请选择）" if v == "" else label) for v, label in choices]  # type: ignore[attr-defined]
        achievement.empty_label = "（不关联）"
        self.fields["sub_type"].required = True
        self.fields["buyer_region_code"].required = True
        self.fields["declared_transaction_amount"].required = True
        self.fields["buyer_credit_code"].required = True

    def clean_buyer_region_code(self) -> str:
        code = (self.cleaned_data.get("buyer_region_code") or "").strip()
        if code and self.cleaned_data.get("buyer_country", "中国") == "中国" and not regions.is_valid(code):
            raise forms.ValidationError(f"行政区划代码 {code} 不存在或已撤销")
        return code


class CorrectionAnswerForm(forms.Form):
    answer = forms.CharField(label="补正说明", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="逐项说明已补正的内容")
    file = forms.FileField(label="补正后的合同文本", required=False, validators=[validate_contract_file],
                           help_text="如需替换合同文本请上传，否则保留原文件")


class DecisionForm(forms.Form):
    DECISIONS = [("register", "认定登记"), ("correction", "要求补正"), ("refuse", "不予登记")]
    decision = forms.ChoiceField(label="认定结论", choices=DECISIONS, widget=forms.RadioSelect)
    contract_type = forms.ChoiceField(label="认定合同类型", choices=ContractType.choices,
                                      help_text="可按合同实际权利义务重新认定类型")
    sub_type = forms.ChoiceField(label="认定合同子类", choices=[("", "—")] + SubType.choices, required=False)
    items = forms.CharField(label="补正清单", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="要求补正时填写，每行一项")
    reason = forms.ChoiceField(label="不予登记理由", required=False, choices=[("", "—")] + RefusalReason.choices)
    note = forms.CharField(label="认定意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, DEDUCTION_ROWS + 1):
            # The rows sit in a table without <label>s: each input names itself for screen readers.
            self.fields[f"deduction_item_{i}"] = forms.CharField(
                label=f"核减项目{i}", required=False, max_length=100,
                widget=forms.TextInput(attrs={"aria-label": f"核减项目{i}名称", "placeholder": "如：外购设备"}))
            self.fields[f"deduction_amount_{i}"] = forms.DecimalField(
                label=f"核减金额{i}（元）", required=False, min_value=0, max_digits=16, decimal_places=2,
                widget=forms.NumberInput(attrs={"aria-label": f"核减项目{i}金额（元）", "step": "0.01"}))

    def deduction_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"deduction_item_{i}"], self[f"deduction_amount_{i}"]) for i in range(1, DEDUCTION_ROWS + 1)]

    def deductions(self) -> list[tuple[str, Any]]:
        d = self.cleaned_data
        return [(d.get(f"deduction_item_{i}") or "", d.get(f"deduction_amount_{i}"))
                for i in range(1, DEDUCTION_ROWS + 1)]


class ChangeForm(forms.Form):
    reason = forms.CharField(label="变更理由", widget=forms.Textarea(attrs={"rows": 3}))
    title = forms.CharField(label="项目名称", max_length=300, required=False, help_text="不变则留空")
    contract_amount = forms.DecimalField(label="合同成交额（元）", required=False, min_value=0, max_digits=16,
                                         decimal_places=2, help_text="不变则留空")
    declared_transaction_amount = forms.DecimalField(label="技术交易额（元）", required=False, min_value=0,
                                                     max_digits=16, decimal_places=2, help_text="不变则留空")
    valid_to = forms.DateField(label="合同有效期止", required=False, widget=DATE, help_text="不变则留空")

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason" and v not in (None, "")}


class CancelForm(forms.Form):
    reason = forms.CharField(label="注销理由", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="如合同解除、被撤销或被确认无效")


class ObjectionForm(forms.Form):
    text = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 3}))
