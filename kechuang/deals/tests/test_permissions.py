"""Every deals page and endpoint with who may reach it: the parties, the deal's broker, staff — and an outsider
(a signed-in member of an unrelated organisation) who is refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.core.exceptions import ApplicationError
from kechuang.deals import services
from kechuang.deals.disclosure import pre_deal_disclose
from kechuang.deals.models import BidderRegistration, Deal
from kechuang.deals.tests.factories import approved, open_listing, published_pair
from kechuang.tests_support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(enterprise_org, university_org, broker):
    demand, achievement = published_pair(enterprise_org, university_org)
    d = services.deal_open(actor=broker, demand=demand, achievement=achievement)
    services.deal_transition(deal=d, trigger="contact", actor=broker)
    return d


def _other_broker_client():
    c = Client()
    c.force_login(UserFactory(username="broker2", role="broker"))
    return c


def test_deal_pages_for_parties_broker_staff_and_not_outsider(deal, enterprise_client, institution_client,
                                                             broker_client, staff_client, outsider_client, client):
    url = reverse("deals:detail", args=[deal.pk])
    for c in (enterprise_client, institution_client, broker_client, staff_client):
        assert c.get(url).status_code == 200
    assert outsider_client.get(url).status_code == 404
    assert _other_broker_client().get(url).status_code == 404
    assert client.get(url).status_code == 302
    for name, data in (("step", {"trigger": "negotiate"}), ("note", {"text": "窥探"}),
                       ("contract", {"contract": "1"}), ("pre_disclosure", {"price_yuan": "1", "mode": "transfer"})):
        assert outsider_client.post(reverse(f"deals:{name}", args=[deal.pk]), data).status_code == 404
    deal.refresh_from_db()
    assert deal.stage == "contacting" and not deal.notes.exists()
    # The party may write a note but not move the stage.
    enterprise_client.post(reverse("deals:step", args=[deal.pk]), {"trigger": "negotiate"})
    deal.refresh_from_db()
    assert deal.stage == "contacting"
    r = enterprise_client.post(reverse("deals:note", args=[deal.pk]), {"text": "已寄送样品"})
    assert r.status_code == 302 and deal.notes.count() == 1
    broker_client.post(reverse("deals:step", args=[deal.pk]), {"trigger": "negotiate"})
    deal.refresh_from_db()
    assert deal.stage == "negotiating"
    r = broker_client.post(reverse("deals:pre_disclosure", args=[deal.pk]), {"price_yuan": "80000", "mode": "licence"})
    assert deal.disclosures.filter(kind="pre_deal").exists()
    # The deal list shows the party its deal and the outsider none.
    assert deal.title in enterprise_client.get(reverse("deals:list")).content.decode()
    assert deal.title not in outsider_client.get(reverse("deals:list")).content.decode()


def test_open_from_pages(enterprise_org, university_org, broker_client, outsider_client, broker):
    demand, achievement = published_pair(enterprise_org, university_org)
    r = broker_client.post(reverse("deals:open"), {"demand": demand.pk, "achievement": achievement.pk,
                                                   "origin": "match", "rank": "3"})
    deal = Deal.objects.get()
    assert r["Location"] == deal.get_absolute_url() and deal.match_rank == 3 and deal.broker == broker
    page = outsider_client.get(achievement.get_absolute_url()).content.decode()
    assert "我要对接" in page
    outsider_client.post(reverse("deals:open"), {"achievement": achievement.pk, "origin": "achievement"})
    assert Deal.objects.count() == 2


def test_broker_workspace_claim_assign_grade(enterprise_org, university_org, broker_client, outsider_client,
                                             staff_client, broker, enterprise_client):
    demand, _ = published_pair(enterprise_org, university_org)
    assert outsider_client.get(reverse("deals:broker")).status_code == 403
    assert enterprise_client.get(reverse("deals:broker")).status_code == 403
    page = broker_client.get(reverse("deals:broker")).content.decode()
    assert demand.title in page and "认领" in page
    assert outsider_client.post(reverse("deals:claim", args=[demand.pk])).status_code == 403  # brokers only
    assert not hasattr(demand, "assignment") or demand.assignment is None
    broker_client.post(reverse("deals:claim", args=[demand.pk]))
    demand.refresh_from_db()
    assert demand.assignment.broker == broker
    assert outsider_client.post(reverse("deals:assign", args=[demand.pk]), {"broker": broker.pk}).status_code == 403
    assert outsider_client.post(reverse("deals:grade", args=[broker.pk]), {"grade": "senior"}).status_code == 403
    staff_client.post(reverse("deals:grade", args=[broker.pk]), {"grade": "senior"})
    staff_client.post(reverse("deals:assign", args=[demand.pk]), {"broker": broker.pk})
    assert "高级技术经理人" in broker_client.get(reverse("deals:broker")).content.decode()
    assert staff_client.get(reverse("deals:funnel")).status_code == 200
    assert "待分派的技术需求" in staff_client.get(reverse("accounts:workspace")).content.decode()
    assert "技术经理人工作台" in broker_client.get(reverse("accounts:workspace")).content.decode()
    assert "待分派的技术需求" not in outsider_client.get(reverse("accounts:workspace")).content.decode()


def test_listing_pages_and_bids(university_org, outsider, outsider_client, staff_client, client, enterprise_client,
                                enterprise_user):
    listing = open_listing(university_org)
    assert client.get(reverse("deals:listing_detail", args=[listing.pk])).status_code == 200
    outsider_client.post(reverse("deals:listing_register", args=[listing.pk]))
    reg = BidderRegistration.objects.get(organisation=outsider.organisation)
    # An outsider cannot approve itself, close the listing or bid before approval.
    assert outsider_client.post(reverse("deals:registration_decide", args=[reg.pk]),
                                {"trigger": "approve"}).status_code == 403
    assert outsider_client.post(reverse("deals:listing_step", args=[listing.pk]),
                                {"trigger": "close_sold"}).status_code == 403
    # Registered but not yet approved: refused (403), as is a bidder who never registered.
    assert outsider_client.post(reverse("deals:bid", args=[listing.pk]), {"amount": "100000"}).status_code == 403
    assert client.post(reverse("deals:bid", args=[listing.pk]), {"amount": "100000"}).status_code == 302
    assert not listing.bids.exists()
    staff_client.post(reverse("deals:registration_decide", args=[reg.pk]), {"trigger": "approve"})
    outsider_client.post(reverse("deals:bid", args=[listing.pk]), {"amount": "100000"})
    approved(listing, enterprise_user)
    enterprise_client.post(reverse("deals:bid", args=[listing.pk]), {"amount": "103000"})  # below best + step
    listing.refresh_from_db()
    assert listing.current_price == 100000 and listing.bid_count == 1
    assert staff_client.get(reverse("deals:listing_detail", args=[listing.pk])).status_code == 200
    draft = open_listing(university_org, status="draft")
    assert client.get(reverse("deals:listing_detail", args=[draft.pk])).status_code == 404
    assert outsider_client.post(reverse("trade-listing-bid", args=[draft.pk]), {"amount": 1}).status_code == 404


def test_disclosure_public_and_objections(deal, broker, outsider, outsider_client, staff_client, client,
                                          enterprise_client):
    d = pre_deal_disclose(deal=deal, price_yuan=90000, mode="transfer", actor=broker)
    url = reverse("deals:disclosure_detail", args=[d.pk])
    assert client.get(url).status_code == 200 and "90000" in client.get(url).content.decode()
    assert client.post(reverse("deals:objection", args=[d.pk]), {"text": "x"}).status_code == 302
    outsider_client.post(reverse("deals:objection", args=[d.pk]), {"text": "定价偏低"})
    o = d.objections.get()
    # The objection's text is the author's and staff's, not every visitor's.
    assert "定价偏低" not in enterprise_client.get(url).content.decode()
    assert outsider_client.post(reverse("deals:objection_resolve", args=[o.pk]),
                                {"trigger": "uphold", "comment": "x"}).status_code == 403
    staff_client.post(reverse("deals:objection_resolve", args=[o.pk]), {"trigger": "uphold", "comment": "核实后成立"})
    o.refresh_from_db()
    assert o.status == "upheld"


def test_api(deal, outsider_client, enterprise_client, broker_client, client, university_org, outsider):
    assert client.get(reverse("deal-list")).status_code in (401, 403)
    assert outsider_client.get(reverse("deal-list")).json()["count"] == 0
    assert outsider_client.get(reverse("deal-detail", args=[deal.pk])).status_code == 404
    assert enterprise_client.get(reverse("deal-detail", args=[deal.pk])).json()["stage"] == "contacting"
    r = outsider_client.post(reverse("deal-step", args=[deal.pk]), {"trigger": "negotiate"})
    assert r.status_code == 404
    r = broker_client.post(reverse("deal-step", args=[deal.pk]), {"trigger": "negotiate"})
    assert r.status_code == 200 and r.json()["stage"] == "negotiating"
    listing = open_listing(university_org)
    assert client.get(reverse("trade-listing-detail", args=[listing.pk])).json()["minimum_bid"] == 100000
    r = outsider_client.post(reverse("trade-listing-bid", args=[listing.pk]), {"amount": 100000})
    assert r.status_code == 400 and "资格" in r.content.decode()
    approved(listing, outsider)
    assert outsider_client.post(reverse("trade-listing-bid", args=[listing.pk]), {"amount": 100000}).status_code == 201
    bid = listing.bids.get()
    assert client.get(reverse("bid-detail", args=[bid.pk])).json()["amount"] == 100000
    assert "user" not in client.get(reverse("bid-detail", args=[bid.pk])).json()
    deal.refresh_from_db()
    services.deal_transition(deal=deal, trigger="terminate", actor=deal.broker,
                             data={"termination_reason": "lost_contact"})
    with pytest.raises(ApplicationError, match="签约之前"):
        pre_deal_disclose(deal=deal, price_yuan=1, mode="transfer", actor=deal.broker)
    dm, ach = published_pair(deal.enterprise, deal.institute)
    dd = services.deal_open(actor=deal.broker, demand=dm, achievement=ach)
    services.deal_transition(deal=dd, trigger="contact", actor=deal.broker)
    disc = pre_deal_disclose(deal=dd, price_yuan=5, mode="transfer", actor=deal.broker)
    assert client.get(reverse("disclosure-detail", args=[disc.pk])).json()["price_yuan"] == 5
    assert client.post(reverse("disclosure-objection", args=[disc.pk]), {"text": "x"}).status_code in (401, 403)
    assert outsider_client.post(reverse("disclosure-objection", args=[disc.pk]), {"text": "有异议"}).status_code == 201
    assert client.get(reverse("disclosure-list")).json()["count"] == 1
