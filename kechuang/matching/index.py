"""The matching index: build, search, explain, persist, keep current.

Channels (the lexical ones score every document through their posting lists):

``word``    BM25F on search-mode jieba words over the fields title, keywords and abstract.  Field
            weights are parameters; equal weights won on the dev set (docs/benchmarks.md).
``bigram``  BM25F on character bigrams - recovers words the segmenter split differently and the
            plant-floor spellings that share characters with the academic term.
``dense``   LSA: a randomized truncated SVD of the document x word BM25 matrix, trained at build
            from the corpus itself (no downloaded model).  Lets a document with no shared word enter
            the ranking and supplies the "semantic neighbours" of the explanations.

Fusion: each lexical channel is divided by its best score for the query (so the weights mean the
same thing for every query and across the main and delta segments), the dense cosine is used as is,
and a weighted sum is taken over the union of the channels' top candidates only.  Pseudo-relevance
feedback (RM3 style, on the word channel) is implemented but off by default: it never helped on the
dev set.  Weights are in ``Params``; how they were chosen, and checked on halves of the dev queries,
is in docs/benchmarks.md.

Layout on disk (one directory per version, ``current`` a symlink swapped atomically): ``meta.json``
(parameters, user dictionary, tag keys), ``ids.txt`` and the two vocabularies as text, and ``.npy``
arrays loaded with ``mmap_mode="r"`` so every app process on a machine shares the same pages.
Writers: ``upsert``/``remove``/``save`` are not thread-safe; the platform serialises them (one
recorded job at a time), readers may search concurrently.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import shutil
import time
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .analysis import MAX_QUERY_CHARS, Analyzer, normalize
from .types import (
    KINDS,
    KNOWN_FILTER_FIELDS,
    Document,
    Explanation,
    Hit,
    MatchError,
    Neighbour,
    Query,
    TermContribution,
)

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


def _now_version() -> str:
    # Sortable by name (prune_versions relies on it), unique even for saves in the same microsecond.
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f".{int(now % 1 * 1e6):06d}"
    return f"v{stamp}-{uuid.uuid4().hex[:8]}"


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


class _ChannelBuilder:
    """Accumulates one BM25F channel while documents stream by."""

    def __init__(self, vocab: dict[str, int] | None = None, with_fields: bool = False) -> None:
        self.vocab: dict[str, int] = vocab if vocab is not None else {}
        self.frozen = vocab is not None
        self.extra: dict[str, int] = {}
        self.docs = array("i")
        self.terms = array("i")
        self.tf = array("f")
        self.masks = array("B") if with_fields else None
        self.lengths = array("f")

    def add(self, doc: int, field_tokens: Sequence[list[str]], weights: Sequence[float]) -> None:
        # The hot loop of a build (millions of calls): C-level Counter and array.extend do the work.
        present = [
            (fi, toks, w) for fi, (toks, w) in enumerate(zip(field_tokens, weights, strict=True)) if toks
        ]
        bit = 0
        if len(present) == 1:
            fi, toks, w = present[0]
            counts = Counter(toks)
            tf: dict[str, float] = {t: w * c for t, c in counts.items()} if w != 1.0 else dict(counts)
            mask: dict[str, int] | None = None
            bit = 1 << fi
            length = w * len(toks)
        else:
            tf = {}
            mask = {}
            length = 0.0
            for fi, toks, w in present:
                length += w * len(toks)
                bit = 1 << fi
                for t, c in Counter(toks).items():
                    tf[t] = tf.get(t, 0.0) + w * c
                    mask[t] = mask.get(t, 0) | bit
        vocab = self.vocab
        if self.frozen:
            extra = self.extra
            base = len(vocab)
            ids = [vocab[t] if t in vocab else extra.setdefault(t, base + len(extra)) for t in tf]
        else:
            ids = [vocab.setdefault(t, len(vocab)) for t in tf]
        self.docs.extend([doc] * len(ids))
        self.terms.extend(ids)
        self.tf.extend(tf.values())
        if self.masks is not None:
            self.masks.extend(mask.values() if mask is not None else [bit] * len(ids))
        self.lengths.append(length)

    def finish(
        self,
        n_docs: int,
        k1: float,
        b: float,
        idf: npt.NDArray[np.float64] | None = None,
        avgdl: float | None = None,
    ) -> tuple[_Postings, npt.NDArray[np.float64], float, I32, F32]:
        """Return postings, idf per term, avgdl, and the doc-major term ids and weights (forward index)."""
        n_terms = len(self.vocab) + len(self.extra)
        docs = np.frombuffer(self.docs, dtype=np.int32) if len(self.docs) else np.zeros(0, np.int32)
        terms = np.frombuffer(self.terms, dtype=np.int32) if len(self.terms) else np.zeros(0, np.int32)
        tf = np.frombuffer(self.tf, dtype=np.float32).astype(np.float64) if len(self.tf) else np.zeros(0)
        lengths = np.frombuffer(self.lengths, dtype=np.float32).astype(np.float64)
        df = np.bincount(terms, minlength=n_terms).astype(np.float64)
        if idf is None:
            idf = _idf(df, n_docs)
        elif len(idf) < n_terms:
            # Terms the frozen (main) index never saw: treat them as occurring once in it.
            idf = np.concatenate([idf, np.full(n_terms - len(idf), _idf(np.ones(1), max(n_docs, 2))[0])])
        if avgdl is None:
            avgdl = float(lengths.mean()) if len(lengths) else 1.0
        avgdl = max(avgdl, 1e-9)
        dl = lengths[docs] if len(docs) else np.zeros(0)
        w = idf[terms] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
        order = np.argsort(terms, kind="stable")
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(df.astype(np.int64))
        post = _Postings(indptr, docs[order].copy(), w[order].astype(np.float32))
        return post, idf, avgdl, terms, w.astype(np.float32)


def _orthonormal(y: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Orthonormal basis of the columns of a tall, thin ``y`` by Cholesky QR.

    LAPACK's Householder QR of a 60,000 x 150 matrix took 8 s on the busy 2-core server; the
    Gram matrix is one GEMM and the solve is tiny.  Power iterations tolerate the lower accuracy.
    """
    g = (y.T @ y).astype(np.float64)
    g += np.eye(len(g)) * (1e-6 * float(np.trace(g)) / len(g) + 1e-12)
    r = np.linalg.cholesky(g).T  # g = r^T r
    return np.asarray(y, dtype=np.float32) @ np.linalg.inv(r).astype(np.float32)


