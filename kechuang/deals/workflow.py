"""The workflows of the deals app, as data.

Deal: 意向 → 对接中 → 洽谈 → 签约 → 已登记 (once the linked technology contract is registered), or 终止 from any
open stage with a reason from the list. Each open stage has a reminder deadline for the broker (10 working days
without moving). 签约 on an achievement discloses the deal publicly (``perform``); with 协议定价 by a 高校/科研院所
it requires a finished pre-deal disclosure first (促进科技成果转化法 第十八条).

Listing: 待发布 → 竞价中 → 已成交 / 流拍 (staff close it after the window). Bidder registration: 待审核 → 已通过 /
未通过 (staff). Objection: 待处理 → 异议成立 / 异议不成立 (staff).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from kechuang.contracts.choices import COUNTED
from kechuang.deals.choices import (
    DealMode,
    ListingStatus,
    ObjectionStatus,
    Pricing,
    RegistrationStatus,
    Stage,
    TerminationReason,
)
from kechuang.deals.models import is_broker
from kechuang.directory.choices import OrganisationKind
from kechuang.workflow.engine import Deadline, Transition, Workflow, bureau
from kechuang.workflow.forms import StepForm

REMIND_DAYS = getattr(settings, "DEAL_REMIND_WORKING_DAYS", 10)
STATE_FUNDED_KINDS = {OrganisationKind.UNIVERSITY, OrganisationKind.INSTITUTE}


def broker_or_staff(actor: Any, obj: Any) -> bool:
    return bool(getattr(actor, "is_bureau", False)
                or (is_broker(actor) and obj.broker_id == getattr(actor, "pk", None)))


def involved(actor: Any, obj: Any) -> bool:
    return broker_or_staff(actor, obj) or bool(getattr(actor, "is_authenticated", False) and obj.is_party(actor))


class SignForm(StepForm):
    mode = forms.ChoiceField(label="交易方式", choices=DealMode.choices)
    pricing = forms.ChoiceField(label="定价方式", choices=Pricing.choices)
    price_yuan = forms.IntegerField(label="成交价格（元）", min_value=0,
                                    error_messages={"required": "请填写成交价格（元）",
                                                    "min_value": "成交价格不能为负数"})


class TerminateForm(StepForm):
    termination_reason = forms.ChoiceField(label="终止原因", choices=TerminationReason.choices,
                                           error_messages={"required": "请选择终止原因"})


def needs_pre_disclosure(deal: Any) -> bool:
    inst = deal.institute
    return bool(deal.pricing == Pricing.NEGOTIATED and inst is not None and inst.kind in STATE_FUNDED_KINDS)


def _sign_ok(deal: Any) -> str | None:
    if not needs_pre_disclosure(deal):
        return None
    from kechuang.deals.choices import DisclosureKind
    from kechuang.deals.models import Disclosure

    done = Disclosure.objects.filter(deal=deal, kind=DisclosureKind.PRE_DEAL,
                                     ends_on__lt=timezone.localdate()).exists()
    if not done:
        return ("高校、科研院所以协议定价转化科技成果，须先公示成果名称和拟交易价格，公示期满后方可签约"
                "（《促进科技成果转化法》第十八条）；请先发起拟交易公示")
    return None


def _registered_ok(deal: Any) -> str | None:
    if deal.contract_id is None:
        return "尚未关联技术合同：请当事方在本页关联已申报的技术合同"
    if deal.contract.status not in COUNTED:
        return f"关联的技术合同尚未认定登记（当前：{deal.contract.get_status_display()}）"
    return None


def _on_sign(deal: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    from kechuang.deals import disclosure

    disclosure.disclose_deal(deal)


def _stamp(deal: Any, actor: Any) -> dict[str, Any]:
    return {"stage_entered_at": timezone.now()}


def _stamp_signed(deal: Any, actor: Any) -> dict[str, Any]:
    return {"stage_entered_at": timezone.now(), "signed_at": timezone.now()}


def _stamp_registered(deal: Any, actor: Any) -> dict[str, Any]:
    return {"stage_entered_at": timezone.now(), "registered_at": timezone.now()}


def _remind_broker(deal: Any, d: Deadline) -> list[tuple[Any, str, str]]:
    return [(deal.broker, f"商洽“{deal.title}”已 {d.length()} 个工作日未推进，请跟进下一步工作",
             deal.get_absolute_url())] if deal.broker_id else []


def _notify(deal: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    text = f"商洽“{deal.title}”：{step.label}，当前阶段为{Stage(step.target).label}"
    people = []
    for org in (deal.enterprise, deal.institute):
        if org is not None:
            people += [m for m in org.members.all() if m.pk != getattr(actor, "pk", None)]
    if deal.broker_id and deal.broker_id != getattr(actor, "pk", None):
        people.append(deal.broker)
    return [(p, text, deal.get_absolute_url()) for p in people]


DEAL_WORKFLOW = Workflow(
    name="deal",
    status_field="stage",
    transitions=[
        Transition("contact", Stage.INTENT, Stage.CONTACTING, "开始对接", allowed=broker_or_staff),
        Transition("negotiate", Stage.CONTACTING, Stage.NEGOTIATING, "进入洽谈", allowed=broker_or_staff),
        Transition("sign", Stage.NEGOTIATING, Stage.SIGNED, "签约", allowed=broker_or_staff, form=SignForm,
                   effects=("mode", "pricing", "price_yuan"), condition=_sign_ok, condition_uses_input=True,
                   perform=_on_sign),
        Transition("register", Stage.SIGNED, Stage.REGISTERED, "确认合同已登记", allowed=involved,
                   condition=_registered_ok),
        Transition("terminate", (Stage.INTENT, Stage.CONTACTING, Stage.NEGOTIATING), Stage.TERMINATED, "终止商洽",
                   allowed=broker_or_staff, form=TerminateForm, effects=("termination_reason",), danger=True),
    ],
    notify=_notify,
    on_enter={Stage.CONTACTING: _stamp, Stage.NEGOTIATING: _stamp, Stage.SIGNED: _stamp_signed,
              Stage.REGISTERED: _stamp_registered, Stage.TERMINATED: _stamp},
    deadlines=[Deadline(s, REMIND_DAYS, label="推进提醒", notify=_remind_broker)
               for s in (Stage.INTENT, Stage.CONTACTING, Stage.NEGOTIATING)],
)


def _window_over(listing: Any) -> str | None:
    return None if timezone.now() >= listing.ends_at else "竞价尚未截止，不能结束"


def _has_bids(listing: Any) -> str | None:
    return _window_over(listing) or (None if listing.leader_id else "无人出价，请按流拍结束")


def _no_bids(listing: Any) -> str | None:
    return _window_over(listing) or ("已有出价，请按成交结束" if listing.leader_id else None)


def _on_sold(listing: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    from kechuang.deals import trading

    trading.settle(listing, sold=True)


def _on_unsold(listing: Any, actor: Any, cleaned: dict[str, Any]) -> None:
    from kechuang.deals import trading

    trading.settle(listing, sold=False)


LISTING_WORKFLOW = Workflow(
    name="trade_listing",
    transitions=[
        Transition("publish", ListingStatus.DRAFT, ListingStatus.OPEN, "发布挂牌", allowed=bureau),
        Transition("close_sold", ListingStatus.OPEN, ListingStatus.SOLD, "结束竞价并公布成交结果", allowed=bureau,
                   condition=_has_bids, perform=_on_sold),
        Transition("close_unsold", ListingStatus.OPEN, ListingStatus.UNSOLD, "结束竞价（流拍）", allowed=bureau,
                   condition=_no_bids, perform=_on_unsold),
    ],
)

REGISTRATION_WORKFLOW = Workflow(
    name="bidder_registration",
    transitions=[
        Transition("approve", RegistrationStatus.PENDING, RegistrationStatus.APPROVED, "通过竞买资格", allowed=bureau),
        Transition("reject", RegistrationStatus.PENDING, RegistrationStatus.REJECTED, "不予通过", allowed=bureau,
                   comment_required=True, comment_label="不予通过的理由", danger=True),
    ],
)




OBJECTION_WORKFLOW = Workflow(
    name="disclosure_objection",
    transitions=[
        Transition("uphold", ObjectionStatus.OPEN, ObjectionStatus.UPHELD, "异议成立", allowed=bureau,
                   comment_required=True, comment_label="处理意见"),
        Transition("dismiss", ObjectionStatus.OPEN, ObjectionStatus.DISMISSED, "异议不成立", allowed=bureau,
                   comment_required=True, comment_label="处理意见"),
    ],
)
