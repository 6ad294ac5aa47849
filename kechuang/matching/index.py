"""The matching index: build, search, explain, persist, keep current.

Channels (the lexical ones score every document through their posting lists):

``word``    BM25F on search-mode jieba words over the fields title, keywords and abstract.  Field
            weights are parameters; equal weights won on the dev set (docs/benchmarks.md).
``bigram``  BM25F on character bigrams - recovers words the segmenter split differently and the
            plant-floor spellings that share characters with the academic term.
``dense``   LSA: a randomized truncated SVD of the document x word BM25 matrix, trained at build
            from the corpus itself (no downloaded model).  Lets a document with no shared word enter
            the ranking and supplies the "semantic neighbours" of the explanations.

The code is split the way search libraries separate writer and reader: ``segment`` (the data),
``build`` (the writer), ``search`` (the reader: fusion and explanations), ``storage`` (versioned
directories on disk).  This module ties them together in ``MatchIndex``.
Writers: ``upsert``/``remove``/``save`` are not thread-safe; the platform serialises them (one
recorded job at a time), readers may search concurrently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .analysis import Analyzer, normalize
from .build import _build_delta, _build_segment
from .search import IndexReader
from .segment import F32, Params, Progress, _Segment
from .storage import load_index, prune_versions, save_index
from .types import KNOWN_FILTER_FIELDS, Document, MatchError

__all__ = ["MatchIndex", "Params", "prune_versions"]


class MatchIndex(IndexReader):
    """Search index over ``Document``s: the writer half is here, the reader half is ``IndexReader``."""

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
        return save_index(self, directory)

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = True) -> MatchIndex:
        """Load ``directory/current`` (or ``directory`` itself if it is a version directory)."""
        return load_index(cls, directory, mmap=mmap)

    def with_params(self, **changes: Any) -> MatchIndex:
        """Same index, other search-time parameters (used by tuning and the per-channel benchmark)."""
        clone = MatchIndex.__new__(MatchIndex)
        clone.__dict__.update(self.__dict__)
        clone.params = replace(self.params, **changes)
        return clone
