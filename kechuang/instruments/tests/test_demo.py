from __future__ import annotations

import io

import pytest

from kechuang.directory.tests.factories import InstrumentFactory
from kechuang.instruments import demo
from kechuang.instruments.choices import BookingStatus, ClaimStatus
from kechuang.instruments.models import Booking, SubsidyClaim
from kechuang.tests_support.factories import OrganisationFactory, UserFactory


@pytest.mark.django_db
def test_demo_has_every_state_and_one_flagged_claim():
    lab = OrganisationFactory(name=demo.LAB, kind="university")
    UserFactory(username="institution", organisation=lab)
    UserFactory(username="enterprise", organisation=OrganisationFactory())
    InstrumentFactory(organisation=lab)
    demo.load(io.StringIO())
    demo.load(io.StringIO())  # idempotent
    assert set(Booking.objects.values_list("status", flat=True)) == set(BookingStatus.values)
    assert SubsidyClaim.objects.filter(status=ClaimStatus.FLAGGED).count() == 1
    assert SubsidyClaim.objects.filter(status=ClaimStatus.COMPUTED).count() == 1
