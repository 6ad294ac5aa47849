"""Who may reach each URL of the deals app, in the vocabulary of kechuang/core/access.py (public / login / bureau /
post-login / post-bureau, or ``OBJECT`` with executable rows below).

The personas play the deal's relationship roles: the enterprise persona's organisation is the demand side, the
institution persona's university the achievement's holder (the two parties), the broker persona the deal's
broker; ``other_broker`` is a broker of no deal here. In listed trading the university holds the listed
achievement and the enterprise is the approved bidder."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

ACCESS_MATRIX: dict[str, str] = {
    "deals:list": "login",  # own organisation's deals (brokers are sent to their workspace)
    "deals:open": "post-login",  # brokers, staff, organisation members (我要对接); others refused by the service
    "deals:detail": OBJECT,  # parties, the deal's broker, staff; others 404
    "deals:step": OBJECT,
    "deals:note": OBJECT,
    "deals:contract": OBJECT,
    "deals:pre_disclosure": OBJECT,
    "deals:broker": OBJECT,  # brokers and staff; others 403
    "deals:claim": OBJECT,  # POST; brokers only, others 403
    "deals:assignments": "bureau",
    "deals:assign": OBJECT,  # POST; staff
    "deals:grade": OBJECT,  # POST; staff
    "deals:funnel": "bureau",
    "deals:listing_list": "public",
    "deals:listing_create": "bureau",
    "deals:listing_detail": OBJECT,  # public once published; a draft is the staff's
    "deals:listing_step": OBJECT,  # POST; staff
    "deals:listing_register": OBJECT,  # POST; organisation members, on a published listing
    "deals:bid": OBJECT,  # POST; approved bidders, others 403
    "deals:registration_decide": OBJECT,  # POST; staff
    "deals:disclosure_list": "public",
    "deals:disclosure_detail": OBJECT,  # public
    "deals:objection": OBJECT,  # POST; signed in
    "deals:objection_resolve": OBJECT,  # POST; staff
    "deals:event_list": "public",
    "deals:event_create": "bureau",
    "deals:event_detail": OBJECT,  # public figures; participants see their own schedule, staff all
    "deals:event_register": OBJECT,  # POST; organisation members
    "deals:event_propose": OBJECT,  # POST; staff
    "deals:event_checkin": OBJECT,  # POST; staff
    "deals:meeting_outcome": OBJECT,  # POST; staff
    "deal-list": "login",  # the user's own deals only
    "deal-detail": OBJECT, "deal-step": OBJECT,
    "trade-listing-list": "public", "trade-listing-detail": OBJECT, "trade-listing-bid": OBJECT,
    "bid-list": "public", "bid-detail": OBJECT,
    "match-event-list": "public", "match-event-detail": OBJECT,
    "disclosure-list": "public", "disclosure-detail": OBJECT, "disclosure-objection": OBJECT,
}


def _demand(world: Any) -> Any:
    from kechuang.market.choices import Status
    from kechuang.market.tests.factories import DemandFactory

    return DemandFactory(organisation=world.enterprise_org, status=Status.PUBLISHED, industry="")


def _deal(world: Any) -> Any:
    """The broker persona opens a deal between the enterprise's demand and the university's achievement."""
    from kechuang.deals import services
    from kechuang.deals.tests.factories import published_pair

    for party in ("enterprise", "institution"):  # the parties' members exist before the deal is opened
        world.user(party)
    demand, achievement = published_pair(world.enterprise_org, world.university_org)
    deal = services.deal_open(actor=world.user("broker"), demand=demand, achievement=achievement)
    services.deal_transition(deal=deal, trigger="contact", actor=world.user("broker"))
    return deal


def _listing(status: str = "open") -> Any:
    """The university's achievement listed for bidding (open now, or still the staff's draft)."""
    def make(world: Any) -> Any:
        from kechuang.deals.tests.factories import open_listing

        return open_listing(world.university_org, status=status)
    return make


def _approved_listing(world: Any) -> Any:
    """An open listing where the enterprise persona is an approved bidder."""
    from kechuang.deals.tests.factories import approved

    listing = _listing()(world)
    approved(listing, world.user("enterprise"))
    return listing


def _registration(world: Any) -> Any:
    from kechuang.deals import trading

    return trading.bidder_register(listing=_listing()(world), actor=world.user("enterprise"))


def _bid(status: str) -> Any:
    def make(world: Any) -> Any:
        from kechuang.deals.models import Bid
        from kechuang.deals.tests.factories import approved

        listing = _listing(status)(world)
        reg = approved(listing, world.user("enterprise"))
        return Bid.objects.create(listing=listing, registration=reg, amount=100_000, user=world.user("enterprise"))
    return make


def _disclosure(world: Any) -> Any:
    from kechuang.deals.disclosure import pre_deal_disclose

    return pre_deal_disclose(deal=_deal(world), price_yuan=90_000, mode="transfer", actor=world.user("broker"))


def _objection(world: Any) -> Any:
    from kechuang.deals.disclosure import objection_create

    return objection_create(disclosure=_disclosure(world), text="定价偏低", actor=world.user("outsider"))


def _event(world: Any) -> Any:
    import datetime as dt

    from django.utils import timezone

    from kechuang.deals import events

    return events.event_create(actor=world.user("staff"), title="校企双进·找矿挖宝", theme="光伏运维",
                               starts_at=timezone.now() + dt.timedelta(days=3), place="呈贡科创中心", capacity=10)


def _event_registration(world: Any) -> Any:
    from kechuang.deals import events

    return events.event_register(event=_event(world), actor=world.user("enterprise"), seeks="光伏清洗技术")


def _meeting(world: Any) -> Any:
    """A meeting the platform scheduled between the enterprise (seeker) and the university (holder)."""
    from kechuang.deals import events
    from kechuang.deals.models import Meeting

    seeker = _event_registration(world)
    holder = events.event_register(event=seeker.event, actor=world.user("institution"), brings="光伏清洗机器人")
    return Meeting.objects.create(event=seeker.event, seeker=seeker, holder=holder, slot=1,
                                  starts_at=seeker.event.starts_at)


# The deal's own people: its two parties and its broker (staff pass through ``restrict``).
_DEAL_REFUSED = {"anonymous": LOGIN, "outsider": 404, "other_broker": 404, "reviewer": 404}
_BUREAU_POST = {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "institution": 403, "broker": 403,
                "staff": 302}
_PUBLIC = {"anonymous": 200, "outsider": 200, "enterprise": 200, "staff": 200}

ACCESS_CASES = [
    Case("deals:detail", {**_DEAL_REFUSED, "enterprise": 200, "institution": 200, "broker": 200, "staff": 200},
         obj=_deal),
    # A party may not move the stage (the engine refuses it, 302 with the reason); the deal's broker does.
    Case("deals:step", {**_DEAL_REFUSED, "broker": 302}, obj=_deal, method="post", data={"trigger": "negotiate"}),
    Case("deals:note", {**_DEAL_REFUSED, "enterprise": 302}, obj=_deal, method="post", data={"text": "已寄送样品"}),
    Case("deals:contract", {**_DEAL_REFUSED, "institution": 302}, obj=_deal, method="post",
         data={"contract": "0"}),
    Case("deals:pre_disclosure", {**_DEAL_REFUSED, "broker": 302}, obj=_deal, method="post",
         data={"price_yuan": "80000", "mode": "licence"}),
    Case("deals:broker", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "reviewer": 403, "broker": 200,
                          "staff": 200}, obj=None),
    Case("deals:claim", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "staff": 403, "broker": 302},
         obj=_demand, method="post", note="brokers only"),
    Case("deals:assign", _BUREAU_POST, obj=_demand, method="post"),
    Case("deals:grade", _BUREAU_POST, obj=lambda w: w.user("broker"), method="post", data={"grade": "senior"}),
    Case("deals:listing_detail", _PUBLIC, obj=_listing(), note="published: public"),
    Case("deals:listing_detail", {"anonymous": 404, "outsider": 404, "institution": 404, "staff": 200},
         obj=_listing("draft"), note="draft: staff"),
    Case("deals:listing_step", _BUREAU_POST, obj=_listing(), method="post", data={"trigger": "close_sold"}),
    Case("deals:listing_register", {"anonymous": LOGIN, "outsider": 302}, obj=_listing(), method="post",
         note="published: any organisation registers"),
    Case("deals:listing_register", {"anonymous": LOGIN, "outsider": 404, "enterprise": 404}, obj=_listing("draft"),
         method="post", note="draft: hidden"),
    Case("deals:bid", {"anonymous": LOGIN, "outsider": 403, "institution": 403, "broker": 403, "enterprise": 302},
         obj=_approved_listing, method="post", data={"amount": "100000"}, note="approved bidders only"),
    Case("deals:registration_decide", _BUREAU_POST, obj=_registration, method="post", data={"trigger": "approve"},
         note="even the registered bidder is refused"),
    Case("deals:disclosure_detail", {"anonymous": 200, "outsider": 200}, obj=_disclosure),
    Case("deals:objection", {"anonymous": LOGIN, "outsider": 302}, obj=_disclosure, method="post",
         data={"text": "定价偏低"}, note="anyone signed in"),
    Case("deals:objection_resolve", _BUREAU_POST, obj=_objection, method="post",
         data={"trigger": "uphold", "comment": "核实后成立"}, note="even its author is refused"),
    Case("deals:event_detail", {"anonymous": 200, "outsider": 200, "enterprise": 200, "staff": 200},
         obj=_event_registration, args=lambda reg: [reg.event_id], note="figures public; own schedule"),
    Case("deals:event_register", {"anonymous": LOGIN, "outsider": 302}, obj=_event, method="post",
         data={"seeks": "清洗技术"}, note="any organisation registers"),
    Case("deals:event_propose", _BUREAU_POST, obj=_event, method="post"),
    Case("deals:event_checkin", _BUREAU_POST, obj=_event_registration, method="post",
         note="even the registered participant is refused"),
    Case("deals:meeting_outcome", _BUREAU_POST, obj=_meeting, method="post", data={"outcome": "none"},
         note="even the meeting's parties are refused"),
    Case("deal-detail", {**_DEAL_REFUSED, "anonymous": (401, 403), "enterprise": 200, "institution": 200,
                         "broker": 200, "staff": 200}, obj=_deal),
    Case("deal-step", {**_DEAL_REFUSED, "anonymous": (401, 403), "enterprise": 400, "broker": 200}, obj=_deal,
         method="post", data={"trigger": "negotiate"}, note="a party is refused the broker's step"),
    Case("trade-listing-detail", _PUBLIC, obj=_listing(), note="published"),
    Case("trade-listing-detail", {"anonymous": 404, "outsider": 404, "staff": 200}, obj=_listing("draft"),
         note="draft"),
    Case("trade-listing-bid", {"anonymous": (401, 403), "outsider": 404, "enterprise": 404},
         obj=_listing("draft"), method="post", data={"amount": 100_000}, note="draft: hidden"),
    Case("trade-listing-bid", {"anonymous": (401, 403), "outsider": 400, "enterprise": 201},
         obj=_approved_listing, method="post", data={"amount": 100_000},
         note="open: not approved 400 with the reason"),
    Case("bid-detail", {"anonymous": 200, "outsider": 200}, obj=_bid("open"), note="bidders by number"),
    Case("bid-detail", {"anonymous": 404, "outsider": 404, "enterprise": 404}, obj=_bid("draft"),
         note="a draft's bids: nobody"),
    Case("match-event-detail", {"anonymous": 200, "outsider": 200}, obj=_event),
    Case("disclosure-detail", {"anonymous": 200, "outsider": 200}, obj=_disclosure),
    Case("disclosure-objection", {"anonymous": (401, 403), "outsider": 201}, obj=_disclosure, method="post",
         data={"text": "有异议"}, note="anyone signed in"),
]
