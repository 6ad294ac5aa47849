"""Computed observations: the contract amount agrees exactly with the statistics API; qualifications count only
while in force; a recomputation or a correction adds a revision and keeps the old row."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from kechuang.contracts.choices import Status
from kechuang.contracts.tests.factories import ContractFactory
from kechuang.core import jobs
from kechuang.core.exceptions import ApplicationError
from kechuang.directory.tests.factories import QualificationFactory
from kechuang.indicators import computing, registry, services
from kechuang.indicators.models import Indicator, Observation
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
REGIONS = ["530102", "530103", "530111", "530112", "530114", "530302", "110108"]
STATUSES = [Status.REGISTERED] * 5 + [Status.CHANGED, Status.CANCEL_PENDING, Status.CANCELLED, Status.REFUSED]


@pytest.fixture
def contracts():
    rng = random.Random(7)
    for i in range(80):
        status = rng.choice(STATUSES)
        registered = dt.date(rng.choice([2025, 2026]), rng.randint(1, 11), rng.randint(1, 28))
        amount = Decimal(rng.randint(1, 900_000_000)) / 100
        ContractFactory(contract_amount=amount, transaction_amount=amount, status=status,
                        registered_on=None if status == Status.REFUSED else registered,
                        registration_number=None if status == Status.REFUSED else f"X{i:06d}",
                        seller_region_code=rng.choice(REGIONS))


def _current(code, region, year):
    return Observation.objects.get(indicator__code=code, region_code=region, superseded_by__isnull=True,
                                   date=computing.statistics_date(year))


def test_contract_amount_agrees_exactly_with_the_statistics_api(client, contracts):
    registry.load()
    job = jobs.run_now(computing.JOB_KIND, params={"year": 2026})
    assert job.status == "done", job.error
    for year in (2025, 2026):
        api = client.get("/api/contracts/stats/", {"year": year, "by": "region"}).json()
        assert _current("TC-AMOUNT", "530100", year).value * computing.HUNDRED_MILLION == \
            Decimal(api["total"]["contract_amount"])
        assert _current("TC-COUNT", "530100", year).value == api["total"]["count"]
        for row in api["results"]:
            assert _current("TC-AMOUNT", row["key"], year).value * computing.HUNDRED_MILLION == \
                Decimal(row["contract_amount"])
        assert _current("TC-AMOUNT", "530100", year).job_id == job.pk


def test_a_new_registration_moves_the_indicator_by_its_amount(contracts):
    registry.load()
    jobs.run_now(computing.JOB_KIND, params={"year": 2026})
    before = _current("TC-AMOUNT", "530100", 2026)
    ContractFactory(contract_amount=Decimal("1234567.89"), registered_on=dt.date(2026, 11, 30),
                    seller_region_code="530102")
    jobs.run_now(computing.JOB_KIND, params={"year": 2026})
    after = _current("TC-AMOUNT", "530100", 2026)
    assert (after.value - before.value) * computing.HUNDRED_MILLION == Decimal("1234567.89")
    assert after.revision == before.revision + 1
    before.refresh_from_db()
    assert before.superseded_by_id == after.pk and before.value + Decimal("0.0123456789") == after.value


def test_qualifications_count_only_while_in_force():
    registry.load()
    QualificationFactory(kind="high_tech", recognised_on=dt.date(2022, 1, 1), valid_until=dt.date(2025, 6, 30),
                         organisation=OrganisationFactory(region_code="530111"))
    QualificationFactory(kind="specialised", recognised_on=dt.date(2026, 3, 1), valid_until=None,
                         organisation=OrganisationFactory(region_code="530102"))
    QualificationFactory(kind="high_tech", recognised_on=dt.date(2022, 1, 1), valid_until=None,
                         organisation=OrganisationFactory(region_code="530102", status="pending"))
    figures = computing.figures_on("high_tech", dt.date(2024, 12, 31))
    assert figures["530111"] == 1 and figures["530100"] == 1
    assert computing.figures_on("high_tech", dt.date(2025, 12, 31))["530100"] == 0
    assert computing.figures_on("srdi", dt.date(2025, 12, 31))["530100"] == 0
    assert computing.figures_on("srdi", dt.date(2026, 3, 1))["530102"] == 1


def test_an_equal_recomputation_adds_no_revision_but_a_correction_does(contracts):
    registry.load()
    jobs.run_now(computing.JOB_KIND, params={"year": 2026})
    n = Observation.objects.count()
    jobs.run_now(computing.JOB_KIND, params={"year": 2026})
    assert Observation.objects.count() == n
    ind = Indicator.objects.get(code="RD-INTENSITY")
    first = services.record_observation(ind, "530111", dt.date(2020, 12, 31), "2.1", method="entered",
                                        source="区统计局年报")
    second = services.record_observation(ind, "530111", dt.date(2020, 12, 31), "2.2", method="entered",
                                         source="区统计局年报（更正）")
    first.refresh_from_db()
    assert (first.value, first.superseded_by_id, second.revision) == (Decimal("2.1"), second.pk, 2)


@pytest.mark.parametrize(("value", "region", "source", "field"), [
    ("abc", "530111", "x", "value"), ("1", "999999", "x", "region_code"), ("1", "530111", " ", "source")])
def test_bad_input_names_the_field(value, region, source, field):
    registry.load()
    with pytest.raises(ApplicationError) as err:
        services.record_observation(Indicator.objects.get(code="RD-INTENSITY"), region, dt.date(2020, 1, 1),
                                    value, method="entered", source=source)
    assert err.value.field == field


def test_a_year_without_any_registered_contract_is_no_data_not_zero():
    registry.load()
    ContractFactory(contract_amount=Decimal("500.00"), transaction_amount=Decimal("500.00"),
                    registered_on=dt.date(2026, 2, 3))
    computing.compute(dt.date(2026, 11, 30), since=dt.date(2025, 1, 1))
    tc = Observation.objects.filter(indicator__code="TC-AMOUNT", region_code="530100", method="computed")
    # Not 2025, not January 2026 (nothing registered since 1 January yet): February to November.
    assert [o.date for o in tc] == computing.month_ends(dt.date(2026, 2, 1), dt.date(2026, 11, 30))
    assert Observation.objects.filter(indicator__code="HIGH-TECH", date=dt.date(2025, 12, 31)).exists()


def test_deals_count_registered_contracts_from_platform_listings():
    from kechuang.market.tests.factories import DemandFactory

    registry.load()
    demand = DemandFactory()
    ContractFactory(registered_on=dt.date(2026, 5, 1), demand=demand, seller_region_code="530111")
    ContractFactory(registered_on=dt.date(2026, 5, 1), seller_region_code="530111")
    figures = computing.figures_on("deals", dt.date(2026, 12, 1))
    assert figures["530111"] == 1 and figures["530100"] == 1
