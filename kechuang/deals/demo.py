"""Demo data of the deal pipeline (fictional, idempotent): the demo broker (中级) with an assigned demand and one
deal at every stage between the demo enterprise and the demo university, a pre-deal disclosure, broker feedback
for the funnel, an open listing with two approved bidders, and a sold listing with its disclosure."""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from kechuang.accounts.demo import DEMO_ENTERPRISE, DEMO_UNIVERSITY, demo_organisation
from kechuang.accounts.models import User
from kechuang.contracts.choices import COUNTED
from kechuang.contracts.models import Contract
from kechuang.core.validators import make_credit_code
from kechuang.deals import disclosure, services
from kechuang.deals.choices import RegistrationStatus
from kechuang.deals.models import Bid, BidderRegistration, Deal, Disclosure, TradeListing
from kechuang.deals.workflow import LISTING_WORKFLOW
from kechuang.directory.choices import AccountStatus, OrganisationKind
from kechuang.directory.models import Organisation
from kechuang.market.choices import Status as MarketStatus
from kechuang.market.models import Achievement, Demand, MatchFeedback
from kechuang.workflow.engine import transition

BIDDERS = [("滇南精工机械有限公司", "91530112MA6Q0B017"), ("云岭新材科技有限公司", "91530102MA6Q0C018")]


DEPENDS_ON = ("directory", "accounts", "market", "policies", "contracts", "scores")  # their demo data loads first (the order kechuang/demo.py used)

def _bidder_org(name: str, code: str) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        credit_code=make_credit_code(code[:17]),
        defaults={"name": name, "kind": OrganisationKind.ENTERPRISE, "region_code": "530112",
                  "status": AccountStatus.APPROVED})
    return org


def _bidder_user(username: str, org: Organisation) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={
        "display_name": f"{org.name} 竞买人", "role": "enterprise", "organisation": org})
    if created:
        from kechuang.accounts.demo import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def load(out: TextIO) -> None:
    if Deal.objects.exists():
        out.write("商洽演示数据已存在，跳过。\n")
        return
    broker = User.objects.filter(username="broker").first()
    staff = User.objects.filter(username="staff").first()
    if broker is None or staff is None:
        return
    ent, uni = demo_organisation(DEMO_ENTERPRISE), demo_organisation(DEMO_UNIVERSITY)
    published = {"status": MarketStatus.PUBLISHED}
    demands = list(Demand.objects.filter(organisation=ent, **published)[:3]) or list(
        Demand.objects.filter(**published)[:3])
    achievements = list(Achievement.objects.filter(owner=uni, **published)[:8]) or list(
        Achievement.objects.filter(owner__isnull=False, **published)[:8])
    if not demands or len(achievements) < 8:
        out.write("市场演示数据不足，跳过商洽演示数据。\n")
        return
    services.broker_grade_set(broker=broker, grade="intermediate", actor=staff)
    services.demand_assign(demand=demands[0], broker=broker, actor=staff)
    steps = {"intent": [], "contacting": ["contact"], "negotiating": ["contact", "negotiate"],
             "signed": ["contact", "negotiate", "sign"], "registered": ["contact", "negotiate", "sign"],
             "terminated": ["contact", "terminate"]}
    sign = {"mode": "licence", "pricing": "listed", "price_yuan": "380000"}
    for i, (stage, triggers) in enumerate(steps.items()):
        demand, achievement = demands[i % len(demands)], achievements[i]
        MatchFeedback.objects.create(demand=demand, target_kind="achievement", target_id=str(achievement.pk),
                                     verdict="useful" if i % 2 else "contacted", rank=1 + i % 4, author=broker)
        deal = services.deal_open(actor=broker, demand=demand, achievement=achievement, origin="match",
                                  match_rank=1 + i % 4)
        for t in triggers:
            data = sign if t == "sign" else {"termination_reason": "price"} if t == "terminate" else {}
            services.deal_transition(deal=deal, trigger=t, actor=broker, data=data)
        services.note_add(deal=deal, actor=broker, text="已与双方电话沟通，确认合作意向和技术参数。",
                          next_action="组织双方实地考察", next_action_on=timezone.localdate() + dt.timedelta(days=7 - 3 * i))
        if stage == "negotiating":
            disclosure.pre_deal_disclose(deal=deal, price_yuan=260000, mode="transfer", actor=broker)
        if stage == "registered":
            contract = Contract.objects.filter(seller_organisation=uni, status__in=COUNTED).first() or \
                Contract.objects.filter(buyer_organisation=ent, status__in=COUNTED).first()
            if contract is not None:
                Deal.objects.filter(pk=deal.pk).update(contract=contract)
                deal.refresh_from_db()
                services.deal_transition(deal=deal, trigger="register", actor=broker)
    for a in achievements[6:7]:
        MatchFeedback.objects.create(demand=demands[0], target_kind="achievement", target_id=str(a.pk),
                                     verdict="not_useful", rank=5, author=broker)
    _listings(achievements[6], achievements[7], staff, out)
    _event(ent, uni, demands[0], achievements[0], staff)
    out.write(f"商洽演示数据：{Deal.objects.count()} 件商洽，{Disclosure.objects.count()} 条公示，"
              f"{TradeListing.objects.count()} 项挂牌。\n")


