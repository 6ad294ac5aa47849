"""Technology-transaction statistics: the figures the city is judged by.

Counted: registered contracts that are not cancelled (``choices.COUNTED``), by 登记日期 in the year.
``scope="output"`` (技术输出) counts contracts whose seller is in the platform's region, ``"input"`` (技术吸纳)
those whose buyer is. On PostgreSQL each query is one GROUP BY over the trigger-kept monthly aggregate
(``ContractMonthStat``); on SQLite one GROUP BY over the index on (登记日期, region code). Amounts are summed as exact
decimals and printed in yuan with 2 places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from kechuang.contracts.checks import region_prefix
from kechuang.contracts.choices import COUNTED, ContractType, PartyNature, TechField
from kechuang.contracts.models import Contract, ContractMonthStat
from kechuang.core import regions

BY = ("type", "field", "month", "region")
SCOPES = ("output", "input")
CENT = Decimal("0.01")
LARGE_CONTRACT = Decimal("10000000")


def money(value: Decimal | int | None) -> str:
    return str((Decimal(value or 0)).quantize(CENT))


def counted(year: int, scope: str) -> QuerySet[Contract]:
    side = "seller" if scope == "output" else "buyer"
    prefix = region_prefix()
    # A range instead of startswith: LIKE cannot use the (登记日期, region) index on SQLite, a range can.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Contract.objects.filter(
        status__in=COUNTED, registered_on__gte=dt.date(year, 1, 1), registered_on__lt=dt.date(year + 1, 1, 1),
        **{f"{side}_region_code__gte": prefix, f"{side}_region_code__lt": upper},
    )


def _row(key: str, label: str, count: int, contract: Any, trans: Any) -> dict[str, Any]:
    return {"key": key, "label": label, "count": count, "contract_amount": money(contract),
            "transaction_amount": money(trans)}


def _groups(year: int, by: str, scope: str) -> Iterator[tuple[Any, int, Any, Any]]:
    """(key, count, 成交额, 技术交易额) per group; a month's key is its number. Several rows may share a key."""
    side = "seller" if scope == "output" else "buyer"
    if connection.vendor == "postgresql":
        # The trigger-kept monthly aggregate (ContractMonthStat): a few thousand rows instead of the year's
        # contracts. Rows whose count went back to 0 (a cancellation) are left out, as the raw query would.
        prefix = region_prefix()
        column = {"type": "contract_type", "field": "technology_field", "month": "month",
                  "region": "region_code"}[by]
        stats = ContractMonthStat.objects.filter(
            scope=scope, month__gte=dt.date(year, 1, 1), month__lt=dt.date(year + 1, 1, 1),
            region_code__gte=prefix, region_code__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1), n__gt=0)
        for row in stats.values(column).annotate(n_=Sum("n"), ca=Sum("contract_amount"),
                                                 ta=Sum("transaction_amount")).order_by():
            yield (row[column].month if by == "month" else row[column]), row["n_"], row["ca"], row["ta"]
        return
    column = {"type": "contract_type", "field": "technology_field", "month": "registered_on",
              "region": f"{side}_region_code"}[by]
    # Months are folded from at most 366 day groups here: a month function in SQL runs per row (on SQLite a
    # Python callback), a plain column groups by the index.
    for row in counted(year, scope).values(column).annotate(n=Count("id"), ca=Sum("contract_amount"),
                                                            ta=Sum("transaction_amount")).order_by():
        yield (row[column].month if by == "month" else row[column]), row["n"], row["ca"], row["ta"]


def statistics(year: int, by: str, scope: str = "output") -> dict[str, Any]:
    """The response of ``GET /api/contracts/stats/``."""
    if by not in BY:
        raise ValueError(by)
    grouped: dict[Any, dict[str, Any]] = {}
    for key, n, ca, ta in _groups(year, by, scope):
        g = grouped.setdefault(key, {"n": 0, "ca": Decimal("0"), "ta": Decimal("0")})
        g["n"] += n
        g["ca"] += ca or 0
        g["ta"] += ta or 0
    results: list[dict[str, Any]] = []
    if by in ("type", "field"):
        choices = ContractType.choices if by == "type" else TechField.choices
        for value, label in choices:
            g = grouped.get(value, {})
            results.append(_row(value, label, g.get("n", 0), g.get("ca"), g.get("ta")))
    elif by == "month":
        for m in range(1, 13):
            g = grouped.get(m, {})
            results.append(_row(f"{year}-{m:02d}", f"{year}年{m}月", g.get("n", 0), g.get("ca"), g.get("ta")))
    else:
        for code in sorted(grouped):
            g = grouped[code]
            results.append(_row(code, regions.name_of(code), g["n"], g["ca"], g["ta"]))
    total = {"count": sum(r["count"] for r in results),
             "contract_amount": money(sum((Decimal(r["contract_amount"]) for r in results), Decimal("0"))),
             "transaction_amount": money(sum((Decimal(r["transaction_amount"]) for r in results), Decimal("0")))}
    return {"year": year, "by": by, "scope": scope, "results": results, "total": total}


def annual_target() -> Decimal:
    """The year's share of the city's goal (seed 001: 认定登记技术合同成交额 180亿元以上 by 2027)."""
    return Decimal(str(getattr(settings, "CONTRACTS_ANNUAL_TARGET_YUAN", "18000000000")))


def summary(year: int, scope: str = "output") -> dict[str, Any]:
    """The extra figures of the statistics page: large contracts, average value, party nature, and the
    cumulative contract amount by month against the year's target."""
    qs = counted(year, scope)
    agg = qs.aggregate(n=Count("id"), ca=Sum("contract_amount"), ta=Sum("transaction_amount"),
                       large=Count("id", filter=Q(contract_amount__gte=LARGE_CONTRACT)),
                       large_ca=Sum("contract_amount", filter=Q(contract_amount__gte=LARGE_CONTRACT)))
    n = agg["n"] or 0
    side = "seller" if scope == "output" else "buyer"
    natures = {r[f"{side}_nature"]: r for r in qs.values(f"{side}_nature").annotate(
        n=Count("id"), ca=Sum("contract_amount"), ta=Sum("transaction_amount")).order_by()}
    nature_rows = [_row(code or "", label, natures.get(code, {}).get("n", 0), natures.get(code, {}).get("ca"),
                        natures.get(code, {}).get("ta"))
                   for code, label in [*PartyNature.choices, ("", "未填写")] if code in natures]
    months = statistics(year, "month", scope)["results"]
    target = annual_target()
    running = Decimal("0")
    cumulative = []
    for i, m in enumerate(months, start=1):
        running += Decimal(m["contract_amount"])
        share = (target * i / 12).quantize(CENT)
        cumulative.append({"key": m["key"], "label": m["label"], "cumulative": money(running), "target": money(share),
                           "percent": f"{(running / share * 100).quantize(Decimal('0.1'))}%" if share else "—"})
    return {
        "count": n, "contract_amount": money(agg["ca"]), "transaction_amount": money(agg["ta"]),
        "average": money(Decimal(agg["ca"] or 0) / n) if n else money(0),
        "large_count": agg["large"] or 0, "large_amount": money(agg["large_ca"]),
        "natures": nature_rows, "cumulative": cumulative, "target": money(target),
    }
