from __future__ import annotations

from typing import Any

from django import forms

from kechuang.policies import rules
from kechuang.policies.choices import Collection
from kechuang.policies.models import FactSheet
from kechuang.rules.facts import COLLECTIONS, KINDS, LEVELS, PUBLIC_WELFARE_CLASSES

TRI_STATE = [("", "未知"), ("true", "是"), ("false", "否")]


def _tri(value: Any) -> bool | None:
    return {"true": True, "false": False}.get(value)


def _tri_initial(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


class FactSheetForm(forms.Form):
    kind = forms.ChoiceField(label="主体类型（政策口径）", required=False,
                             choices=[("", "按创新资源库推定"), *KINDS.items()])
    is_tech_sme = forms.TypedChoiceField(label="是否科技型中小企业", required=False, choices=TRI_STATE, coerce=_tri,
                                         empty_value=None)
    is_state_owned = forms.TypedChoiceField(label="是否国有企业", required=False, choices=TRI_STATE, coerce=_tri,
                                            empty_value=None)
    public_welfare_class = forms.ChoiceField(label="事业单位公益类别", required=False,
                                             choices=[("", "未知/不适用"), *PUBLIC_WELFARE_CLASSES.items()])
    innovation_spending_increase = forms.IntegerField(label="科技创新支出年度增量（元）", required=False, min_value=0)
    non_fiscal_construction_expenditure = forms.IntegerField(label="当年非财政投入机构建设经费支出（元）",
                                                             required=False, min_value=0)
    horizontal_contract_net_income = forms.IntegerField(label="横向项目技术合同净收入（元）", required=False,
                                                        min_value=0)
    complete_collections = forms.MultipleChoiceField(
        label="以下各类记录已完整填报", required=False, widget=forms.CheckboxSelectMultiple,
        choices=Collection.choices,
        help_text="勾选后，未填报的类别按“没有”计算；不勾选则相关政策显示为“待定”。")

    @classmethod
    def for_sheet(cls, sheet: FactSheet | None, **kwargs: Any) -> FactSheetForm:
        initial: dict[str, Any] = {}
        if sheet is not None:
            initial = {
                "kind": sheet.kind, "public_welfare_class": sheet.public_welfare_class,
                "is_tech_sme": _tri_initial(sheet.is_tech_sme),
                "is_state_owned": _tri_initial(sheet.is_state_owned),
                "innovation_spending_increase": sheet.innovation_spending_increase,
                "non_fiscal_construction_expenditure": sheet.non_fiscal_construction_expenditure,
                "horizontal_contract_net_income": sheet.horizontal_contract_net_income,
                "complete_collections": sheet.complete_collections,
            }
        return cls(initial=initial, **kwargs)


def record_type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped "collection:type" choices, so one select covers every record the engine understands."""
    return [(label, [(f"{name}:{t}", tl) for t, tl in types.items()]) for name, (label, types, *_rest) in COLLECTIONS.items()]


class FactRecordForm(forms.Form):
    kind = forms.ChoiceField(label="记录类型", choices=[])
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "—"), *LEVELS.items()])
    date = forms.DateField(label="日期（认定/立项/获奖/引进）", widget=forms.DateInput(attrs={"type": "date"}))
    investment = forms.IntegerField(label="实际投资额（元）", required=False, min_value=0,
                                    help_text="项目：按投资额计算奖补时必填")
    meets_guideline = forms.TypedChoiceField(label="是否符合“国家综合货运枢纽补链强链技术指引”", required=False,
                                             choices=TRI_STATE, coerce=_tri, empty_value=None)
    rd_investment = forms.IntegerField(label="计入当期损益的研发投入（元）", required=False, min_value=0)
    amount = forms.IntegerField(label="上级资助金额（元）", required=False, min_value=0, help_text="资助/立项记录")
    annual_pay = forms.IntegerField(label="引进人才年报酬（元）", required=False, min_value=0)
    months_in_kunming = forms.IntegerField(label="每年在昆工作月数", required=False, min_value=0, max_value=12)
    organiser_level = forms.ChoiceField(label="主办部门级别（获奖）", required=False,
                                        choices=[("", "—"), *LEVELS.items()])
    count = forms.IntegerField(label="家数（自主培育）", required=False, min_value=1)
    note = forms.CharField(label="备注", required=False, max_length=200)

    VALUE_FIELDS = ("investment", "meets_guideline", "rd_investment", "amount", "annual_pay", "months_in_kunming",
                    "organiser_level", "count")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = record_type_choices()  # type: ignore[attr-defined]

    def cleaned_record(self) -> dict[str, Any]:
        d = self.cleaned_data
        collection, _, type_ = d["kind"].partition(":")
        return {"collection": collection, "type": type_, "level": d.get("level") or "", "date": d["date"],
                "values": {k: d.get(k) for k in self.VALUE_FIELDS}, "note": d.get("note") or ""}


class ApplicationForm(forms.Form):
    measure_id = forms.ChoiceField(label="政策措施", choices=[])
    amount_requested = forms.IntegerField(label="申请金额（元）", min_value=1)
    description = forms.CharField(label="申报说明", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure_id"].choices = [  # type: ignore[attr-defined]
            (m.id, f"{m.clause}{m.title}") for m in rules.measures() if m.benefit == "grant"]



class BudgetForm(forms.Form):
    measure_id = forms.ChoiceField(label="政策措施", choices=[])
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    amount = forms.IntegerField(label="预算金额（元）", min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure_id"].choices = [  # type: ignore[attr-defined]
            (m.id, f"{m.clause}{m.title}") for m in rules.measures() if m.benefit == "grant"]


class ObjectionForm(forms.Form):
    content = forms.CharField(label="异议内容", min_length=10, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              help_text="请写明异议的事实和理由（不少于10个字），必要时注明可供核实的材料。")
    contact = forms.CharField(label="联系方式", required=False, max_length=100,
                              help_text="电话或电子邮箱，仅科技局工作人员可见，用于核实异议。")
