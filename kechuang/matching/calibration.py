"""Calibrated relevance: the engine's evidence turned into a probability that means the same for every query.

The fused ``score`` ranks the hits of one query, but it is relative to that query's best hit (the
best always scores about 2.5, even for a made-up query), so it cannot be shown to a reader or used
as a floor.  The relevance of a hit is instead a logistic function of query-independent features
(``search.IndexReader._ideal_scores`` explains coverage):

* ``coverage_word``   the hit's word-channel BM25 score / the score of a document holding every
                      query word once (how much of the query's vocabulary the hit covers),
* ``coverage_bigram`` the same for character bigrams,
* ``dense``           the LSA cosine of query and hit,
* ``log size``        the log of the number of distinct bigrams in the query (a long demand covers a
                      smaller share of itself than a short title does), and its product with coverage.
                      A count, not the query's idf mass: that would change with the size of the corpus.

Fitted on the development demands (shared/data/demands-dev.jsonl, corpus papers-dev + titles-dev):
each demand is asked twice, in full and by its title alone, and the engine's top 50 hits are the
examples, the labelled paper the positive one; 300 queries of 2-8 random index words (made-up needs
that no record answers) add hits that are all negative.  So the relevance reads as "the estimated
chance that this record is what the query asks for".  ``kechuang match calibrate`` refits it and
prints the reliability table (docs/matching.md has the figures); the coefficients are
``Params.calibration`` and are stored with every index build.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

# Coverage above 2 (a query word repeated all over a long abstract) adds no evidence.
COVERAGE_CAP = 2.0


def features(coverage_word: float, coverage_bigram: float, dense: float, query_bigrams: float) -> tuple[float, ...]:
    cw, cb = min(coverage_word, COVERAGE_CAP), min(coverage_bigram, COVERAGE_CAP)
    size = math.log(max(query_bigrams, 1.0))
    return cw, cb, dense, size, cb * size


def relevance(
    coefficients: Sequence[float], coverage_word: float, coverage_bigram: float, dense: float, query_bigrams: float
) -> float:
    """The calibrated probability (0-1) for one hit; ``coefficients`` = (intercept, *weights of features)."""
    x = features(coverage_word, coverage_bigram, dense, query_bigrams)
    z = coefficients[0] + sum(c * v for c, v in zip(coefficients[1:], x, strict=True))
    if z < -60:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def fit_logistic(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], l2: float = 1e-3, iterations: int = 50
) -> tuple[float, ...]:
    """Logistic regression by Newton's method (IRLS) with a small ridge; returns (intercept, *weights).

    Plain numpy: four parameters on a few thousand examples converge in a handful of steps.
    """
    xa = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xa.shape[1])
    ridge = l2 * np.eye(xa.shape[1])
    ridge[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xa @ w, -60, 60)))
        grad = xa.T @ (p - y) + ridge @ w
        hess = (xa.T * (p * (1 - p))) @ xa + ridge
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return tuple(float(v) for v in w)


@dataclass(frozen=True)
class ReliabilityRow:
    low: float
    high: float
    hits: int
    predicted: float  # mean calibrated relevance in the bin
    observed: float  # share of the bin's hits that were the labelled answer


def reliability(
    predicted: npt.NDArray[np.float64], y: npt.NDArray[np.float64], edges: Sequence[float]
) -> list[ReliabilityRow]:
    """Predicted against observed share of right answers, per band of predicted relevance."""
    rows = []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        sel = (predicted >= low) & (predicted < high if high < 1 else predicted <= high)
        n = int(sel.sum())
        rows.append(
            ReliabilityRow(
                low, high, n, float(predicted[sel].mean()) if n else 0.0, float(y[sel].mean()) if n else 0.0
            )
        )
    return rows


def examples(
    index: Any, queries: Sequence[Any], *, negatives: int = 300, k: int = 50, seed: int = 0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], list[str]]:
    """(features, labels, group) of the calibration set described in the module docstring.

    ``queries`` are ``evaluation.LabelledQuery``s with an answer; ``group`` names the query of each
    example so that a check can hold whole queries out.
    """
    from .types import Query

    rng = random.Random(seed)
    vocab = sorted(w for w in index.word_vocab if len(w) >= 2 and not w.isascii())
    asked: list[tuple[Any, str, str]] = []
    for q in queries:
        asked.append((q.query, q.answer, q.id))
        asked.append((Query(title=q.query.title), q.answer, q.id))
    for i in range(negatives):
        asked.append((Query(title="".join(rng.sample(vocab, rng.randint(2, 8)))), "", f"random-{i}"))
    rows: list[tuple[float, ...]] = []
    labels: list[float] = []
    groups: list[str] = []
    for query, answer, gid in asked:
        for h in index.search(query, k, explain=False):
            c = h.explanation.channels
            rows.append(features(c["coverage_word"], c["coverage_bigram"], c["dense"], c["query_bigrams"]))
            labels.append(1.0 if h.id == answer else 0.0)
            groups.append(gid)
    return np.asarray(rows, dtype=np.float64), np.asarray(labels, dtype=np.float64), groups


def predict(coefficients: Sequence[float], x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    z = coefficients[0] + x @ np.asarray(coefficients[1:], dtype=np.float64)
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -60, 60))), dtype=np.float64)
