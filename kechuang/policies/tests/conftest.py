"""A demo-like enterprise: directory qualifications and platforms, yearly figures and its own facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.directory.models import Platform, Qualification, YearlyFigure
from kechuang.policies import services
from kechuang.policies.models import Budget

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


def move_to_publicised(app: Any, staff: Any, amount: int = 200_000) -> Any:
    services.application_transition(application=app, trigger="accept", actor=staff)
    services.application_transition(application=app, trigger="review", actor=staff, amount_approved=amount)
    services.application_transition(application=app, trigger="publicise", actor=staff)
    return app
