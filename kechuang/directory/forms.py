from __future__ import annotations

from typing import Any

from django import forms

from kechuang.core.tabular import all_specs
from kechuang.directory.models import IndustryChain, Instrument, Organisation, Person, Platform
from kechuang.directory.services import (
    INSTRUMENT_FIELDS,
    PERSON_FIELDS,
    PLATFORM_FIELDS,
    PROFILE_FIELDS,
    web_import_max_bytes,
)


class OrganisationProfileForm(forms.ModelForm):
    industry_chains = forms.ModelMultipleChoiceField(
        label="所属产业链", queryset=IndustryChain.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label="网站", required=False, assume_scheme="https", max_length=200)

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


class NamedErrorsMixin:
    """Chinese error messages that name the field, so that a message read on its own (API, log) still says
    which field it is about."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            label = field.label or ""
            choose = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.DateField))
            field.error_messages["required"] = f"请{'选择' if choose else '填写'}{label}"
            field.error_messages["invalid"] = f"{label}格式不正确"
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"{label}不是有效日期（格式：年-月-日）"
            if isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = f"{label}须填写整数"
                field.error_messages["min_value"] = f"{label}不能小于 %(limit_value)s"
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = f"{label}不是有效的邮箱地址"
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = f"{label}的取值无效"
            if isinstance(field, forms.ModelMultipleChoiceField):
                field.error_messages["invalid_choice"] = f"{label}的取值无效"
                field.error_messages["invalid_pk_value"] = f"{label}的取值无效"
            if isinstance(field, forms.CharField) and getattr(field, "max_length", None):
                field.error_messages["max_length"] = f"{label}最多 %(limit_value)d 个字符（当前 %(show_value)d 个）"


class PersonForm(NamedErrorsMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"region_code": "6位行政区划代码，如 530102（五华区）；可不填",
                      "published": "取消勾选后，仅本机构与科技局可见",
                      "contact_consent": "个人信息保护法：须有本人同意。勾选后电话和邮箱向审核通过的机构用户显示，"
                                         "记录同意日期；不勾选则他人只能通过平台发送联系请求"}


class PlatformForm(NamedErrorsMixin, forms.ModelForm):
    industry_chains = forms.ModelMultipleChoiceField(
        label="服务产业链", queryset=IndustryChain.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Platform
        fields = [*PLATFORM_FIELDS, "industry_chains"]
        widgets = {"recognised_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"published": "取消勾选后，仅本机构与科技局可见"}


class InstrumentForm(NamedErrorsMixin, forms.ModelForm):
    original_value_yuan = forms.IntegerField(label="原值（元）", min_value=0, required=False)

    class Meta:
        model = Instrument
        fields = list(INSTRUMENT_FIELDS)
        widgets = {"sharing_terms": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"published": "取消勾选后，仅本机构与科技局可见"}


def entity_choices() -> list[tuple[str, str]]:
    return [(s.entity, s.label) for s in all_specs()]


class ContactRequestForm(forms.Form):
    message = forms.CharField(label="来意", max_length=1000, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="请说明您的身份和联系目的（最多1000字）。平台将请求转给专家所在单位，"
                                        "同意后您才能看到联系方式。")


class ImportUploadForm(forms.Form):
    entity = forms.ChoiceField(label="导入内容", choices=entity_choices)
    file = forms.FileField(label="文件", help_text="CSV（UTF-8 或 GBK）、XLSX 或 JSON lines；表头可用中文（名称、统一社会信用代码、行政区划代码……）或英文字段名")

    def clean_file(self):  # type: ignore[no-untyped-def]
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx", ".jsonl", ".ndjson", ".json")):
            raise forms.ValidationError("请上传 CSV、XLSX 或 JSON lines 文件")
        limit = web_import_max_bytes()
        if f.size > limit:  # refused before a byte of it is parsed (or kept)
            raise forms.ValidationError(
                f"文件大小 {f.size / 1024 / 1024:.1f} MB，超过网页导入上限 {limit / 1024 / 1024:.0f} MB："
                "请分批上传，或请管理员在服务器上用 kechuang import 命令导入")
        return f


MAX_ID = 2**63 - 1  # the largest primary key a database holds; a larger number cannot name a record


def parse_merge_choices(post: Any) -> tuple[dict[int, int], list[str]]:
    """The "merge row N into record #M" checkboxes of the import preview (``merge_<row>=<id>``).

    Hand-made or stale form posts must give a Chinese message, never a server error: each key must be a row
    number and each value a record number.
    """
    merges: dict[int, int] = {}
    problems: list[str] = []
    for key, value in post.items():
        if not key.startswith("merge_") or not value:
            continue
        row_text, target_text = key.removeprefix("merge_"), str(value).strip()
        if not row_text.isdigit() or not 1 <= int(row_text) <= 10_000_000:
            problems.append(f"合并选项“{key[:40]}”无效：应为文件中的行号")
            continue
        if not target_text.isdigit() or not 1 <= int(target_text) <= MAX_ID:
            problems.append(f"第{row_text}行的合并目标“{target_text[:40]}”无效：应为已有记录的编号")
            continue
        merges[int(row_text)] = int(target_text)
    return merges, problems
