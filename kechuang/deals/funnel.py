"""The conversion funnel: recommended → contacted → deal → signed → registered, and where deals stop.

"Recommended" counts the matches a broker judged (``MatchFeedback``: the platform logs no impressions);
"contacted" those marked 已联系 or 有用; then deals opened, signed and registered. Grouped overall, by broker, by
industry (the demand's or achievement's 所属产业), by district (the enterprise's 区县) and by month of opening.
Broker verdicts and deal outcomes are also relevance labels: ``labelled_pairs`` exports them (JSON lines) and
``mrr_at_10`` measures the engine's ranking on them from the rank the engine showed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Count, DateTimeField, F, Func, IntegerField, Max, Min, Q, QuerySet, Sum, Value
from django.utils import timezone

from kechuang.core import regions
from kechuang.deals.choices import Stage, TerminationReason
from kechuang.deals.models import Deal, FeedbackAuthorMonth, FeedbackDemandMonth
from kechuang.market.choices import FeedbackVerdict, Industry
from kechuang.market.models import MatchFeedback

BY = {"overall": "总体", "broker": "技术经理人", "industry": "所属产业", "district": "区县", "month": "月份"}
STEPS = [("recommended", "推荐"), ("contacted", "已联系"), ("deals", "商洽"), ("signed", "签约"),
         ("registered", "已登记")]
CONTACTED = (FeedbackVerdict.CONTACTED, FeedbackVerdict.USEFUL)


def _feedback_key(by: str) -> str | None:
    return {"overall": None, "broker": "author__username", "industry": "demand__industry",
            "district": "demand__region_code", "month": "created_at__month"}[by]


def _deal_key(by: str) -> str | None:
    return {"overall": None, "broker": "broker__username", "industry": "demand__industry",
            "district": "enterprise__region_code", "month": "created_at__month"}[by]


def _label(by: str, key: Any) -> str:
    if key in (None, ""):
        return "总计" if by == "overall" else "未填写"
    if by == "industry":
        return dict(Industry.choices).get(key, key)
    if by == "district":
        return regions.name_of(key) or key
    if by == "month":
        return f"{key}月"
    return str(key)


def _grouped(qs: QuerySet[Any], key: str | None, **aggregates: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(group key, aggregates) per group; overall is ONE aggregate row. (``values()`` with no field would group
    by every column — one group per row, a million rows into Python for a total.)"""
    if key is None:
        yield None, qs.aggregate(**aggregates)
        return
    for r in qs.values(key).annotate(**aggregates).order_by():
        yield r[key], r


