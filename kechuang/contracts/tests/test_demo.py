from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from kechuang.contracts import demo
from kechuang.contracts.choices import Status
from kechuang.contracts.models import Contract
from kechuang.contracts.stats import statistics

pytestmark = pytest.mark.django_db


def test_demo_year_at_seed_scale_every_state_and_idempotent():
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    assert Contract.objects.count() == demo.TARGET_COUNT + 12
    assert set(Contract.objects.values_list("status", flat=True)) == set(Status.values)
    total = Contract.objects.filter(status=Status.REGISTERED).aggregate(s=Sum("contract_amount"))["s"]
    assert Decimal("11e9") < total < Decimal("13e9")
    months = statistics(timezone.localdate().year, "month")["results"]
    assert all(m["count"] > 500 for m in months[:8])
    regions = statistics(timezone.localdate().year, "region", "input")["results"]
    assert len(regions) >= 10  # buyers spread over Kunming's districts
