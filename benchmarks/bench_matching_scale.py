"""Matching at national scale: a synthetic corpus of 1,000,000 achievements (issue 4, `make bench`).

    .venv/bin/python benchmarks/bench_matching_scale.py [--docs 1000000] [--keep DIR]

The corpus is generated from the real papers' vocabulary (shared/data/csl): every synthetic record
takes a real paper or title as its "topic" and draws most of its words from it, the rest from the
corpus-wide word distribution, so words co-occur as in real listings and document frequencies have
a realistic long tail.  The mix follows the dev corpus: 1 in 9 records is a full paper (title,
keywords, abstract), the rest are bare titles with a category.

Reports generation and index build time, the builder's peak RSS, the index size on disk, and - in a
fresh process that loads the saved index memory-mapped, as an app server does - the serving peak
RSS, p50/p95 latency per query and queries per second over the 147 dev demands (3 rounds after a
warm-up round), plus the cost of keeping the index current (upsert/remove).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kechuang.matching import Document, MatchIndex
from kechuang.matching.analysis import Analyzer
from kechuang.matching.evaluation import default_corpus_paths, default_queries_path, read_corpus, read_queries


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM).

    Not ru_maxrss: Linux carries that across fork+exec, so a serving child started by the
    builder would report the builder's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(n: int, seed: int = 7) -> list[Document]:
    real = [d for p in default_corpus_paths() for d in read_corpus(p)]
    seg = Analyzer()._jieba  # plain segmentation: keep function words so the text reads like text
    title_toks = [list(seg.cut(d.title, True)) for d in real]
    abs_toks = [list(seg.cut(d.abstract, True)) for d in real if d.abstract]
    kw_pool = sorted({k for d in real for k in d.keywords})
    cats = sorted({d.category for d in real if d.category}) or ["工学"]
    discs = sorted({d.discipline for d in real if d.discipline}) or ["工学"]
    # Corpus-wide word distribution (for the "background" share of each record).
    vocab: dict[str, int] = {}
    counts: list[int] = []
    for toks in title_toks + abs_toks:
        for t in toks:
            i = vocab.setdefault(t, len(vocab))
            if i == len(counts):
                counts.append(0)
            counts[i] += 1
    words = np.array(list(vocab), dtype=object)
    prob = np.asarray(counts, dtype=np.float64)
    prob /= prob.sum()
    title_ids = [np.asarray([vocab[t] for t in toks] or [0], dtype=np.int64) for toks in title_toks]
    abs_ids = [np.asarray([vocab[t] for t in toks] or [0], dtype=np.int64) for toks in abs_toks]
    rng = np.random.default_rng(seed)
    docs: list[Document] = []
    background = rng.choice(len(words), size=n * 12 + 200, p=prob)
    bpos = 0

    def draw(topic: np.ndarray, length: int) -> str:
        # 70% of the words from the topic record, 30% from the corpus-wide distribution; vectorised
        # per record (a per-word Python loop made generation take 100 s for a million records).
        nonlocal bpos
        own = rng.random(length) < 0.7
        picks = topic[rng.integers(len(topic), size=length)]
        bg = background[bpos : bpos + length]
        bpos = (bpos + length) % (len(background) - 200)
        return "".join(words[np.where(own, picks, bg)])

    for i in range(n):
        t = int(rng.integers(len(title_ids)))
        if i % 9 == 0 and abs_ids:
            a = abs_ids[int(rng.integers(len(abs_ids)))]
            docs.append(
                Document(
                    id=f"syn-{i:07d}",
                    title=draw(title_ids[t], int(rng.integers(6, 14))),
                    abstract=draw(a, int(rng.integers(60, 140))),
                    keywords=tuple(kw_pool[int(k)] for k in rng.integers(len(kw_pool), size=4)),
                    discipline=discs[int(rng.integers(len(discs)))],
                )
            )
        else:
            docs.append(
                Document(
                    id=f"syn-{i:07d}",
                    title=draw(title_ids[t], int(rng.integers(5, 12))),
                    category=cats[int(rng.integers(len(cats)))],
                )
            )
    return docs


def dir_size_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def serve(index_dir: Path) -> int:
    """Child process: load memory-mapped, answer the dev demands, print one JSON line of numbers."""
    t0 = time.perf_counter()
    index = MatchIndex.load(index_dir)
    t_load = time.perf_counter() - t0
    queries = [q.query for q in read_queries(default_queries_path())]
    for q in queries:  # warm-up: page in what the queries touch, as a running server has
        index.search(q, 10)
    lat: list[float] = []
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(3):
        for q in queries:
            s = time.perf_counter()
            index.search(q, 10)
            lat.append(time.perf_counter() - s)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    # Keeping current: publish, change and withdraw records on the loaded index.
    extra = [
        Document(id=f"new-{i}", title=q.title, abstract=q.description) for i, q in enumerate(queries[:20])
    ]
    s = time.perf_counter()
    for d in extra:
        index.upsert(d)
    index.search(queries[0], 10)  # the first search after changes builds the delta segment
    t_upsert = (time.perf_counter() - s) / len(extra)
    s = time.perf_counter()
    for i in range(20):
        index.remove(f"syn-{i:07d}")
    t_remove = (time.perf_counter() - s) / 20
    lat_delta = []
    for q in queries[:50]:
        s = time.perf_counter()
        index.search(q, 10)
        lat_delta.append(time.perf_counter() - s)
    ms = np.asarray(lat) * 1000
    print(
        json.dumps(
            {
                "load_s": round(t_load, 2),
                "p50_ms": round(float(np.percentile(ms, 50)), 1),
                "p95_ms": round(float(np.percentile(ms, 95)), 1),
                "max_ms": round(float(ms.max()), 1),
                "qps": round(len(lat) / wall, 1),
                "cpu_qps": round(len(lat) / max(cpu, 1e-9), 1),
                "loadavg": round(os.getloadavg()[0], 1),
                "upsert_ms": round(t_upsert * 1000, 1),
                "remove_ms": round(t_remove * 1000, 3),
                "p95_ms_with_delta": round(float(np.percentile(np.asarray(lat_delta) * 1000, 95)), 1),
                "peak_rss_mib": round(peak_rss_mib()),
            }
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, default=None, help="save the index here instead of a temp dir")
    ap.add_argument("--serve", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        return serve(args.serve)

    t0 = time.perf_counter()
    docs = generate(args.docs)
    t_gen = time.perf_counter() - t0
    print(f"generated {len(docs):,} documents in {t_gen:.0f}s", file=sys.stderr, flush=True)

    last = [0.0]

    def progress(stage: str, frac: float) -> None:
        if frac - last[0] >= 0.1 or frac >= 1.0:
            last[0] = frac
            print(
                f"  build {stage} {frac:.0%} ({time.perf_counter() - t0:.0f}s)", file=sys.stderr, flush=True
            )

    t0 = time.perf_counter()
    index = MatchIndex.build(docs, progress=progress)
    t_build = time.perf_counter() - t0
    del docs
    out = args.keep or Path(tempfile.mkdtemp(prefix="kechuang-scale-"))
    t0 = time.perf_counter()
    version = index.save(out)
    t_save = time.perf_counter() - t0
    build_rss = peak_rss_mib()
    size = dir_size_mib(version)
    del index
    child = subprocess.run(
        [sys.executable, __file__, "--serve", str(out)], capture_output=True, text=True, check=True
    )
    served = json.loads(child.stdout.strip().splitlines()[-1])
    if args.keep is None:
        shutil.rmtree(out)

    print(f"| documents | {args.docs:,} |")
    print("| --- | --- |")
    print(f"| generation | {t_gen:.0f} s |")
    print(f"| index build (analysis, postings, LSA) | {t_build:.0f} s |")
    print(f"| save (new version + atomic swap) | {t_save:.0f} s |")
    print(f"| builder peak RSS | {build_rss / 1024:.2f} GiB |")
    print(f"| index size on disk | {size / 1024:.2f} GiB |")
    print(f"| serving: load (memory-mapped) | {served['load_s']} s |")
    print(f"| serving: peak RSS | {served['peak_rss_mib'] / 1024:.2f} GiB |")
    print(
        f"| latency p50 / p95 / max (k=10, explanations on) | {served['p50_ms']} / {served['p95_ms']} / {served['max_ms']} ms |"
    )
    print(f"| queries/s (one process; wall clock / per CPU second) | {served['qps']} / {served['cpu_qps']} |")
    print(f"| load average while serving (2 cores, shared machine) | {served['loadavg']} |")
    print(
        f"| upsert (per record, incl. delta rebuild) / remove | {served['upsert_ms']} ms / {served['remove_ms']} ms |"
    )
    print(f"| p95 with 20 records in the delta segment | {served['p95_ms_with_delta']} ms |")
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
