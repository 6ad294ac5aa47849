"""Reading JSON-lines corpora and queries, ranking metrics, and the plain-BM25 baseline."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .types import Document, MatchError, Query


def shared_data_dir() -> Path:
    """``$KECHUANG_SHARED_DATA`` or ``../shared/data`` next to the repository root."""
    env = os.environ.get("KECHUANG_SHARED_DATA")
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "data"


def _json_lines(path: Path, what: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise MatchError(f"无法读取{what}文件 {path}：{e.strerror}", field=what) from e
    with f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise MatchError(
                    f"{what}文件 {path} 第 {lineno} 行不是合法的 JSON：{e.msg}", field=what
                ) from e
            if not isinstance(obj, dict):
                raise MatchError(f"{what}文件 {path} 第 {lineno} 行应是 JSON 对象", field=what)
            yield lineno, obj


def _text(obj: dict[str, Any], key: str, where: str) -> str:
    v = obj.get(key, "")
    if v is None:
        return ""
    if not isinstance(v, str):
        raise MatchError(f"{where}：字段 {key} 必须是文本", field=key)
    return v


def read_corpus(path: Path, raw_ids: dict[str, Any] | None = None) -> list[Document]:
    """Achievements as JSON lines: ``id`` and ``title`` required; abstract/keywords/discipline/category optional.

    Ids become strings in ``Document``; pass ``raw_ids`` to get back the ids as written (a number stays
    a number in ``match batch`` output).
    """
    docs: list[Document] = []
    for lineno, o in _json_lines(path, "语料"):
        where = f"语料文件 {path} 第 {lineno} 行"
        raw_id = o.get("id")
        if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
            raise MatchError(f"{where}：缺少字段 id（记录编号）", field="id")
        if "title" not in o:
            raise MatchError(f"{where}：缺少字段 title（标题）", field="title")
        kws = o.get("keywords") or []
        if isinstance(kws, str):
            kws = [
                k for k in kws.replace("；", ";").replace("，", ",").replace(",", ";").split(";") if k.strip()
            ]
        if not isinstance(kws, list):
            raise MatchError(f"{where}：字段 keywords 必须是列表", field="keywords")
        if raw_ids is not None:
            raw_ids[str(raw_id)] = raw_id
        docs.append(
            Document(
                id=str(raw_id),
                title=_text(o, "title", where),
                abstract=_text(o, "abstract", where),
                keywords=tuple(str(k) for k in kws),
                discipline=_text(o, "discipline", where),
                category=_text(o, "category", where),
            )
        )
    return docs


@dataclass(frozen=True)
class LabelledQuery:
    id: str
    query: Query
    answer: str  # paper_id, "" when unknown
    raw_id: Any = None  # the id exactly as given (a number stays a number in the output)


def read_queries(path: Path) -> list[LabelledQuery]:
    out: list[LabelledQuery] = []
    for lineno, o in _json_lines(path, "查询"):
        where = f"查询文件 {path} 第 {lineno} 行"
        if o.get("id") is None:
            raise MatchError(f"{where}：缺少字段 id（查询编号）", field="id")
        q = Query(title=_text(o, "title", where), description=_text(o, "description", where))
        out.append(
            LabelledQuery(id=str(o["id"]), query=q, answer=str(o.get("paper_id") or ""), raw_id=o["id"])
        )
    return out


def default_corpus_paths() -> list[Path]:
    d = shared_data_dir()
    return [d / "csl" / "papers-dev.jsonl", d / "csl" / "titles-dev.jsonl"]


def default_queries_path() -> Path:
    return shared_data_dir() / "demands-dev.jsonl"


@dataclass(frozen=True)
class Metrics:
    mrr10: float
    ndcg10: float
    recall10: float
    recall50: float
    n: int

    def row(self) -> list[str]:
        return [f"{self.mrr10:.3f}", f"{self.ndcg10:.3f}", f"{self.recall10:.3f}", f"{self.recall50:.3f}"]


def metrics(rankings: Sequence[Sequence[str]], answers: Sequence[str]) -> Metrics:
    """One relevant document per query: MRR@10, nDCG@10 (= 1/log2(rank+1)), Recall@10/@50."""
    mrr = ndcg = r10 = r50 = 0.0
    for ranked, ans in zip(rankings, answers, strict=True):
        try:
            r = list(ranked).index(ans) + 1
        except ValueError:
            continue
        if r <= 10:
            mrr += 1 / r
            ndcg += 1 / math.log2(r + 1)
            r10 += 1
        if r <= 50:
            r50 += 1
    n = max(len(answers), 1)
    return Metrics(mrr / n, ndcg / n, r10 / n, r50 / n, len(answers))


def bm25_baseline(docs: Sequence[Document], queries: Sequence[Query], k: int = 50) -> list[list[str]]:
    """Plain BM25 exactly as the benchmark defines it: bm25s defaults, ``jieba.lcut`` tokens of
    title + keywords + abstract as one text, query = title + description.  Tokens that are
    punctuation or white space are dropped (they are not words; this reproduces the published
    figures of shared/data/README.md: MRR@10 0.825, Recall@50 0.966)."""
    import logging
    import re

    import bm25s
    import jieba

    jieba.setLogLevel(logging.WARNING)
    word = re.compile(r"\w")

    def toks(text: str) -> list[str]:
        return [t for t in jieba.lcut(text) if word.match(t)]

    corpus_tokens = [toks(f"{d.title} {' '.join(d.keywords)} {d.abstract}") for d in docs]
    retriever = bm25s.BM25()
    retriever.index(corpus_tokens, show_progress=False)  # a list of token lists: bm25s builds the vocabulary
    vocab = retriever.vocab_dict
    out: list[list[str]] = []
    ids = [d.id for d in docs]
    for q in queries:
        qt = [t for t in toks(f"{q.title} {q.description}") if t in vocab]
        if not qt:
            out.append([])
            continue
        res, _ = retriever.retrieve([qt], k=min(k, len(docs)), show_progress=False)
        out.append([ids[int(i)] for i in res[0]])
    return out
