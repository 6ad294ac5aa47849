"""Issue 13: achievements and demands that led to a registered technology contract link to it — for the contract's
parties and the registry; anyone else learns only how many there are (the public sees statistics only)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from kechuang.contracts.choices import Status
from kechuang.contracts.tests.factories import ContractFactory, registrar_user
from kechuang.deals import services as deal_services
from kechuang.deals.tests.factories import published_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(enterprise_org, university_org):
    return published_pair(enterprise_org, university_org)


def _contract(seller, buyer, **kwargs):
    return ContractFactory(seller_organisation=seller, seller_name=seller.name, buyer_organisation=buyer,
                           buyer_name=buyer.name, title="滇中精密减速器联合开发合同", registration_number="2026530102000123",
                           contract_amount=Decimal("1234567.80"), **kwargs)


def test_achievement_page_lists_its_contract_for_a_party_and_only_a_count_for_an_outsider(
        pair, enterprise_org, university_org, institution_client, outsider_client):
    _, achievement = pair
    contract = _contract(university_org, enterprise_org, achievement=achievement)
    ContractFactory(achievement=achievement, status=Status.DRAFT, registered_on=None, registration_number=None,
                    title="尚未登记的草稿合同")  # not registered: on nobody's page
    url = achievement.get_absolute_url()

    page = institution_client.get(url).content.decode()
    assert "促成的技术合同" in page
    assert "2026530102000123" in page and "滇中精密减速器联合开发合同" in page and "1,234,567.80 元" in page
    assert "2026-04-01" in page and contract.get_absolute_url() in page
    assert "尚未登记的草稿合同" not in page

    for client in (outsider_client, Client()):
        page = client.get(url).content.decode()
        assert "本成果已促成 1 份已认定登记的技术合同" in page
        for secret in ("2026530102000123", "滇中精密减速器联合开发合同", "1,234,567.80", contract.get_absolute_url()):
            assert secret not in page
        assert client.get(contract.get_absolute_url()).status_code in (302, 404)  # the link would not open anyway


def test_demand_page_shows_a_contract_reached_through_a_deal(pair, broker, enterprise_org, university_org,
                                                            enterprise_user, enterprise_client, outsider_client):
    demand, achievement = pair
    deal = deal_services.deal_open(actor=broker, demand=demand, achievement=achievement)
    contract = _contract(university_org, enterprise_org)  # names no source itself: the deal links it
    deal_services.contract_link(deal=deal, contract=contract, actor=enterprise_user)
    page = enterprise_client.get(demand.get_absolute_url()).content.decode()
    assert "本需求促成的已认定登记技术合同" in page and "2026530102000123" in page
    assert contract.get_absolute_url() in page
    page = outsider_client.get(demand.get_absolute_url()).content.decode()
    assert "本需求已促成 1 份已认定登记的技术合同" in page and "2026530102000123" not in page

    # A cancelled registration no longer counts anywhere.
    type(contract).objects.filter(pk=contract.pk).update(status=Status.CANCELLED)
    assert "促成的技术合同" not in enterprise_client.get(demand.get_absolute_url()).content.decode()


def test_the_registry_sees_every_linked_contract(pair, enterprise_org, university_org):
    _, achievement = pair
    _contract(university_org, enterprise_org, achievement=achievement)
    client = Client()
    client.force_login(registrar_user())
    page = client.get(achievement.get_absolute_url()).content.decode()
    assert "2026530102000123" in page and "另有" not in page
