"""`kechuang match ...` - the matching engine's command line (contract: shared/design/architecture.md).

    match batch --corpus C.jsonl --queries Q.jsonl --k K   one JSON line per query on stdout
    match eval [--corpus C.jsonl ...] [--queries Q.jsonl] [--k 50] [--no-baseline]
    match eval --feedback LABELS.jsonl                     MRR@10 / nDCG@10 on the platform's labels
                                                           (without a file: kechuang/cli.py exports them)
    match build --corpus C.jsonl --out DIR                 build and save a versioned index
    match search --index DIR "text" [--k K]                explained results as JSON
    match calibrate [--corpus C.jsonl ...] [--queries Q.jsonl]  refit the calibrated relevance

Progress and errors go to stderr; stdout carries only the results.  Exit status: 0 ok, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from .evaluation import (
    bm25_baseline,
    default_corpus_paths,
    default_queries_path,
    metrics,
    read_corpus,
    read_queries,
)
from .index import MatchIndex
from .types import Document, MatchError, Query

_last_report = [-1.0]


def _progress(stage: str, fraction: float) -> None:
    # One line per 10% step: readable in a log file, not just on a terminal.
    if fraction >= 1.0 or fraction - _last_report[0] >= 0.1 or fraction < _last_report[0]:
        _last_report[0] = fraction
        print(f"[match] {stage} {fraction * 100:3.0f}%", file=sys.stderr, flush=True)


def _load_corpus(paths: list[Path], raw_ids: dict[str, Any] | None = None) -> list[Document]:
    docs: list[Document] = []
    for p in paths:
        docs.extend(read_corpus(p, raw_ids))
    return docs


def _cmd_batch(args: argparse.Namespace) -> int:
    raw_ids: dict[str, Any] = {}
    docs = _load_corpus(args.corpus, raw_ids)
    queries = read_queries(args.queries)
    t0 = time.perf_counter()
    index = MatchIndex.build(docs, progress=_progress)
    print(f"[match] indexed {len(docs)} documents in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    out = sys.stdout
    t0 = time.perf_counter()
    for i, lq in enumerate(queries):
        try:
            hits = index.search(lq.query, args.k, explain=False)
        except MatchError as e:
            # One bad query must not lose the answers to the others: report it, answer with nothing.
            print(f"[match] 查询 {lq.id}：{e}", file=sys.stderr)
            hits = []
        line = {
            "query_id": lq.raw_id if lq.raw_id is not None else lq.id,
            "results": [{"id": raw_ids.get(h.id, h.id), "score": h.score} for h in hits],
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        if (i + 1) % 50 == 0:
            print(f"[match] answered {i + 1}/{len(queries)}", file=sys.stderr)
    out.flush()
    dt = time.perf_counter() - t0
    print(
        f"[match] {len(queries)} queries in {dt:.2f}s ({len(queries) / max(dt, 1e-9):.0f}/s)", file=sys.stderr
    )
    return 0


def _cmd_feedback(path: str) -> int:
    from .feedback import evaluate, read_labels, report

    if not path:
        raise MatchError("请给出标注文件（JSON lines，kechuang manage deals_eval --out 写出的格式）；"
                         "在平台上运行 kechuang match eval --feedback 不带文件时会自动从数据库导出", field="feedback")
    for line in report(evaluate(read_labels(Path(path)))):
        print(line)
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    if args.feedback is not None:
        return _cmd_feedback(args.feedback)
    corpus = args.corpus or default_corpus_paths()
    docs = _load_corpus(corpus)
    queries = [q for q in read_queries(args.queries or default_queries_path()) if q.answer]
    if not queries:
        raise MatchError("查询文件中没有带 paper_id（标准答案）的查询，无法评测", field="paper_id")
    answers = [q.answer for q in queries]
    index = MatchIndex.build(docs, progress=_progress)
    rows: list[tuple[str, list[str]]] = []
    base = None
    if not args.no_baseline:
        base = metrics(bm25_baseline(docs, [q.query for q in queries], k=50), answers)
        rows.append(("plain BM25 (bm25s, jieba)", base.row()))
    t0 = time.perf_counter()
    ranked = [[h.id for h in index.search(q.query, 50, explain=False)] for q in queries]
    qps = len(queries) / (time.perf_counter() - t0)
    eng = metrics(ranked, answers)
    rows.append(("engine", eng.row()))
    print(f"{'run':28} MRR@10 nDCG@10 R@10  R@50")
    for name, r in rows:
        print(f"{name:28} " + "  ".join(r))
    if base is not None and base.mrr10 > 0:
        print(f"engine / BM25 MRR@10 = {eng.mrr10 / base.mrr10:.3f}")
    print(f"{len(queries)} queries, {qps:.0f} queries/s (one process, segmentation included)")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit the relevance on the dev demands, check it on held-out halves, print the coefficients to store."""
    import numpy as np

    from .calibration import examples, fit_logistic, predict, reliability

    docs = _load_corpus(args.corpus or default_corpus_paths())
    queries = [q for q in read_queries(args.queries or default_queries_path()) if q.answer]
    if not queries:
        raise MatchError("查询文件中没有带 paper_id（标准答案）的查询，无法校准", field="paper_id")
    index = MatchIndex.build(docs, progress=_progress)
    x, y, groups = examples(index, queries)
    coef = fit_logistic(x, y)
    edges = [0.0, 0.03, 0.2, 0.5, 1.0]
    print(f"{len(y)} hits of {len(set(groups))} queries, {int(y.sum())} labelled answers")
    print("calibration = (" + ", ".join(f"{c:.4f}" for c in coef) + ")")
    print(f"{'band':>12} {'hits':>6} {'predicted':>9} {'observed':>8}")
    for row in reliability(predict(coef, x), y, edges):
        print(f"{row.low:5.2f}-{row.high:4.2f}  {row.hits:6d} {row.predicted:9.3f} {row.observed:8.3f}")
    # Held-out check: fit on the queries of one half, read the reliability on the other half.
    half = np.asarray([sum(map(ord, g)) % 2 for g in groups])
    for h in (0, 1):
        fitted = fit_logistic(x[half == h], y[half == h])
        rows = reliability(predict(fitted, x[half != h]), y[half != h], edges)
        print(f"held-out half {1 - h}: " + "  ".join(
            f"{r.low:.2f}-{r.high:.2f} n={r.hits} pred={r.predicted:.3f} obs={r.observed:.3f}" for r in rows))
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    index = MatchIndex.build(_load_corpus(args.corpus), progress=_progress)
    path = index.save(args.out)
    print(json.dumps({"version": str(path), "documents": len(index)}, ensure_ascii=False))
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    index = MatchIndex.load(args.index)
    hits = index.search(Query(title=args.text), args.k)
    for h in hits:
        e = h.explanation
        print(
            json.dumps(
                {
                    "id": h.id,
                    "score": h.score,
                    "relevance": h.relevance,
                    "kind": h.kind,
                    "shared_terms": [[t.term, t.score, list(t.fields)] for t in e.shared_terms],
                    "neighbours": [[n.query_term, n.doc_term, n.similarity] for n in e.neighbours],
                    "channels": e.channels,
                },
                ensure_ascii=False,
            )
        )
    return 0


