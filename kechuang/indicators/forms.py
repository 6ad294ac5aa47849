from __future__ import annotations

from django import forms

from kechuang.core import regions


class ObservationForm(forms.Form):
    region_code = forms.ChoiceField(label="地区", choices=[])
    date = forms.DateField(label="统计日期", widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label="数值", max_digits=30, decimal_places=10)
    source = forms.CharField(label="来源", max_length=2000, help_text="文件名称、文号或统计表名，如“2025年昆明统计年鉴 表12-3”")
    attachment = forms.FileField(label="附件", required=False, help_text="原始文件或截图（可选）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("530100", "昆明市（全市）"), *regions.choices("5301")]


class ImportForm(forms.Form):
    file = forms.FileField(label="数据文件", help_text="XLSX 或 CSV，列：指标代码、行政区划、统计日期、数值、来源")
