from __future__ import annotations

import io

import pytest

from kechuang.accounts import demo as accounts_demo
from kechuang.accounts.demo import DEMO_ENTERPRISE, DEMO_UNIVERSITY, demo_organisation
from kechuang.contracts.tests.factories import ContractFactory
from kechuang.deals import demo
from kechuang.deals.choices import Stage
from kechuang.deals.models import Deal, Disclosure, TradeListing
from kechuang.market.choices import Status
from kechuang.market.tests.factories import AchievementFactory, DemandFactory

pytestmark = pytest.mark.django_db


def test_demo_has_every_stage_and_role_sees_its_part():
    accounts_demo.load(io.StringIO())
    ent, uni = demo_organisation(DEMO_ENTERPRISE), demo_organisation(DEMO_UNIVERSITY)
    for _ in range(3):
        DemandFactory(organisation=ent, status=Status.PUBLISHED)
    for _ in range(8):
        AchievementFactory(owner=uni, status=Status.PUBLISHED)
    ContractFactory(seller_organisation=uni, buyer_organisation=ent)
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    assert set(Deal.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Disclosure.objects.filter(kind="pre_deal").exists() and Disclosure.objects.filter(listing__isnull=False)
    assert set(TradeListing.objects.values_list("status", flat=True)) == {"open", "sold"}
    from kechuang.accounts.models import User

    broker, enterprise = User.objects.get(username="broker"), User.objects.get(username="enterprise")
    assert Deal.objects.restrict(broker).count() == 6
    assert Deal.objects.restrict(enterprise).count() >= 6
    assert broker.broker_profile.get_grade_display() == "中级"
    from kechuang.deals import events
    from kechuang.deals.models import MatchEvent

    past = MatchEvent.objects.get(title__contains="智能制造")
    assert events.statistics(past)["deals"] == 1 and MatchEvent.objects.count() == 2
