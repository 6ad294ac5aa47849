from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kechuang.core.exceptions import ApplicationError
from kechuang.instruments import services, subsidy
from kechuang.instruments.choices import ClaimStatus
from kechuang.instruments.models import Affiliation, SubsidyPayout, SubsidyScheme
from kechuang.instruments.services import Request
from kechuang.instruments.tests.helpers import shared_instrument, weekday_at
from kechuang.tests_support.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _used_and_settled(customer, provider, inst, start_hour=9, end=(11, 0)):
    b = services.book(actor=customer, requests=[Request(inst, weekday_at(start_hour), weekday_at(*end))],
                      purpose="材料表征")[0]
    b = services.booking_transition(booking=b, trigger="approve", actor=provider)
    b.start, b.end = b.start - timezone.timedelta(days=14), b.end - timezone.timedelta(days=14)
    b.save()
    b = services.booking_transition(booking=b, trigger="record_use", actor=provider, data={
        "actual_start": timezone.localtime(b.start).strftime("%Y-%m-%d %H:%M"),
        "actual_end": timezone.localtime(b.end).strftime("%Y-%m-%d %H:%M")})
    return services.booking_transition(booking=b, trigger="settle", actor=provider)


@pytest.fixture
def setup(enterprise_user):
    provider = UserFactory(organisation=OrganisationFactory(kind="university"))
    inst = shared_instrument(organisation=provider.organisation)
    scheme = SubsidyScheme.objects.create(name="大型仪器先用后补", year=timezone.localdate().year, budget_amount=1000,
                                          min_instrument_value=1_000_000)
    return enterprise_user, provider, inst, scheme


def test_claim_is_computed_from_use_and_paid_from_budget(setup, staff_user):
    customer, provider, inst, scheme = setup
    b = _used_and_settled(customer, provider, inst)
    claim = b.claim
    assert b.amount == 600 and claim.user_amount == 120 and claim.provider_amount == 120
    assert claim.status == ClaimStatus.COMPUTED, claim.flags
    with pytest.raises(ApplicationError):
        subsidy.pay(claim=claim, actor=staff_user)  # not decided yet
    subsidy.decide(claim=claim, approve=True, reason="", actor=staff_user)
    subsidy.pay(claim=claim, actor=staff_user)
    scheme.refresh_from_db()
    assert scheme.paid_total == 240 and SubsidyPayout.objects.get().amount == 240


def test_budget_never_overdrawn(setup, staff_user):
    customer, provider, inst, scheme = setup
    claim = _used_and_settled(customer, provider, inst).claim
    SubsidyScheme.objects.filter(pk=scheme.pk).update(budget_amount=100)
    subsidy.decide(claim=claim, approve=True, reason="", actor=staff_user)
    with pytest.raises(ApplicationError, match="预算不足"):
        subsidy.pay(claim=claim, actor=staff_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubsidyScheme.objects.filter(pk=scheme.pk).update(paid_total=101)


def test_affiliated_pair_is_flagged_and_needs_a_reason(setup, staff_user):
    customer, provider, inst, scheme = setup
    Affiliation.objects.create(organisation=customer.organisation, actual_controller="滇中控股集团")
    Affiliation.objects.create(organisation=provider.organisation, actual_controller="滇中控股集团")
    claim = _used_and_settled(customer, provider, inst).claim
    assert claim.status == ClaimStatus.FLAGGED
    assert any("实际控制人" in f for f in claim.flags)
    with pytest.raises(ApplicationError, match="审核意见"):
        subsidy.decide(claim=claim, approve=False, reason="", actor=staff_user)
    claim = subsidy.decide(claim=claim, approve=False, reason="关联交易不予补贴", actor=staff_user)
    assert claim.status == ClaimStatus.REFUSED


def test_caps_per_organisation(setup):
    customer, provider, inst, scheme = setup
    SubsidyScheme.objects.filter(pk=scheme.pk).update(cap_per_organisation=150)
    claim = _used_and_settled(customer, provider, inst).claim
    assert (claim.user_amount, claim.provider_amount) == (120, 30)


def test_internal_use_makes_no_claim(setup):
    _, provider, inst, _ = setup
    b = _used_and_settled(provider, provider, inst)
    assert not hasattr(b, "claim") or b.claim is None
