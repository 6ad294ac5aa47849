"""交易信息公示: a signed deal on an achievement and every listing result are disclosed for a period (default 15
days, ``settings.DISCLOSURE_DAYS``); a 高校/科研院所 pricing by negotiation discloses the name and the proposed
price before the deal (《促进科技成果转化法》第十八条). Anyone signed in may object; staff decide (workflow)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kechuang.core.exceptions import ApplicationError
from kechuang.deals.choices import DisclosureKind, Stage
from kechuang.deals.models import Deal, Disclosure, Objection, TradeListing
from kechuang.deals.workflow import OBJECTION_WORKFLOW
from kechuang.workflow.engine import send, transition


def period_days() -> int:
    return int(getattr(settings, "DISCLOSURE_DAYS", 15))


def _period() -> tuple[dt.date, dt.date]:
    start = timezone.localdate()
    return start, start + dt.timedelta(days=period_days())


def disclose_deal(deal: Deal) -> Disclosure | None:
    """Called inside the 签约 step: a deal on an achievement is disclosed; a deal on a demand alone is not."""
    achievement = deal.achievement
    if achievement is None:
        return None
    start, end = _period()
    return Disclosure.objects.create(
        kind=DisclosureKind.RESULT, achievement=achievement, title=achievement.title,
        seller_name=deal.institute.name if deal.institute else (achievement.owner.name if achievement.owner else ""),
        buyer_name=deal.enterprise.name if deal.enterprise else "", price_yuan=deal.price_yuan, mode=deal.mode,
        starts_on=start, ends_on=end, deal=deal)


def disclose_listing(listing: TradeListing, buyer_name: str) -> Disclosure:
    start, end = _period()
    owner = listing.achievement.owner
    return Disclosure.objects.create(
        kind=DisclosureKind.RESULT, achievement=listing.achievement, title=listing.achievement.title,
        seller_name=owner.name if owner else "", buyer_name=buyer_name, price_yuan=listing.current_price,
        mode=listing.mode, starts_on=start, ends_on=end, listing=listing)


@transaction.atomic
def pre_deal_disclose(*, deal: Deal, price_yuan: int | None, mode: str, actor: Any) -> Disclosure:
    """拟交易公示 of a negotiated price, by the deal's broker, the institute's members or staff."""
    from kechuang.deals.workflow import broker_or_staff

    if not (broker_or_staff(actor, deal) or getattr(actor, "organisation_id", None) == deal.institute_id):
        raise ApplicationError("只有成果方、本商洽的技术经理人或科技局工作人员可以发起拟交易公示")
    if deal.stage not in (Stage.CONTACTING, Stage.NEGOTIATING):
        raise ApplicationError("拟交易公示应在对接或洽谈阶段、签约之前发起")
    achievement = deal.achievement
    if achievement is None:
        raise ApplicationError("该商洽未关联科技成果，无需公示", field="achievement")
    if price_yuan is None or price_yuan < 0:
        raise ApplicationError("请填写拟交易价格（元）", field="price_yuan")
    if Disclosure.objects.filter(deal=deal, kind=DisclosureKind.PRE_DEAL).exists():
        raise ApplicationError("该商洽已发起过拟交易公示")
    start, end = _period()
    return Disclosure.objects.create(
        kind=DisclosureKind.PRE_DEAL, achievement=achievement, title=achievement.title,
        seller_name=deal.institute.name if deal.institute else "", buyer_name=deal.enterprise.name
        if deal.enterprise else "", price_yuan=price_yuan, mode=mode, starts_on=start, ends_on=end, deal=deal)


@transaction.atomic
def objection_create(*, disclosure: Disclosure, text: str, actor: Any) -> Objection:
    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError("请先登录后提出异议")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("请填写异议内容", field="text")
    if not disclosure.in_period:
        raise ApplicationError("公示期已结束，不能再提出异议", field="text")
    obj = Objection.objects.create(disclosure=disclosure, author=actor, text=text[:4000])
    from kechuang.accounts.models import User

    send([(u, f"公示“{disclosure.title}”收到异议，请处理", disclosure.get_absolute_url())
          for u in User.objects.filter(role__in=["staff", "admin"], is_active=True)])
    return obj


@transaction.atomic
def objection_resolve(*, objection: Objection, trigger: str, data: Any, actor: Any) -> Objection:
    change = transition(objection, OBJECTION_WORKFLOW, trigger, actor=actor, data=data)
    Objection.objects.filter(pk=objection.pk).update(resolution=change.comment)
    objection.resolution = change.comment
    send([(objection.author, f"您对“{objection.disclosure.title}”的异议已处理：{objection.get_status_display()}",
           objection.disclosure.get_absolute_url())])
    return objection
