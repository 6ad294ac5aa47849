"""The recorded job writes a month-end series: every computed indicator at the end of every month, for the city
and every district, with exact values (contracts year-to-date by 登记日期, qualifications in force on the date),
and a re-run writes nothing when nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.contracts.choices import Status
from kechuang.contracts.tests.factories import ContractFactory
from kechuang.core.models import AuditLog
from kechuang.directory.tests.factories import QualificationFactory
from kechuang.indicators import computing, registry
from kechuang.indicators.models import Indicator, Observation
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
SINCE, UNTIL = dt.date(2024, 11, 1), dt.date(2025, 2, 15)
DATES = [dt.date(2024, 11, 30), dt.date(2024, 12, 31), dt.date(2025, 1, 31), dt.date(2025, 2, 15)]
YI = computing.HUNDRED_MILLION


def _contract(region: str, day: dt.date, amount: str, status: str = Status.REGISTERED) -> None:
    ContractFactory(contract_amount=Decimal(amount), transaction_amount=Decimal(amount), status=status,
                    registered_on=day, seller_region_code=region)


@pytest.fixture
def data():
    registry.load()
    _contract("530102", dt.date(2024, 11, 10), "100.00")
    _contract("530111", dt.date(2024, 12, 31), "250.50")
    _contract("530102", dt.date(2025, 1, 1), "7.25")
    _contract("530102", dt.date(2025, 2, 15), "1.00")
    _contract("530111", dt.date(2025, 2, 16), "9000.00")  # after the last statistics date
    _contract("530102", dt.date(2025, 1, 5), "333.00", status=Status.CANCELLED)  # not counted
    _contract("110108", dt.date(2025, 1, 5), "444.00")  # seller outside the city
    _contract("530102", dt.date(2024, 10, 31), "555.00")  # before the series, but in its first year to date
    wuhua, guandu, panlong = (OrganisationFactory(region_code=c) for c in ("530102", "530111", "530103"))
    # In force from 1 December to 31 January (both days included).
    QualificationFactory(kind="high_tech", organisation=panlong, recognised_on=dt.date(2024, 12, 1),
                         valid_until=dt.date(2025, 1, 31))
    # Granted on a month-end, then renewed with an overlap: one enterprise, counted once.
    QualificationFactory(kind="high_tech", organisation=guandu, recognised_on=dt.date(2024, 11, 30), valid_until=None)
    QualificationFactory(kind="high_tech", organisation=guandu, recognised_on=dt.date(2025, 1, 15), valid_until=None)
    # 专精特新 and 小巨人 of the same enterprise over 31 January only; expired before 15 February.
    QualificationFactory(kind="specialised", organisation=wuhua, recognised_on=dt.date(2025, 1, 31),
                         valid_until=dt.date(2025, 2, 14))
    QualificationFactory(kind="little_giant", organisation=wuhua, recognised_on=dt.date(2025, 1, 20),
                         valid_until=dt.date(2025, 2, 1))


def _series(code: str) -> dict[tuple[dt.date, str], Decimal]:
    rows = Observation.objects.filter(indicator__code=code, superseded_by__isnull=True, method="computed")
    return {(o.date, o.region_code): o.value for o in rows}


def _expected(values: dict[dt.date, dict[str, Decimal]]) -> dict[tuple[dt.date, str], Decimal]:
    """Every district at every date, zero unless given; the city is the sum of the districts."""
    out = {}
    for day in DATES:
        given = values.get(day, {})
        for code, _ in computing.districts():
            out[(day, code)] = given.get(code, Decimal(0))
        out[(day, "530100")] = sum(given.values(), Decimal(0))
    return out


def test_month_ends_run_to_the_statistics_date():
    assert computing.month_ends(SINCE, UNTIL) == DATES
    assert computing.month_ends(dt.date(2024, 1, 1), dt.date(2024, 3, 31))[-2:] == [dt.date(2024, 2, 29),
                                                                                     dt.date(2024, 3, 31)]


def test_every_month_and_district_with_exact_values_and_no_revision_when_nothing_changed(data):
    result = computing.compute(UNTIL, since=SINCE)
    computed = Indicator.objects.exclude(compute_key="").count()
    assert result["dates"] == 4 and result["indicators"] == computed
    amount = {DATES[0]: {"530102": Decimal("655.00")},
              DATES[1]: {"530102": Decimal("655.00"), "530111": Decimal("250.50")},
              DATES[2]: {"530102": Decimal("7.25")},  # year to date: 1 January starts again
              DATES[3]: {"530102": Decimal("8.25")}}
    assert _series("TC-AMOUNT") == {k: v / YI for k, v in _expected(amount).items()}
    count = {DATES[0]: {"530102": 2}, DATES[1]: {"530102": 2, "530111": 1}, DATES[2]: {"530102": 1},
             DATES[3]: {"530102": 2}}
    assert _series("TC-COUNT") == _expected({d: {c: Decimal(n) for c, n in v.items()} for d, v in count.items()})
    one = Decimal(1)
    assert _series("HIGH-TECH") == _expected({DATES[0]: {"530111": one},
                                              DATES[1]: {"530111": one, "530103": one},
                                              DATES[2]: {"530111": one, "530103": one},
                                              DATES[3]: {"530111": one}})
    assert _series("SRDI") == _expected({DATES[2]: {"530102": one}})
    # Every computed indicator has a figure for the city and every district at every month-end.
    regions = len(computing.districts()) + 1
    assert Observation.objects.filter(method="computed").count() == computed * len(DATES) * regions
    assert result["rows"] == computed * len(DATES) * regions

    rows, audit = Observation.objects.count(), AuditLog.objects.count()
    again = computing.compute(UNTIL, since=SINCE)
    assert again["rows"] == 0
    assert (Observation.objects.count(), AuditLog.objects.count()) == (rows, audit)


def test_a_late_registration_revises_only_the_month_ends_it_changes(data):
    computing.compute(UNTIL, since=SINCE)
    before = _series("TC-AMOUNT")
    _contract("530111", dt.date(2025, 1, 20), "12.34")
    result = computing.compute(UNTIL, since=SINCE)
    # TC-AMOUNT and TC-COUNT at 31 January and 15 February, for 官渡区 and the city: 8 new revisions.
    assert result["rows"] == 8
    after = _series("TC-AMOUNT")
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {(DATES[2], "530111"), (DATES[2], "530100"), (DATES[3], "530111"), (DATES[3], "530100")}
    for key in changed:
        assert (after[key] - before[key]) * YI == Decimal("12.34")
    old = Observation.objects.get(indicator__code="TC-AMOUNT", region_code="530100", date=DATES[3], revision=1)
    assert old.value * YI == Decimal("8.25") and old.superseded_by.revision == 2


def test_pages_and_api_show_the_monthly_points_and_a_recompute_clears_the_display_cache(client):
    import json
    import re

    from django.core.cache import cache
    from django.urls import reverse

    from kechuang.core import jobs
    from kechuang.indicators import services

    registry.load()
    _contract("530102", dt.date(2025, 5, 2), "500000000.00")
    _contract("530102", dt.date(2026, 3, 2), "300000000.00")
    assert jobs.run_now(computing.JOB_KIND).status == "done"
    key = services.DISPLAY_KEY.format(year=2026)
    assert client.get(reverse("indicators:display"), {"year": 2026}).status_code == 200
    assert cache.get(key) is not None
    jobs.run_now(computing.JOB_KIND)  # nothing changed: the cached page stays
    assert cache.get(key) is not None
    _contract("530111", dt.date(2026, 4, 1), "100000000.00")
    jobs.run_now(computing.JOB_KIND)  # the job itself (not only the button) clears the cached page
    assert cache.get(key) is None

    # The district page: every month-end of 五华区 on the trend line, the forecast fitted to the year-ends.
    page = client.get(reverse("indicators:detail", args=["TC-AMOUNT"]), {"region": "530102"}).content.decode()
    trend = json.loads(re.search(r'<script id="data-trend" type="application/json">(.*?)</script>', page, re.S)[1])
    dates = [day for day, _ in trend["observations"]]
    assert "2025-05-31" in dates and "2025-12-31" in dates and "2026-03-31" in dates and "2025-04-30" not in dates
    assert dict(trend["observations"])["2026-11-30"] == 3.0 and trend["method"] != "数据不足"
    assert "五华区观测记录" in page
    rows = client.get("/api/indicators/TC-AMOUNT/observations/?region=530102").json()
    assert {r["date"] for r in rows} >= {"2025-05-31", "2025-06-30", "2026-11-30"}
    listed = {r["code"]: r for r in client.get("/api/indicators/").json()["results"]}
    assert Decimal(str(listed["TC-AMOUNT"]["latest"]["value"])) == Decimal(4)
