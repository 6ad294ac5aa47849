"""A demo-like enterprise: directory qualifications and platforms, yearly figures and its own facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.directory.models import Platform, Qualification, YearlyFigure
from kechuang.policies import services
from kechuang.policies.models import Application, Budget

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def rich_org(enterprise_org: Any) -> Any:
    """高新技术企业 2019 and 2022 (连续两次), 省级企业技术中心 recognised 2025 as a platform, 科技型中小企业."""
    org = enterprise_org
    Qualification.objects.create(organisation=org, kind="high_tech", level="national",
                                 recognised_on=dt.date(2019, 11, 20), valid_until=dt.date(2022, 11, 19))
    Qualification.objects.create(organisation=org, kind="high_tech", level="national",
                                 recognised_on=dt.date(2022, 11, 18), valid_until=dt.date(2025, 11, 17))
    Qualification.objects.create(organisation=org, kind="tech_sme", level="national",
                                 recognised_on=dt.date(2026, 4, 1), valid_until=dt.date(2026, 12, 31))
    Qualification.objects.create(organisation=org, kind="specialised", level="provincial",
                                 recognised_on=dt.date(2024, 5, 1))
    Platform.objects.create(organisation=org, name="滇中精密省级企业技术中心", kind="enterprise_tech_center",
                            level="provincial", recognised_on=dt.date(2025, 6, 1))
    YearlyFigure.objects.create(organisation=org, year=2024, revenue_yuan=80_000_000, rnd_expense_yuan=4_000_000)
    YearlyFigure.objects.create(organisation=org, year=2025, revenue_yuan=95_000_000, rnd_expense_yuan=5_200_000)
    return org


@pytest.fixture
def application(rich_org: Any, enterprise_user: Any) -> Any:
    return services.application_submit(organisation=rich_org, measure_id="kc001-03-enterprise-tech-center",
                                       amount_requested=200_000, actor=enterprise_user, year=2026)


@pytest.fixture
def budget(staff_user: Any) -> Budget:
    return services.budget_set(measure_id="kc001-03-enterprise-tech-center", year=2026, amount=300_000,
                               actor=staff_user)


def move_to_publicised(app: Any, staff: Any, amount: int = 200_000, *, period_over: bool = True) -> Any:
    """受理, 审核, 公示; with ``period_over`` the 公示期 is then dated to have ended yesterday, so it can be paid."""
    services.application_transition(application=app, trigger="accept", actor=staff)
    services.application_transition(application=app, trigger="review", actor=staff, amount_approved=amount)
    services.application_transition(application=app, trigger="publicise", actor=staff)
    if period_over:
        end_publicity(app)
    return app


def end_publicity(app: Any, days_ago: int = 1) -> Any:
    """Date the application's 公示期 so that it ended ``days_ago`` days ago (explicit dates, no clock mocking)."""
    end = services.today() - dt.timedelta(days=days_ago)
    Application.objects.filter(pk=app.pk).update(publicity_starts_on=end - dt.timedelta(days=6),
                                                 publicity_ends_on=end)
    app.refresh_from_db()
    return app


# The day every policy test runs on unless it sets another with ``on_day``: fixed, so that a period of working
# days never runs into a year the holiday calendar does not know yet (2027 until the bureau enters it), whatever
# day the suite is run. Close to the day the tests were written, so the directory facts read the same.
TEST_DAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: Any) -> None:
    from kechuang.workflow import clock

    moment = dt.datetime.combine(TEST_DAY, dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    monkeypatch.setattr(clock, "now", lambda: moment)


@pytest.fixture
def on_day(monkeypatch: Any) -> Any:
    """Set the day the platform believes it is (``kechuang.workflow.clock``), for pages and services alike."""
    from kechuang.workflow import clock

    def set_day(day: dt.date) -> dt.date:
        moment = dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        monkeypatch.setattr(clock, "now", lambda: moment)
        return day

    return set_day
