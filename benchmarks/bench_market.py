"""Benchmark: the technology market's index lifecycle and its recommendation pages, on the demo data set.

    .venv/bin/python benchmarks/bench_market.py [--requests 200]

In a throw-away var directory (its own SQLite database and index directory):

1. ``kechuang demo`` data: the directory, accounts, 60 achievements, 30 demands and the 1,000 CSL papers.
2. Index lifecycle: full rebuild from the database (the ``market.index.build`` job: read, build, save, atomic
   swap; median of 3), cold load of the saved version (memory-mapped), and the incremental path a publication
   takes in the publishing process (upsert + the first search that folds the delta in).
3. Latency in-process through Django's test client (no network; template rendering and database included):
   a demand page with its "推荐匹配" panel, the match API, the cross-type search page, and the achievement list
   searched with relevance ranking. p50/p95 over REQUESTS requests each.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    ns = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-market-")
    os.environ["KECHUANG_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    # The rebuild a publication queues would run in a background thread and skew the latencies measured here.
    settings.KECHUANG_INDEX_AUTO_REBUILD = False
    from django.core.management import call_command
    from django.test import Client

    from kechuang.demo import load_demo
    from kechuang.market import indexing, services
    from kechuang.market.choices import Status
    from kechuang.market.models import Achievement, Demand

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    load_demo(out=io.StringIO())
    print(f"demo data loaded in {time.perf_counter() - started:.1f} s ({tmp})", file=sys.stderr)

    rows: list[tuple[str, str]] = []
    builds = []
    for _ in range(3):
        t = time.perf_counter()
        result = indexing.build_index()
        builds.append(time.perf_counter() - t)
    rows.append(("full rebuild from the database (median of 3)",
                 f"{statistics.median(builds):.2f} s for {result['documents']} documents {result['by_kind']}"))
    indexing.reset()
    t = time.perf_counter()
    index = indexing.get_index()
    rows.append(("cold load of the current version (memory-mapped)", f"{(time.perf_counter() - t) * 1000:.0f} ms"))
    assert index is not None

    staff = __import__("kechuang.accounts.models", fromlist=["User"]).User.objects.get(username="staff")
    draft = Achievement.objects.filter(status=Status.SUBMITTED).first()
    assert draft is not None
    t = time.perf_counter()
    # Outside a transaction, on_commit runs at once: the upsert into this process's index happens here.
    services.achievement_publish(achievement=draft, actor=staff)
    demand = Demand.objects.filter(status=Status.PUBLISHED).first()
    from kechuang.market import recommend

    recs, _ = recommend.for_demand(demand, None)
    rows.append(("publish + first search that folds the delta in", f"{(time.perf_counter() - t) * 1000:.0f} ms"))

    client = Client()
    demand_urls = [d.get_absolute_url() for d in Demand.objects.filter(status=Status.PUBLISHED)]
    demand_ids = [d.pk for d in Demand.objects.filter(status=Status.PUBLISHED)]
    queries = ["冷链保鲜", "机器视觉缺陷检测", "磷石膏综合利用", "储能电池安全", "中药提取纯化", "污水处理脱氮",
               "高导电铜合金", "咖啡副产物", "医学影像辅助诊断", "光伏巡检无人机"]
    scenarios = {
        "demand page with 推荐匹配": lambda i: demand_urls[i % len(demand_urls)],
        "match API /api/demands/{id}/matches/": lambda i: f"/api/demands/{demand_ids[i % len(demand_ids)]}/matches/",
        "search page /market/search/": lambda i: f"/market/search/?q={queries[i % len(queries)]}",
        "achievement list searched (relevance)": lambda i: f"/market/achievements/?q={queries[i % len(queries)]}",
    }
    for name, url_of in scenarios.items():
        client.get(url_of(0))  # warm the template cache
        times = []
        for i in range(ns.requests):
            t = time.perf_counter()
            r = client.get(url_of(i))
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (url_of(i), r.status_code)
        rows.append((name, f"p50 {pct(times, 50):.0f} ms, p95 {pct(times, 95):.0f} ms ({ns.requests} requests)"))

    print("| measure | result |\n| --- | --- |")
    for k, v in rows:
        print(f"| {k} | {v} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
