"""The data of an index: its parameters, posting lists, stored documents and segments.

Shared by the writer (``build``), the reader (``search``) and ``storage``; nothing here builds or
searches.  Layout on disk is described in ``storage``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .types import Document

FORMAT_VERSION = 1
FIELDS: tuple[str, ...] = ("title", "keywords", "abstract")
BOOST = 0.15  # score multiplier bonus for a document carrying a boosted tag value

Progress = Callable[[str, float], None]
F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Params:
    """Every tunable of the engine; stored in the index so a loaded index searches the same way."""

    # Chosen on the dev demands (docs/benchmarks.md has the grid and the check on halves).
    k1: float = 1.2
    # Weak length normalisation: most listings are bare titles, and full BM25 normalisation (0.75)
    # lets a 15-character title that shares one word beat the paper whose abstract covers the need.
    b: float = 0.3
    # BM25F field weights (title, keywords, abstract).  Equal weights won on dev (title 1.5 or 2 cost
    # 0.001-0.012 on each half): abstracts are where plant-floor wording finds its match.
    field_weights: tuple[float, float, float] = (1.0, 1.0, 1.0)
    # Fusion weights.  The bigram channel is the stronger one alone (MRR@10 0.922 vs 0.904) and
    # 1.5 was the best weight on *both* halves of the dev queries.  The dense channel's 0.1 costs
    # nothing measurable and lets a document with no shared word still enter the ranking; its main
    # job is the semantic neighbours of the explanations.
    w_word: float = 1.0
    w_bigram: float = 1.5
    w_dense: float = 0.1
    candidates: int = 200  # per channel; 100 and 1000 gave identical dev rankings
    dim: int = 128
    svd_sample: int = 200_000  # documents the SVD is trained on (the rest are folded in)
    dense_full_max_docs: int = 250_000  # above this, the dense channel only scores candidates
    # Pseudo-relevance feedback: implemented and measured, off by default - on dev it lowered
    # MRR@10 at every weight tried (0.05-0.3), because the first-pass top 5 are mostly short
    # titles of *other* topics whose words pull the query away.
    prf_docs: int = 5
    prf_terms: int = 20
    prf_weight: float = 0.0
    # How many times the query's title is counted.  Twice looked natural (the title states the
    # need) but once was as good or better on both halves of the dev queries (0.932 vs 0.929;
    # three times: 0.918): descriptions of plant-floor problems carry the technical words.
    query_title_repeat: int = 1
    build_workers: int = 0  # processes for analysis of large corpora; 0 = one per CPU
    neighbour_min_sim: float = 0.5
    # Logistic coefficients (intercept, coverage_word, coverage_bigram, dense, log ideal, coverage x
    # log ideal) of the calibrated relevance, fitted on the dev demands by ``kechuang match
    # calibrate`` (calibration.py, figures in docs/matching.md).
    calibration: tuple[float, ...] = (-8.0556, 8.5757, -36.5466, -0.8073, 0.2335, 17.8448)


@dataclass
class _Postings:
    """Term -> (doc, weight) lists in CSR form, weights already BM25 (idf included)."""

    indptr: I64
    docs: I32
    weights: F32

    def score(self, qweights: dict[int, float], n_docs: int) -> npt.NDArray[np.float32]:
        """Sum of query weight x BM25 weight over the postings of the query terms.

        A term's postings hold each document once, so ``scores[docs] += ...`` on the contiguous
        (memory-mapped) slice is exact and touches only that slice: at 1,000,000 documents this
        was 3x faster than gathering all slices for one bincount.
        """
        n_terms = len(self.indptr) - 1
        scores = np.zeros(n_docs, dtype=np.float32)
        indptr = self.indptr
        for t, q in qweights.items():
            if t >= n_terms:
                continue
            s, e = int(indptr[t]), int(indptr[t + 1])
            if e > s:
                scores[self.docs[s:e]] += self.weights[s:e] * np.float32(q)
        return scores


def _idf(df: npt.NDArray[np.float64], n: int) -> npt.NDArray[np.float64]:
    # Lucene's BM25 idf: never negative, so a word in most documents just stops counting.
    return np.log1p((n - df + 0.5) / (df + 0.5))


@dataclass
class _Store:
    """Original documents as JSON lines with offsets (explanations, tags, compaction)."""

    data: npt.NDArray[np.uint8]
    offsets: I64

    def get(self, i: int) -> Document:
        raw = bytes(self.data[int(self.offsets[i]) : int(self.offsets[i + 1])])
        return _doc_from_dict(json.loads(raw))

    @staticmethod
    def from_docs(docs: Sequence[Document]) -> _Store:
        chunks: list[bytes] = []
        offsets = [0]
        for d in docs:
            b = (json.dumps(_doc_to_dict(d), ensure_ascii=False) + "\n").encode("utf-8")
            chunks.append(b)
            offsets.append(offsets[-1] + len(b))
        data = np.frombuffer(b"".join(chunks), dtype=np.uint8) if chunks else np.zeros(0, np.uint8)
        return _Store(data, np.asarray(offsets, dtype=np.int64))


def _doc_to_dict(d: Document) -> dict[str, Any]:
    # Spelled out: dataclasses.asdict deep-copies recursively and took 90 s for a million records.
    out: dict[str, Any] = {"id": d.id, "title": d.title}
    if d.abstract:
        out["abstract"] = d.abstract
    if d.keywords:
        out["keywords"] = list(d.keywords)
    if d.discipline:
        out["discipline"] = d.discipline
    if d.category:
        out["category"] = d.category
    if d.kind != "achievement":
        out["kind"] = d.kind
    if d.tags:
        out["tags"] = {k: list(v) for k, v in d.tags.items()}
    return out


def _doc_from_dict(o: dict[str, Any]) -> Document:
    return Document(
        id=o["id"],
        title=o.get("title", ""),
        abstract=o.get("abstract", ""),
        keywords=tuple(o.get("keywords", ())),
        discipline=o.get("discipline", ""),
        category=o.get("category", ""),
        kind=o.get("kind", "achievement"),
        tags={k: tuple(v) for k, v in o.get("tags", {}).items()},
    )


def _doc_tags(d: Document) -> dict[str, tuple[str, ...]]:
    """Tags used by filters: the explicit ones plus kind, discipline and category."""
    tags = dict(d.tags)
    tags.setdefault("kind", (d.kind,))
    if d.discipline:
        tags.setdefault("discipline", (d.discipline,))
    if d.category:
        tags.setdefault("category", (d.category,))
    return tags


def _field_texts(d: Document) -> tuple[str, str, str]:
    return d.title, " | ".join(d.keywords), f"{d.abstract} {d.discipline} {d.category}".strip()


@dataclass
class _Segment:
    """An immutable set of indexed documents (the main, memory-mapped one or the in-memory delta)."""

    n: int
    word: _Postings
    bigram: _Postings
    fwd_indptr: I64  # doc -> word terms (for PRF and neighbours)
    fwd_terms: I32
    fwd_weights: F32
    fwd_fields: npt.NDArray[np.uint8]  # bit i set = the word occurs in FIELDS[i]
    doc_vecs: F32
    kinds: npt.NDArray[np.uint8]
    tags: dict[str, I32]  # "field\tvalue" -> sorted doc numbers
    store: _Store
    ids: list[str]
