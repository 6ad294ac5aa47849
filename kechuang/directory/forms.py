from __future__ import annotations

from django import forms

from kechuang.directory.importing import all_specs
from kechuang.directory.models import IndustryChain, Organisation
from kechuang.directory.services import PROFILE_FIELDS


class OrganisationProfileForm(forms.ModelForm):
    industry_chains = forms.ModelMultipleChoiceField(
        label="所属产业链", queryset=IndustryChain.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label="网站", required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [*PROFILE_FIELDS, "industry_chains"]
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "introduction": forms.Textarea(attrs={"rows": 5}),
        }


class YearlyFigureForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=1990, max_value=2100)
    revenue_yuan = forms.IntegerField(label="营业收入（元）", min_value=0, required=False)
    rnd_expense_yuan = forms.IntegerField(label="研发费用（元）", min_value=0, required=False)
    rnd_staff = forms.IntegerField(label="研发人员数", min_value=0, required=False)


def entity_choices() -> list[tuple[str, str]]:
    return [(s.entity, s.label) for s in all_specs()]


class ImportUploadForm(forms.Form):
    entity = forms.ChoiceField(label="导入内容", choices=entity_choices)
    file = forms.FileField(label="文件", help_text="CSV（UTF-8 或 GBK）、XLSX 或 JSON lines；表头可用中文（名称、统一社会信用代码、行政区划代码……）或英文字段名")

    def clean_file(self):  # type: ignore[no-untyped-def]
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx", ".jsonl", ".ndjson", ".json")):
            raise forms.ValidationError("请上传 CSV、XLSX 或 JSON lines 文件")
        return f
