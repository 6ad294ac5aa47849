"""Scored enterprises (facts from the directory only), two banks with a user each, and an insurer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.accounts.choices import Role
from kechuang.directory.models import Platform, YearlyFigure
from kechuang.scores import services
from kechuang.scores.models import FinancialInstitution
from kechuang.tests_support.factories import OrganisationFactory, UserFactory

AS_OF = dt.date(2026, 6, 30)


def figures(org: Any, revenue_wan: int, rd_wan: int, growth: float = 1.2) -> None:
    YearlyFigure.objects.create(organisation=org, year=2024, revenue_yuan=int(revenue_wan / growth * 10_000),
                                rnd_expense_yuan=int(rd_wan / growth * 10_000), rnd_staff=8)
    YearlyFigure.objects.create(organisation=org, year=2025, revenue_yuan=revenue_wan * 10_000,
                                rnd_expense_yuan=rd_wan * 10_000, rnd_staff=10)


@pytest.fixture
def platform_data(enterprise_org: Any, outsider: Any) -> Any:
    """The enterprise and four others with yearly figures and a platform: what the directory holds."""
    enterprise_org.established_on = dt.date(2019, 3, 1)
    enterprise_org.employees = 60
    enterprise_org.save()
    figures(enterprise_org, 1500, 120)
    Platform.objects.create(organisation=enterprise_org, name="滇科省级工程技术研究中心",
                            kind="engineering_center", level="provincial", recognised_on=dt.date(2025, 6, 1))
    for n in range(4):
        figures(OrganisationFactory(established_on=dt.date(2018, 1, 1)), 800 + 400 * n, 20 + 40 * n)
    return enterprise_org


@pytest.fixture
def scored(platform_data: Any) -> Any:
    """Scored once (the run)."""
    return services.score_all(actor=None, as_of=AS_OF)


@pytest.fixture
def bank_a(db: Any) -> Any:
    inst = FinancialInstitution.objects.create(name="甲银行科技支行", kind="bank")
    inst.members.add(UserFactory.create(username="bank", role=Role.BANK))
    return inst


@pytest.fixture
def bank_b(db: Any) -> Any:
    inst = FinancialInstitution.objects.create(name="乙银行科技支行", kind="bank")
    inst.members.add(UserFactory.create(username="bank2", role=Role.BANK))
    return inst


def client_for(username: str) -> Any:
    from django.test import Client

    from kechuang.accounts.models import User

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c