def _randomized_svd(x: Any, k: int, seed: int = 0, n_iter: int = 2) -> tuple[F32, F32]:
    """Halko et al. randomized truncated SVD of a sparse matrix; returns (V, S).

    Deterministic for a given seed, and far quicker than ARPACK for k in the hundreds.
    """
    rng = np.random.default_rng(seed)
    m, n = x.shape
    k = max(1, min(k, min(m, n) - 1))
    p = min(k + 20, min(m, n))
    omega = rng.standard_normal((n, p)).astype(np.float32)
    q = _orthonormal(np.asarray(x @ omega))
    for _ in range(n_iter):
        z = _orthonormal(np.asarray(x.T @ q))
        q = _orthonormal(np.asarray(x @ z))
    bmat = np.asarray(x.T @ q).T.astype(np.float64)  # p x n
    # SVD of the short, wide B through its p x p Gram matrix (a LAPACK SVD of B itself took 8 s).
    evals, ub = np.linalg.eigh(bmat @ bmat.T)
    order = np.argsort(-evals)[:k]
    sv = np.sqrt(np.maximum(evals[order], 1e-12))
    v = (bmat.T @ ub[:, order]) / sv
    return v.astype(np.float32), sv.astype(np.float32)


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


class MatchIndex:
    """Search index over ``Document``s; see the module docstring for the channels."""

    def __init__(
        self,
        *,
        params: Params,
        analyzer: Analyzer,
        word_vocab: dict[str, int],
        bigram_vocab: dict[str, int],
        word_idf: npt.NDArray[np.float64],
        bigram_idf: npt.NDArray[np.float64],
        word_avgdl: float,
        bigram_avgdl: float,
        svd_v: F32,
        svd_s: F32,
        term_vecs: F32,
        main: _Segment,
        path: Path | None = None,
    ) -> None:
        self.params = params
        self.analyzer = analyzer
        self.word_vocab = word_vocab
        self.bigram_vocab = bigram_vocab
        self.word_idf = word_idf
        self.bigram_idf = bigram_idf
        self.word_avgdl = word_avgdl
        self.bigram_avgdl = bigram_avgdl
        self.svd_v = svd_v
        self.svd_s = svd_s
        self.term_vecs = term_vecs
        self.main = main
        self.path = path
        self._id_to_main = {d: i for i, d in enumerate(main.ids)}
        self._deleted = np.zeros(main.n, dtype=bool)
        self._delta_docs: dict[str, Document] = {}
        self._delta: _Segment | None = None
        self._delta_vocab: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self._word_terms_inv: list[str] | None = None
        self._idf_cut: float | None = None
        self.filter_fields = {k.split("\t", 1)[0] for k in main.tags} | set(KNOWN_FILTER_FIELDS)

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        docs: Iterable[Document],
        *,
        progress: Progress | None = None,
        params: Params | None = None,
    ) -> MatchIndex:
        """Index ``docs``.  ``progress(stage, fraction)`` is called as work advances."""
        p = params or Params()
        report = progress or (lambda stage, frac: None)
        doc_list = list(docs)
        if not doc_list:
            raise MatchError("语料为空：至少需要一条记录才能建立索引", field="corpus")
        seen: set[str] = set()
        for i, d in enumerate(doc_list):
            d.validate(f"第 {i + 1} 条记录")
            if d.id in seen:
                raise MatchError(f"第 {i + 1} 条记录：id“{d.id}”重复", field="id")
            seen.add(d.id)
        # Domain user dictionary: the keywords authors chose are the multi-character terms of the field.
        kw = Counter(k for d in doc_list for k in d.keywords)
        analyzer = Analyzer(sorted(kw))
        report("analyse", 0.0)
        seg, stats = _build_segment(doc_list, analyzer, p, report)
        word_vocab, bigram_vocab, word_idf, bigram_idf, wavg, bavg, v, s, tv = stats
        report("done", 1.0)
        return cls(
            params=p,
            analyzer=analyzer,
            word_vocab=word_vocab,
            bigram_vocab=bigram_vocab,
            word_idf=word_idf,
            bigram_idf=bigram_idf,
            word_avgdl=wavg,
            bigram_avgdl=bavg,
            svd_v=v,
            svd_s=s,
            term_vecs=tv,
            main=seg,
        )

    # ------------------------------------------------------------------ info
    def __len__(self) -> int:
        return int(self.main.n - self._deleted.sum()) + len(self._delta_docs)

    def ids(self) -> list[str]:
        live = [d for i, d in enumerate(self.main.ids) if not self._deleted[i]]
        return live + list(self._delta_docs)

    def get(self, doc_id: str) -> Document | None:
        if doc_id in self._delta_docs:
            return self._delta_docs[doc_id]
        i = self._id_to_main.get(doc_id)
        if i is None or self._deleted[i]:
            return None
        return self.main.store.get(i)

    # ------------------------------------------------------------------ query analysis
    def _query_terms(self, text: str) -> tuple[Counter[str], Counter[str]]:
        words, bigrams = self.analyzer.analyze(text, MAX_QUERY_CHARS)
        return Counter(words), Counter(bigrams)

    def _check_query(self, query: Query) -> str:
        if not isinstance(query.title, str) or not isinstance(query.description, str):
            raise MatchError("查询的 title（标题）和 description（描述）必须是文本", field="title")
        text = "\n".join([query.title] * self.params.query_title_repeat + [query.description]).strip()
        if not text:
            raise MatchError(
                "查询为空：title（标题）和 description（描述）不能都为空或只有空白", field="title"
            )
        for name in list(query.filters) + list(query.boosts):
            if name not in self.filter_fields:
                known = "、".join(sorted(self.filter_fields))
                raise MatchError(f"未知的筛选字段“{name}”，可用字段：{known}", field=name)
        if query.kinds is not None:
            for kd in query.kinds:
                if kd not in KINDS:
                    raise MatchError(
                        f"kinds（类型）取值“{kd}”无效，应为 {'/'.join(KINDS)} 之一", field="kinds"
                    )
        return text

    # ------------------------------------------------------------------ search
    def search(self, query: Query, k: int = 10, *, explain: bool = True) -> list[Hit]:
        """Best ``k`` documents for ``query``, best first.

        Title and description are joined (``Params.query_title_repeat`` copies of the title).  Text beyond
        ``MAX_QUERY_CHARS`` (4,000) characters is ignored.  Filters are hard constraints; a filter
        whose values occur in no indexed document raises ``MatchError`` (an answer that is empty
        only because of a typo would be silent).  Fewer than ``k`` hits come back only when fewer
        than ``k`` documents pass the filters.  ``explain=False`` skips the explanations (batch use).
        """
        if not isinstance(k, int) or k < 1:
            raise MatchError("k（返回条数）必须是正整数", field="k")
        query = _normalise_query(query)
        text = self._check_query(query)
        qw, qb = self._query_terms(text)
        segs = self._segments()
        qword = self._qweights(qw, self._word_id)
        qbig = self._qweights(qb, self._bigram_id)
        if not qword and not qb:
            raise MatchError("查询中没有可检索的词语（只有停用词、数字或标点）", field="description")
        self._check_filter_values(query)
        p = self.params
        allowed = [self._allowed(seg, si, query) for si, seg in enumerate(segs)]
        sw = [seg.word.score(qword, seg.n) for seg in segs]
        sb = [seg.bigram.score(qbig, seg.n) for seg in segs]
        qvec = self._qvec(qword)
        res = self._fuse(segs, allowed, sw, sb, qvec, k)
        if p.prf_docs > 0 and p.prf_weight > 0 and qword and res[0]:
            exp = self._expansion(segs, res)
            if exp:
                total_q = sum(qword.values())
                total_e = sum(exp.values())
                q2 = {t: (1 - p.prf_weight) * w / total_q for t, w in qword.items()}
                for t, w in exp.items():
                    q2[t] = q2.get(t, 0.0) + p.prf_weight * w / total_e
                qword = {t: w * total_q for t, w in q2.items()}
                sw = [seg.word.score(qword, seg.n) for seg in segs]
                qvec = self._qvec(qword)
                res = self._fuse(segs, allowed, sw, sb, qvec, k)
        scores, where, chans = res
        if query.boosts:
            for i, (si, d) in enumerate(where):
                scores[i] *= self._boost(segs[si], d, query)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], where[i]))[:k]
        hits: list[Hit] = []
        qterm_vecs = self._qterm_vecs(qword) if explain else None
        for i in order:
            si, d = where[i]
            seg = segs[si]
            ch = {name: round(float(v[i]), 4) for name, v in chans.items()}
            expl = (
                self._explain(seg, d, qword, qterm_vecs, query, ch) if explain else Explanation(channels=ch)
            )
            hits.append(
                Hit(
                    id=seg.ids[d],
                    score=round(float(scores[i]), 6),
                    kind=KINDS[int(seg.kinds[d])],
                    explanation=expl,
                )
            )
        return hits

    def _fuse(
        self,
        segs: Sequence[_Segment],
        allowed: Sequence[npt.NDArray[np.bool_] | None],
        sw: Sequence[F32],
        sb: Sequence[F32],
        qvec: F32 | None,
        k: int,
    ) -> tuple[list[float], list[tuple[int, int]], dict[str, npt.NDArray[np.float64]]]:
        """Weighted sum of the channels over the union of each channel's top candidates.

        Lexical channels are divided by their best score over all segments, so the weights mean the
        same for every query and the delta segment's scores are comparable with the main one's.
        Returns the best ``k`` (score, (segment, doc)) with per-channel values, unsorted.
        """
        p = self.params
        mw = max(max((float(x.max()) for x in sw if len(x)), default=0.0), 1e-9)
        mb = max(max((float(x.max()) for x in sb if len(x)), default=0.0), 1e-9)
        scores: list[npt.NDArray[np.float64]] = []
        where: list[tuple[int, int]] = []
        parts_w: list[npt.NDArray[np.float64]] = []
        parts_b: list[npt.NDArray[np.float64]] = []
        parts_d: list[npt.NDArray[np.float64]] = []
        for si, seg in enumerate(segs):
            ok = allowed[si]
            if ok is not None and not ok.any():
                continue
            w, b = sw[si], sb[si]
            if ok is not None:
                w = np.where(ok, w, np.float32(-1.0))
                b = np.where(ok, b, np.float32(-1.0))
            c = min(max(p.candidates, k), seg.n)
            pieces = [_topn(w, c), _topn(b, c)]
            if qvec is not None and p.w_dense > 0 and seg.n <= p.dense_full_max_docs:
                sd = _matvec(seg.doc_vecs, qvec)
                pieces.append(_topn(sd if ok is None else np.where(ok, sd, -2.0), c))
            cand = np.unique(np.concatenate(pieces))
            if ok is not None:
                cand = cand[ok[cand]]
            cw = np.maximum(w[cand].astype(np.float64), 0) / mw
            cb = np.maximum(b[cand].astype(np.float64), 0) / mb
            if qvec is not None and p.w_dense > 0:
                cd = _matvec(np.asarray(seg.doc_vecs[cand]), qvec)
            else:
                cd = np.zeros(len(cand))
            fused = p.w_word * cw + p.w_bigram * cb + p.w_dense * cd
            keep = _topn(fused, min(len(fused), max(k, p.prf_docs)))
            scores.append(fused[keep])
            parts_w.append(cw[keep])
            parts_b.append(cb[keep])
            parts_d.append(cd[keep])
            where.extend((si, int(d)) for d in cand[keep])
        if not scores:
            return [], [], {}
        chans = {
            "word": np.concatenate(parts_w),
            "bigram": np.concatenate(parts_b),
            "dense": np.concatenate(parts_d),
        }
        return np.concatenate(scores).tolist(), where, chans

    def _segments(self) -> list[_Segment]:
        if self._delta_docs and self._delta is None:
            self._rebuild_delta()
        return [self.main] if self._delta is None or not self._delta_docs else [self.main, self._delta]

    def _word_id(self, term: str) -> int | None:
        t = self.word_vocab.get(term)
        return t if t is not None else self._delta_vocab[0].get(term)

    def _bigram_id(self, term: str) -> int | None:
        t = self.bigram_vocab.get(term)
        return t if t is not None else self._delta_vocab[1].get(term)

    def _check_filter_values(self, query: Query) -> None:
        segs = self._segments()
        for name, values in query.filters.items():
            if isinstance(values, str):
                values = (values,)
            if not any(f"{name}\t{v}" in seg.tags for seg in segs for v in values):
                shown = "、".join(values) or "（空）"
                raise MatchError(f"筛选字段“{name}”的取值 {shown} 在索引中不存在", field=name)

    def _allowed(self, seg: _Segment, si: int, query: Query) -> npt.NDArray[np.bool_] | None:
        mask: npt.NDArray[np.bool_] | None = None
        if si == 0 and self._deleted.any():
            mask = ~self._deleted
        conds = dict(query.filters)
        if query.kinds is not None:
            conds["kind"] = tuple(query.kinds)
        for name, values in conds.items():
            if isinstance(values, str):
                values = (values,)
            m = np.zeros(seg.n, dtype=bool)
            for v in values:
                key = f"{name}\t{v}"
                if key in seg.tags:
                    m[seg.tags[key]] = True
            mask = m if mask is None else mask & m
        return mask

    def _boost(self, seg: _Segment, d: int, query: Query) -> float:
        tags = _doc_tags(seg.store.get(d))
        hits = sum(1 for name, values in query.boosts.items() if set(tags.get(name, ())) & set(values))
        return 1.0 + BOOST * hits

    @staticmethod
    def _qweights(counts: Counter[str], lookup: Callable[[str], int | None]) -> dict[int, float]:
        # Query term frequency saturates: a demand repeating 膜层 four times means it, but not 4x.
        out: dict[int, float] = {}
        for t, c in counts.items():
            tid = lookup(t)
            if tid is not None:
                out[tid] = 1.0 + math.log(c)
        return out

    def _expansion(
        self, segs: Sequence[_Segment], res: tuple[list[float], list[tuple[int, int]], Any]
    ) -> dict[int, float]:
        """RM3-like expansion: words weighted by their normalised BM25 weight in the top documents."""
        scores, where, _ = res
        top = sorted(range(len(scores)), key=lambda i: (-scores[i], where[i]))[: self.params.prf_docs]
        acc: dict[int, float] = {}
        for rank, i in enumerate(top):
            si, d = where[i]
            seg = segs[si]
            s, e = int(seg.fwd_indptr[d]), int(seg.fwd_indptr[d + 1])
            if e <= s:
                continue
            w = np.asarray(seg.fwd_weights[s:e], dtype=np.float64)
            w = w / w.sum()
            decay = 1.0 / (1 + rank)  # trust the first document most
            for t, x in zip(seg.fwd_terms[s:e].tolist(), w.tolist(), strict=True):
                acc[t] = acc.get(t, 0.0) + decay * x
        best = sorted(acc.items(), key=lambda kv: (-kv[1], kv[0]))[: self.params.prf_terms]
        return dict(best)

    def _qvec(self, qword: dict[int, float]) -> F32 | None:
        """Fold the query into LSA space: sum of idf-weighted V rows, unit length."""
        nv = self.svd_v.shape[0]
        rows = [t for t in qword if t < nv]
        if not rows:
            return None
        w = np.asarray([qword[t] * self._idf_of(t) for t in rows], dtype=np.float32)
        v = np.einsum("i,ij->j", w, self.svd_v[rows]) / self.svd_s
        norm = float(np.linalg.norm(v))
        if norm == 0:
            return None
        return (v / norm).astype(np.float32)

    def _idf_of(self, t: int) -> float:
        return float(self.word_idf[t]) if t < len(self.word_idf) else float(self.word_idf.max())

    # ------------------------------------------------------------------ explanations
    def _word_term(self, t: int) -> str:
        if self._word_terms_inv is None:
            inv = [""] * (len(self.word_vocab) + len(self._delta_vocab[0]))
            for w, i in self.word_vocab.items():
                inv[i] = w
            for w, i in self._delta_vocab[0].items():
                inv[i] = w
            self._word_terms_inv = inv
        return self._word_terms_inv[t] if t < len(self._word_terms_inv) else ""

    def _qterm_vecs(self, qword: dict[int, float]) -> tuple[list[int], F32] | None:
        """Unit LSA vectors of the query words worth explaining (in the basis, not too common)."""
        nv = self.term_vecs.shape[0]
        if self._idf_cut is None:
            self._idf_cut = float(np.median(self.word_idf)) * 0.5
        cut = self._idf_cut
        rows = [t for t in qword if t < nv and self._idf_of(t) >= cut and len(self._word_term(t)) > 1]
        if not rows:
            return None
        return rows, np.asarray(self.term_vecs[rows])

    def _explain(
        self,
        seg: _Segment,
        d: int,
        qword: dict[int, float],
        qterm_vecs: tuple[list[int], F32] | None,
        query: Query,
        channels: dict[str, float],
    ) -> Explanation:
        s, e = int(seg.fwd_indptr[d]), int(seg.fwd_indptr[d + 1])
        dterms = seg.fwd_terms[s:e].tolist()
        dweights = seg.fwd_weights[s:e].tolist()
        dfields = seg.fwd_fields[s:e].tolist()
        shared: list[TermContribution] = []
        fields_all = 0
        for t, w, mask in zip(dterms, dweights, dfields, strict=True):
            qwt = qword.get(t)
            if qwt:
                fields_all |= mask
                shared.append(
                    TermContribution(
                        term=self._word_term(t),
                        score=round(w * qwt, 4),
                        fields=tuple(f for i, f in enumerate(FIELDS) if mask >> i & 1),
                    )
                )
        shared.sort(key=lambda c: (-c.score, c.term))
        # A sub-word adds nothing to the picture when the longer word is already listed.
        names = [c.term for c in shared]
        shared = [c for c in shared if not any(c.term != o and c.term in o for o in names)][:12]
        matched_tags: dict[str, tuple[str, ...]] = {}
        if query.filters or query.boosts:
            tags = _doc_tags(seg.store.get(d))
            for name, values in list(query.filters.items()) + list(query.boosts.items()):
                have = tuple(v for v in tags.get(name, ()) if v in values)
                if have:
                    matched_tags[name] = have
        neighbours = self._neighbours(dterms, dfields, qterm_vecs, {c.term for c in shared})
        return Explanation(
            shared_terms=tuple(shared),
            matched_fields=tuple(f for i, f in enumerate(FIELDS) if fields_all >> i & 1),
            matched_tags=matched_tags,
            neighbours=neighbours,
            channels=channels,
        )

    def _neighbours(
        self,
        dterms: list[int],
        dfields: list[int],
        qterm_vecs: tuple[list[int], F32] | None,
        shared: set[str],
    ) -> tuple[Neighbour, ...]:
        """Pairs (query word, different document word) that the LSA term vectors put close together.

        Only the document's most weighted words are considered (they are what the document is about),
        and a pair where one word contains the other is a lexical match, not a semantic one.
        """
        if qterm_vecs is None or not dterms:
            return ()
        qrows, qvecs = qterm_vecs
        nv = self.term_vecs.shape[0]
        dset = set(dterms)
        qsel = [i for i, t in enumerate(qrows) if t not in dset]
        # Generic abstract words (对于, 措施, 患者) are close to everything in LSA space: only words of
        # the title and keywords - what the document is about - may serve as neighbours.
        top_d = sorted({t for t, m in zip(dterms, dfields, strict=True) if t < nv and m & 0b011})
        if not qsel or not top_d:
            return ()
        sims = np.einsum("ik,jk->ij", qvecs[qsel], np.asarray(self.term_vecs[top_d]))
        out: list[Neighbour] = []
        used_q: set[int] = set()
        used_d: set[int] = set()
        for flat in np.argsort(-sims, axis=None, kind="stable")[:60].tolist():
            i, j = divmod(flat, len(top_d))
            sim = float(sims[i, j])
            if sim < self.params.neighbour_min_sim or len(out) >= 5:
                break
            if i in used_q or j in used_d:
                continue
            qt, dt = self._word_term(qrows[qsel[i]]), self._word_term(top_d[j])
            if not qt or not dt or qt in dt or dt in qt or dt in shared or len(dt) < 2:
                continue
            used_q.add(i)
            used_d.add(j)
            out.append(Neighbour(query_term=qt, doc_term=dt, similarity=round(sim, 3)))
        return tuple(out)

    # ------------------------------------------------------------------ keeping current
    def upsert(self, doc: Document) -> None:
        """Publish or change one record: visible to the next search, no rebuild.

        The record goes to a small in-memory delta segment scored with the main index's idf and
        LSA basis (so scores stay comparable); the old version, if any, is hidden.  ``save()``
        folds the delta in with a full rebuild.
        """
        doc.validate("upsert")
        i = self._id_to_main.get(doc.id)
        if i is not None:
            self._deleted[i] = True
        self._delta_docs[doc.id] = doc
        self._delta = None
        self._word_terms_inv = None

    def remove(self, doc_id: str) -> bool:
        """Withdraw one record; returns False if it was not indexed."""
        found = False
        i = self._id_to_main.get(doc_id)
        if i is not None and not self._deleted[i]:
            self._deleted[i] = True
            found = True
        if doc_id in self._delta_docs:
            del self._delta_docs[doc_id]
            self._delta = None
            self._word_terms_inv = None
            found = True
        return found

    def _rebuild_delta(self) -> None:
        docs = list(self._delta_docs.values())
        for w in (k for d in docs for k in d.keywords):
            if not self.analyzer._jieba.has_word(normalize(w, 64)):
                self.analyzer.add_word(w)
        seg, (wx, bx) = _build_delta(self, docs)
        self._delta = seg
        self._delta_vocab = (wx, bx)
        self._word_terms_inv = None

    def compact(self, progress: Progress | None = None) -> MatchIndex:
        """A fresh index of the live documents (main minus withdrawn plus delta), full statistics."""
        docs = [self.main.store.get(i) for i in range(self.main.n) if not self._deleted[i]]
        docs.extend(self._delta_docs.values())
        return MatchIndex.build(docs, progress=progress, params=self.params)

    # ------------------------------------------------------------------ persistence
    def save(self, directory: Path) -> Path:
        """Write a new version under ``directory`` and atomically point ``directory/current`` at it.

        Readers that already loaded the previous version keep their memory maps (the files are not
        touched); the next ``load`` sees the new one.  Returns the version directory.
        """
        index = self.compact() if (self._delta_docs or self._deleted.any()) else self
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        version = _now_version()
        tmp = directory / f".tmp-{version}"
        tmp.mkdir()
        seg = index.main
        arrays: dict[str, npt.NDArray[Any]] = {
            "word_indptr": seg.word.indptr,
            "word_docs": seg.word.docs,
            "word_weights": seg.word.weights,
            "fwd_fields": seg.fwd_fields,
            "bigram_indptr": seg.bigram.indptr,
            "bigram_docs": seg.bigram.docs,
            "bigram_weights": seg.bigram.weights,
            "fwd_indptr": seg.fwd_indptr,
            "fwd_terms": seg.fwd_terms,
            "fwd_weights": seg.fwd_weights,
            "doc_vecs": seg.doc_vecs,
            "kinds": seg.kinds,
            "store_data": seg.store.data,
            "store_offsets": seg.store.offsets,
            "word_idf": index.word_idf,
            "bigram_idf": index.bigram_idf,
            "svd_v": index.svd_v,
            "svd_s": index.svd_s,
            "term_vecs": index.term_vecs,
        }
        tag_keys = sorted(seg.tags)
        tag_indptr = np.zeros(len(tag_keys) + 1, dtype=np.int64)
        np.cumsum([len(seg.tags[t]) for t in tag_keys], out=tag_indptr[1:])
        arrays["tag_indptr"] = tag_indptr
        arrays["tag_docs"] = (
            np.concatenate([seg.tags[t] for t in tag_keys]).astype(np.int32)
            if tag_keys
            else np.zeros(0, np.int32)
        )
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(arr))
        meta = {
            "format": FORMAT_VERSION,
            "version": version,
            "n_docs": seg.n,
            "params": asdict(index.params),
            "word_avgdl": index.word_avgdl,
            "bigram_avgdl": index.bigram_avgdl,
            "user_words": index.analyzer.user_words,
            "tag_keys": tag_keys,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        _write_lines(tmp / "ids.txt", seg.ids)
        _write_lines(tmp / "word_vocab.txt", _inverse(index.word_vocab))
        _write_lines(tmp / "bigram_vocab.txt", _inverse(index.bigram_vocab))
        final = directory / version
        os.replace(tmp, final)
        link_tmp = directory / f".current-{version}"
        os.symlink(version, link_tmp)
        os.replace(link_tmp, directory / "current")  # atomic on POSIX
        return final

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = True) -> MatchIndex:
        """Load ``directory/current`` (or ``directory`` itself if it is a version directory)."""
        directory = Path(directory)
        vdir = directory / "current" if (directory / "current").exists() else directory
        vdir = vdir.resolve()
        if not (vdir / "meta.json").exists():
            raise MatchError(
                f"索引目录 {directory} 中没有可用的索引（缺少 current/meta.json）", field="directory"
            )
        meta = json.loads((vdir / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise MatchError(f"索引格式版本 {meta.get('format')} 不受支持，请重建索引", field="directory")
        mode: Any = "r" if mmap else None

        def arr(name: str) -> Any:
            # asarray drops the np.memmap subclass (its per-slice bookkeeping cost 2 ms a query at
            # 1M documents) but keeps the same mapped pages: still shared between processes.
            return np.asarray(np.load(vdir / f"{name}.npy", mmap_mode=mode))

        ids = _read_lines(vdir / "ids.txt")
        tag_keys: list[str] = meta["tag_keys"]
        tag_indptr = arr("tag_indptr")
        tag_docs = arr("tag_docs")
        tags = {key: tag_docs[tag_indptr[i] : tag_indptr[i + 1]] for i, key in enumerate(tag_keys)}
        seg = _Segment(
            n=int(meta["n_docs"]),
            word=_Postings(arr("word_indptr"), arr("word_docs"), arr("word_weights")),
            bigram=_Postings(arr("bigram_indptr"), arr("bigram_docs"), arr("bigram_weights")),
            fwd_indptr=arr("fwd_indptr"),
            fwd_terms=arr("fwd_terms"),
            fwd_weights=arr("fwd_weights"),
            fwd_fields=arr("fwd_fields"),
            doc_vecs=arr("doc_vecs"),
            kinds=arr("kinds"),
            tags=tags,
            store=_Store(arr("store_data"), arr("store_offsets")),
            ids=ids,
        )
        p = meta["params"]
        p["field_weights"] = tuple(p["field_weights"])
        return cls(
            params=Params(**p),
            analyzer=Analyzer(meta["user_words"]),
            word_vocab={w: i for i, w in enumerate(_read_lines(vdir / "word_vocab.txt"))},
            bigram_vocab={w: i for i, w in enumerate(_read_lines(vdir / "bigram_vocab.txt"))},
            word_idf=np.asarray(arr("word_idf")),
            bigram_idf=np.asarray(arr("bigram_idf")),
            word_avgdl=float(meta["word_avgdl"]),
            bigram_avgdl=float(meta["bigram_avgdl"]),
            svd_v=arr("svd_v"),
            svd_s=np.asarray(arr("svd_s")),
            term_vecs=arr("term_vecs"),
            main=seg,
            path=vdir,
        )

    def with_params(self, **changes: Any) -> MatchIndex:
        """Same index, other search-time parameters (used by tuning and the per-channel benchmark)."""
        clone = MatchIndex.__new__(MatchIndex)
        clone.__dict__.update(self.__dict__)
        clone.params = replace(self.params, **changes)
        return clone


def _matvec(m: npt.NDArray[Any], v: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Matrix-vector product without BLAS.

    Query-time products are small; OpenBLAS would hand each to a thread pool, and on a busy
    2-core server that hand-off cost 4x the whole query (205 vs 846 queries/s measured).
    einsum without ``optimize`` runs a plain C loop in the calling thread.
    """
    return np.einsum("ij,j->i", m, v).astype(np.float64)


def _normalise_query(query: Query) -> Query:
    """Accept a bare string where a tuple of values is expected ({"region": "530111"})."""

    def fix(d: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        if not isinstance(d, dict):
            raise MatchError("filters / boosts 必须是“字段 → 取值列表”的字典", field="filters")
        return {k: (v,) if isinstance(v, str) else tuple(str(x) for x in v) for k, v in d.items()}

    kinds = (query.kinds,) if isinstance(query.kinds, str) else query.kinds
    return replace(query, filters=fix(query.filters), boosts=fix(query.boosts), kinds=kinds)


def prune_versions(directory: Path, keep: int = 2) -> list[Path]:
    """Delete all but the newest ``keep`` versions under ``directory`` (never the ``current`` one).

    Processes still serving an older version keep working: on POSIX a deleted file stays readable
    through the mappings already open.  Returns the removed directories.
    """
    directory = Path(directory)
    current = (directory / "current").resolve() if (directory / "current").exists() else None
    versions = sorted(p for p in directory.glob("v*") if p.is_dir() and (p / "meta.json").exists())
    removed = []
    for v in versions[: max(0, len(versions) - keep)]:
        if current is not None and v.resolve() == current:
            continue
        shutil.rmtree(v, ignore_errors=True)
        removed.append(v)
    return removed


def _topn(x: npt.NDArray[Any], n: int) -> I64:
    """Indices of the ``n`` largest values (unordered); ties resolved the same way every time."""
    if n >= len(x):
        return np.arange(len(x), dtype=np.int64)
    # Most documents share no word with the query: partition only the positive scores when they
    # are enough (an argpartition over 1,000,000 floats costs 3 ms, a scan 0.3 ms).
    pos = np.flatnonzero(x > 0)
    if len(pos) >= n:
        if len(pos) == n:
            return pos.astype(np.int64)
        return pos[np.argpartition(-x[pos], n - 1)[:n]].astype(np.int64)
    return np.argpartition(-x, n - 1)[:n].astype(np.int64)


def _inverse(vocab: dict[str, int]) -> list[str]:
    inv = [""] * len(vocab)
    for w, i in vocab.items():
        inv[i] = w
    return inv


def _write_lines(path: Path, lines: Sequence[str]) -> None:
    # Terms and ids never contain newlines (the analyzer splits on whitespace); ids are checked.
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line.replace("\n", " ") + "\n")


def _read_lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")[:-1]


def _analyze_doc(analyzer: Analyzer, d: Document) -> tuple[list[list[str]], list[list[str]]]:
    words: list[list[str]] = []
    bigrams: list[list[str]] = []
    for text in _field_texts(d):
        w, b = analyzer.analyze(text) if text else ([], [])
        words.append(w)
        bigrams.append(b)
    return words, bigrams


PARALLEL_MIN_DOCS = 50_000
MIN_CHUNK = 10_000
_FORK_STATE: tuple[Sequence[Document], Analyzer, tuple[float, float, float]] | None = None


def _analyse_range(
    docs: Sequence[Document],
    analyzer: Analyzer,
    weights: tuple[float, float, float],
    start: int,
    end: int,
    report: Progress | None = None,
) -> tuple[_ChannelBuilder, _ChannelBuilder]:
    wb = _ChannelBuilder(with_fields=True)
    bb = _ChannelBuilder()
    step = max(1, (end - start) // 100)
    for i in range(start, end):
        words, bigrams = _analyze_doc(analyzer, docs[i])
        wb.add(i, words, weights)
        bb.add(i, bigrams, weights)
        if report is not None and i % step == 0:
            report("analyse", 0.7 * (i - start) / max(end - start, 1))
    return wb, bb


def _export(b: _ChannelBuilder) -> tuple[list[str], Any, Any, Any, Any, Any]:
    return list(b.vocab), b.docs, b.terms, b.tf, b.masks, b.lengths


def _analyse_chunk(bounds: tuple[int, int]) -> tuple[Any, Any]:
    assert _FORK_STATE is not None
    docs, analyzer, weights = _FORK_STATE
    wb, bb = _analyse_range(docs, analyzer, weights, bounds[0], bounds[1])
    return _export(wb), _export(bb)


def _analyse_parallel(
    docs: Sequence[Document], analyzer: Analyzer, p: Params, workers: int, report: Progress
) -> tuple[_ChannelBuilder, _ChannelBuilder]:
    """Segment and count in forked workers, one chunk each at a time, merged in document order.

    Workers see the documents and the analyzer through fork's copy-on-write memory (nothing is
    pickled on the way in); they send back compact arrays plus their chunk's vocabulary, which
    the parent renumbers into one vocabulary.  Halves a 1,000,000-record build on 2 cores.
    """
    global _FORK_STATE
    n = len(docs)
    chunk = max(MIN_CHUNK, n // (workers * 8))
    bounds = [(s, min(s + chunk, n)) for s in range(0, n, chunk)]
    merged = (_ChannelBuilder(with_fields=True), _ChannelBuilder())
    _FORK_STATE = (docs, analyzer, p.field_weights)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            for done, parts in enumerate(pool.imap(_analyse_chunk, bounds), 1):
                for target, (vocab, d, t, tf, masks, lengths) in zip(merged, parts, strict=True):
                    remap = np.fromiter(
                        (target.vocab.setdefault(w, len(target.vocab)) for w in vocab),
                        dtype=np.int32,
                        count=len(vocab),
                    )
                    local = np.frombuffer(t, dtype=np.int32) if len(t) else np.zeros(0, np.int32)
                    target.docs.extend(d)
                    target.terms.frombytes(remap[local].astype(np.int32).tobytes())
                    target.tf.extend(tf)
                    if target.masks is not None and masks is not None:
                        target.masks.extend(masks)
                    target.lengths.extend(lengths)
                report("analyse", 0.7 * done / len(bounds))
    finally:
        _FORK_STATE = None
    return merged


def _assemble_segment(
    n: int, wpost: Any, bpost: Any, fwd_indptr: Any, wterms: Any, wflat: Any, wb: _ChannelBuilder,
    doc_vecs: Any, kinds: Any, tags: dict[str, Any], docs: Sequence[Document],
) -> _Segment:
    """One place that turns built channels into a segment: the full build and the delta build share it."""
    return _Segment(
        n=n,
        word=wpost,
        bigram=bpost,
        fwd_indptr=fwd_indptr,
        fwd_terms=wterms.astype(np.int32),
        fwd_weights=wflat,
        fwd_fields=np.frombuffer(wb.masks, dtype=np.uint8).copy() if wb.masks else np.zeros(0, np.uint8),
        doc_vecs=doc_vecs,
        kinds=kinds,
        tags={k: np.asarray(v, dtype=np.int32) for k, v in tags.items()},
        store=_Store.from_docs(docs),
        ids=[d.id for d in docs],
    )


def _build_segment(
    docs: Sequence[Document],
    analyzer: Analyzer,
    p: Params,
    report: Progress,
) -> tuple[_Segment, tuple[Any, ...]]:
    n = len(docs)
    workers = p.build_workers or (os.cpu_count() or 1)
    if n >= PARALLEL_MIN_DOCS and workers > 1 and "fork" in mp.get_all_start_methods():
        wb, bb = _analyse_parallel(docs, analyzer, p, workers, report)
    else:
        wb, bb = _analyse_range(docs, analyzer, p.field_weights, 0, n, report)
    tags: dict[str, list[int]] = {}
    kinds = np.zeros(n, dtype=np.uint8)
    for i, d in enumerate(docs):
        kinds[i] = KINDS.index(d.kind)
        for name, values in _doc_tags(d).items():
            for v in set(values):
                tags.setdefault(f"{name}\t{v}", []).append(i)
    report("postings", 0.7)
    wpost, widf, wavg, wterms, wflat = wb.finish(n, p.k1, p.b)
    bpost, bidf, bavg, _, _ = bb.finish(n, p.k1, p.b)
    # Forward index (doc-major) = the order postings were appended in.
    fwd_docs = np.frombuffer(wb.docs, dtype=np.int32)
    fwd_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(fwd_docs, minlength=n), out=fwd_indptr[1:])
    report("dense", 0.75)
    svd_v, svd_s, term_vecs, doc_vecs = _train_dense(fwd_docs, wterms, wflat, n, len(wb.vocab), widf, p)
    report("dense", 0.98)
    seg = _assemble_segment(n, wpost, bpost, fwd_indptr, wterms, wflat, wb, doc_vecs, kinds, tags, docs)
    return seg, (wb.vocab, bb.vocab, widf, bidf, wavg, bavg, svd_v, svd_s, term_vecs)


def _train_dense(
    docs: I32,
    terms: npt.NDArray[Any],
    weights: F32,
    n: int,
    n_terms: int,
    idf: npt.NDArray[np.float64],
    p: Params,
) -> tuple[F32, F32, F32, F32]:
    """LSA: randomized SVD of the row-normalised BM25-weighted doc x word matrix.

    Words in a single document are left out of the basis (they cannot relate two documents); the
    SVD is trained on at most ``svd_sample`` documents and every document is then folded in.
    """
    from scipy import sparse

    x = sparse.csr_matrix((weights.astype(np.float32), (docs, terms)), shape=(n, n_terms))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    x = sparse.diags((1 / norms).astype(np.float32)) @ x
    df = np.diff(x.tocsc().indptr)
    keep = df >= 2
    x = x @ sparse.diags(keep.astype(np.float32))
    if n > p.svd_sample:
        rows = np.random.default_rng(0).choice(n, p.svd_sample, replace=False)
        train = x[np.sort(rows)]
    else:
        train = x
    dim = min(p.dim, max(1, min(train.shape) - 1))
    v, s = _randomized_svd(train, dim)
    s = np.maximum(s, 1e-6)
    doc_vecs = np.asarray(x @ v) / s
    doc_vecs /= np.maximum(np.linalg.norm(doc_vecs, axis=1, keepdims=True), 1e-9)
    term_vecs = v * s
    term_vecs = term_vecs / np.maximum(np.linalg.norm(term_vecs, axis=1, keepdims=True), 1e-9)
    return (
        v.astype(np.float32),
        s.astype(np.float32),
        term_vecs.astype(np.float32),
        doc_vecs.astype(np.float32),
    )


def _build_delta(
    index: MatchIndex, docs: Sequence[Document]
) -> tuple[_Segment, tuple[dict[str, int], dict[str, int]]]:
    p = index.params
    n = len(docs)
    wb = _ChannelBuilder(vocab=index.word_vocab, with_fields=True)
    bb = _ChannelBuilder(vocab=index.bigram_vocab)
    tags: dict[str, list[int]] = {}
    kinds = np.zeros(n, dtype=np.uint8)
    for i, d in enumerate(docs):
        words, bigrams = _analyze_doc(index.analyzer, d)
        wb.add(i, words, p.field_weights)
        bb.add(i, bigrams, p.field_weights)
        kinds[i] = KINDS.index(d.kind)
        for name, values in _doc_tags(d).items():
            for v in set(values):
                tags.setdefault(f"{name}\t{v}", []).append(i)
    n_main = index.main.n
    wpost, _, _, wterms, wflat = wb.finish(n_main, p.k1, p.b, idf=index.word_idf, avgdl=index.word_avgdl)
    bpost, _, _, _, _ = bb.finish(n_main, p.k1, p.b, idf=index.bigram_idf, avgdl=index.bigram_avgdl)
    fwd_docs = np.frombuffer(wb.docs, dtype=np.int32)
    fwd_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(fwd_docs, minlength=n), out=fwd_indptr[1:])
    # Fold the new documents into the main LSA space.
    nv = index.svd_v.shape[0]
    doc_vecs = np.zeros((n, index.svd_v.shape[1]), dtype=np.float32)
    for i in range(n):
        s, e = int(fwd_indptr[i]), int(fwd_indptr[i + 1])
        t = wterms[s:e]
        w = wflat[s:e].astype(np.float32)
        sel = t < nv
        if sel.any():
            w = w / max(float(np.linalg.norm(w)), 1e-9)
            vec = (w[sel] @ index.svd_v[t[sel]]) / index.svd_s
            doc_vecs[i] = vec / max(float(np.linalg.norm(vec)), 1e-9)
    seg = _assemble_segment(n, wpost, bpost, fwd_indptr, wterms, wflat, wb, doc_vecs, kinds, tags, docs)
    return seg, (wb.extra, bb.extra)
