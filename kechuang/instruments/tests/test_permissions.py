"""Outsiders are refused; nobody sees another organisation's booking purposes (pages and API)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kechuang.instruments import services
from kechuang.instruments.models import SubsidyClaim, SubsidyScheme
from kechuang.instruments.services import Request
from kechuang.instruments.tests.helpers import shared_instrument, weekday_at
from kechuang.tests_support.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(enterprise_user):
    provider = UserFactory(organisation=OrganisationFactory(kind="university"))
    inst = shared_instrument(organisation=provider.organisation)
    b = services.book(actor=enterprise_user, requests=[Request(inst, weekday_at(9), weekday_at(10))],
                      purpose="机密配方的形貌表征")[0]
    b.provider_user = provider
    return b


def test_calendar_hides_other_organisations_purpose(booking, client, outsider_client, enterprise_client):
    url = reverse("instruments:calendar", args=[booking.instrument_id]) + f"?week={weekday_at(9).date()}"
    for c in (client, outsider_client):
        page = c.get(url).content.decode()
        assert "已预约" in page and "机密配方" not in page
    assert "机密配方" in enterprise_client.get(url).content.decode()


def test_booking_pages_refuse_outsider(booking, outsider_client, enterprise_client):
    pk = booking.pk
    assert outsider_client.get(reverse("instruments:booking_detail", args=[pk])).status_code == 404
    assert outsider_client.post(reverse("instruments:booking_transition", args=[pk]),
                                {"trigger": "cancel"}).status_code == 404
    assert outsider_client.post(reverse("instruments:booking_rate", args=[pk]), {"rating": 5}).status_code == 404
    assert enterprise_client.get(reverse("instruments:booking_detail", args=[pk])).status_code == 200
    assert outsider_client.get(reverse("instruments:settings", args=[booking.instrument_id])).status_code == 403
    assert outsider_client.get(reverse("instruments:book", args=[booking.instrument_id])).status_code == 200


def test_book_page_needs_login(booking, client):
    assert client.get(reverse("instruments:book", args=[booking.instrument_id])).status_code == 302


def test_claim_actions_are_bureau_only(booking, outsider_client):
    scheme = SubsidyScheme.objects.create(name="先用后补", year=timezone.localdate().year, budget_amount=10_000)
    claim = SubsidyClaim.objects.create(scheme=scheme, booking=booking, organisation=booking.organisation,
                                        provider=booking.instrument.organisation, usage_amount=300, user_amount=60,
                                        provider_amount=60)
    for name in ("instruments:claim_decide", "instruments:claim_pay"):
        assert outsider_client.post(reverse(name, args=[claim.pk]), {"decision": "approve"}).status_code == 403
    assert outsider_client.get(reverse("instrument-claim-detail", args=[claim.pk])).status_code == 404
    assert outsider_client.get(reverse("instrument-bill-detail", args=[booking.pk])).status_code == 404


def test_api_outsider_sees_nothing_and_clash_is_409(booking, outsider_client, enterprise_client):
    assert outsider_client.get("/api/instrument-bookings/").json()["count"] == 0
    assert outsider_client.get(f"/api/instrument-bookings/{booking.pk}/").status_code == 404
    assert "机密配方" not in outsider_client.get("/api/instrument-bills/").content.decode()
    assert enterprise_client.get(f"/api/instrument-bookings/{booking.pk}/").json()["purpose"] == "机密配方的形貌表征"
    r = outsider_client.post("/api/instrument-bookings/", {
        "instrument": booking.instrument_id, "start": weekday_at(9, 30).isoformat(),
        "end": weekday_at(10, 30).isoformat(), "purpose": "测试"}, content_type="application/json")
    assert r.status_code == 409
    assert "已被占用" in r.json()["start"][0] and "机密配方" not in r.content.decode()
    r = outsider_client.post("/api/instrument-bookings/", {
        "instrument": booking.instrument_id, "start": weekday_at(10).isoformat(),
        "end": weekday_at(11).isoformat(), "purpose": "测试"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
