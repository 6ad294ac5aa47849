"""Writes of technology-contract registration. Each service is keyword-only, atomic and checks permission itself;
every status change goes through ``kechuang.workflow.engine.transition`` (who/when/from/to logged)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kechuang.contracts import deadlines
from kechuang.contracts.choices import SUBTYPES_OF, ContractType, RefusalReason, Status
from kechuang.contracts.models import Contract, is_registrar
from kechuang.contracts.workflow import CONTRACT_WORKFLOW
from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import permits
from kechuang.core.updates import check_fields, clean_or_raise
from kechuang.workflow import clock
from kechuang.workflow.engine import transition

EDITABLE_FIELDS = (
    "title", "contract_type", "sub_type", "technology_field", "ip_type", "plan_source", "socio_economic_goal",
    "signed_on", "valid_from", "valid_to", "seller_nature", "buyer_name", "buyer_credit_code", "buyer_country",
    "buyer_region_code", "buyer_nature", "contract_amount", "declared_transaction_amount", "expected_investment",
    "expected_output", "file", "achievement", "demand",
)
# What a change registration may alter (the parties' identities stay: a new party is a new contract).
CHANGEABLE_FIELDS = ("title", "contract_amount", "declared_transaction_amount", "valid_to")
CENT = Decimal("0.01")


def organisation_by_credit_code(code: str) -> Any:
    from kechuang.directory.models import Organisation

    return Organisation.objects.filter(credit_code=(code or "").strip().upper()).first() if code else None


def _apply(contract: Contract, data: dict[str, Any]) -> None:
    check_fields(data, EDITABLE_FIELDS)
    for name, value in data.items():
        if name == "file" and not value:
            continue  # an empty upload keeps the stored file
        setattr(contract, name, value)
    contract.buyer_credit_code = (contract.buyer_credit_code or "").strip().upper()
    contract.buyer_organisation = organisation_by_credit_code(contract.buyer_credit_code)
    # Until the registrar decides, the technology amount is the seller's declared one.
    declared = contract.declared_transaction_amount
    contract.transaction_amount = declared if declared is not None else Decimal("0")
    if contract.contract_amount is not None and contract.transaction_amount > contract.contract_amount:
        raise ApplicationError("技术交易额不能超过合同成交额", field="declared_transaction_amount")
    clean_or_raise(contract, exclude=["registration_number"])


def _save(contract: Contract, actor: Any) -> Contract:
    with acting_as(actor):
        contract.save()
    return contract


@transaction.atomic
def contract_create(*, actor: Any, **data: Any) -> Contract:
    """A draft for the actor's organisation as seller (the seller registers)."""
    org = getattr(actor, "organisation", None) if getattr(actor, "is_authenticated", False) else None
    if org is None:
        raise ApplicationError("您的账户未关联机构：技术合同由卖方机构申报登记", field="seller_name")
    contract = Contract(
        seller_organisation=org, seller_name=org.name, seller_credit_code=org.credit_code,
        seller_region_code=org.region_code, created_by=actor, status=Status.DRAFT,
        contract_amount=Decimal("0"), transaction_amount=Decimal("0"),
    )
    _apply(contract, data)
    return _save(contract, actor)


def _check_editable(contract: Contract, actor: Any) -> None:
    if not permits(actor, "change", contract):
        raise ApplicationError("只能修改本机构草稿或待补正的合同")


@transaction.atomic
def contract_update(*, contract: Contract, actor: Any, **data: Any) -> Contract:
    _check_editable(contract, actor)
    if is_registrar(actor) and contract.seller_organisation_id != getattr(actor, "organisation_id", None):
        raise ApplicationError("登记员不能代卖方修改合同内容")
    _apply(contract, data)
    return _save(contract, actor)


def _move(contract: Contract, trigger: str, actor: Any, comment: str = "",
          extra: dict[str, Any] | None = None) -> Contract:
    with acting_as(actor):
        transition(contract, CONTRACT_WORKFLOW, trigger, actor=actor, comment=comment, extra=extra)
    return contract


