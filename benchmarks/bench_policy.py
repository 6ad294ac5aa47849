"""Benchmark: 免申即享 batch over synthetic organisations x every seed-001 measure, with traces.

    .venv/bin/python benchmarks/bench_policy.py [--n 100000] [--sample 10000] [--as-of 2025-12-31]

Measures, in one run: building the synthetic profiles (validation included), `evaluate_batch` over all of them
(every MeasureResult materialised, with its Chinese trace), and the per-profile `evaluate` over a sample, whose
rate is extrapolated to give the speed-up ratio. It also checks on the sample that both give identical results.
Peak memory is the process's maximum resident set size. The synthetic population is seeded, so runs repeat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kechuang.rules import Profile, evaluate, evaluate_batch, load_policies

KINDS = ["enterprise"] * 16 + ["university", "research_institute", "hospital", "school", "public_institution",
                               "social_organization", "incubator", "maker_space"]
RECOGNITIONS = [
    ("high_tech_enterprise", "national", 10), ("high_tech_cultivation", "municipal", 4),
    ("little_lighthouse", None, 1), ("smart_factory", "national", 1), ("digital_workshop", "national", 1),
    ("incubator", "provincial", 1), ("incubator", "national", 1), ("star_innovation", "provincial", 1),
    ("maker_space", "municipal", 1), ("enterprise_tech_center", "municipal", 2),
    ("enterprise_tech_center", "provincial", 1), ("enterprise_innovation_center", "municipal", 1),
    ("single_champion", "provincial", 1), ("unicorn", None, 1), ("tech_transfer_demo_agency", None, 1),
    ("new_rd_institution_listed", "provincial", 1), ("intl_rd_center", "provincial", 1),
    ("talent_intro_demo_unit", None, 1), ("empowerment_center", None, 1),
]
REC_P = np.array([w for *_x, w in RECOGNITIONS], dtype=float)
REC_P /= REC_P.sum()


def synth(n: int, seed: int = 20251231) -> list[dict[str, Any]]:
    """A plausible population: most organisations hold a few recognitions, some projects and awards,
    and some collections are unknown (left out), so all three outcomes occur."""
    rng = np.random.default_rng(seed)
    day0 = dt.date(2014, 1, 1).toordinal()
    span = dt.date(2027, 6, 30).toordinal() - day0

    def date() -> str:
        return dt.date.fromordinal(day0 + int(rng.integers(span))).isoformat()

    out: list[dict[str, Any]] = []
    for i in range(n):
        kind = KINDS[int(rng.integers(len(KINDS)))]
        d: dict[str, Any] = {"id": f"org-{i:06d}", "kind": kind}
        if rng.random() < 0.8:
            d["is_tech_sme"] = bool(rng.random() < 0.4)
        if rng.random() < 0.7:
            d["is_state_owned"] = bool(rng.random() < 0.1)
        if rng.random() < 0.3:
            d["innovation_spending_increase"] = int(rng.integers(0, 5_000_000))
        if rng.random() < 0.9:
            recs = []
            for k in rng.choice(len(RECOGNITIONS), size=int(rng.integers(0, 4)), p=REC_P):
                typ, lvl, _w = RECOGNITIONS[int(k)]
                r: dict[str, Any] = {"type": typ, "date": date()}
                if lvl is not None:
                    r["level"] = lvl
                recs.append(r)
            d["recognitions"] = recs
        if rng.random() < 0.8:
            projs = []
            if rng.random() < 0.15:
                projs.append({"type": "ai_application_demo", "date": date(),
                              "investment": int(rng.integers(100_000, 12_000_000))})
            if rng.random() < 0.05:
                projs.append({"type": "multimodal_info_platform", "date": date(), "meets_guideline": True,
                              "investment": int(rng.integers(1_000_000, 9_000_000))})
            d["projects"] = projs
        if rng.random() < 0.7:
            d["awards"] = ([{"type": "intl_innovation_competition", "date": date(),
                             "organiser_level": ["national", "provincial", "municipal"][int(rng.integers(3))]}]
                           if rng.random() < 0.05 else [])
        if rng.random() < 0.6:
            d["grants"] = ([{"type": "foreign_expert_project", "date": date(),
                             "level": ["national", "provincial", "municipal"][int(rng.integers(3))],
                             "amount": int(rng.integers(50_000, 500_000))}] if rng.random() < 0.05 else [])
        if kind in ("university", "hospital", "school"):
            d["hires"] = ([{"type": "foreign_principal_officer", "date": date(),
                            "annual_pay": int(rng.integers(100_000, 600_000)),
                            "months_in_kunming": float(rng.integers(3, 13))}] if rng.random() < 0.3 else [])
        if kind in ("incubator", "maker_space"):
            d["cultivated"] = [{"type": "high_tech_enterprise", "date": date()}
                               for _ in range(int(rng.integers(0, 4)))]
        out.append(d)
    return out


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=10_000, help="profiles for the per-profile comparison")
    ap.add_argument("--repeat", type=int, default=3, help="batch runs; the median is reported")
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    args = ap.parse_args(argv)
    load_start = round(os.getloadavg()[0], 2)
    rules = load_policies()
    n_measures = len(rules.measures)

    t0 = time.perf_counter()
    raw = synth(args.n)
    t1 = time.perf_counter()
    profiles = [Profile.from_dict(d) for d in raw]
    t2 = time.perf_counter()
    rss_before = _rss_mib()
    # The per-profile evaluator runs first, so that it is not slowed by the batch's millions of live results.
    sample = profiles[: args.sample]
    t5 = time.perf_counter()
    c5 = time.process_time()
    single = [evaluate(p, args.as_of, rules) for p in sample]
    t6 = time.perf_counter()
    per_profile_cpu = time.process_time() - c5

    # The machine is shared: run the batch several times and report the median (and every run).
    runs: list[float] = []
    cpu_runs: list[float] = []
    for _ in range(args.repeat):
        batch = []  # free the previous run's results before the next
        t3 = time.perf_counter()
        c3 = time.process_time()
        batch = evaluate_batch(profiles, args.as_of, rules)
        runs.append(time.perf_counter() - t3)
        cpu_runs.append(time.process_time() - c3)
    batch_s = sorted(runs)[len(runs) // 2]
    rss_batch = _rss_mib()

    n_results = sum(len(e.results) for e in batch)
    n_trace_lines = sum(len(r.trace) for e in batch for r in e.results)
    statuses: dict[str, int] = {}
    for e in batch:
        for r in e.results:
            statuses[r.status] = statuses.get(r.status, 0) + 1
    identical = all(a == b for a, b in zip(single, batch[: len(sample)], strict=True))

    per_profile_rate = len(sample) / (t6 - t5)
    batch_rate = args.n / batch_s
    report = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, {platform.platform()}",
        "command": "python benchmarks/bench_policy.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "organisations": args.n,
        "measures": n_measures,
        "results": n_results,
        "trace_lines": n_trace_lines,
        "statuses": statuses,
        "synthesise_s": round(t1 - t0, 2),
        "validate_profiles_s": round(t2 - t1, 2),
        "evaluate_batch_s": round(batch_s, 2),
        "evaluate_batch_runs_s": [round(x, 2) for x in runs],
        "evaluate_batch_best_s": round(min(runs), 2),
        "evaluate_batch_cpu_s": round(sorted(cpu_runs)[len(cpu_runs) // 2], 2),
        "evaluate_batch_cpu_runs_s": [round(x, 2) for x in cpu_runs],
        "load_average_1m_at_start": load_start,
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "batch_orgs_per_s": round(batch_rate),
        "per_profile_sample": len(sample),
        "per_profile_s": round(t6 - t5, 2),
        "per_profile_cpu_s": round(per_profile_cpu, 2),
        "speedup_cpu": round((per_profile_cpu / len(sample)) / (sorted(cpu_runs)[len(cpu_runs) // 2] / args.n), 1),
        "per_profile_orgs_per_s": round(per_profile_rate),
        "per_profile_extrapolated_s": round(args.n / per_profile_rate, 1),
        "speedup_batch_vs_per_profile": round(batch_rate / per_profile_rate, 1),
        "sample_identical": identical,
        "peak_rss_mib_after_profiles": round(rss_before),
        "peak_rss_mib_after_batch": round(rss_batch),
        "goal_met_5s_median": batch_s <= 5.0,
        "goal_met_5s_best_run": min(runs) <= 5.0,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
