"""Working-day deadlines of the registration decision (15 working days from acceptance, 30 when the 技术交易额
is ¥5,000,000 or more and experts review it; a 补正 restarts the clock).

Working days follow China's public holidays and 调休 through the ``chinese-calendar`` package. The foundations
issue is building a shared calendar in ``kechuang/workflow/calendar.py``; until it lands, this one small module is
the only place that knows about holidays, so switching to it is a change of one import.
For a year the package has no data for yet (the State Council publishes each year's arrangement in late
autumn), Monday–Friday is assumed and the deadline is marked as an estimate rather than refusing to answer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import chinese_calendar

STANDARD_DAYS = 15
EXPERT_DAYS = 30
EXPERT_REVIEW_THRESHOLD = Decimal("5000000.00")


def is_working_day(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, the calendar knows the year)."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_working_days(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The n-th working day after ``start`` (the day of acceptance itself does not count), and whether every
    day on the way was known to the calendar."""
    day, left, exact = start, n, True
    while left > 0:
        day += dt.timedelta(days=1)
        working, known = is_working_day(day)
        exact = exact and known
        if working:
            left -= 1
    return day, exact


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day)[0]:
            count += 1
    return count


def decision_days(transaction_amount: Decimal | None, expert_review: bool) -> int:
    big = transaction_amount is not None and transaction_amount >= EXPERT_REVIEW_THRESHOLD
    return EXPERT_DAYS if big or expert_review else STANDARD_DAYS