@transaction.atomic
def contract_submit(*, contract: Contract, actor: Any) -> Contract:
    return _move(contract, "submit", actor)


@transaction.atomic
def contract_request_correction(*, contract: Contract, items: list[str], actor: Any) -> Contract:
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise ApplicationError("请列出需要补正的材料或内容（每行一项）", field="items")
    return _move(contract, "request_correction", actor, "；".join(items),
                 {"correction_items": items, "correction_answer": ""})


@transaction.atomic
def contract_resubmit(*, contract: Contract, answer: str, actor: Any) -> Contract:
    if not answer.strip():
        raise ApplicationError("请逐项说明补正情况", field="answer")
    contract.correction_answer = answer.strip()
    Contract.objects.filter(pk=contract.pk).update(correction_answer=contract.correction_answer)
    return _move(contract, "resubmit", actor, answer.strip())


def parse_deductions(rows: list[tuple[str, Any]]) -> list[dict[str, str]]:
    """[(item, amount)] → [{'item', 'amount'}] with exact 2-place amounts; blank rows are skipped."""
    out = []
    for number, (item, amount) in enumerate(rows, start=1):
        item = (item or "").strip()
        if not item and (amount in (None, "")):
            continue
        if not item:
            raise ApplicationError(f"第{number}项核减缺少名称（例如：外购设备）", field="deductions")
        try:
            value = Decimal(str(amount).replace(",", "")).quantize(CENT)
        except (InvalidOperation, ValueError):
            raise ApplicationError(f"核减项“{item}”的金额格式错误：“{amount}”", field="deductions") from None
        if value <= 0:
            raise ApplicationError(f"核减项“{item}”的金额应大于0", field="deductions")
        out.append({"item": item, "amount": str(value)})
    return out


def next_registration_number(year: int) -> str:
    """A new number from the configurable pattern; the sequence counts this year's numbers so far."""
    pattern = getattr(settings, "CONTRACTS_NUMBER_PATTERN", "{year}{region}{seq:06d}")
    region = str(getattr(settings, "CONTRACTS_REGION_CODE", "530100"))
    prefix = pattern.split("{seq")[0].format(year=year, region=region)
    seq = Contract.objects.filter(registration_number__startswith=prefix).count() + 1
    while True:
        number = pattern.format(year=year, region=region, seq=seq)
        if not Contract.objects.filter(registration_number=number).exists():
            return number
        seq += 1


@transaction.atomic
def contract_register(*, contract: Contract, actor: Any, deductions: list[dict[str, str]] | None = None,
                      contract_type: str = "", sub_type: str = "", note: str = "",
                      registered_on: dt.date | None = None) -> Contract:
    """认定登记: the registrar may reclassify the type and 核定 the technology amount as the contract amount
    minus the itemised non-technical costs."""
    deductions = deductions or []
    total = sum((Decimal(d["amount"]) for d in deductions), Decimal("0"))
    amount = (contract.contract_amount - total).quantize(CENT)
    if amount < 0:
        raise ApplicationError(f"核减合计 {total} 元超过合同成交额 {contract.contract_amount} 元", field="deductions")
    new_type = contract_type or contract.contract_type
    if new_type not in ContractType.values:
        raise ApplicationError("合同类型无效", field="contract_type")
    new_sub = sub_type or (contract.sub_type if contract.sub_type in SUBTYPES_OF[new_type] else "")
    if new_sub and new_sub not in SUBTYPES_OF[new_type]:
        raise ApplicationError("合同子类与认定的合同类型不符", field="sub_type")
    day = registered_on or clock.today()
    extra = {"transaction_amount": amount, "deductions": deductions, "contract_type": new_type, "sub_type": new_sub,
             "decision_note": note, "registered_on": day, "refusal_reason": "",
             "registration_number": contract.registration_number or next_registration_number(day.year)}
    return _move(contract, "register", actor, note, extra)


