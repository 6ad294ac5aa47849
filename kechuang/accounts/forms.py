from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from kechuang.core import regions
from kechuang.core.validators import credit_code_error, region_code_error
from kechuang.directory.choices import OrganisationKind
from kechuang.directory.models import Organisation

from .models import User


class OrganisationRegistrationForm(forms.Form):
    organisation_name = forms.CharField(label="机构名称", max_length=200)
    kind = forms.ChoiceField(label="机构类型", choices=OrganisationKind.choices)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, min_length=1,
                                  help_text="18位，含校验位（GB 32100-2015）")
    region_code = forms.ChoiceField(label="所在区县", choices=[])
    username = forms.CharField(label="登录用户名", max_length=150)
    display_name = forms.CharField(label="联系人姓名", max_length=50)
    email = forms.EmailField(label="电子邮箱")
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    password1 = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # All current county-level codes of Yunnan, Kunming first: the bureau's region, from GB/T 2260.
        kunming = regions.choices("5301")
        rest = [(r.code, f"{r.city}{r.name}") for r in regions.children("53") if not r.code.startswith("5301")
                and not r.code.endswith("00") and not r.name.startswith("市辖区")]
        region_field = self.fields["region_code"]
        assert isinstance(region_field, forms.ChoiceField)
        region_field.choices = [("", "请选择"), *kunming, *rest]

    def clean_credit_code(self) -> str:
        code = self.cleaned_data["credit_code"].strip().upper()
        message = credit_code_error(code)
        if message:
            raise forms.ValidationError(message)
        if Organisation.objects.filter(credit_code=code).exists():
            raise forms.ValidationError("该统一社会信用代码已注册，请联系本机构管理员")
        return code

    def clean_region_code(self) -> str:
        code = self.cleaned_data["region_code"]
        message = region_code_error(code)
        if message:
            raise forms.ValidationError(message)
        return code

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该用户名已被使用")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致")
        elif p1:
            try:
                password_validation.validate_password(p1, User(username=data.get("username", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
