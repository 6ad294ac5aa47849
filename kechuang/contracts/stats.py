"""Technology-transaction statistics: the figures the city is judged by.

Counted: registered contracts that are not cancelled (``choices.COUNTED``), by 登记日期 in the year.
``scope="output"`` (技术输出) counts contracts whose seller is in the platform's region, ``"input"`` (技术吸纳)
those whose buyer is. On PostgreSQL each query groups the monthly aggregate (``ContractMonthStat``) and the
trigger-written deltas not yet folded into it; on SQLite one GROUP BY over the index on (登记日期, region code).
Amounts are summed as exact decimals and printed in yuan with 2 places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum

from kechuang.contracts.checks import region_prefix
from kechuang.contracts.choices import COUNTED, ContractType, PartyNature, TechField
from kechuang.contracts.models import Contract, ContractMonthStat, ContractStatDelta
from kechuang.core import regions

BY = ("type", "field", "month", "region")
SCOPES = ("output", "input")
CENT = Decimal("0.01")
LARGE_CONTRACT = Decimal("10000000")


# One statement: take the pending deltas out and add them to the aggregate. Concurrent folds cannot count a delta
# twice (the DELETE locks the rows it takes); a delta written meanwhile waits for the next fold.
FOLD_SQL = """
WITH moved AS (DELETE FROM contracts_contractstatdelta RETURNING *)
INSERT INTO contracts_contractmonthstat AS m (scope, month, region_code, contract_type, technology_field, n,
                                            contract_amount, transaction_amount)
SELECT scope, month, region_code, contract_type, technology_field, SUM(n), SUM(contract_amount),
       SUM(transaction_amount)
FROM moved GROUP BY scope, month, region_code, contract_type, technology_field
ON CONFLICT (scope, month, region_code, contract_type, technology_field) DO UPDATE SET
    n = m.n + EXCLUDED.n, contract_amount = m.contract_amount + EXCLUDED.contract_amount,
    transaction_amount = m.transaction_amount + EXCLUDED.transaction_amount
"""


def fold(now: Any = None) -> dict[str, int]:
    """Move the pending deltas into ContractMonthStat (periodic task ``contracts.stats.fold``, and after each
    import). Returns how many aggregate rows were written. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        return {"rows": 0}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FOLD_SQL)
        return {"rows": max(cursor.rowcount, 0)}


def money(value: Decimal | int | None) -> str:
    return str((Decimal(value or 0)).quantize(CENT))


def counted(year: int, scope: str) -> QuerySet[Contract]:
    return counted_between(dt.date(year, 1, 1), dt.date(year, 12, 31), scope)


def counted_between(start: dt.date, end: dt.date, scope: str) -> QuerySet[Contract]:
    """The counted contracts with 登记日期 from ``start`` to ``end`` (both included)."""
    side = "seller" if scope == "output" else "buyer"
    prefix = region_prefix()
    # A range instead of startswith: LIKE cannot use the (登记日期, region) index on SQLite, a range can.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Contract.objects.filter(
        status__in=COUNTED, registered_on__gte=start, registered_on__lte=end,
        **{f"{side}_region_code__gte": prefix, f"{side}_region_code__lt": upper},
    )


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def by_month_and_region(start: dt.date, end: dt.date, scope: str = "output") -> dict[tuple[dt.date, str],
                                                                                      tuple[int, Decimal]]:
    """(count, 成交额) of the counted contracts per (first day of the month of 登记日期, region), 登记日期 from
    the first day of ``start``'s month to ``end``: the rows ``statistics()`` sums, by month and region in one
    pass (the indicators' month-end series). A group whose count came back to 0 is left out, as in
    ``statistics()``. On PostgreSQL the whole months come from the monthly aggregate and a partial last month
    from the contracts themselves (one month of the covering index)."""
    first = start.replace(day=1)
    column = "seller_region_code" if scope == "output" else "buyer_region_code"
    totals: dict[tuple[dt.date, str], list[Any]] = {}

    def add(month: dt.date, code: str, n: int, ca: Any) -> None:
        t = totals.setdefault((month, code), [0, Decimal("0")])
        t[0] += n
        t[1] += ca or 0

    raw_from = first
    if connection.vendor == "postgresql":
        prefix = region_prefix()
        raw_from = end.replace(day=1) if _month_end(end) != end else end + dt.timedelta(days=1)
        where = {"scope": scope, "month__gte": first, "month__lt": raw_from,
                 "region_code__gte": prefix, "region_code__lt": prefix[:-1] + chr(ord(prefix[-1]) + 1)}
        for model in (ContractMonthStat, ContractStatDelta):
            for row in model.objects.filter(**where).values("month", "region_code").annotate(
                    n_=Sum("n"), ca=Sum("contract_amount")).order_by():
                add(row["month"], row["region_code"], row["n_"], row["ca"])
    if raw_from <= end:
        # Day groups over the covering index, folded into months here (as ``_groups`` does).
        for row in counted_between(raw_from, end, scope).values("registered_on", column).annotate(
                n_=Count("id"), ca=Sum("contract_amount")).order_by():
            add(row["registered_on"].replace(day=1), row[column], row["n_"], row["ca"])
    return {key: (n, ca) for key, (n, ca) in totals.items() if n}


def _row(key: str, label: str, count: int, contract: Any, trans: Any) -> dict[str, Any]:
    return {"key": key, "label": label, "count": count, "contract_amount": money(contract),
            "transaction_amount": money(trans)}


def _groups(year: int, by: str, scope: str) -> Iterator[tuple[Any, int, Any, Any]]:
    """(key, count, 成交额, 技术交易额) per group; a month's key is its number. Several rows may share a key."""
    side = "seller" if scope == "output" else "buyer"
    if connection.vendor == "postgresql":
        # The monthly aggregate: a few thousand rows instead of the year's contracts.
        prefix = region_prefix()
        column = {"type": "contract_type", "field": "technology_field", "month": "month",
                  "region": "region_code"}[by]
        where = {"scope": scope, "month__gte": dt.date(year, 1, 1), "month__lt": dt.date(year + 1, 1, 1),
                 "region_code__gte": prefix, "region_code__lt": prefix[:-1] + chr(ord(prefix[-1]) + 1)}
        # The folded aggregate plus the deltas not folded yet: exact at every moment. A group whose count came
        # back to 0 (a cancellation) is left out, as the raw query would.
        totals: dict[Any, list[Any]] = {}
        for model in (ContractMonthStat, ContractStatDelta):
            for row in model.objects.filter(**where).values(column).annotate(
                    n_=Sum("n"), ca=Sum("contract_amount"), ta=Sum("transaction_amount")).order_by():
                t = totals.setdefault(row[column], [0, Decimal("0"), Decimal("0")])
                t[0] += row["n_"]
                t[1] += row["ca"] or 0
                t[2] += row["ta"] or 0
        for key, (n, ca, ta) in totals.items():
            if n:
                yield (key.month if by == "month" else key), n, ca, ta
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
