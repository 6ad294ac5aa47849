"""Charges of a booking: the usage charge (by booking, by actual use, or booked time with overrun charged) and
the cancellation fee by how late the cancellation comes. Pure arithmetic on the booking and its settings."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from kechuang.instruments.choices import ChargeBasis


def _minutes(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, math.ceil((end - start).total_seconds() / 60))


def charged_minutes(basis: str, booked: int, actual: int) -> int:
    if basis == ChargeBasis.BOOKED:
        return booked
    if basis == ChargeBasis.ACTUAL:
        return actual
    return max(booked, actual)  # GREATER: the booked time is owed, an overrun is charged on top


def hours_amount(minutes: int, rate: int) -> int:
    return math.ceil(minutes * rate / 60)


def usage_charge(booking: Any) -> tuple[int, int]:
    """(charged minutes, amount in yuan) of a used booking: machine time + samples × per-sample price."""
    settings = booking.instrument.service
    booked = _minutes(booking.start, booking.end)
    actual = _minutes(booking.actual_start, booking.actual_end) if booking.actual_start and booking.actual_end else 0
    minutes = charged_minutes(settings.charge_basis, booked, actual)
    amount = hours_amount(minutes, booking.hourly_rate)
    if booking.service_id:
        amount += booking.samples * booking.service.price_per_sample
    return minutes, amount


def booked_amount(booking: Any) -> int:
    return hours_amount(_minutes(booking.start, booking.end), booking.hourly_rate)


def cancellation_fee(booking: Any, now: dt.datetime) -> int:
    """Free until ``free_cancel_hours`` before the start; then ``late_cancel_percent`` of the booked charge; within
    ``very_late_cancel_hours`` (or after the start) ``very_late_cancel_percent``. A request never approved is free."""
    from kechuang.instruments.choices import BookingStatus

    if booking.status == BookingStatus.PENDING:
        return 0
    s = booking.instrument.service
    left = (booking.start - now).total_seconds() / 3600
    if left >= s.free_cancel_hours:
        return 0
    percent = s.very_late_cancel_percent if left < s.very_late_cancel_hours else s.late_cancel_percent
    return math.ceil(booked_amount(booking) * percent / 100)
