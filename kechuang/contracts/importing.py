"""Import of contracts already registered in the national system (全国技术合同管理与服务系统), and the JJ-001
export for uploading ours to it. The framework is ``kechuang.core.tabular``, which autodiscovers this module.

Only the fourteen columns the issue names are required; every other JJ-001 field is optional. Amount headers may
carry their unit — ``合同成交额（元）``, ``合同成交额（万元）``, ``技术交易额(万元)``, full-width or ASCII brackets
(the framework compares headers after NFKC, which turns （） into ()). 万元 values are converted exactly with
Decimal: up to 6 decimals, so the yuan amount has at most 2; anything finer is an error, never a rounding.
Imported rows are registered contracts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from kechuang.contracts.choices import (
    SUBTYPES_OF,
    ContractType,
    IPType,
    PartyNature,
    Source,
    Status,
    SubType,
    TechField,
)
from kechuang.contracts.models import Contract
from kechuang.core.tabular import (
    CellError,
    Column,
    ImportContext,
    ImportSpec,
    after_import_hooks,
    parsers,
    register_spec,
)

WAN = Decimal(10000)
CENT = Decimal("0.01")


def amount(unit: str) -> Any:
    """Exact amount in yuan from a cell in 元 (≤ 2 decimals) or 万元 (≤ 6 decimals)."""
    places = 2 if unit == "元" else 6

    def parse(value: Any, ctx: ImportContext) -> Decimal:
        raw = value
        if isinstance(value, float):
            value = repr(value)  # the shortest text that reads back as the same float: what the sheet shows
        s = str(value).strip().replace(",", "").replace("，", "").removesuffix(unit)
        try:
            number = Decimal(s)
        except InvalidOperation:
            raise CellError(f"金额格式错误：“{raw}”（应为以{unit}为单位的数字）") from None
        if not number.is_finite():
            raise CellError(f"金额格式错误：“{raw}”")
        if number < 0:
            raise CellError(f"金额不能为负数：“{raw}”")
        if -number.as_tuple().exponent > places:  # type: ignore[operator]
            raise CellError(f"以{unit}为单位的金额最多{places}位小数：“{raw}”")
        yuan = number * WAN if unit == "万元" else number
        if yuan >= Decimal("1e14"):
            raise CellError(f"金额过大：“{raw}”")
        return yuan.quantize(CENT)

    return parse


def _credit_code() -> Any:
    base = parsers.credit_code()

    def parse(value: Any, ctx: ImportContext) -> str:
        try:
            return str(base(value, ctx))
        except CellError as exc:
            raise CellError(f"{exc}：“{str(value).strip()}”") from None

    return parse


def _field() -> Any:
    """A field's code or label, or its number 1–11 in the national list."""
    by_number = {str(i): v for i, v in enumerate(TechField.values, start=1)}
    by_number |= {f"{i:02d}": v for i, v in enumerate(TechField.values, start=1)}
    return parsers.choice(TechField, by_number)


def _type() -> Any:
    return parsers.choice(ContractType, {"技术开发合同": "development", "技术转让合同": "transfer",
                                         "技术许可合同": "licence", "技术咨询合同": "consulting",
                                         "技术服务合同": "service"})


def _orgs(ctx: ImportContext) -> dict[str, int]:
    cached = ctx.cache.get("orgs")
    if cached is None:
        from kechuang.directory.models import Organisation

        cached = ctx.cache["orgs"] = dict(Organisation.objects.values_list("credit_code", "pk"))
    return cached


AMOUNTS = (("contract_amount", "合同成交额"), ("transaction_amount", "技术交易额"))


