"""Benchmark: the deal funnel statistics over 1,000,000 match events and 100,000 deals (issue 14).

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_funnel.py [--events 1000000] [--deals 100000]
                                                                           [--repeat 20]

Setup (not timed): 200 organisations, 50 brokers, 5,000 published demands and 5,000 achievements through the
ORM; then EVENTS match feedback rows (the platform's match events: a broker's verdict on a recommended match) and
DEALS deals at every stage, generated inside the database (one INSERT … SELECT over generate_series on
PostgreSQL; bulk_create batches on SQLite — use small numbers there). Timed: ``funnel.funnel(by)`` for every
grouping (overall, broker, industry, district, month) and ``funnel.terminations()`` — what the funnel page
(/deals/funnel/) computes — REPEAT times each after one warm-up call: p50 / p95. Also timed once, for
information: the funnel page's MRR@10 (one SQL statement) and the label export the engine CLI scores.

Goal (issue 14): funnel statistics over 1,000,000 match events and 100,000 deals ≤ 300 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics as st
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DISTRICTS = ["530102", "530103", "530111", "530112", "530113", "530114", "530115", "530181"]


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def setup_base(seed: int = 14) -> tuple[list[int], list[int], list[int], list[int]]:
    from kechuang.accounts.choices import Role
    from kechuang.accounts.models import User
    from kechuang.core.validators import make_credit_code
    from kechuang.directory.models import Organisation
    from kechuang.market.choices import Industry, Status
    from kechuang.market.models import Achievement, Demand

    rng = random.Random(seed)
    orgs = Organisation.objects.bulk_create([
        Organisation(kind="enterprise" if i % 2 else "university", name=f"基准机构{i:04d}",
                     credit_code=make_credit_code(f"91530102MA7F{i:05d}"),
                     region_code=DISTRICTS[i % len(DISTRICTS)], status="published") for i in range(200)])
    brokers = User.objects.bulk_create([User(username=f"bench-broker-{i}", role=Role.BROKER) for i in range(50)])
    industries = Industry.values
    demands = Demand.objects.bulk_create([
        Demand(title=f"基准需求{i}", description="", organisation=orgs[2 * rng.randrange(100) + 1],
               region_code=DISTRICTS[i % len(DISTRICTS)], industry=rng.choice(industries), status=Status.PUBLISHED)
        for i in range(5000)], batch_size=1000)
    achievements = Achievement.objects.bulk_create([
        Achievement(title=f"基准成果{i}", abstract="", owner=orgs[2 * rng.randrange(100)],
                    industry=rng.choice(industries), status=Status.PUBLISHED)
        for i in range(5000)], batch_size=1000)
    return ([o.pk for o in orgs], [b.pk for b in brokers], [d.pk for d in demands], [a.pk for a in achievements])


def fill_postgresql(events: int, deals: int, year: int, ids: tuple[list[int], ...]) -> None:
    from django.db import connection

    _orgs, brokers, demands, achievements = ids
    d0, a0, b0 = min(demands), min(achievements), min(brokers)
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.14)")
        cur.execute(f"""
            INSERT INTO market_matchfeedback (created_at, updated_at, target_kind, target_id, verdict, rank, score,
                                              note, achievement_id, author_id, demand_id)
            SELECT t, t, 'achievement', ({a0} + floor(random() * {len(achievements)}))::bigint::text,
                   (ARRAY['contacted', 'useful', 'not_useful', 'not_useful'])[1 + floor(random() * 4)::int],
                   1 + floor(random() * 20)::int, random(), '', NULL, {b0} + floor(random() * {len(brokers)})::bigint,
                   {d0} + floor(random() * {len(demands)})::bigint
            FROM (SELECT timestamptz '{year}-01-01' + random() * interval '364 days' AS t
                  FROM generate_series(1, %s)) AS g""", [events])
        cur.execute(f"""
            INSERT INTO deals_deal (created_at, updated_at, title, stage, origin, match_rank, next_action, mode,
                                    pricing, termination_reason, signed_at, registered_at, achievement_id,
                                    broker_id, demand_id, enterprise_id, institute_id, next_action_on)
            SELECT t, t, '基准商洽', s, 'match', 1 + floor(random() * 20)::int, '', '', '',
                   CASE WHEN s = 'terminated'
                        THEN (ARRAY['price', 'immature', 'demand_changed', 'lost_contact', 'other'])
                             [1 + floor(random() * 5)::int] ELSE '' END,
                   CASE WHEN s IN ('signed', 'registered') THEN t + interval '30 days' END,
                   CASE WHEN s = 'registered' THEN t + interval '60 days' END,
                   a, {b0} + floor(random() * {len(brokers)})::bigint, d.id, d.organisation_id, ach.owner_id,
                   CASE WHEN s IN ('intent', 'contacting', 'negotiating') THEN (t + interval '14 days')::date END
            FROM (SELECT timestamptz '{year}-01-01' + random() * interval '364 days' AS t,
                         (ARRAY['intent', 'contacting', 'negotiating', 'signed', 'registered', 'terminated',
                                'terminated'])[1 + floor(random() * 7)::int] AS s,
                         {d0} + floor(random() * {len(demands)})::bigint AS dm,
                         {a0} + floor(random() * {len(achievements)})::bigint AS a
                  FROM generate_series(1, %s)) AS g
            JOIN market_demand d ON d.id = g.dm JOIN market_achievement ach ON ach.id = g.a""", [deals])
        cur.execute("VACUUM ANALYZE market_matchfeedback")
        cur.execute("VACUUM ANALYZE deals_deal")


def fill_orm(events: int, deals: int, year: int, ids: tuple[list[int], ...], seed: int = 15) -> None:
    from django.utils import timezone

    from kechuang.deals.models import Deal
    from kechuang.market.models import Demand, MatchFeedback

    _orgs, brokers, demands, achievements = ids
    rng = random.Random(seed)
    owner = dict(Demand.objects.values_list("pk", "organisation_id"))
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    MatchFeedback.objects.bulk_create([
        MatchFeedback(target_kind="achievement", target_id=str(rng.choice(achievements)),
                      verdict=rng.choice(["contacted", "useful", "not_useful", "not_useful"]), rank=rng.randint(1, 20),
                      author_id=rng.choice(brokers), demand_id=rng.choice(demands),
                      created_at=start + dt.timedelta(days=rng.randint(0, 363)))
        for _ in range(events)], batch_size=2000)
    rows = []
    for _ in range(deals):
        stage = rng.choice(["intent", "contacting", "negotiating", "signed", "registered", "terminated"])
        t = start + dt.timedelta(days=rng.randint(0, 363))
        demand = rng.choice(demands)
        rows.append(Deal(title="基准商洽", stage=stage, origin="match", demand_id=demand, enterprise_id=owner[demand],
                         achievement_id=rng.choice(achievements), broker_id=rng.choice(brokers), created_at=t,
                         termination_reason="price" if stage == "terminated" else "",
                         signed_at=t if stage in ("signed", "registered") else None))
    Deal.objects.bulk_create(rows, batch_size=2000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-funnel-"))
    os.environ["KECHUANG_VAR_DIR"] = str(workdir / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from kechuang.deals.models import Deal
    from kechuang.market.models import MatchFeedback

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"机器：{platform.processor() or platform.machine()}，{os.cpu_count()} 核；数据库：{engine}；"
          f"{dt.datetime.now():%Y-%m-%d %H:%M}；负载 {_load()}", flush=True)
    year = 2025
    started = time.perf_counter()
    if MatchFeedback.objects.count() < args.events:
        ids = setup_base()
        (fill_postgresql if connection.vendor == "postgresql" else fill_orm)(args.events, args.deals, year, ids)
    print(f"数据：匹配反馈 {MatchFeedback.objects.count():,} 条，商洽 {Deal.objects.count():,} 项"
          f"（准备用时 {time.perf_counter() - started:.1f} 秒，不计入）", flush=True)

    from kechuang.deals import funnel

    worst = 0.0
    cases = [(f"funnel by={by}", lambda by=by: funnel.funnel(by)) for by in funnel.BY]
    cases.append(("terminations", funnel.terminations))
    for name, fn in cases:
        fn()  # warm-up: the first call after setup reads the tables from disk
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        p95 = st.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        worst = max(worst, p95)
        print(f"  {name:<20} p50 {st.median(times):7.1f} ms  p95 {p95:7.1f} ms", flush=True)
    print(f"最慢查询 p95 {worst:.1f} ms（目标：100 万条匹配事件、10 万项商洽，PostgreSQL 上 ≤ 300 ms）；负载 {_load()}",
          flush=True)
    t = time.perf_counter()
    mrr, queries = funnel.mrr_at_10_sql()
    print(f"（参考）漏斗页的 MRR@10（SQL，{queries:,} 条需求，MRR@10 {mrr:.3f}）：{(time.perf_counter() - t) * 1000:.0f} ms",
          flush=True)
    t = time.perf_counter()
    mrr, queries = funnel.mrr_at_10(funnel.labelled_pairs())
    print(f"（参考）导出标注对并由引擎计算（match eval --feedback 的路径，MRR@10 {mrr:.3f}）："
          f"{(time.perf_counter() - t):.1f} 秒", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