@transaction.atomic
def contract_refuse(*, contract: Contract, reason: str, note: str, actor: Any) -> Contract:
    if reason not in RefusalReason.values:
        raise ApplicationError("请选择不予登记的理由", field="reason")
    if reason == RefusalReason.OTHER and not note.strip():
        raise ApplicationError("选择“其他”时须说明理由", field="note")
    label = RefusalReason(reason).label
    return _move(contract, "refuse", actor, f"{label}{'：' + note.strip() if note.strip() else ''}",
                 {"refusal_reason": reason, "decision_note": note.strip()})


@transaction.atomic
def contract_flag_expert_review(*, contract: Contract, actor: Any) -> Contract:
    """A disputed contract goes to experts: the deadline becomes 30 working days from acceptance."""
    if not is_registrar(actor):
        raise ApplicationError("只有登记员可以提交专家评审")
    if contract.status not in (Status.SUBMITTED, Status.RESUBMITTED) or contract.accepted_on is None:
        raise ApplicationError("只有待认定的合同可以提交专家评审")
    deadline, exact = deadlines.add_working_days(contract.accepted_on, deadlines.EXPERT_DAYS)
    contract.expert_review, contract.deadline_on, contract.deadline_estimated = True, deadline, not exact
    return _save(contract, actor)


@transaction.atomic
def contract_request_change(*, contract: Contract, reason: str, changes: dict[str, Any], actor: Any) -> Contract:
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ApplicationError(f"变更登记不能修改：{'、'.join(sorted(unknown))}")
    amount = changes.get("contract_amount", contract.contract_amount)
    declared = changes.get("declared_transaction_amount", contract.transaction_amount)
    if declared is not None and amount is not None and Decimal(str(declared)) > Decimal(str(amount)):
        raise ApplicationError("技术交易额不能超过合同成交额", field="declared_transaction_amount")
    pending = {k: (str(v) if v is not None else None) for k, v in changes.items()}
    return _move(contract, "request_change", actor, reason, {"pending_change": pending, "request_reason": reason})


@transaction.atomic
def contract_request_cancel(*, contract: Contract, reason: str, actor: Any) -> Contract:
    return _move(contract, "request_cancel", actor, reason, {"request_reason": reason})


@transaction.atomic
def contract_approve_change(*, contract: Contract, actor: Any) -> Contract:
    """Apply the requested change; a new 技术交易额 is the declared one unless the registrar 核定s again."""
    extra: dict[str, Any] = {"pending_change": {}}
    for name, value in (contract.pending_change or {}).items():
        if name == "declared_transaction_amount":
            extra["transaction_amount"] = Decimal(value)
            extra["deductions"] = []
        extra[name] = dt.date.fromisoformat(value) if name == "valid_to" and value else (
            Decimal(value) if "amount" in name and value is not None else value)
    return _move(contract, "approve_change", actor, "", extra)


@transaction.atomic
def contract_approve_cancel(*, contract: Contract, actor: Any) -> Contract:
    return _move(contract, "approve_cancel", actor)


@transaction.atomic
def contract_decline_request(*, contract: Contract, reason: str, actor: Any) -> Contract:
    return _move(contract, "decline_request", actor, reason, {"pending_change": {}})


@transaction.atomic
def contract_object(*, contract: Contract, text: str, actor: Any) -> Contract:
    """An objection (异议) by a party or a finance or tax body, recorded on the contract for the registrar."""
    if not permits(actor, "view", contract):
        raise ApplicationError("无权对该合同提出异议")
    if not text.strip():
        raise ApplicationError("请写明异议内容", field="text")
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    who = getattr(actor, "display_name", "") or actor.get_username()
    contract.objection = (contract.objection + "\n" if contract.objection else "") + f"{stamp} {who}：{text.strip()}"
    return _save(contract, actor)
