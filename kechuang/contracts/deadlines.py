"""Working-day deadlines of the registration decision (15 working days from acceptance, 30 when the 技术交易额
is ¥5,000,000 or more or experts review it; a 补正 restarts the clock).

Working days come from the platform's calendar (``kechuang.workflow.calendar``: China's public holidays and 调休,
the chinese-calendar package plus the rows the bureau enters). For a year the calendar does not know yet it
raises ``CalendarUnknownYear``; a registry cannot refuse to accept a contract for that reason (the State Council
publishes next year's arrangement only in late autumn, and a 30-day deadline accepted in December reaches into
it), so here the unknown days count Monday–Friday and the deadline is stored and shown as an ESTIMATE
(``Contract.deadline_estimated``), never silently.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kechuang.workflow import calendar

STANDARD_DAYS = 15
EXPERT_DAYS = 30
EXPERT_REVIEW_THRESHOLD = Decimal("5000000.00")


def is_working_day(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, the calendar knows the year)."""
    try:
        return calendar.is_working_day(day), True
    except calendar.CalendarUnknownYear:
        return day.weekday() < 5, False


def add_working_days(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The n-th working day after ``start`` (the day of acceptance itself does not count), and whether every
    day on the way was known to the calendar."""
    try:
        return calendar.add_working_days(start, n), True
    except calendar.CalendarUnknownYear:
        pass
    day, left = start, n
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day)[0]:
            left -= 1
    return day, False


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``."""
    try:
        return calendar.working_days_between(start, end)
    except calendar.CalendarUnknownYear:
        pass
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)[0]
    return count


def decision_days(transaction_amount: Decimal | None, expert_review: bool) -> int:
    big = transaction_amount is not None and transaction_amount >= EXPERT_REVIEW_THRESHOLD
    return EXPERT_DAYS if big or expert_review else STANDARD_DAYS