def _listings(open_one: Any, sold_one: Any, staff: Any, out: TextIO) -> None:
    now = timezone.now()
    users = [_bidder_user(f"bidder{i + 1}", _bidder_org(n, c)) for i, (n, c) in enumerate(BIDDERS)]
    live = TradeListing.objects.create(achievement=open_one, reserve_price=500_000, deposit=50_000, step=10_000,
                                       starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=10),
                                       extension_minutes=5, created_by=staff)
    transition(live, LISTING_WORKFLOW, "publish", actor=staff)
    for u in users:
        BidderRegistration.objects.create(listing=live, organisation_id=u.organisation_id or 0, user=u,
                                          status=RegistrationStatus.APPROVED)
    from kechuang.deals import trading

    trading.place_bid(listing_id=live.pk, amount=500_000, actor=users[0])
    trading.place_bid(listing_id=live.pk, amount=520_000, actor=users[1])
    sold = TradeListing.objects.create(achievement=sold_one, reserve_price=300_000, deposit=30_000, step=5_000,
                                       starts_at=now - dt.timedelta(days=20), ends_at=now + dt.timedelta(days=1),
                                       extension_minutes=5, created_by=staff)
    transition(sold, LISTING_WORKFLOW, "publish", actor=staff)
    for u in users:
        BidderRegistration.objects.create(listing=sold, organisation_id=u.organisation_id or 0, user=u,
                                          status=RegistrationStatus.APPROVED)
    trading.place_bid(listing_id=sold.pk, amount=300_000, actor=users[1])
    trading.place_bid(listing_id=sold.pk, amount=345_000, actor=users[0])
    TradeListing.objects.filter(pk=sold.pk).update(ends_at=now - dt.timedelta(days=2))
    sold.refresh_from_db()
    transition(sold, LISTING_WORKFLOW, "close_sold", actor=staff)
    assert Bid.objects.filter(listing=sold).count() == 2


def _event(ent: Organisation, uni: Organisation, demand: Demand, achievement: Achievement, staff: Any) -> None:
    """A past 校企双进·找矿挖宝 session whose one meeting became the 意向 deal, and an upcoming one."""
    from kechuang.deals.models import EventRegistration, MatchEvent, Meeting

    now = timezone.now()
    past = MatchEvent.objects.create(title="校企双进·找矿挖宝（智能制造专场）", theme="高校成果与企业需求面对面",
                                     starts_at=now - dt.timedelta(days=5), place="呈贡科创中心", created_by=staff)
    MatchEvent.objects.create(title="校企双进·找矿挖宝（高原特色农业专场）", theme="冷链、分选与加工技术",
                              starts_at=now + dt.timedelta(days=14), place="线上", online=True, created_by=staff)
    users = {u.organisation_id: u for u in User.objects.filter(organisation__in=[ent, uni])}
    if ent.pk not in users or uni.pk not in users:
        return
    seeker = EventRegistration.objects.create(event=past, organisation=ent, user=users[ent.pk], demand=demand,
                                              seeks="智能装备关键技术", checked_in_at=past.starts_at)
    holder = EventRegistration.objects.create(event=past, organisation=uni, user=users[uni.pk],
                                              brings="高校科技成果", checked_in_at=past.starts_at)
    deal = Deal.objects.filter(demand=demand, achievement=achievement).first()
    Meeting.objects.create(event=past, seeker=seeker, holder=holder, demand=demand, achievement=achievement, slot=1,
                           starts_at=past.starts_at, relevance_band="高", outcome="intent", deal=deal)
