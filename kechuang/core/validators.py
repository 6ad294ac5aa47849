"""Validated identifier types: 统一社会信用代码 (GB 32100-2015) and region codes (GB/T 2260).

Messages are Chinese and say what is wrong, so a clerk can fix the row without reading a standard.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from kechuang.core import regions


def credit_code_error(value: str) -> str | None:
    """Return a Chinese message when ``value`` is not a valid 统一社会信用代码, else None."""
    code = (value or "").strip().upper()
    if not code:
        return "统一社会信用代码不能为空"
    try:
        uscc.validate(code)
    except InvalidLength:
        return f"统一社会信用代码应为18位，当前为{len(code)}位"
    except InvalidFormat:
        return "统一社会信用代码格式错误：前8位应为数字，其余不得使用 I、O、Z、S、V"
    except InvalidChecksum:
        return "统一社会信用代码校验位错误"
    except InvalidComponent:
        return "统一社会信用代码的登记管理部门或机构类别代码无效"
    return None


def validate_credit_code(value: str) -> None:
    message = credit_code_error(value)
    if message:
        raise ValidationError(message, code="invalid_credit_code")


def region_code_error(value: str) -> str | None:
    code = (value or "").strip()
    if not code:
        return "行政区划代码不能为空"
    if len(code) != 6 or not code.isdigit():
        return "行政区划代码应为6位数字"
    region = regions.lookup(code)
    if region is None:
        return f"行政区划代码 {code} 不存在（GB/T 2260）"
    if not region.current:
        return f"行政区划代码 {code}（{region.name}）已撤销，请使用现行代码"
    return None


def validate_region_code(value: str) -> None:
    message = region_code_error(value)
    if message:
        raise ValidationError(message, code="invalid_region_code")


def make_credit_code(body: str) -> str:
    """Complete a 17-character body with its check digit (used by demo data and test factories)."""
    return body + uscc.calc_check_digit(body)
