"""Issue 12, item 7: the year of an application lies in the policy period, and one open application per
one-time award is a database rule that another year cannot get around."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from kechuang.policies import rules
from kechuang.policies.models import Application

pytestmark = pytest.mark.django_db
ONE_TIME = "kc001-01-little-lighthouse"  # “小灯塔”企业一次性奖励: paid once per enterprise
PER_RECORD = "kc001-03-enterprise-tech-center"  # 分别一次性给予: each recognition pays, one per year


def _post(client: Any, measure: str, year: Any) -> Any:
    # A stated basis: the test organisation's evaluation does not confirm the measure (policies/claims.py).
    return client.post("/api/applications/", {"measure_id": measure, "amount_requested": 100_000, "year": year,
                                              "description": "申报依据：已取得相应认定"},
                       content_type="application/json")


def test_the_period_comes_from_the_rule_files() -> None:
    measure = rules.measure_or_none(ONE_TIME)
    assert measure is not None
    assert list(rules.application_years(measure)) == [2025, 2026, 2027]
    assert rules.period_key(measure, 2026) == rules.ONCE
    yearly = rules.measure_or_none("kc001-08-new-rnd-institution-ops") or next(
        m for m in rules.measures() if m.payout.frequency == "yearly")
    assert rules.period_key(yearly, 2026) == "2026"


@pytest.mark.parametrize("year", [1900, 2024, 2028, 2099, 2147483647])
def test_years_outside_the_policy_period_are_refused_in_chinese(enterprise_client: Any, year: int) -> None:
    r = _post(enterprise_client, ONE_TIME, year)
    assert r.status_code == 400
    assert "政策有效期" in r.json()["year"][0] and "2025" in r.json()["year"][0]
    assert not Application.objects.exists()


def test_a_year_that_is_not_a_number_is_a_chinese_400(enterprise_client: Any) -> None:
    r = _post(enterprise_client, ONE_TIME, 2147483648)
    assert r.status_code == 400 and "year" in r.json()
    assert not any(c.isascii() and c.isalpha() for c in r.json()["year"][0])


def test_a_one_time_award_cannot_be_opened_twice_by_changing_the_year(enterprise_client: Any) -> None:
    assert _post(enterprise_client, ONE_TIME, 2025).status_code == 201
    for year in (2026, 2027, 2025):
        r = _post(enterprise_client, ONE_TIME, year)
        assert r.status_code == 400 and "一次性" in r.json()["measure_id"][0]
    assert Application.objects.count() == 1


def test_a_per_record_measure_may_be_open_for_two_years(enterprise_client: Any) -> None:
    assert _post(enterprise_client, PER_RECORD, 2025).status_code == 201
    assert _post(enterprise_client, PER_RECORD, 2026).status_code == 201
    assert _post(enterprise_client, PER_RECORD, 2026).status_code == 400


def test_the_database_itself_refuses_a_second_open_one_time_application(enterprise_client: Any) -> None:
    assert _post(enterprise_client, ONE_TIME, 2025).status_code == 201
    first = Application.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(organisation=first.organisation, measure_id=ONE_TIME, measure_title="x",
                                   year=2027, amount_requested=1)
