"""The input forms of the policy workflow steps (审核通过 with 核定金额, 驳回 with its reason, 异议 处理意见, 推送意见).

Each is a ``StepForm``: built with the record, validated by ``transition()`` before anything is written, and its
cleaned fields are the step's ``effects`` (see ``kechuang.workflow.engine``).
"""

from __future__ import annotations

from typing import Any

from django import forms

from kechuang.policies import rules
from kechuang.workflow.forms import StepForm


class ReviewForm(StepForm):
    """审核通过: staff enter the 核定金额, at most the amount requested and the measure's ceiling."""

    amount_approved = forms.IntegerField(label="核定金额（元）", min_value=1,
                                         error_messages={"required": "请填写核定金额",
                                                         "invalid": "核定金额应为正整数（元）",
                                                         "min_value": "核定金额应为正整数（元）"})
    field_order = ["amount_approved", "comment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.obj is not None and not self.is_bound:
            self.fields["amount_approved"].initial = self.obj.amount_requested
            self.fields["amount_approved"].help_text = f"不超过申请金额 {self.obj.amount_requested:,} 元"

    def clean_amount_approved(self) -> int:
        amount = self.cleaned_data["amount_approved"]
        app = self.obj
        if app is not None:
            if amount > app.amount_requested:
                raise forms.ValidationError("核定金额不能超过申请金额")
            measure = rules.measure_or_none(app.measure_id)
            ceiling = rules.max_per_payout(measure) if measure is not None else None
            if ceiling is not None and amount > ceiling:
                raise forms.ValidationError(f"核定金额超过该措施上限 {rules.format_yuan(ceiling)}")
        return amount


class RejectForm(StepForm):
    """驳回: the comment is the reason the applicant reads (``reject_reason``)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["reject_reason"] = (data.get("comment") or "").strip()
        return data


class ObjectionDecisionForm(StepForm):
    """异议成立 / 不成立: the written opinion is kept on the objection (``resolution``) and told to the objector."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["resolution"] = (data.get("comment") or "").strip()
        return data
