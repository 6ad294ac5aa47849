"""The reader: score, fuse and explain.  Searches never change the index.

Fusion: each lexical channel is divided by its best score for the query (so the weights mean the
same thing for every query and across the main and delta segments), the dense cosine is used as is,
and a weighted sum is taken over the union of the channels' top candidates only.  Pseudo-relevance
feedback (RM3 style, on the word channel) is implemented but off by default: it never helped on the
dev set.  Weights are in ``Params``; how they were chosen, and checked on halves of the dev queries,
is in docs/benchmarks.md.

``IndexReader`` is the search half of ``MatchIndex``: it reads the attributes the writer and
``storage`` set up and declares them below for the type checker.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from .analysis import MAX_QUERY_CHARS, Analyzer
from .calibration import relevance
from .segment import BOOST, F32, FIELDS, I64, Params, _doc_tags, _Segment
from .types import KINDS, Document, Explanation, Hit, MatchError, Neighbour, Query, TermContribution


class IndexReader:
    """Search and explanations over the main segment and the in-memory delta of a ``MatchIndex``."""

    params: Params
    analyzer: Analyzer
    word_vocab: dict[str, int]
    bigram_vocab: dict[str, int]
    word_idf: npt.NDArray[np.float64]
    bigram_idf: npt.NDArray[np.float64]
    svd_v: F32
    svd_s: F32
    term_vecs: F32
    main: _Segment
    filter_fields: set[str]
    _deleted: npt.NDArray[np.bool_]
    _delta_docs: dict[str, Document]
    _delta: _Segment | None
    _delta_vocab: tuple[dict[str, int], dict[str, int]]
    _word_terms_inv: list[str] | None
    _idf_cut: float | None

    def _rebuild_delta(self) -> None:
        raise NotImplementedError  # the writer (MatchIndex) provides it

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
        ideal_w, ideal_b = self._ideal_scores(qw, qb)
        for i in order:
            si, d = where[i]
            seg = segs[si]
            ch = {name: round(float(v[i]), 4) for name, v in chans.items() if not name.endswith("_raw")}
            cov_w = float(chans["word_raw"][i]) / ideal_w
            cov_b = float(chans["bigram_raw"][i]) / ideal_b
            ch["coverage_word"] = round(cov_w, 4)
            ch["coverage_bigram"] = round(cov_b, 4)
            ch["query_bigrams"] = float(len(qb))
            expl = (
                self._explain(seg, d, qword, qterm_vecs, query, ch) if explain else Explanation(channels=ch)
            )
            hits.append(
                Hit(
                    id=seg.ids[d],
                    score=round(float(scores[i]), 6),
                    kind=KINDS[int(seg.kinds[d])],
                    explanation=expl,
                    relevance=round(relevance(p.calibration, cov_w, cov_b, ch["dense"], len(qb)), 4),
                )
            )
        return hits

    def _ideal_scores(self, qw: Counter[str], qb: Counter[str]) -> tuple[float, float]:
        """What each lexical channel would give a document of average length containing every query term once.

        Dividing a hit's raw BM25 score by this gives its *coverage* of the query: unlike the score
        divided by the best hit's, it does not depend on what else is in the index or passes the
        filters, so it means the same for every query.  Terms the index never saw count with the idf
        of an unseen term: a query of made-up words covers little of itself in any document.
        """
        n = max(self.main.n, 1)
        unseen = math.log1p((n + 0.5) / 0.5)

        def ideal(counts: Counter[str], lookup: Callable[[str], int | None], idf: npt.NDArray[Any]) -> float:
            total = 0.0
            for term, c in counts.items():
                t = lookup(term)
                total += (1.0 + math.log(c)) * (float(idf[t]) if t is not None and t < len(idf) else unseen)
            return max(total, 1e-9)

        return ideal(qw, self._word_id, self.word_idf), ideal(qb, self._bigram_id, self.bigram_idf)

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
        # Documents a filter excludes are masked *before* the best score is taken: otherwise the scale
        # depended on records the query cannot see (a demand's own enterprise, indexed once the demand
        # is published, made the same achievement score 2.4 on the draft and 0.5 after publishing).
        sw = [x if ok is None else np.where(ok, x, np.float32(-1.0)) for x, ok in zip(sw, allowed, strict=True)]
        sb = [x if ok is None else np.where(ok, x, np.float32(-1.0)) for x, ok in zip(sb, allowed, strict=True)]
        mw = max(max((float(x.max()) for x in sw if len(x)), default=0.0), 1e-9)
        mb = max(max((float(x.max()) for x in sb if len(x)), default=0.0), 1e-9)
        scores: list[npt.NDArray[np.float64]] = []
        where: list[tuple[int, int]] = []
        parts_w: list[npt.NDArray[np.float64]] = []
        parts_b: list[npt.NDArray[np.float64]] = []
        parts_d: list[npt.NDArray[np.float64]] = []
        raw_w: list[npt.NDArray[np.float64]] = []
        raw_b: list[npt.NDArray[np.float64]] = []
        for si, seg in enumerate(segs):
            ok = allowed[si]
            if ok is not None and not ok.any():
                continue
            w, b = sw[si], sb[si]
            c = min(max(p.candidates, k), seg.n)
            pieces = [_topn(w, c), _topn(b, c)]
            if qvec is not None and p.w_dense > 0 and seg.n <= p.dense_full_max_docs:
                sd = _matvec(seg.doc_vecs, qvec)
                pieces.append(_topn(sd if ok is None else np.where(ok, sd, -2.0), c))
            cand = np.unique(np.concatenate(pieces))
            if ok is not None:
                cand = cand[ok[cand]]
            rw = np.maximum(w[cand].astype(np.float64), 0)
            rb = np.maximum(b[cand].astype(np.float64), 0)
            cw = rw / mw
            cb = rb / mb
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
            raw_w.append(rw[keep])
            raw_b.append(rb[keep])
            where.extend((si, int(d)) for d in cand[keep])
        if not scores:
            return [], [], {}
        chans = {
            "word": np.concatenate(parts_w),
            "bigram": np.concatenate(parts_b),
            "dense": np.concatenate(parts_d),
            # Unnormalised lexical scores, for the calibrated relevance (not shown as channels).
            "word_raw": np.concatenate(raw_w),
            "bigram_raw": np.concatenate(raw_b),
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
