"""The working-day calendar: the package's years, the bureau's own rows for later years, and the refusal to guess."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.workflow import calendar
from kechuang.workflow.calendar import CalendarUnknownYear, WorkingDayCalendar
from kechuang.workflow.models import HolidayDay, HolidayYear

# --- pure arithmetic (no database) ------------------------------------------------------------------------------

PACKAGE = WorkingDayCalendar()


def test_national_day_holiday_and_its_makeup_saturday():
    assert not PACKAGE.is_working_day(date(2026, 10, 1))
    assert PACKAGE.is_working_day(date(2026, 10, 10))  # a Saturday worked in exchange (调休上班)
    # The first working day after 30 September 2026 is 8 October, not 1 October.
    assert PACKAGE.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert PACKAGE.working_days_between(date(2026, 9, 30), date(2026, 10, 9)) == 2


def test_unknown_year_is_refused_in_chinese():
    with pytest.raises(CalendarUnknownYear, match="2027 年的法定节假日"):
        PACKAGE.is_working_day(date(2027, 3, 1))
    with pytest.raises(CalendarUnknownYear):
        PACKAGE.add_working_days(date(2026, 12, 28), 10)  # crosses into 2027


def test_bureau_rows_for_a_complete_year():
    cal = WorkingDayCalendar({date(2027, 1, 1): False, date(2027, 1, 2): True}, complete_years={2027})
    assert not cal.is_working_day(date(2027, 1, 1))  # a Friday, declared a holiday
    assert cal.is_working_day(date(2027, 1, 2))  # a Saturday, declared 调休上班
    assert not cal.is_working_day(date(2027, 1, 3))  # an ordinary Sunday
    assert cal.is_working_day(date(2027, 1, 4))  # an ordinary Monday


SPAN = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 31))


@settings(max_examples=60, deadline=None)
@given(start=SPAN, n=st.integers(min_value=0, max_value=40))
def test_add_and_between_agree(start, n):
    end = PACKAGE.add_working_days(start, n)
    assert PACKAGE.working_days_between(start, end) == n
    if n > 0:
        assert PACKAGE.is_working_day(end)
        # No earlier date reaches n: end is the first day with n working days after start.
        assert PACKAGE.working_days_between(start, end - timedelta(days=1)) == n - 1


@settings(max_examples=60, deadline=None)
@given(a=SPAN, b=SPAN, c=SPAN)
def test_between_is_additive_and_antisymmetric(a, b, c):
    assert PACKAGE.working_days_between(a, b) == -PACKAGE.working_days_between(b, a)
    assert PACKAGE.working_days_between(a, c) == PACKAGE.working_days_between(a, b) + PACKAGE.working_days_between(b, c)


def _day_by_day(cal, a, b):
    return sum(cal.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


@settings(max_examples=80, deadline=None)
@given(a=SPAN, b=SPAN)
def test_between_counts_the_days_one_by_one(a, b):
    # The count comes from per-year running totals; it must equal the plain count of (a, b].
    lo, hi = min(a, b), max(a, b)
    assert PACKAGE.working_days_between(lo, hi) == _day_by_day(PACKAGE, lo, hi)


def test_between_asks_only_about_the_years_it_spans():
    # 31 December 2026 → a day in 2027 the package does not know: refused; ending on 31 December 2026: counted.
    assert PACKAGE.working_days_between(date(2026, 12, 30), date(2026, 12, 31)) == 1
    with pytest.raises(CalendarUnknownYear):
        PACKAGE.working_days_between(date(2026, 12, 31), date(2027, 1, 4))
    cal = WorkingDayCalendar({}, complete_years={2027})
    # Only the days after 31 December 2026 are asked about, so 2026's package answers are not needed past it.
    assert cal.working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == 2  # Fri 1 and Mon 4 January


@settings(max_examples=40, deadline=None)
@given(start=SPAN, n=st.integers(min_value=0, max_value=30))
def test_backwards_undoes_forwards_from_a_working_day(start, n):
    while not PACKAGE.is_working_day(start):
        start += timedelta(days=1)
    assert PACKAGE.add_working_days(PACKAGE.add_working_days(start, n), -n) == start


# --- the platform's calendar (database rows entered in the admin) ------------------------------------------------


@pytest.fixture
def fresh_calendar():
    calendar.clear_cache()
    yield
    calendar.clear_cache()  # the rows are rolled back without a delete signal


@pytest.mark.django_db
def test_admin_rows_take_effect_only_once_the_year_is_complete(fresh_calendar):
    HolidayDay.objects.create(date=date(2027, 1, 1), kind=HolidayDay.Kind.HOLIDAY, name="元旦")
    with pytest.raises(CalendarUnknownYear):
        calendar.is_working_day(date(2027, 1, 1))
    HolidayYear.objects.create(year=2027, source="测试用安排")
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert calendar.working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == 1


@pytest.mark.django_db
def test_admin_row_corrects_a_package_year(fresh_calendar):
    assert calendar.is_working_day(date(2026, 6, 1))
    HolidayDay.objects.create(date=date(2026, 6, 1), kind=HolidayDay.Kind.HOLIDAY, name="测试假日")
    assert not calendar.is_working_day(date(2026, 6, 1))
    assert not calendar.is_working_day(date(2026, 10, 1))  # the package's other holidays still count
