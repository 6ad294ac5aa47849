from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kechuang.directory.tests.factories import InstrumentFactory
from kechuang.instruments.models import ServiceSettings


def weekday_at(hour: int, minute: int = 0, days_ahead: int = 3) -> dt.datetime:
    """A working weekday at least ``days_ahead`` days from now, at the given local time."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    while day.weekday() > 4:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def shared_instrument(organisation: Any = None, **settings: Any) -> Any:
    kwargs = {"organisation": organisation} if organisation is not None else {}
    inst: Any = InstrumentFactory(**kwargs)
    ServiceSettings.objects.create(instrument=inst, rate_enterprise=300, rate_academic=200, rate_internal=100,
                                   lead_hours=1, **settings)
    return inst