def _positive(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k 必须是正整数，收到“{text}”") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"--k 必须是正整数，收到“{text}”")
    return v


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="kechuang match", description="技术供需匹配引擎")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("batch", help="index a corpus and answer every query (JSON lines on stdout)")
    b.add_argument("--corpus", type=Path, nargs="+", required=True)
    b.add_argument("--queries", type=Path, required=True)
    b.add_argument("--k", type=_positive, default=10)
    b.set_defaults(func=_cmd_batch)
    e = sub.add_parser("eval", help="MRR@10, nDCG@10, Recall@10/50 of the engine and plain BM25")
    e.add_argument("--corpus", type=Path, nargs="+")
    e.add_argument("--queries", type=Path)
    e.add_argument("--no-baseline", action="store_true")
    e.add_argument("--feedback", nargs="?", const="", metavar="LABELS.jsonl",
                   help="score the platform's relevance labels (broker feedback, deal outcomes) instead of the dev set")
    e.set_defaults(func=_cmd_eval)
    c = sub.add_parser("calibrate", help="refit the calibrated relevance on labelled demands")
    c.add_argument("--corpus", type=Path, nargs="+")
    c.add_argument("--queries", type=Path)
    c.set_defaults(func=_cmd_calibrate)
    bu = sub.add_parser("build", help="build an index and save it as a new version under --out")
    bu.add_argument("--corpus", type=Path, nargs="+", required=True)
    bu.add_argument("--out", type=Path, required=True)
    bu.set_defaults(func=_cmd_build)
    s = sub.add_parser("search", help="search a saved index, with explanations")
    s.add_argument("--index", type=Path, required=True)
    s.add_argument("--k", type=_positive, default=10)
    s.add_argument("text")
    s.set_defaults(func=_cmd_search)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return int(args.func(args))
    except MatchError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