def _validate(clean: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    for name, label in AMOUNTS:
        yuan, wan = clean.get(name), clean.get(f"{name}_wan")
        if yuan is None and wan is None:
            errors.append((name, f"缺少必填项“{label}”（表头可写：{label}、{label}（元）或{label}（万元））"))
        elif yuan is not None and wan is not None and yuan != wan:
            errors.append((name, f"{label}的元和万元两列不一致：{yuan} 元 与 {wan} 元"))
        else:
            clean[name] = yuan if yuan is not None else wan
        clean.pop(f"{name}_wan", None)
    if errors:
        return errors
    if clean["transaction_amount"] > clean["contract_amount"]:
        errors.append(("transaction_amount", f"技术交易额 {clean['transaction_amount']} 元超过合同成交额 "
                                             f"{clean['contract_amount']} 元"))
    if clean["registered_on"] < clean["signed_on"]:
        errors.append(("registered_on", f"登记日期 {clean['registered_on']} 早于签订日期 {clean['signed_on']}"))
    sub = clean.get("sub_type")
    if sub and sub not in SUBTYPES_OF[clean["contract_type"]]:
        errors.append(("sub_type", f"合同子类“{SubType(sub).label}”不属于{ContractType(clean['contract_type']).label}"))
    return errors


def _build(clean: dict[str, Any], ctx: ImportContext) -> models.Model:
    orgs = _orgs(ctx)
    data = {k: v for k, v in clean.items() if not k.endswith("_wan")}
    return Contract(
        **data, status=Status.REGISTERED, source=Source.IMPORT,
        seller_organisation_id=orgs.get(clean["seller_credit_code"]),
        buyer_organisation_id=orgs.get(clean["buyer_credit_code"]),
        declared_transaction_amount=clean["transaction_amount"],
    )


def _money(name: str) -> Any:
    return lambda c: getattr(c, name)


def _date(name: str) -> Any:
    return lambda c: getattr(c, name).isoformat() if isinstance(getattr(c, name), dt.date) else ""


def _yuan_col(name: str, label: str) -> Column:
    return Column(name, label, (f"{label}（元）", f"{label}(元)"), parser=amount("元"))


def _wan_col(name: str, label: str) -> Column:
    return Column(f"{name}_wan", f"{label}（万元）", (f"{label}(万元)",), parser=amount("万元"))


COLUMNS = [
    Column("registration_number", "登记编号", ("合同登记号", "登记号"), required=True, parser=parsers.text(40)),
    Column("title", "项目名称", ("合同名称",), required=True, parser=parsers.text(300)),
    Column("contract_type", "合同类型", ("合同类别",), required=True, parser=_type()),
    Column("seller_name", "卖方名称", ("卖方",), required=True, parser=parsers.text(200)),
    Column("seller_credit_code", "卖方统一社会信用代码", required=True, parser=_credit_code()),
    Column("seller_region_code", "卖方行政区划代码", ("卖方所在地区",), required=True, parser=parsers.region_code()),
    Column("buyer_name", "买方名称", ("买方",), required=True, parser=parsers.text(200)),
    Column("buyer_credit_code", "买方统一社会信用代码", required=True, parser=_credit_code()),
    Column("buyer_region_code", "买方行政区划代码", ("买方所在地区",), required=True, parser=parsers.region_code()),
    Column("signed_on", "签订日期", ("合同签订日期",), required=True, parser=parsers.date()),
    Column("registered_on", "登记日期", ("认定登记日期",), required=True, parser=parsers.date()),
    _yuan_col("contract_amount", "合同成交额"),
    _wan_col("contract_amount", "合同成交额"),
    _yuan_col("transaction_amount", "技术交易额"),
    _wan_col("transaction_amount", "技术交易额"),
    Column("technology_field", "技术领域", ("所属技术领域",), required=True, parser=_field()),
    # Optional JJ-001 fields
    Column("sub_type", "合同子类", ("合同细分类别",), parser=parsers.choice(SubType)),
    Column("valid_from", "合同有效期起", parser=parsers.date()),
    Column("valid_to", "合同有效期止", parser=parsers.date()),
    Column("seller_country", "卖方国别", parser=parsers.text(30)),
    Column("seller_nature", "卖方性质", ("卖方单位性质",), parser=parsers.choice(PartyNature)),
    Column("buyer_country", "买方国别", parser=parsers.text(30)),
    Column("buyer_nature", "买方性质", ("买方单位性质",), parser=parsers.choice(PartyNature)),
    Column("ip_type", "知识产权类型", parser=parsers.choice(IPType)),
    Column("plan_source", "计划来源", parser=parsers.text(100)),
    Column("socio_economic_goal", "社会经济目标", parser=parsers.text(100)),
    Column("expected_investment", "预计新增投入（元）", ("预计新增投入",), parser=amount("元")),
    Column("expected_output", "预计新增产值（元）", ("预计新增产值",), parser=amount("元")),
]


def _export(name: str, label: str, export: Any = None) -> Column:
    return Column(name, label, export=export)


# The JJ-001 column order, for uploading to the national system (amounts in 元, codes as codes).
JJ001_COLUMNS = [
    _export("registration_number", "登记编号"), _export("title", "项目名称"), _export("contract_type", "合同类型"),
    _export("sub_type", "合同子类"), _export("signed_on", "签订日期", _date("signed_on")),
    _export("valid_from", "合同有效期起", _date("valid_from")), _export("valid_to", "合同有效期止", _date("valid_to")),
    _export("seller_name", "卖方名称"), _export("seller_credit_code", "卖方统一社会信用代码"),
    _export("seller_country", "卖方国别"), _export("seller_region_code", "卖方行政区划代码"),
    _export("seller_nature", "卖方性质", lambda c: c.seller_nature),
    _export("buyer_name", "买方名称"), _export("buyer_credit_code", "买方统一社会信用代码"),
    _export("buyer_country", "买方国别"), _export("buyer_region_code", "买方行政区划代码"),
    _export("buyer_nature", "买方性质", lambda c: c.buyer_nature),
    _export("technology_field", "技术领域"), _export("ip_type", "知识产权类型"), _export("plan_source", "计划来源"),
    _export("socio_economic_goal", "社会经济目标"),
    _export("contract_amount", "合同成交额（元）", _money("contract_amount")),
    _export("transaction_amount", "技术交易额（元）", _money("transaction_amount")),
    _export("expected_investment", "预计新增投入（元）", lambda c: c.expected_investment or ""),
    _export("expected_output", "预计新增产值（元）", lambda c: c.expected_output or ""),
    _export("registered_on", "登记日期", _date("registered_on")),
]

CONTRACTS = register_spec(ImportSpec(
    entity="contracts", label="技术合同", model=Contract, key_fields=("registration_number",),
    # Contract titles repeat by design (the same service sold to many buyers): near-duplicate review would be
    # noise, so the threshold is above any similarity.
    title_field="title", near_threshold=1.01,
    columns=COLUMNS, validate_row=_validate, build=_build, export_columns=JJ001_COLUMNS,
))



def _fold_statistics() -> None:
    # An import leaves up to two delta rows per contract for the statistics (kechuang/contracts/stats.py): fold
    # them now rather than make the next statistics queries add them up until the periodic fold.
    from kechuang.contracts.stats import fold

    fold()


if _fold_statistics not in after_import_hooks:
    after_import_hooks.append(_fold_statistics)
