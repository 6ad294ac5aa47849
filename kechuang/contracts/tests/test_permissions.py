"""Every contracts page and endpoint with who may reach it: parties, registrars, and an outsider (a signed-in user
of an unrelated organisation, or a party of another contract) who is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.contracts import services
from kechuang.contracts.choices import Status
from kechuang.contracts.tests.factories import ContractFactory, draft_for, registrar_user
from kechuang.tests_support.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrar_client():
    c = Client()
    c.force_login(registrar_user())
    return c


@pytest.fixture
def registered(enterprise_org, university_org):
    return ContractFactory(seller_organisation=enterprise_org, buyer_organisation=university_org)


@pytest.fixture
def other_party_client(outsider):
    """A party of ANOTHER contract: the outsider's organisation sells one of its own."""
    ContractFactory(seller_organisation=outsider.organisation)
    c = Client()
    c.force_login(outsider)
    return c


OBJECT_GETS = ["contracts:detail", "contracts:certificate", "contracts:request_change", "contracts:request_cancel"]
OBJECT_POSTS = ["contracts:submit", "contracts:answer_correction", "contracts:objection", "contracts:decide",
                "contracts:decide_request", "contracts:expert_review"]


@pytest.mark.parametrize("name", OBJECT_GETS)
def test_object_pages_refuse_outsider_and_anonymous(client, other_party_client, enterprise_client,
                                                     institution_client, registrar_client, registered, name):
    url = reverse(name, args=[registered.pk])
    assert client.get(url).status_code == 302
    assert other_party_client.get(url).status_code == 404
    assert enterprise_client.get(url).status_code == 200
    if name in ("contracts:detail", "contracts:certificate"):
        assert registrar_client.get(url).status_code == 200
        assert institution_client.get(url).status_code == 200  # the buyer sees its contract
    else:  # change and cancellation are the seller's requests
        assert registrar_client.get(url).status_code == 404
        assert institution_client.get(url).status_code == 404


@pytest.mark.parametrize("name", OBJECT_POSTS)
def test_object_actions_refuse_outsider(client, other_party_client, registered, name):
    url = reverse(name, args=[registered.pk])
    assert client.post(url).status_code == 302
    assert other_party_client.post(url).status_code in (403, 404)
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED and not registered.objection


def test_edit_is_the_sellers_draft_only(enterprise_org, enterprise_client, outsider_client, institution_client,
                                        registrar_client, registered):
    draft = draft_for(enterprise_org)
    url = reverse("contracts:edit", args=[draft.pk])
    assert enterprise_client.get(url).status_code == 200
    assert outsider_client.get(url).status_code == 404
    assert registrar_client.get(url).status_code == 404  # the registrar decides, it does not rewrite
    assert enterprise_client.get(reverse("contracts:edit", args=[registered.pk])).status_code == 404
    assert institution_client.get(reverse("contracts:edit", args=[registered.pk])).status_code == 404


def test_registrar_actions_refuse_the_seller(enterprise_org, enterprise_user, enterprise_client):
    draft = draft_for(enterprise_org)
    services.contract_submit(contract=draft, actor=enterprise_user)
    for name in ("contracts:decide", "contracts:expert_review", "contracts:decide_request"):
        assert enterprise_client.post(reverse(name, args=[draft.pk]), {"decision": "register"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert enterprise_client.get(reverse("contracts:queue")).status_code == 403


def test_queue_orders_by_deadline_and_marks_overdue(enterprise_org, registrar_client):
    import datetime as dt

    late = draft_for(enterprise_org, title="已超期的合同")
    soon = draft_for(enterprise_org, title="期限未到的合同")
    Status_ = Status
    type(late).objects.filter(pk=late.pk).update(status=Status_.SUBMITTED, accepted_on=dt.date(2026, 1, 5),
                                                 deadline_on=dt.date(2026, 1, 26))
    type(soon).objects.filter(pk=soon.pk).update(status=Status_.RESUBMITTED, accepted_on=dt.date(2026, 11, 30),
                                                 deadline_on=dt.date(2099, 12, 31))
    html = registrar_client.get(reverse("contracts:queue")).content.decode()
    assert html.index("已超期的合同") < html.index("期限未到的合同")
    assert "已超期" in html and "其中 1 件已超过认定期限" in html


def test_api_parties_see_their_own_registry_sees_all(client, other_party_client, enterprise_client,
                                                     registrar_client, registered):
    list_url, detail_url = reverse("contract-list"), reverse("contract-detail", args=[registered.pk])
    assert client.get(list_url).status_code in (401, 403)
    assert client.get(detail_url).status_code in (401, 403)
    ids = [r["id"] for r in other_party_client.get(list_url).json()["results"]]
    assert registered.pk not in ids and len(ids) == 1
    assert other_party_client.get(detail_url).status_code == 404
    body = enterprise_client.get(detail_url).json()
    assert body["contract_amount"] == "100000.00" and body["transaction_amount"] == "90000.00"
    assert registrar_client.get(list_url).json()["count"] == 2
    assert client.get(reverse("contract-stats")).status_code == 200  # the public sees the statistics


def test_users_without_organisation_cannot_create(broker_client, client):
    assert broker_client.get(reverse("contracts:create")).status_code == 403
    assert client.get(reverse("contracts:create")).status_code == 302


def test_seller_form_creates_a_draft_and_shows_prechecks(enterprise_org, enterprise_client):
    buyer = OrganisationFactory(region_code="530102")
    response = enterprise_client.post(reverse("contracts:create"), {
        "title": "智能装备视觉检测技术开发", "contract_type": "transfer", "sub_type": "commissioned",
        "technology_field": "advanced_manufacturing", "signed_on": "2026-05-01", "buyer_name": buyer.name,
        "buyer_credit_code": buyer.credit_code, "buyer_country": "中国", "buyer_region_code": "530102",
        "contract_amount": "300000.00", "declared_transaction_amount": "280000.00",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    page = enterprise_client.get(response["Location"]).content.decode()
    assert "提交前检查" in page and "合同子类与合同类型" in page and "请上传合同文本" in page
    assert 'id="submit-contract"' not in page  # no submit button while a pre-check fails
    from kechuang.contracts.models import Contract

    c = Contract.objects.get()
    assert c.buyer_organisation == buyer and c.transaction_amount == Decimal("280000.00")


def test_registrar_without_organisation_lands_on_the_queue(registrar_client):
    assert registrar_client.get(reverse("contracts:mine")).url == reverse("contracts:queue")


def test_buyer_member_of_one_contract_is_outsider_to_another(university_org, enterprise_org):
    mine = ContractFactory(seller_organisation=enterprise_org, buyer_organisation=university_org)
    other = ContractFactory(seller_organisation=OrganisationFactory(), buyer_organisation=OrganisationFactory())
    c = Client()
    c.force_login(UserFactory(role="institution", organisation=university_org))
    assert c.get(reverse("contracts:detail", args=[mine.pk])).status_code == 200
    assert c.get(reverse("contracts:detail", args=[other.pk])).status_code == 404
