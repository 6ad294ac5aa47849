"""Persistence of an index: versioned directories, an atomic ``current`` switch, memory-mapped loads.

Layout on disk (one directory per version, ``current`` a symlink swapped atomically): ``meta.json``
(parameters, user dictionary, tag keys), ``ids.txt`` and the two vocabularies as text, and ``.npy``
arrays loaded with ``mmap_mode="r"`` so every app process on a machine shares the same pages.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .analysis import Analyzer
from .segment import FORMAT_VERSION, Params, _Postings, _Segment, _Store
from .types import MatchError

if TYPE_CHECKING:
    from .index import MatchIndex


def _now_version() -> str:
    # Sortable by name (prune_versions relies on it), unique even for saves in the same microsecond.
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f".{int(now % 1 * 1e6):06d}"
    return f"v{stamp}-{uuid.uuid4().hex[:8]}"


def save_index(live: MatchIndex, directory: Path) -> Path:
    """Write a new version under ``directory`` and atomically point ``directory/current`` at it.

    Readers that already loaded the previous version keep their memory maps (the files are not
    touched); the next ``load`` sees the new one.  Returns the version directory.
    """
    index = live.compact() if (live._delta_docs or live._deleted.any()) else live
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


def load_index(cls: type[MatchIndex], directory: Path, *, mmap: bool = True) -> MatchIndex:
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
    if "calibration" in p:  # indexes saved before calibration existed use the current default
        p["calibration"] = tuple(p["calibration"])
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
