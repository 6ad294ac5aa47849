from __future__ import annotations

from typing import Any

from django import forms

from kechuang.core import regions
from kechuang.market.choices import TransferMode
from kechuang.market.models import Achievement, Demand


class ListField(forms.CharField):
    """A list typed as one line separated by commas or 、 (what clerks type), stored as a JSON list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "、".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        import re

        text = super().to_python(value)
        return [t.strip() for t in re.split(r"[;；,，、\n]+", text or "") if t.strip()]


class WanYuanField(forms.DecimalField):
    """Budgets and prices are typed in 万元 (how the market quotes them) and stored as integer yuan."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0, max_digits=12, decimal_places=2, required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return f"{value / 10000:g}"
        return value

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        amount = super().clean(value)
        return None if amount is None else int(amount * 10000)


def _tidy(form: forms.ModelForm) -> None:
    # No chains configured yet: an empty checkbox group would only puzzle the user.
    if not form.fields["industry_chains"].queryset.exists():  # type: ignore[attr-defined]
        del form.fields["industry_chains"]
    industry: Any = form.fields["industry"]
    industry.choices = [("", "—"), *list(industry.choices)[1:]]


class DemandForm(forms.ModelForm):
    keywords = ListField(label="关键词", required=False, help_text="用顿号或逗号分隔，例如：机器视觉、缺陷检测")
    budget_yuan = WanYuanField(label="预算（万元）", help_text="留空表示面议")
    region_code = forms.ChoiceField(label="所在区县", required=False)

    class Meta:
        model = Demand
        fields = ["title", "description", "keywords", "industry", "industry_chains", "cooperation_mode",
                  "budget_yuan", "deadline", "region_code"]
        widgets = {"industry_chains": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 8}),
                   "deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region: Any = self.fields["region_code"]
        region.choices = [("", "—"), *regions.choices("5301")]
        _tidy(self)


class AchievementForm(forms.ModelForm):
    keywords = ListField(label="关键词", required=False, help_text="用顿号或逗号分隔")
    patent_numbers = ListField(label="专利号", required=False, help_text="多个专利号用逗号分隔，例如 ZL202310123456.7")
    transfer_modes = forms.MultipleChoiceField(label="转化方式", choices=TransferMode.choices, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    price_yuan = WanYuanField(label="转让价格（万元）", help_text="留空表示面议")

    class Meta:
        model = Achievement
        fields = ["title", "abstract", "keywords", "discipline", "industry", "industry_chains", "maturity",
                  "patent_numbers", "transfer_modes", "price_yuan"]
        widgets = {"industry_chains": forms.CheckboxSelectMultiple, "abstract": forms.Textarea(attrs={"rows": 8})}


class RejectForm(forms.Form):
    reason = forms.CharField(label="驳回理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
