"""挂牌交易 with 竞价: the bid path and the settlement.

The bid path is safe under concurrency. Inside one transaction it locks the listing row
(``select_for_update`` — a real row lock on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the
database write lock), re-reads the best price, refuses a bid below best + step, and then moves the listing with a
conditional UPDATE ``WHERE current_price = <the price read>`` that must change exactly one row. A bid that lost a
race therefore fails with a clear message instead of overwriting a higher one; and the unique (listing, amount)
constraint makes two accepted bids of one amount impossible. A bid in the last ``extension_minutes`` pushes the
close by that many minutes (限时竞价 extension).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kechuang.core.exceptions import ApplicationError
from kechuang.deals.choices import DepositStatus, ListingStatus, Origin, RegistrationStatus, Stage
from kechuang.deals.models import Bid, BidderRegistration, Deal, TradeListing
from kechuang.deals.workflow import REGISTRATION_WORKFLOW
from kechuang.market.choices import Status as MarketStatus
from kechuang.workflow.engine import transition


@transaction.atomic
def listing_create(*, achievement: Any, reserve_price: int, deposit: int, step: int, starts_at: dt.datetime,
                   ends_at: dt.datetime, extension_minutes: int, mode: str, actor: Any) -> TradeListing:
    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("只有科技局工作人员可以发布挂牌交易")
    if achievement.status != MarketStatus.PUBLISHED or achievement.owner_id is None:
        raise ApplicationError("只能挂牌已发布、有持有单位的科技成果", field="achievement")
    if step <= 0:
        raise ApplicationError("加价幅度应大于 0 元", field="step")
    if ends_at <= starts_at:
        raise ApplicationError("竞价截止时间应晚于开始时间", field="ends_at")
    return TradeListing.objects.create(achievement=achievement, reserve_price=reserve_price, deposit=deposit,
                                       step=step, starts_at=starts_at, ends_at=ends_at, mode=mode,
                                       extension_minutes=extension_minutes, created_by=actor)


@transaction.atomic
def bidder_register(*, listing: TradeListing, actor: Any) -> BidderRegistration:
    org_id = getattr(actor, "organisation_id", None)
    if org_id is None:
        raise ApplicationError("您的账户未关联机构：竞买须以单位名义报名")
    if listing.status != ListingStatus.OPEN or timezone.now() >= listing.ends_at:
        raise ApplicationError("该挂牌不在报名期内")
    if org_id == listing.achievement.owner_id:
        raise ApplicationError("成果持有单位不能竞买自己的成果")
    reg, created = BidderRegistration.objects.get_or_create(listing=listing, organisation_id=org_id,
                                                            defaults={"user": actor})
    if not created:
        raise ApplicationError("本单位已报名该挂牌交易")
    return reg


def registration_decide(*, registration: BidderRegistration, trigger: str, data: Any, actor: Any) -> None:
    transition(registration, REGISTRATION_WORKFLOW, trigger, actor=actor, data=data)


def approved_registration(listing: TradeListing, actor: Any) -> BidderRegistration | None:
    """The actor's organisation's approved registration for the listing (None: it may not bid)."""
    org_id = getattr(actor, "organisation_id", None) if getattr(actor, "is_authenticated", False) else None
    if not org_id:
        return None
    return BidderRegistration.objects.filter(listing=listing, organisation_id=org_id,
                                             status=RegistrationStatus.APPROVED).first()


def place_bid(*, listing_id: int, amount: int, actor: Any, now: dt.datetime | None = None) -> Bid:
    """Accept one bid or raise ApplicationError. Retries never happen here: a lost race is the bidder's to see."""
    try:
        return _place_bid(listing_id=listing_id, amount=amount, actor=actor, now=now)
    except IntegrityError as exc:
        raise ApplicationError("已有相同金额的出价，请按当前最高价加价后重新出价", field="amount") from exc


@transaction.atomic
def _place_bid(*, listing_id: int, amount: int, actor: Any, now: dt.datetime | None) -> Bid:
    listing = TradeListing.objects.select_for_update().get(pk=listing_id)
    now = now or timezone.now()
    if not listing.is_bidding(now):
        raise ApplicationError("该挂牌当前不在竞价时间内", field="amount")
    reg = approved_registration(listing, actor)
    if reg is None:
        raise ApplicationError("本单位尚未通过竞买资格审核，不能出价", field="amount")
    if amount < listing.minimum_bid:
        raise ApplicationError(f"出价应不低于 {listing.minimum_bid} 元（当前最高价加加价幅度）", field="amount")
    ends_at = listing.ends_at
    window = dt.timedelta(minutes=listing.extension_minutes)
    if listing.extension_minutes and ends_at - now <= window:
        ends_at = now + window
    old = Q(current_price__isnull=True) if listing.current_price is None else Q(current_price=listing.current_price)
    changed = TradeListing.objects.filter(old, pk=listing.pk, status=ListingStatus.OPEN, ends_at__gt=now).filter(
        Q(current_price__isnull=True) | Q(current_price__lte=amount - listing.step)).update(
        current_price=amount, leader=reg, ends_at=ends_at, bid_count=listing.bid_count + 1, updated_at=now)
    if changed != 1:
        raise ApplicationError("出价期间已有更高出价，请刷新后重新出价", field="amount")
    return Bid.objects.create(listing=listing, registration=reg, amount=amount, user=actor)


def settle(listing: TradeListing, *, sold: bool) -> None:
    """Inside the closing step: deposits of losers are marked for refund; the winner's is applied to the price;
    a sold listing is disclosed and opens a deal at 签约 for the record."""
    regs = BidderRegistration.objects.filter(listing=listing, status=RegistrationStatus.APPROVED)
    if not sold:
        regs.update(deposit_status=DepositStatus.REFUND_DUE)
        return
    regs.exclude(pk=listing.leader_id).update(deposit_status=DepositStatus.REFUND_DUE)
    regs.filter(pk=listing.leader_id).update(deposit_status=DepositStatus.APPLIED)
    winner = listing.leader
    assert winner is not None  # close_sold is refused without a leader
    from kechuang.deals import disclosure

    disclosure.disclose_listing(listing, winner.organisation.name)
    now = timezone.now()
    Deal.objects.create(title=f"{listing.achievement.title}（挂牌成交）", stage=Stage.SIGNED, origin=Origin.LISTING,
                        enterprise=winner.organisation, institute=listing.achievement.owner,
                        achievement=listing.achievement, mode=listing.mode, price_yuan=listing.current_price,
                        pricing="listed", stage_entered_at=now, signed_at=now)
