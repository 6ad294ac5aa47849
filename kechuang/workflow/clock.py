"""The platform's "today" and "now" for workflows, in one place.

Deadlines, publicity periods and the sweep ask this module, never ``date.today()``: a test (or a rehearsal on a
copy of the data) moves the clock by replacing these two functions, and every page and service sees the same day.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())
