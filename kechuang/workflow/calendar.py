"""Working days in mainland China: statutory holidays and 调休 (weekend days that are worked).

Two sources, in this order:

1. ``HolidayDay`` rows entered by the bureau in the admin (one row per holiday or 调休上班 day). They win over the
   package date by date, so a correction can be made without a release.
2. The ``chinese-calendar`` package for the years it ships (2004–2026 in 1.11); for a later year, the rows alone,
   once a ``HolidayYear`` row says the year's arrangement is entered completely (before that, a half-entered year
   must not count as known).

A year that neither source knows raises ``CalendarUnknownYear`` with a Chinese message: treating an unknown year
as "every weekday works" would silently move every deadline that crosses a holiday.

The arithmetic (``WorkingDayCalendar``) imports nothing from Django; the module-level functions use a calendar
built from the database rows, cached per process and dropped when a row is saved (signals in ``apps.py``) or after
``_CACHE_SECONDS`` so that another process's edits are seen too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

import chinese_calendar

from kechuang.core.exceptions import ApplicationError


class CalendarUnknownYear(ApplicationError):
    """The calendar has no holiday arrangement for this year.

    An ``ApplicationError`` (plain Python, no Django), so a page whose step needs the date shows the message."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"系统尚未录入 {year} 年的法定节假日和调休安排，无法计算工作日。"
            f"请管理员在后台“节假日与调休”中录入 {year} 年的安排，并在“已录入完整的年份”中登记该年。"
        )


# A lookup answers "is this date a working day?" for one source, or None when the source does not know the year.
Lookup = Callable[[date], bool | None]


def package_lookup(d: date) -> bool | None:
    """The ``chinese-calendar`` answer, or None for a year the installed package does not ship."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return None


class WorkingDayCalendar:
    """Working-day arithmetic over a set of known years.

    ``overrides`` maps a date to True (调休上班: a weekend day that is worked) or False (a holiday);
    ``complete_years`` are the years whose overrides are complete, so that an unlisted date in them is a working
    day exactly when it is Monday to Friday. Any other date not overridden is asked of ``fallback`` (the package).
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None, complete_years: Iterable[int] = (),
                 fallback: Lookup = package_lookup) -> None:
        self.overrides = dict(overrides or {})
        self.complete_years = frozenset(complete_years)
        self.fallback = fallback

    def is_working_day(self, d: date) -> bool:
        complete = d.year in self.complete_years
        answer = None if complete else self.fallback(d)
        if answer is None and not complete:
            raise CalendarUnknownYear(d.year)
        if d in self.overrides:
            return self.overrides[d]
        return answer if answer is not None else d.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (n = 0 gives ``start`` itself; n < 0 counts backwards)."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        d = start
        while remaining:
            d += timedelta(days=step)
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

        Counted from per-year running totals (built once per year and calendar) rather than day by day: a deadline
        sweep or a span of years asks this often. Only the years holding days in (a, b] are asked about, so an
        unknown year is refused exactly when the day-by-day count would have met it."""
        if b < a:
            return -self.working_days_between(b, a)
        if a.year == b.year:
            return self._running(b) - self._running(a)
        count = 0
        if (a.month, a.day) != (12, 31):
            count += self._year_total(a.year) - self._running(a)
        count += sum(self._year_total(y) for y in range(a.year + 1, b.year))
        return count + self._running(b)

    def _year_prefix(self, year: int) -> list[int]:
        # prefix[i]: working days among the first i + 1 days of the year. Cached on the instance, which is
        # rebuilt (never mutated) when the bureau's rows change.
        cache: dict[int, list[int]] = self.__dict__.setdefault("_prefix_cache", {})
        if year not in cache:
            prefix, total, d = [], 0, date(year, 1, 1)
            while d.year == year:
                total += self.is_working_day(d)
                prefix.append(total)
                d += timedelta(days=1)
            cache[year] = prefix
        return cache[year]

    def _running(self, d: date) -> int:
        return self._year_prefix(d.year)[d.timetuple().tm_yday - 1]

    def _year_total(self, year: int) -> int:
        return self._year_prefix(year)[-1]


# --- the platform's calendar, from the database and the package ------------------------------------------------

_CACHE_SECONDS = 300
_lock = threading.Lock()
_cached: tuple[float, WorkingDayCalendar] | None = None


def _load() -> WorkingDayCalendar:
    # Imported here so the arithmetic above stays usable (and testable) without Django.
    from kechuang.workflow.models import HolidayDay, HolidayYear

    overrides = {row.date: row.kind == HolidayDay.Kind.WORKDAY for row in HolidayDay.objects.all()}
    years = HolidayYear.objects.values_list("year", flat=True)
    return WorkingDayCalendar(overrides, years)


def current() -> WorkingDayCalendar:
    global _cached
    with _lock:
        if _cached is None or time.monotonic() - _cached[0] > _CACHE_SECONDS:
            _cached = (time.monotonic(), _load())
        return _cached[1]


def clear_cache(*args: object, **kwargs: object) -> None:
    """Forget the loaded rows (connected to the models' save/delete signals)."""
    global _cached
    with _lock:
        _cached = None


def is_working_day(d: date) -> bool:
    return current().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    return current().add_working_days(start, n)


def working_days_between(a: date, b: date) -> int:
    return current().working_days_between(a, b)
