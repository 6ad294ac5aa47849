"""The engine's quality on the platform's own labels (``kechuang match eval --feedback FILE``).

Brokers judge the matches the engine showed (有用 / 已联系 / 无用) and deals record what became of them; the deals
app writes these as JSON lines, one per labelled (demand, achievement) pair::

    {"query": "<demand id>", "doc": "<achievement id>", "grade": 0|1|2, "rank": <rank the engine showed>|null}

grade 0 = judged not useful, 1 = useful / contacted / a deal opened, 2 = the deal reached 签约. The file is the
hand-over: this module reads it without Django. The metrics use the ranks recorded when the match was shown
(the platform logs what the engine ranked, so no re-ranking is needed to score it):

- MRR@10: per demand, 1/rank of the best-ranked relevant pair (grade ≥ 1) with rank ≤ 10, else 0 — a demand whose
  labels are all 无用 scores 0 (the engine showed it only unhelpful matches);
- nDCG@10 with gains 2^grade − 1 at the recorded ranks (positions without a label gain 0), divided by the ideal
  ordering of the demand's own labels; 0 for a demand without a relevant label.

A pair without a recorded rank (a deal opened from an achievement page, not from the match list) counts as not in
the engine's top 10: it is relevant, and the engine did not show it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .evaluation import _json_lines
from .types import MatchError

K = 10
MAX_GRADE = 3


@dataclass(frozen=True)
class Label:
    query: str
    doc: str
    grade: int
    rank: int | None


@dataclass(frozen=True)
class FeedbackMetrics:
    mrr10: float
    ndcg10: float
    queries: int
    pairs: int
    relevant_queries: int
    unranked: int


def _id(obj: dict[str, Any], key: str, where: str) -> str:
    v = obj.get(key)
    if isinstance(v, bool) or not isinstance(v, str | int) or str(v).strip() == "":
        raise MatchError(f"{where}：缺少字段 {key} 或不是文本/整数编号", field=key)
    return str(v).strip()


def _int(obj: dict[str, Any], key: str, where: str, low: int, high: int | None, nullable: bool) -> int | None:
    v = obj.get(key)
    if v is None and nullable:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < low or (high is not None and v > high):
        span = f"{low}–{high} 的整数" if high is not None else f"不小于 {low} 的整数"
        raise MatchError(f"{where}：字段 {key} 应为{span}{'或 null' if nullable else ''}，收到 {v!r}", field=key)
    return v


def read_labels(path: Path) -> list[Label]:
    """The labels file as written by ``kechuang manage deals_eval --out``; bad lines name line and field."""
    labels = []
    for lineno, obj in _json_lines(path, "标注"):
        where = f"标注文件 {path} 第 {lineno} 行"
        labels.append(Label(query=_id(obj, "query", where), doc=_id(obj, "doc", where),
                            grade=int(_int(obj, "grade", where, 0, MAX_GRADE, nullable=False) or 0),
                            rank=_int(obj, "rank", where, 1, None, nullable=True)))
    return labels


def _merge(labels: Iterable[Label]) -> dict[str, dict[str, Label]]:
    """Per query, one label per document: the highest grade, and a recorded rank where any line has one."""
    by_query: dict[str, dict[str, Label]] = {}
    for lab in labels:
        docs = by_query.setdefault(lab.query, {})
        old = docs.get(lab.doc)
        if old is None:
            docs[lab.doc] = lab
        else:
            ranks = [r for r in (old.rank, lab.rank) if r is not None]
            docs[lab.doc] = Label(lab.query, lab.doc, max(old.grade, lab.grade), min(ranks) if ranks else None)
    return by_query


def _gain(grade: int) -> float:
    return float(2 ** grade - 1)


def _discount(rank: int) -> float:
    return 1.0 / math.log2(rank + 1)


def evaluate(labels: Iterable[Label]) -> FeedbackMetrics:
    by_query = _merge(labels)
    mrr = ndcg = 0.0
    relevant_queries = unranked = pairs = 0
    for docs in by_query.values():
        pairs += len(docs)
        unranked += sum(1 for lab in docs.values() if lab.rank is None)
        shown = [lab for lab in docs.values() if lab.rank is not None and 1 <= lab.rank <= K]
        hits = [lab.rank for lab in shown if lab.grade >= 1 and lab.rank is not None]
        if hits:
            mrr += 1.0 / min(hits)
        ideal_grades = sorted((lab.grade for lab in docs.values()), reverse=True)[:K]
        idcg = sum(_gain(g) * _discount(i) for i, g in enumerate(ideal_grades, start=1))
        if idcg > 0:
            relevant_queries += 1
            # Two labels recorded at the same rank (shown on different days) share that position's discount once:
            # the best grade counts, so DCG can never exceed the ideal.
            best_at: dict[int, int] = {}
            for lab in shown:
                assert lab.rank is not None
                best_at[lab.rank] = max(best_at.get(lab.rank, 0), lab.grade)
            dcg = sum(_gain(g) * _discount(r) for r, g in best_at.items())
            ndcg += min(dcg / idcg, 1.0)
    n = len(by_query)
    return FeedbackMetrics(mrr10=mrr / n if n else 0.0, ndcg10=ndcg / n if n else 0.0, queries=n, pairs=pairs,
                           relevant_queries=relevant_queries, unranked=unranked)


def report(m: FeedbackMetrics) -> list[str]:
    """The Chinese lines ``match eval --feedback`` prints."""
    if m.queries == 0:
        return ["标注文件中没有标注：技术经理人尚未对推荐结果给出反馈，也没有从匹配结果发起的商洽"]
    lines = [f"标注 {m.pairs} 对，覆盖 {m.queries} 条技术需求（其中 {m.relevant_queries} 条有相关标注）",
             f"MRR@10 = {m.mrr10:.3f}"]
    if m.relevant_queries:
        lines.append(f"nDCG@10 = {m.ndcg10:.3f}（分级：签约 2，有用/已联系/已发起商洽 1，无用 0）")
    else:
        lines.append("nDCG@10：没有相关（有用及以上）的标注，无法计算")
    if m.unranked:
        lines.append(f"{m.unranked} 对没有记录推荐名次（不是从匹配结果发起的），按未进入前 10 计")
    return lines
