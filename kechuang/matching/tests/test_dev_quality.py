"""The full engine against plain BM25 on the development set (about 10 s: one build, one baseline)."""

from __future__ import annotations

import pytest

from kechuang.matching import MatchIndex
from kechuang.matching.evaluation import (
    bm25_baseline,
    default_corpus_paths,
    default_queries_path,
    metrics,
    read_corpus,
    read_queries,
)


def test_engine_beats_plain_bm25_on_dev() -> None:
    paths = default_corpus_paths()
    if not all(p.exists() for p in paths) or not default_queries_path().exists():
        pytest.skip("shared development data not available")
    docs = [d for p in paths for d in read_corpus(p)]
    queries = [q for q in read_queries(default_queries_path()) if q.answer]
    answers = [q.answer for q in queries]
    base = metrics(bm25_baseline(docs, [q.query for q in queries], k=50), answers)
    index = MatchIndex.build(docs)
    engine = metrics([[h.id for h in index.search(q.query, 50, explain=False)] for q in queries], answers)
    # The baseline is reproduced exactly as shared/data/README.md states it.
    assert base.mrr10 == pytest.approx(0.825, abs=0.002)
    assert base.recall50 == pytest.approx(0.966, abs=0.002)
    assert engine.mrr10 >= 1.10 * base.mrr10
    assert engine.recall50 >= 0.97
