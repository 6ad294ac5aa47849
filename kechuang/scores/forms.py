from __future__ import annotations

from typing import Any

from django import forms

from kechuang.scores.choices import LoanKind
from kechuang.scores.models import FinancialInstitution


class FlagForm(forms.Form):
    fact = forms.ChoiceField(label="有误的指标")
    comment = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="哪里不对、正确的数值及依据（如：2025年营业收入应为1,200万元，见审计报告）")

    def __init__(self, *args: Any, indicators: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = [(r["fact"], r["name"]) for r in indicators]  # type: ignore[attr-defined]


class ResolveForm(forms.Form):
    trigger = forms.ChoiceField(label="处理结果", choices=[("correct", "已更正（已在数据源中改正）"),
                                                      ("reject", "不予更正")])
    resolution = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(forms.Form):
    institution = forms.ModelChoiceField(label="授权给", queryset=FinancialInstitution.objects.all(),
                                         empty_label="请选择银行或保险机构")


class LoanForm(forms.Form):
    kind = forms.ChoiceField(label="业务类型", choices=LoanKind.choices)
    product = forms.CharField(label="产品名称（如：科创积分贷）", max_length=100)
    amount = forms.DecimalField(label="金额（万元）", max_digits=12, decimal_places=2, min_value=0.01)
    date = forms.DateField(label="日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class ModelVersionForm(forms.Form):
    version = forms.CharField(label="新版本号（如：2026.1）", max_length=30)
    effective_from = forms.DateField(label="生效日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(label="修订说明", max_length=300, required=False)

    def __init__(self, *args: Any, model_def: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stages = {s["id"]: s["label"] for s in model_def["stages"]}
        self.weight_fields: list[tuple[str, str, str]] = []
        for ind in model_def["indicators"]:
            for s in model_def.get("stage_order") or list(stages):
                name = f"w__{s}__{ind['id']}"
                self.fields[name] = forms.DecimalField(
                    label=f"{stages[s]}·{ind['name']}", min_value=0, max_digits=6, decimal_places=2,
                    initial=model_def["weights"][s][ind["id"]])
                self.weight_fields.append((name, s, ind["id"]))

    def weights(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for name, s, i in self.weight_fields:
            out.setdefault(s, {})[i] = float(self.cleaned_data[name])
        return out
