"""Parsers: factories that each return ``fn(value, ctx) -> python value``, raising CellError in Chinese.

``organisation_ref`` and ``industry_chains`` look up the directory's reference tables (lazily, through the app
registry): every tabular import on the platform names organisations and chains the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import models

from kechuang.core import regions
from kechuang.core.tabular.spec import CellError, ImportContext, Parser
from kechuang.core.validators import credit_code_error, region_code_error

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_INDEX = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^\d{8}[0-9A-HJ-NP-RTUWXY]{10}$")


def _uscc_check(code: str) -> str:
    total = sum(_USCC_INDEX[c] * w for c, w in zip(code, _USCC_WEIGHTS, strict=False))  # the 18th is the check
    return _USCC_ALPHABET[(31 - total) % 31]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class parsers:  # a lower-case namespace of parser factories, read as ``parsers.date()``
    @staticmethod
    def text(max_length: int | None = None) -> Parser:
        def parse(value: Any, ctx: ImportContext) -> str:
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # Excel turns numeric-looking text into floats
            s = str(value).strip()
            if max_length is not None and len(s) > max_length:
                raise CellError(f"长度不能超过{max_length}个字符（当前{len(s)}个）")
            return s

        return parse

    @staticmethod
    def integer(min_value: int | None = 0, max_value: int | None = None) -> Parser:
        def parse(value: Any, ctx: ImportContext) -> int:
            try:
                number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
            except InvalidOperation:
                raise CellError(f"应为整数，实际为“{value}”") from None
            if number != number.to_integral_value():
                raise CellError(f"应为整数，实际为“{value}”")
            n = int(number)
            if min_value is not None and n < min_value:
                raise CellError(f"不能小于{min_value}")
            if max_value is not None and n > max_value:
                raise CellError(f"不能大于{max_value}")
            return n

        return parse

    @staticmethod
    def money_yuan() -> Parser:
        """Integer yuan; accepts 1,200,000 / 120万 / 1.2亿 / 120万元 as bureau sheets write them."""
        units = {"亿": 100_000_000, "万": 10_000}

        def parse(value: Any, ctx: ImportContext) -> int:
            s = str(value).strip().replace(",", "").replace("，", "").removesuffix("元")
            factor = 1
            for unit, mult in units.items():
                if s.endswith(unit):
                    s, factor = s[: -len(unit)], mult
                    break
            try:
                amount = Decimal(s) * factor
            except InvalidOperation:
                raise CellError(f"金额格式错误：“{value}”（示例：1200000、120万、1.2亿）") from None
            if amount < 0:
                raise CellError("金额不能为负数")
            return int(amount.quantize(Decimal(1)))

        return parse

    _DATE_PATTERNS = (
        re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
        re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
        re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    )

    @staticmethod
    def date() -> Parser:
        def parse(value: Any, ctx: ImportContext) -> dt.date:
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            s = str(value).strip()
            for pattern in parsers._DATE_PATTERNS:
                m = pattern.match(s)
                if m:
                    try:
                        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                    except ValueError:
                        raise CellError(f"日期不存在：“{s}”") from None
            raise CellError(f"日期格式错误：“{s}”（应为 YYYY-MM-DD，如 2021-03-15）")

        return parse

    @staticmethod
    def boolean() -> Parser:
        true, false = {"是", "true", "1", "yes", "y", "公开"}, {"否", "false", "0", "no", "n", "不公开"}

        def parse(value: Any, ctx: ImportContext) -> bool:
            s = str(value).strip().lower()
            if s in true:
                return True
            if s in false:
                return False
            raise CellError(f"应为“是”或“否”，实际为“{value}”")

        return parse

    @staticmethod
    def choice(choices: type[models.TextChoices], synonyms: dict[str, str] | None = None) -> Parser:
        """Accepts the stored value (high_tech) or the Chinese label (高新技术企业), plus given synonyms."""
        table = {str(v).lower(): str(v) for v in choices.values}
        table.update({str(label): str(v) for v, label in choices.choices})
        table.update(synonyms or {})

        def parse(value: Any, ctx: ImportContext) -> str:
            s = str(value).strip()
            found = table.get(s) or table.get(s.lower())
            if found is None:
                labels = "、".join(str(label) for label in choices.labels)
                raise CellError(f"未知的取值“{s}”（可选：{labels}）")
            return found

        return parse

    @staticmethod
    def credit_code() -> Parser:
        def parse(value: Any, ctx: ImportContext) -> str:
            code = str(value).strip().upper()
            # Fast path for the common, valid case (the same rule as stdnum's uscc.validate, without its
            # repeated cleaning): at 100,000 rows the full validator alone cost ten seconds.
            if _USCC_SHAPE.match(code) and _uscc_check(code) == code[17]:
                return code
            message = credit_code_error(code)
            if message:
                raise CellError(f"{message}（填写的是“{code[:40]}”）")  # the value, so the clerk finds the cell
            return code

        return parse

    @staticmethod
    def region_code(names_under: str = "53") -> Parser:
        """A 6-digit GB/T 2260 code; a district name under ``names_under`` (五华区) is accepted too."""

        def parse(value: Any, ctx: ImportContext) -> str:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            s = str(value).strip()
            if s and not s.isdigit():
                names = ctx.cache.get(("regions", names_under))
                if names is None:
                    names = {}
                    for r in regions.children(names_under):
                        names.setdefault(r.name, r.code)
                    ctx.cache[("regions", names_under)] = names
                if s in names:
                    return names[s]
                raise CellError(f"未知的行政区划“{s}”")
            message = region_code_error(s)
            if message:
                raise CellError(message)
            return s

        return parse

    @staticmethod
    def email() -> Parser:
        pattern = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

        def parse(value: Any, ctx: ImportContext) -> str:
            s = str(value).strip()
            if not pattern.match(s):
                raise CellError(f"电子邮箱格式错误：“{s}”")
            return s

        return parse

    @staticmethod
    def organisation_ref() -> Parser:
        """An organisation by 统一社会信用代码 or exact name -> ``OrganisationRef`` (pk, name)."""

        def parse(value: Any, ctx: ImportContext) -> OrganisationRef:
            Organisation: Any = apps.get_model("directory", "Organisation")

            table = ctx.cache.get("organisations")
            if table is None:
                table = {}
                for pk, name, code in Organisation.objects.values_list("pk", "name", "credit_code").iterator():
                    ref = OrganisationRef(pk, name)
                    table[code] = ref
                    table.setdefault(name, ref)
                ctx.cache["organisations"] = table
            s = str(value).strip()
            found = table.get(s.upper()) or table.get(s)
            if found is None:
                raise CellError(f"找不到单位“{s}”（请填写已入库机构的名称或统一社会信用代码）")
            return found

        return parse

    @staticmethod
    def industry_chains() -> Parser:
        """Chain names (or codes) separated by 、 , ; -> list of IndustryChain."""

        def parse(value: Any, ctx: ImportContext) -> list[Any]:
            IndustryChain: Any = apps.get_model("directory", "IndustryChain")

            table = ctx.cache.get("chains")
            if table is None:
                table = {}
                for chain in IndustryChain.objects.all():
                    table[chain.name] = table[chain.code] = chain
                ctx.cache["chains"] = table
            out = []
            for part in re.split(r"[、,，;；/|]+", str(value)):
                part = part.strip()
                if not part:
                    continue
                chain = table.get(part)
                if chain is None:
                    raise CellError(f"未知的产业链“{part}”（可选：{'、'.join(sorted({c.name for c in table.values()}))}）")
                out.append(chain)
            return out

        return parse


@dataclass(frozen=True)
class OrganisationRef:
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name

