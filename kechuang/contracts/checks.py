"""Pre-checks before a contract is submitted: every 不予登记 ground a machine can see, the fields each type needs,
the amounts, dates and codes. The same list is shown on the form page, so the seller fixes things before the
registrar has to refuse or ask for 补正."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from kechuang.contracts.choices import SUBTYPES_OF, ContractType
from kechuang.core.validators import credit_code_error, region_code_error
from kechuang.workflow import clock


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def region_prefix() -> str:
    """The platform's region as a code prefix: 530100 (昆明市) → 5301, 530000 → 53."""
    code = str(getattr(settings, "CONTRACTS_REGION_CODE", "530100"))
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


def precheck(c: Any) -> list[Problem]:
    out: list[Problem] = []
    today = clock.today()
    if not (c.title or "").strip():
        out.append(Problem("title", "项目名称不能为空（标的不明确）"))
    for side, label in (("seller", "卖方"), ("buyer", "买方")):
        if not (getattr(c, f"{side}_name") or "").strip():
            out.append(Problem(f"{side}_name", f"{label}名称不能为空（当事人不明确）"))
        if getattr(c, f"{side}_country") == "中国":
            err = credit_code_error(getattr(c, f"{side}_credit_code") or "")
            if err and getattr(c, f"{side}_nature") != "10":  # natural persons have no credit code
                out.append(Problem(f"{side}_credit_code", f"{label}{err}"))
            err = region_code_error(getattr(c, f"{side}_region_code") or "")
            if err:
                out.append(Problem(f"{side}_region_code", f"{label}{err}"))
    if c.seller_region_code and not c.seller_region_code.startswith(region_prefix()):
        out.append(Problem("seller_region_code", "卖方不在本登记机构辖区：技术合同由卖方在所在地登记"))
    if c.contract_amount is None or c.contract_amount <= 0:
        out.append(Problem("contract_amount", "合同成交额应大于0（价款不明确）"))
    declared = c.declared_transaction_amount
    if declared is None:
        out.append(Problem("declared_transaction_amount", "请填写申报技术交易额"))
    elif c.contract_amount is not None and declared > c.contract_amount:
        out.append(Problem("declared_transaction_amount", "技术交易额不能超过合同成交额"))
    if c.signed_on and c.signed_on > today:
        out.append(Problem("signed_on", "签订日期不能晚于今天（合同尚未生效）"))
    if c.valid_from and c.valid_to and c.valid_to < c.valid_from:
        out.append(Problem("valid_to", "合同有效期止不能早于有效期起"))
    if c.valid_to and c.signed_on and c.valid_to < c.signed_on:
        out.append(Problem("valid_to", "合同有效期止不能早于签订日期"))
    if c.sub_type and c.sub_type not in SUBTYPES_OF.get(c.contract_type, ()):
        out.append(Problem("sub_type", f"合同子类与合同类型“{c.get_contract_type_display()}”不符（名称与权利义务不符）"))
    if not c.sub_type:
        out.append(Problem("sub_type", "请选择合同子类"))
    if c.contract_type in (ContractType.TRANSFER, ContractType.LICENCE) and not c.ip_type:
        out.append(Problem("ip_type", "技术转让和技术许可合同须填写知识产权类型"))
    if c.contract_type == ContractType.TRANSFER and (c.expected_investment is None or c.expected_output is None):
        out.append(Problem("expected_output", "技术转让合同须填写预计新增投入和预计新增产值"))
    if not c.file:
        out.append(Problem("file", "请上传合同文本（PDF 或图片，须加盖双方印章）"))
    return out
