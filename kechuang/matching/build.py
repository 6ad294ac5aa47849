"""The writer: analyse documents into BM25F channels, train the LSA space, assemble segments.

``MatchIndex.build`` and the in-memory delta segment of ``upsert`` both come through here.  Large
corpora are analysed in forked worker processes and merged in document order.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .analysis import Analyzer
from .segment import (
    F32,
    I32,
    Params,
    Progress,
    _doc_tags,
    _field_texts,
    _idf,
    _Postings,
    _Segment,
    _Store,
)
from .types import KINDS, Document

if TYPE_CHECKING:
    from .index import MatchIndex


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
    n: int,
    wpost: Any,
    bpost: Any,
    fwd_indptr: Any,
    wterms: Any,
    wflat: Any,
    wb: _ChannelBuilder,
    doc_vecs: Any,
    kinds: Any,
    tags: dict[str, Any],
    docs: Sequence[Document],
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
    # Fork only a single-threaded process (the CLI, a benchmark, a worker between jobs): forking while other
    # threads run (a web server, the embedded job threads, a test's live server) can leave a child blocked on
    # a lock another thread held at the fork, and the pool then hangs. Inside such a process, analyse serially.
    if (n >= PARALLEL_MIN_DOCS and workers > 1 and "fork" in mp.get_all_start_methods()
            and threading.active_count() == 1):
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
