"""The statistics stay exact through every kind of write — single saves, the workflow's conditional updates,
bulk inserts, re-dating, cancellation, deletion — before and after the pending deltas are folded. On PostgreSQL
they read the monthly aggregate plus the trigger-written deltas, so this is the test of the trigger and of
``fold``; on SQLite the same figures come from the contracts themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from kechuang.contracts.choices import Status
from kechuang.contracts.models import Contract, ContractMonthStat, ContractStatDelta
from kechuang.contracts.stats import BY, SCOPES, fold, statistics
from kechuang.contracts.tests.factories import ContractFactory
from kechuang.contracts.tests.test_stats import COUNTED, _expected

pytestmark = pytest.mark.django_db


def _check() -> None:
    rows = list(Contract.objects.all())
    before = {by: statistics(2026, by) for by in BY}
    for year in (2025, 2026):
        for scope in SCOPES:
            for by in BY:
                expected = _expected(rows, year, by, scope)
                got = {r["key"]: [r["count"], Decimal(r["contract_amount"]), Decimal(r["transaction_amount"])]
                       for r in statistics(year, by, scope)["results"] if r["count"]}
                assert got == {k: v for k, v in expected.items()}, (year, scope, by)
    counted = sum(1 for c in rows if c.status in COUNTED and c.registered_on)
    pending = sum(ContractStatDelta.objects.values_list("n", flat=True))
    folded = sum(ContractMonthStat.objects.values_list("n", flat=True))
    if connection.vendor == "postgresql":
        assert folded + pending == 2 * counted  # both scopes, folded or not
        fold()  # the periodic task: the deltas move into the aggregate, the figures stay the same
        assert not ContractStatDelta.objects.exists()
        assert sum(ContractMonthStat.objects.values_list("n", flat=True)) == 2 * counted
        for by in BY:
            assert statistics(2026, by) == before[by]
    else:
        assert (folded, pending, fold()) == (0, 0, {"rows": 0})  # SQLite reads the contracts themselves


def test_statistics_follow_every_write():
    a = ContractFactory(registered_on=dt.date(2026, 3, 5), contract_amount=Decimal("500000.00"),
                        transaction_amount=Decimal("450000.00"), seller_region_code="530102",
                        buyer_region_code="530111")
    ContractFactory(registered_on=dt.date(2026, 3, 9), seller_region_code="530112", buyer_region_code="110108")
    b = ContractFactory(status=Status.SUBMITTED, registered_on=None, registration_number=None)
    _check()
    # Bulk insert (the import path) in one statement.
    Contract.objects.bulk_create([
        Contract(title=f"批量{i}", contract_type="service", technology_field="agriculture",
                 signed_on=dt.date(2025, 1, 1), registered_on=dt.date(2025, 1 + i % 12, 3), seller_name="甲",
                 seller_region_code="530103", buyer_name="乙", buyer_region_code="530181",
                 contract_amount=Decimal("1000.10") * (i + 1), transaction_amount=Decimal("1000.00"),
                 status=Status.REGISTERED, registration_number=f"BULK{i:04d}")
        for i in range(30)])
    _check()
    # The registrar registers b (a conditional update, as transition() does), a is re-dated and re-typed.
    Contract.objects.filter(pk=b.pk, status=Status.SUBMITTED).update(status=Status.REGISTERED,
                                                                     registered_on=dt.date(2026, 7, 1))
    a.registered_on, a.contract_type, a.transaction_amount = dt.date(2025, 12, 31), "consulting", Decimal("1.00")
    a.save()
    _check()
    # Cancellation and deletion take contracts out; a change request leaves them counted.
    Contract.objects.filter(title__startswith="批量", registered_on__month__lte=6).update(status=Status.CANCELLED)
    Contract.objects.filter(pk=b.pk).update(status=Status.CHANGE_PENDING)
    Contract.objects.filter(title="批量7").delete()
    _check()
