"""The registrar's and the seller's actions through the pages (test client): refusal, expert review, change and
cancellation requests and their handling, objections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.contracts import deadlines, services
from kechuang.contracts.choices import Status
from kechuang.contracts.models import Contract
from kechuang.contracts.tests.factories import ContractFactory, draft_for, registrar_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrar_client():
    c = Client()
    c.force_login(registrar_user())
    return c


@pytest.fixture
def submitted(enterprise_org, enterprise_user):
    c = draft_for(enterprise_org)
    services.contract_submit(contract=c, actor=enterprise_user)
    return c


def test_refusal_needs_a_reason_and_is_shown_to_the_seller(registrar_client, enterprise_client, submitted):
    url = reverse("contracts:decide", args=[submitted.pk])
    registrar_client.post(url, {"decision": "refuse", "contract_type": "development", "reason": ""})
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    registrar_client.post(url, {"decision": "refuse", "contract_type": "development", "reason": "seal"})
    submitted.refresh_from_db()
    assert submitted.status == Status.REFUSED
    page = enterprise_client.get(submitted.get_absolute_url()).content.decode()
    assert "不予登记" in page and "未加盖印章或印章与当事人名称不符" in page


def test_expert_review_extends_the_deadline_to_30_working_days(registrar_client, submitted):
    registrar_client.post(reverse("contracts:expert_review", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.expert_review
    assert deadlines.working_days_between(submitted.accepted_on, submitted.deadline_on) == 30


def test_register_with_reclassified_type_and_deductions(registrar_client, submitted):
    registrar_client.post(reverse("contracts:decide", args=[submitted.pk]), {
        "decision": "register", "contract_type": "service", "sub_type": "training",
        "deduction_item_1": "培训场地租金", "deduction_amount_1": "12345.67"})
    submitted.refresh_from_db()
    assert submitted.status == Status.REGISTERED and submitted.contract_type == "service"
    assert submitted.transaction_amount == Decimal("100000.00") - Decimal("12345.67")
    assert submitted.deductions == [{"item": "培训场地租金", "amount": "12345.67"}]


def test_change_then_cancel_through_the_pages(enterprise_org, enterprise_client, registrar_client, client):
    c = ContractFactory(seller_organisation=enterprise_org, registered_on=dt.date(2026, 5, 5))
    before = client.get("/api/contracts/stats/", {"year": 2026}).json()["total"]
    enterprise_client.post(reverse("contracts:request_change", args=[c.pk]),
                           {"reason": "补充协议增加价款", "contract_amount": "150000.00"})
    c.refresh_from_db()
    assert c.status == Status.CHANGE_PENDING and c.pending_change == {"contract_amount": "150000.00"}
    registrar_client.post(reverse("contracts:decide_request", args=[c.pk]), {"action": "approve"})
    c.refresh_from_db()
    assert c.status == Status.CHANGED and c.contract_amount == Decimal("150000.00")
    mid = client.get("/api/contracts/stats/", {"year": 2026}).json()["total"]
    assert Decimal(mid["contract_amount"]) - Decimal(before["contract_amount"]) == Decimal("50000.00")
    enterprise_client.post(reverse("contracts:request_cancel", args=[c.pk]), {"reason": "合同解除"})
    registrar_client.post(reverse("contracts:decide_request", args=[c.pk]), {"action": "decline", "reason": ""})
    c.refresh_from_db()
    assert c.status == Status.CANCEL_PENDING  # declining needs a reason
    registrar_client.post(reverse("contracts:decide_request", args=[c.pk]), {"action": "approve"})
    c.refresh_from_db()
    assert c.status == Status.CANCELLED
    after = client.get("/api/contracts/stats/", {"year": 2026}).json()["total"]
    assert after["count"] == before["count"] - 1


def test_buyer_raises_an_objection_outsider_cannot(enterprise_org, university_org, institution_client,
                                                   outsider_client):
    c = ContractFactory(seller_organisation=enterprise_org, buyer_organisation=university_org)
    assert outsider_client.post(reverse("contracts:objection", args=[c.pk]), {"text": "x"}).status_code == 404
    institution_client.post(reverse("contracts:objection", args=[c.pk]), {"text": "技术交易额偏高"})
    assert "技术交易额偏高" in Contract.objects.get(pk=c.pk).objection