def _feedback_counts(fb: QuerySet[Any], by: str, year: int | None) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Recommended / contacted counts per group. On PostgreSQL from the trigger-kept monthly tables
    (``models_stats``: per demand for industry and district, per broker for the rest) — a few thousand rows
    instead of every verdict; elsewhere from ``MatchFeedback`` itself."""
    if connection.vendor != "postgresql":
        yield from _grouped(fb, _feedback_key(by), n=Count("id"), c=Count("id", filter=Q(verdict__in=CONTACTED)))
        return
    per_demand = by in ("industry", "district")
    table = FeedbackDemandMonth if per_demand else FeedbackAuthorMonth
    qs = table.objects.filter(n__gt=0)
    if year:
        qs = qs.filter(month__gte=dt.date(year, 1, 1), month__lt=dt.date(year + 1, 1, 1))
    key = {"overall": None, "broker": "author__username", "industry": "demand__industry",
           "district": "demand__region_code", "month": "month"}[by]
    for k, r in _grouped(qs, key, n=Sum("n"), c=Sum("contacted")):
        yield (k.month if by == "month" and k is not None else k), r


def _deal_months_postgresql(deals: QuerySet[Deal], counts: dict[str, Any]) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Deals per calendar month (1–12) without converting every row's time: ``EXTRACT(MONTH FROM created_at AT
    TIME ZONE …)`` costs a zone lookup per row (0.4 s over 100,000 deals on a busy machine). Instead the month
    starts between the first and last deal are computed here, in the platform's time zone, and PostgreSQL's
    ``width_bucket`` puts each row in its bucket by binary search over those instants."""
    span = deals.aggregate(first=Min("created_at"), last=Max("created_at"))
    if span["first"] is None:
        return
    tz = timezone.get_current_timezone()
    first = timezone.localtime(span["first"], tz)
    last = timezone.localtime(span["last"], tz)
    starts, months = [], []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        starts.append(dt.datetime(y, m, 1, tzinfo=tz))
        months.append(m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    bucket = Func(F("created_at"), Value(starts, output_field=ArrayField(DateTimeField())),
                  function="width_bucket", output_field=IntegerField())
    for r in deals.annotate(bucket=bucket).values("bucket").annotate(**counts).order_by():
        yield months[r["bucket"] - 1], r


def funnel(by: str = "overall", year: int | None = None) -> list[dict[str, Any]]:
    if by not in BY:
        raise ValueError(by)
    fb = MatchFeedback.objects.filter(demand__isnull=False)
    deals = Deal.objects.all()
    if year:
        fb, deals = fb.filter(created_at__year=year), deals.filter(created_at__year=year)
    rows: dict[Any, Counter[str]] = defaultdict(Counter)
    dk = _deal_key(by)
    for key, r in _feedback_counts(fb, by, year):
        rows[key]["recommended"] += r["n"] or 0
        rows[key]["contacted"] += r["c"] or 0
    deal_counts = {"n": Count("id"), "s": Count("id", filter=Q(signed_at__isnull=False)),
                   "g": Count("id", filter=Q(stage=Stage.REGISTERED))}
    grouped = (_deal_months_postgresql(deals, deal_counts) if by == "month" and connection.vendor == "postgresql"
               else _grouped(deals, dk, **deal_counts))
    for key, r in grouped:
        rows[key]["deals"] += r["n"]
        rows[key]["signed"] += r["s"]
        rows[key]["registered"] += r["g"]
    out = [{"key": k, "label": _label(by, k), **{s: c[s] for s, _ in STEPS}} for k, c in rows.items()]
    if by == "overall" and not out:
        out = [{"key": None, "label": "总计", **{s: 0 for s, _ in STEPS}}]
    out.sort(key=lambda r: (-r["deals"], -r["recommended"], str(r["label"])))
    if by == "month":
        out.sort(key=lambda r: r["key"] or 0)
    return out


def terminations(year: int | None = None) -> list[tuple[str, int]]:
    qs = Deal.objects.filter(stage=Stage.TERMINATED)
    if year:
        qs = qs.filter(created_at__year=year)
    counts = dict(qs.values_list("termination_reason").annotate(n=Count("id")))
    return [(label, counts.get(value, 0)) for value, label in TerminationReason.choices]


def _best_rank(a: int | None, b: int | None) -> int | None:
    """A pair shown several times keeps the best rank it was shown at (as the engine's ``feedback`` merges)."""
    ranks = [r for r in (a, b) if r]
    return min(ranks) if ranks else None


# MRR@10 of the labelled pairs in one SQL statement, for the funnel page: the same definition as
# ``kechuang.matching.feedback`` applied to ``labelled_pairs()`` (a pair is relevant when any verdict on it is
# 有用/已联系 or a deal opened on it; its rank is the best rank it was shown at; per demand the reciprocal of the
# best relevant rank ≤ 10, else 0) — but without carrying a million verdicts into Python (28 s at 1 M).
MRR_SQL = """
WITH recs AS (
    SELECT demand_id AS d, target_id AS a, rank AS r,
           CASE WHEN verdict IN ('contacted', 'useful') THEN 1 ELSE 0 END AS rel
    FROM market_matchfeedback WHERE demand_id IS NOT NULL AND target_kind = 'achievement'
    UNION ALL
    SELECT demand_id, CAST(achievement_id AS VARCHAR(64)), match_rank, 1
    FROM deals_deal WHERE demand_id IS NOT NULL AND achievement_id IS NOT NULL
), pairs AS (
    SELECT d, MAX(rel) AS rel, MIN(CASE WHEN r > 0 THEN r END) AS r FROM recs GROUP BY d, a
)
SELECT COUNT(*), COALESCE(SUM(CASE WHEN best IS NULL THEN 0 ELSE 1.0 / best END), 0)
FROM (SELECT d, MIN(CASE WHEN rel = 1 AND r BETWEEN 1 AND 10 THEN r END) AS best FROM pairs GROUP BY d) AS q
"""


def mrr_at_10_sql() -> tuple[float, int]:
    """(MRR@10, number of demands) of the labelled pairs, computed in the database (see MRR_SQL)."""
    with connection.cursor() as cursor:
        cursor.execute(MRR_SQL)
        n, total = cursor.fetchone()
    return (float(total) / n if n else 0.0), int(n)


def labelled_pairs() -> Iterator[dict[str, Any]]:
    """One JSON-able row per (demand, achievement) pair the platform has a label for: grade 2 for a deal that
    reached 签约, 1 for 有用/已联系 or an opened deal, 0 for 无用; with the rank the engine showed."""
    pairs: dict[tuple[int, str], dict[str, Any]] = {}
    for f in MatchFeedback.objects.filter(demand__isnull=False, target_kind="achievement").values(
            "demand_id", "target_id", "verdict", "rank"):
        grade = 0 if f["verdict"] == FeedbackVerdict.NOT_USEFUL else 1
        key = (f["demand_id"], str(f["target_id"]))
        row = pairs.setdefault(key, {"query": str(key[0]), "doc": key[1], "grade": grade, "rank": f["rank"]})
        row["grade"] = max(row["grade"], grade)
        row["rank"] = _best_rank(row["rank"], f["rank"])
    for d in Deal.objects.filter(demand__isnull=False, achievement__isnull=False).values(
            "demand_id", "achievement_id", "signed_at", "match_rank"):
        grade = 2 if d["signed_at"] else 1
        key = (d["demand_id"], str(d["achievement_id"]))
        row = pairs.setdefault(key, {"query": str(key[0]), "doc": key[1], "grade": grade, "rank": d["match_rank"]})
        row["grade"] = max(row["grade"], grade)
        row["rank"] = _best_rank(row["rank"], d["match_rank"])
    yield from pairs.values()


def mrr_at_10(rows: Iterable[dict[str, Any]]) -> tuple[float, int]:
    """MRR@10 of the recorded ranks over the labelled pairs (the engine's own measure, ``kechuang.matching.feedback``,
    so the page, ``deals_eval`` and ``kechuang match eval --feedback`` agree). Returns (MRR@10, number of demands)."""
    from kechuang.matching.feedback import Label, evaluate

    m = evaluate(Label(str(r["query"]), str(r["doc"]), int(r["grade"]), r.get("rank")) for r in rows)
    return m.mrr10, m.queries


def export_labels(path: Any) -> int:
    """Write the labelled pairs as JSON lines (the hand-over file of ``kechuang match eval --feedback``)."""
    import json

    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for r in labelled_pairs():
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    return n
