"""The public statistics API, checked against figures computed here independently from the rows created."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

import pytest

from kechuang.contracts.choices import ContractType, Status, TechField
from kechuang.contracts.tests.factories import ContractFactory
from kechuang.core import regions

pytestmark = pytest.mark.django_db

COUNTED = {Status.REGISTERED, Status.CHANGED, Status.CHANGE_PENDING, Status.CANCEL_PENDING}
STATUSES = [Status.REGISTERED] * 6 + [Status.CHANGED, Status.CANCEL_PENDING, Status.CANCELLED, Status.REFUSED,
                                       Status.SUBMITTED]
REGION_CODES = ["530102", "530103", "530111", "530112", "530114", "530181", "530302", "110108", "440305"]
TYPE_LABELS = ["技术开发", "技术转让", "技术许可", "技术咨询", "技术服务"]
FIELD_LABELS = ["电子信息", "先进制造", "航空航天", "现代交通", "生物、医药和医疗器械", "新材料及其应用",
                "新能源与高效节能", "环境保护与资源综合利用", "核应用技术", "农业", "城市建设与社会发展"]


@pytest.fixture
def rows():
    rng = random.Random(13)
    made = []
    for i in range(160):
        ca = Decimal(rng.randint(1, 2_000_000_000)) / 100
        ta = (ca * Decimal(rng.randint(0, 100)) / 100).quantize(Decimal("0.01"))
        status = rng.choice(STATUSES)
        registered = dt.date(rng.choice([2025, 2026, 2026, 2026]), rng.randint(1, 12), rng.randint(1, 28))
        c = ContractFactory(
            contract_amount=ca, transaction_amount=ta, status=status,
            registered_on=registered if status not in (Status.REFUSED, Status.SUBMITTED) else None,
            registration_number=f"T{i:06d}" if status not in (Status.REFUSED, Status.SUBMITTED) else None,
            contract_type=rng.choice(ContractType.values), technology_field=rng.choice(TechField.values),
            seller_region_code=rng.choice(REGION_CODES), buyer_region_code=rng.choice(REGION_CODES),
        )
        made.append(c)
    return made


def _expected(rows, year, by, scope):
    groups: dict[str, list] = defaultdict(lambda: [0, Decimal("0"), Decimal("0")])
    for c in rows:
        region = c.seller_region_code if scope == "output" else c.buyer_region_code
        if c.status not in COUNTED or c.registered_on is None or c.registered_on.year != year:
            continue
        if not region.startswith("5301"):
            continue
        key = {"type": c.contract_type, "field": c.technology_field, "region": region,
               "month": f"{c.registered_on:%Y-%m}"}[by]
        g = groups[key]
        g[0] += 1
        g[1] += c.contract_amount
        g[2] += c.transaction_amount
    return groups


@pytest.mark.parametrize("by", ["type", "field", "month", "region"])
@pytest.mark.parametrize("scope", ["output", "input"])
def test_stats_match_independent_computation(client, rows, by, scope):
    response = client.get("/api/contracts/stats/", {"year": 2026, "by": by, "scope": scope})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["year", "by", "scope", "results", "total"]
    assert (body["year"], body["by"], body["scope"]) == (2026, by, scope)
    expected = _expected(rows, 2026, by, scope)
    got = {r["key"]: r for r in body["results"]}
    for key, (n, ca, ta) in expected.items():
        assert got[key]["count"] == n
        assert got[key]["contract_amount"] == f"{ca:.2f}" and got[key]["transaction_amount"] == f"{ta:.2f}"
    assert all(r["count"] == 0 for k, r in got.items() if k not in expected)
    for r in body["results"]:
        assert list(r) == ["key", "label", "count", "contract_amount", "transaction_amount"]
        assert r["contract_amount"].count(".") == 1 and len(r["contract_amount"].split(".")[1]) == 2
    total_n = sum(v[0] for v in expected.values())
    total_ca = sum((v[1] for v in expected.values()), Decimal("0"))
    assert body["total"] == {"count": total_n, "contract_amount": f"{total_ca:.2f}",
                             "transaction_amount": f"{sum((v[2] for v in expected.values()), Decimal('0')):.2f}"}
    if by == "type":
        assert [r["label"] for r in body["results"]] == TYPE_LABELS
    if by == "field":
        assert [r["label"] for r in body["results"]] == FIELD_LABELS
    if by == "month":
        assert [r["key"] for r in body["results"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    if by == "region":
        assert all(k.startswith("5301") and len(k) == 6 for k in got)
        assert all(r["label"] == regions.name_of(r["key"]) for r in body["results"])


def test_default_scope_is_output_and_bad_parameters_are_named(client, rows):
    body = client.get("/api/contracts/stats/", {"year": 2026, "by": "type"}).json()
    assert body["scope"] == "output"
    bad = client.get("/api/contracts/stats/", {"year": "abc", "by": "colour", "scope": "x"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"year", "by", "scope"}


def test_region_setting_moves_the_scope(client, rows, settings):
    settings.CONTRACTS_REGION_CODE = "530300"
    body = client.get("/api/contracts/stats/", {"year": 2026, "by": "region"}).json()
    assert all(r["key"].startswith("5303") for r in body["results"])
    assert body["total"]["count"] == sum(
        1 for c in rows if c.status in COUNTED and c.registered_on and c.registered_on.year == 2026
        and c.seller_region_code.startswith("5303"))


def test_stats_page_and_export_show_the_same_totals(client, rows):
    page = client.get("/contracts/stats/?year=2026")
    assert page.status_code == 200
    api = client.get("/api/contracts/stats/", {"year": 2026, "by": "type"}).json()
    html = page.content.decode()
    assert f'<strong id="total-count">{api["total"]["count"]}</strong>' in html
    assert "/static/echarts/echarts.min.js" in html and 'id="contract-chart-data"' in html  # served locally
    export = client.get("/contracts/stats/export/?year=2026")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_summary_endpoint_large_contracts_average_and_target(client, rows):
    body = client.get("/api/contracts/stats/summary/", {"year": 2026}).json()
    counted = [c for c in rows if c.status in COUNTED and c.registered_on and c.registered_on.year == 2026
               and c.seller_region_code.startswith("5301")]
    total = sum((c.contract_amount for c in counted), Decimal("0"))
    assert body["count"] == len(counted) and body["contract_amount"] == f"{total:.2f}"
    large = [c for c in counted if c.contract_amount >= Decimal("10000000")]
    assert body["large_count"] == len(large)
    assert body["average"] == f"{(total / len(counted)).quantize(Decimal('0.01')):.2f}"
    assert body["cumulative"][-1]["cumulative"] == f"{total:.2f}"
    assert body["cumulative"][5]["target"] == "9000000000.00"  # half of the 180亿 goal by June
    assert sum(n["count"] for n in body["natures"]) == len(counted)
