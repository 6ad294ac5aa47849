"""Listed trading: bid rules, the timed-round extension, settlement with deposits and disclosure, and concurrent
bids that must leave exactly one winner, the highest."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections
from django.utils import timezone

from kechuang.core.exceptions import ApplicationError
from kechuang.deals import trading
from kechuang.deals.choices import DepositStatus, Stage
from kechuang.deals.models import Bid, BidderRegistration, Deal, Disclosure, TradeListing
from kechuang.deals.tests.factories import approved, open_listing
from kechuang.deals.workflow import LISTING_WORKFLOW, REGISTRATION_WORKFLOW
from kechuang.tests_support.factories import OrganisationFactory, UserFactory
from kechuang.workflow.engine import transition


def _bidder(name: str):
    return UserFactory(username=name, organisation=OrganisationFactory(kind="enterprise"))


@pytest.mark.django_db
def test_bids_below_best_plus_step_are_refused_and_last_minutes_extend(university_org, staff_user):
    listing = open_listing(university_org, minutes=3, extension=5)
    a, b = _bidder("bidder_a"), _bidder("bidder_b")
    reg = trading.bidder_register(listing=listing, actor=a)
    with pytest.raises(ApplicationError, match="尚未通过竞买资格"):
        trading.place_bid(listing_id=listing.pk, amount=100_000, actor=a)
    transition(reg, REGISTRATION_WORKFLOW, "approve", actor=staff_user)
    approved(listing, b)
    with pytest.raises(ApplicationError, match="不低于 100000 元"):
        trading.place_bid(listing_id=listing.pk, amount=99_999, actor=a)
    before = TradeListing.objects.get(pk=listing.pk).ends_at
    trading.place_bid(listing_id=listing.pk, amount=100_000, actor=a)
    listing.refresh_from_db()
    assert listing.ends_at > before  # a bid within the last 5 minutes extends the close
    with pytest.raises(ApplicationError, match="不低于 105000 元"):
        trading.place_bid(listing_id=listing.pk, amount=104_999, actor=b)
    trading.place_bid(listing_id=listing.pk, amount=110_000, actor=b)
    with pytest.raises(ApplicationError, match="不在竞价时间内"):
        trading.place_bid(listing_id=listing.pk, amount=200_000, actor=a, now=listing.ends_at + dt.timedelta(1))
    # Closing: refused while bidding runs, then the higher bidder wins; the loser's deposit is due for refund.
    with pytest.raises(ApplicationError, match="尚未截止"):
        transition(listing, LISTING_WORKFLOW, "close_sold", actor=staff_user)
    TradeListing.objects.filter(pk=listing.pk).update(ends_at=timezone.now() - dt.timedelta(seconds=1))
    listing.refresh_from_db()
    transition(listing, LISTING_WORKFLOW, "close_sold", actor=staff_user)
    assert listing.leader.organisation == b.organisation and listing.current_price == 110_000
    deposits = dict(BidderRegistration.objects.filter(listing=listing).values_list("organisation_id",
                                                                                   "deposit_status"))
    assert deposits == {a.organisation_id: DepositStatus.REFUND_DUE, b.organisation_id: DepositStatus.APPLIED}
    d = Disclosure.objects.get(listing=listing)
    assert (d.buyer_name, d.price_yuan) == (b.organisation.name, 110_000)
    assert Deal.objects.get(achievement=listing.achievement).stage == Stage.SIGNED


@pytest.mark.django_db(transaction=True)
def test_concurrent_bids_leave_exactly_one_highest_winner(university_org):
    listing = open_listing(university_org, minutes=60, extension=0)
    bidders = [_bidder(f"con{i}") for i in range(6)]
    for u in bidders:
        approved(listing, u)
    barrier = threading.Barrier(len(bidders))
    accepted: list[int] = []
    lock = threading.Lock()

    def fire(user, amounts):
        barrier.wait()
        for amount in amounts:
            try:
                trading.place_bid(listing_id=listing.pk, amount=amount, actor=user)
            except ApplicationError:
                continue
            with lock:
                accepted.append(amount)
        close_old_connections()

    # Every bidder races for the same ladder of amounts; collisions must be refused, never double-accepted.
    ladder = [100_000 + 5_000 * k for k in range(8)]
    threads = [threading.Thread(target=fire, args=(u, ladder)) for u in bidders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    listing.refresh_from_db()
    bids = list(Bid.objects.filter(listing=listing).order_by("id").values_list("amount", flat=True))
    assert bids == sorted(bids) and len(bids) == len(set(bids)) == len(accepted)
    assert all(b2 - b1 >= listing.step for b1, b2 in zip(bids, bids[1:], strict=False))
    top = Bid.objects.filter(listing=listing).order_by("-amount").first()
    assert listing.current_price == top.amount == max(accepted)
    assert listing.leader_id == top.registration_id and listing.bid_count == len(bids)
