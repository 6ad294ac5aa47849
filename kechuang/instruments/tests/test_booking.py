from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from kechuang.core.exceptions import ApplicationError
from kechuang.instruments import charges, services
from kechuang.instruments.choices import BookingStatus, ChargeBasis
from kechuang.instruments.models import Booking, cost_recovery_hourly_rate
from kechuang.instruments.services import Request, SlotTaken
from kechuang.instruments.tests.helpers import shared_instrument, weekday_at
from kechuang.tests_support.factories import OrganisationFactory, UserFactory
from kechuang.workflow import clock, deadlines

pytestmark = pytest.mark.django_db


def _book(user, inst, start, end, purpose="测试样品形貌"):
    return services.book(actor=user, requests=[Request(inst, start, end)], purpose=purpose)[0]


def test_cost_recovery_rate():
    assert cost_recovery_hourly_rate(4_800_000, 8, 1600) == 375
    assert cost_recovery_hourly_rate(1_000_001, 10, 1000) == 101  # rounded up
    with pytest.raises(ValueError):
        cost_recovery_hourly_rate(0, 8, 1600)


def test_overlap_is_refused_naming_the_slot(enterprise_user, outsider):
    inst = shared_instrument()
    _book(enterprise_user, inst, weekday_at(9), weekday_at(10))
    with pytest.raises(SlotTaken) as exc:
        _book(outsider, inst, weekday_at(9, 30), weekday_at(11))
    assert "已被占用" in exc.value.message and "09:00–10:00" in exc.value.message
    assert "形貌" not in exc.value.message  # the other organisation's purpose is never said
    # back to back is fine
    assert _book(outsider, inst, weekday_at(10), weekday_at(11)).status == BookingStatus.PENDING


def test_refused_slot_is_free_again(enterprise_user, outsider):
    inst = shared_instrument(organisation=outsider.organisation)
    b = _book(enterprise_user, inst, weekday_at(9), weekday_at(10))
    services.booking_transition(booking=b, trigger="refuse", actor=outsider, data={"reason": "设备检修"})
    assert _book(UserFactory(organisation=OrganisationFactory()), inst, weekday_at(9), weekday_at(10))


def test_rules_of_the_instrument(enterprise_user):
    inst = shared_instrument(min_minutes=60)
    with pytest.raises(ApplicationError, match="至少预约 60 分钟"):
        _book(enterprise_user, inst, weekday_at(9), weekday_at(9, 30))
    with pytest.raises(ApplicationError, match="开放时间"):
        _book(enterprise_user, inst, weekday_at(12), weekday_at(13))
    with pytest.raises(ApplicationError, match="30 分钟为单位"):
        _book(enterprise_user, inst, weekday_at(9, 10), weekday_at(10, 10))


def test_several_instruments_all_or_nothing(enterprise_user, outsider):
    a, b = shared_instrument(), shared_instrument()
    _book(outsider, b, weekday_at(9), weekday_at(10))
    with pytest.raises(SlotTaken):
        services.book(actor=enterprise_user, purpose="联合测试",
                      requests=[Request(a, weekday_at(9), weekday_at(10)), Request(b, weekday_at(9), weekday_at(10))])
    assert not Booking.objects.filter(instrument=a).exists()
    made = services.book(actor=enterprise_user, purpose="联合测试",
                         requests=[Request(a, weekday_at(9), weekday_at(10)), Request(b, weekday_at(10), weekday_at(11))])
    assert len(made) == 2 and made[0].group == made[1].group != ""


def test_use_charge_and_overrun(enterprise_user):
    provider = UserFactory(organisation=OrganisationFactory(kind="university"))
    inst = shared_instrument(organisation=provider.organisation, charge_basis=ChargeBasis.GREATER)
    b = _book(enterprise_user, inst, weekday_at(9), weekday_at(10))
    assert b.price_group == "enterprise" and b.hourly_rate == 300
    b = services.booking_transition(booking=b, trigger="approve", actor=provider)
    b.actual_start, b.actual_end = weekday_at(9), weekday_at(10, 30)
    assert charges.usage_charge(b) == (90, 450)  # 30 minutes over: charged on top
    b.actual_end = weekday_at(9, 20)
    assert charges.usage_charge(b) == (60, 300)  # shorter use still pays the booked hour


def test_cancellation_fee_by_lateness(enterprise_user):
    provider = UserFactory(organisation=OrganisationFactory())
    inst = shared_instrument(organisation=provider.organisation)
    b = _book(enterprise_user, inst, weekday_at(9), weekday_at(11))
    b = services.booking_transition(booking=b, trigger="approve", actor=provider)
    assert charges.cancellation_fee(b, b.start - dt.timedelta(hours=72)) == 0
    assert charges.cancellation_fee(b, b.start - dt.timedelta(hours=10)) == 300  # 50 % of 600
    assert charges.cancellation_fee(b, b.start - dt.timedelta(hours=1)) == 600
    b = services.booking_transition(booking=b, trigger="cancel", actor=enterprise_user)
    assert b.status == BookingStatus.CANCELLED


def test_instant_booking_and_no_show_deadline(enterprise_user, monkeypatch):
    inst = shared_instrument(approval_required=False, no_show_grace_hours=2)
    b = _book(enterprise_user, inst, weekday_at(9), weekday_at(10))
    assert b.status == BookingStatus.APPROVED
    row = deadlines.pending_for(b).get()
    assert row.due_at == weekday_at(12)
    assert deadlines.sweep(weekday_at(11, 59))["transitions"] == 0
    monkeypatch.setattr(clock, "now", lambda: weekday_at(12, 1))
    assert deadlines.sweep(weekday_at(12, 1))["transitions"] == 1
    b.refresh_from_db()
    assert b.status == BookingStatus.NO_SHOW and b.cancel_fee == 300


def test_outsider_cannot_approve(enterprise_user, outsider):
    inst = shared_instrument()
    b = _book(enterprise_user, inst, weekday_at(9), weekday_at(10))
    with pytest.raises(ApplicationError, match="没有权限"):
        services.booking_transition(booking=b, trigger="approve", actor=outsider)


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_one_wins():
    inst = shared_instrument()
    users = [UserFactory(organisation=OrganisationFactory()) for _ in range(6)]
    results: list[str] = []
    barrier = threading.Barrier(len(users))

    def attempt(u):
        try:
            barrier.wait()
            _book(u, inst, weekday_at(9), weekday_at(10))
            results.append("won")
        except SlotTaken as exc:
            results.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("won") == 1, results
    assert all("已被占用" in r for r in results if r != "won")
    assert Booking.objects.filter(instrument=inst).count() == 1


def test_database_refuses_an_overlap_that_bypasses_the_service(enterprise_user, outsider):
    """PostgreSQL: the exclusion constraint of migration 0002 refuses it even without the service's lock; a
    refused booking does not hold its slot. (SQLite has no such constraint: the service's lock is the guarantee.)"""
    from django.db import IntegrityError, transaction

    inst = shared_instrument()
    first = _book(enterprise_user, inst, weekday_at(9), weekday_at(10))
    fields = {"instrument": inst, "organisation": outsider.organisation, "purpose": "绕过服务", "price_group": "enterprise",
              "hourly_rate": 300, "start": weekday_at(9, 30), "end": weekday_at(10, 30)}
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            Booking.objects.create(**fields)
        Booking.objects.filter(pk=first.pk).update(status=BookingStatus.REFUSED)
    assert Booking.objects.create(**fields).pk
