"""Writes of the deal pipeline and the broker's workspace. Every stage change goes through the workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from kechuang.contracts.models import Contract
from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import is_bureau, permits
from kechuang.deals.choices import Origin
from kechuang.deals.models import BrokerProfile, Deal, DealNote, DemandAssignment, is_broker
from kechuang.deals.workflow import DEAL_WORKFLOW, broker_or_staff, involved
from kechuang.market.choices import Status as MarketStatus
from kechuang.market.models import Achievement, Demand
from kechuang.workflow import deadlines
from kechuang.workflow.engine import send, transition


def _title(demand: Demand | None, achievement: Achievement | None) -> str:
    if demand and achievement:
        return f"{demand.title} × {achievement.title}"[:300]
    return (demand or achievement).title[:300]  # type: ignore[union-attr]


@transaction.atomic
def deal_open(*, actor: Any, demand: Demand | None = None, achievement: Achievement | None = None,
              origin: str = Origin.QUEUE, match_rank: int | None = None) -> Deal:
    """Open a deal. A broker or staff may open one from a match or the queue (the broker becomes the deal's
    broker); an organisation's member opens one with 我要对接 on an achievement (their organisation is the
    enterprise party; the demand's broker, if any, is attached)."""
    if demand is None and achievement is None:
        raise ApplicationError("请选择技术需求或科技成果")
    for obj, name in ((demand, "技术需求"), (achievement, "科技成果")):
        if obj is not None and obj.status != MarketStatus.PUBLISHED:
            raise ApplicationError(f"只能对已发布的{name}发起商洽")
    if achievement is not None and achievement.owner_id is None:
        raise ApplicationError("科技文献没有持有单位，不能发起商洽", field="achievement")
    broker = None
    enterprise = demand.organisation if demand else None
    if is_bureau(actor) or is_broker(actor):
        broker = actor if is_broker(actor) else None
        if demand is None and enterprise is None:
            raise ApplicationError("请从技术需求的匹配结果发起，或由企业在成果页点击“我要对接”")
    else:
        org = getattr(actor, "organisation", None)
        if org is None:
            raise ApplicationError("您的账户未关联机构，不能发起商洽")
        if achievement is not None and org.pk == achievement.owner_id:
            raise ApplicationError("不能对本单位的成果发起对接")
        if demand is not None and demand.organisation_id != org.pk:
            raise ApplicationError("只能以本单位的需求发起商洽", field="demand")
        enterprise = org
    if demand is not None and broker is None:
        assignment = DemandAssignment.objects.filter(demand=demand).select_related("broker").first()
        broker = assignment.broker if assignment else None
    institute = achievement.owner if achievement else None
    dup = Deal.objects.filter(demand=demand, achievement=achievement, enterprise=enterprise,
                              stage__in=["intent", "contacting", "negotiating"])
    if dup.exists():
        raise ApplicationError("双方已有进行中的商洽，请在原商洽中继续")
    deal = Deal.objects.create(title=_title(demand, achievement), demand=demand, achievement=achievement,
                               enterprise=enterprise, institute=institute, broker=broker, origin=origin,
                               match_rank=match_rank, opened_by=actor)
    deadlines.on_enter(deal, DEAL_WORKFLOW, deal.stage)
    people = [m for org in (enterprise, institute) if org for m in org.members.all() if m.pk != actor.pk]
    if broker is not None and broker.pk != actor.pk:
        people.append(broker)
    send([(p, f"新商洽：{deal.title}", deal.get_absolute_url()) for p in people])
    return deal


@transaction.atomic
def deal_transition(*, deal: Deal, trigger: str, actor: Any, data: Any = None) -> Deal:
    transition(deal, DEAL_WORKFLOW, trigger, actor=actor, data=data)
    return deal


@transaction.atomic
def note_add(*, deal: Deal, actor: Any, text: str, next_action: str = "", next_action_on: dt.date | None = None,
             file: Any = None) -> DealNote:
    if not involved(actor, deal):
        raise ApplicationError("只有商洽双方、技术经理人或科技局工作人员可以记录")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("请填写记录内容", field="text")
    note = DealNote(deal=deal, author=actor, text=text)
    if file:
        from django.core.exceptions import ValidationError

        from kechuang.deals.models import validate_deal_file

        try:
            validate_deal_file(file)
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0], field="file") from exc
        note.file = file
    note.save()
    if next_action or next_action_on:
        if not next_action or not next_action_on:
            raise ApplicationError("下一步工作和日期需同时填写", field="next_action_on")
        Deal.objects.filter(pk=deal.pk).update(next_action=next_action[:200], next_action_on=next_action_on)
        deal.next_action, deal.next_action_on = next_action[:200], next_action_on
    return note


@transaction.atomic
def contract_link(*, deal: Deal, contract: Contract, actor: Any) -> Deal:
    """A party links its technology contract; the contract must be visible to the actor and involve a party."""
    if not (deal.is_party(actor) or is_bureau(actor)):
        raise ApplicationError("只有商洽当事方可以关联技术合同", field="contract")
    if not permits(actor, "view", contract):
        raise ApplicationError("找不到该技术合同", field="contract")
    parties = {deal.enterprise_id, deal.institute_id} - {None}
    if not parties & {contract.seller_organisation_id, contract.buyer_organisation_id}:
        raise ApplicationError("该技术合同的当事方不是本商洽的双方", field="contract")
    Deal.objects.filter(pk=deal.pk).update(contract=contract)
    deal.contract = contract
    return deal


@transaction.atomic
def demand_assign(*, demand: Demand, broker: Any, actor: Any) -> DemandAssignment:
    if not is_bureau(actor):
        raise ApplicationError("只有科技局工作人员可以分派需求")
    if not is_broker(broker):
        raise ApplicationError("只能分派给技术经理人", field="broker")
    obj, _ = DemandAssignment.objects.update_or_create(demand=demand, defaults={"broker": broker, "claimed": False,
                                                                               "assigned_by": actor})
    send([(broker, f"技术需求“{demand.title}”已分派给您", demand.get_absolute_url())])
    return obj


@transaction.atomic
def demand_claim(*, demand: Demand, actor: Any) -> DemandAssignment:
    if not is_broker(actor):
        raise ApplicationError("只有技术经理人可以认领需求")
    if demand.status != MarketStatus.PUBLISHED:
        raise ApplicationError("只能认领已发布的需求")
    profile = BrokerProfile.objects.filter(user=actor).first()
    if profile and profile.industries and demand.industry and demand.industry not in profile.industries:
        raise ApplicationError("该需求不在您的服务领域内，请联系科技局分派")
    # get_or_create on the one-to-one key: two brokers claiming at once cannot both win.
    obj, created = DemandAssignment.objects.get_or_create(demand=demand,
                                                          defaults={"broker": actor, "claimed": True})
    if not created and obj.broker_id != actor.pk:
        raise ApplicationError("该需求已由其他技术经理人负责")
    return obj


@transaction.atomic
def broker_grade_set(*, broker: Any, grade: str, actor: Any) -> BrokerProfile:
    if not is_bureau(actor):
        raise ApplicationError("只有科技局工作人员可以评定技术经理人等级")
    if not is_broker(broker):
        raise ApplicationError("该账户不是技术经理人", field="broker")
    obj, _ = BrokerProfile.objects.update_or_create(user=broker, defaults={"grade": grade})
    return obj


__all__ = ["broker_or_staff", "involved", "deal_open", "deal_transition", "note_add", "contract_link", "demand_assign",
           "demand_claim", "broker_grade_set"]
