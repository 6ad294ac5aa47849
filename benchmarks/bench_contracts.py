"""Benchmark: importing technology contracts and the public statistics queries.

    .venv/bin/python benchmarks/bench_contracts.py [--rows 100000] [--stats-rows 1000000] [--repeat 20]

1. Generates ROWS registered contracts as a CSV with the national system's Chinese headers (amounts in 万元 with up
   to 6 decimals, valid credit codes, Kunming and other region codes; seeded, so runs repeat) and imports it with
   the real import path (``run_import_command`` = ``kechuang import contracts FILE``): wall time and peak RSS.
2. Tops the table up to STATS_ROWS registered contracts (bulk insert, not timed) and runs every statistics query
   of ``GET /api/contracts/stats/`` (by type, field, month, region × scope output, input) REPEAT times each:
   p50 / p95 per query.

Database: DATABASE_URL when set (PostgreSQL for the issue's 1,000,000-row goal), else SQLite in a temporary
directory. The goals (issue 13): import of 100,000 rows ≤ 60 s; each statistics query over 1,000,000 registered
contracts on PostgreSQL ≤ 300 ms p95.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import platform
import random
import resource
import statistics as st
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KUNMING = ["530102", "530103", "530111", "530112", "530113", "530114", "530115", "530124", "530125", "530127",
           "530181"]
OTHER = ["530302", "530402", "532301", "110108", "440305", "510107"]
TYPES = ["技术开发", "技术转让", "技术许可", "技术咨询", "技术服务"]
FIELDS = ["电子信息", "先进制造", "航空航天", "现代交通", "生物、医药和医疗器械", "新材料及其应用", "新能源与高效节能",
          "环境保护与资源综合利用", "核应用技术", "农业", "城市建设与社会发展"]
HEADERS = ["登记编号", "项目名称", "合同类型", "卖方名称", "卖方统一社会信用代码", "卖方行政区划代码", "买方名称",
           "买方统一社会信用代码", "买方行政区划代码", "签订日期", "登记日期", "合同成交额（万元）", "技术交易额（万元）",
           "技术领域"]


def generate(path: Path, rows: int, year: int, seed: int = 13) -> None:
    from stdnum.cn import uscc

    rng = random.Random(seed)
    codes = [f"91{r}MA{n:07d}"[:17] for r in KUNMING for n in range(60)]
    codes = [c + uscc.calc_check_digit(c) for c in codes]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for n in range(1, rows + 1):
            seller, buyer = rng.choice(codes), rng.choice(codes)
            wan = Decimal(rng.randint(1, 50_000_000)) / 10_000  # up to 4 decimals of 万元
            trans = (wan * Decimal(rng.randint(50, 100)) / 100).quantize(Decimal("0.000001"))
            registered = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            w.writerow([f"B{year}{n:08d}", f"基准合同{n}", rng.choice(TYPES), f"卖方{seller[-6:]}", seller,
                        seller[2:8], f"买方{buyer[-6:]}", buyer,
                        buyer[2:8] if rng.random() < 0.6 else rng.choice(OTHER),
                        (registered - dt.timedelta(days=30)).isoformat(), registered.isoformat(), str(wan),
                        str(trans), rng.choice(FIELDS)])


def _top_up_postgresql(have: int, total: int, year: int, seed: int) -> None:
    """The same rows as the Python loop below, generated inside PostgreSQL (one INSERT … SELECT over
    generate_series): a million Django objects take minutes to build and send, the server needs seconds."""
    from django.db import connection

    from kechuang.contracts.choices import ContractType, Status, TechField

    def pick(values: list[str]) -> str:
        arr = "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"
        return f"({arr})[1 + floor(random() * {len(values)})::int]"

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        cursor.execute(f"""
            INSERT INTO contracts_contract (
                created_at, updated_at, registration_number, title, contract_type, sub_type, technology_field,
                ip_type, plan_source, socio_economic_goal, signed_on, seller_name, seller_credit_code,
                seller_country, seller_region_code, seller_nature, buyer_name, buyer_credit_code, buyer_country,
                buyer_region_code, buyer_nature, contract_amount, transaction_amount, deductions, status,
                deadline_estimated, expert_review, registered_on, refusal_reason, decision_note, correction_items,
                correction_answer, pending_change, request_reason, objection, file, source)
            SELECT now(), now(), 'S{year}' || lpad(n::text, 9, '0'), '统计基准合同' || n, {pick(ContractType.values)},
                   '', {pick(TechField.values)}, '', '', '', DATE '{year}-01-01', '卖方', '', '中国',
                   {pick(KUNMING + OTHER[:2])}, '', '买方', '', '中国', {pick(KUNMING + OTHER)}, '', a, round(a * 0.9, 2),
                   '[]'::jsonb, '{Status.REGISTERED}', false, false,
                   make_date({year}, 1 + floor(random() * 12)::int, 1 + floor(random() * 28)::int), '', '', '[]'::jsonb,
                   '', '{{}}'::jsonb, '', '', '', 'import'
            FROM (SELECT n, round((1000 + random() * 49999000)::numeric, 2) AS a
                  FROM generate_series(%s, %s) AS n) AS g""", [have + 1, total])


def top_up(total: int, year: int, seed: int = 14) -> int:
    from django.db import connection

    from kechuang.contracts.choices import ContractType, Status, TechField
    from kechuang.contracts.models import Contract

    have = Contract.objects.count()
    if connection.vendor == "postgresql" and have < total:
        _top_up_postgresql(have, total, year, seed)
        have = total
    rng = random.Random(seed)
    batch: list[Contract] = []
    n = have
    while n < total:
        n += 1
        amount = Decimal(rng.randint(100_000, 5_000_000_000)) / 100
        batch.append(Contract(
            registration_number=f"S{year}{n:09d}", title=f"统计基准合同{n}",
            contract_type=rng.choice(ContractType.values), technology_field=rng.choice(TechField.values),
            signed_on=dt.date(year, 1, 1), registered_on=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            seller_name="卖方", seller_region_code=rng.choice(KUNMING + OTHER[:2]), buyer_name="买方",
            buyer_region_code=rng.choice(KUNMING + OTHER), contract_amount=amount,
            transaction_amount=(amount * Decimal("0.9")).quantize(Decimal("0.01")), status=Status.REGISTERED,
        ))
        if len(batch) == 20_000:
            Contract.objects.bulk_create(batch, batch_size=2000)
            batch = []
    if batch:
        Contract.objects.bulk_create(batch, batch_size=2000)
    with connection.cursor() as cursor:
        # VACUUM also sets the visibility map, without which PostgreSQL cannot answer from the covering index
        # alone (autovacuum does the same some time after a real import).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return Contract.objects.count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--stats-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--stats-only", action="store_true",
                        help="skip the import (e.g. a second run on the same DATABASE_URL: only the statistics)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-contracts-"))
    os.environ["KECHUANG_VAR_DIR"] = str(workdir / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    year = 2025
    print(f"机器：{platform.processor() or platform.machine()}，{os.cpu_count()} 核；数据库：{engine}；"
          f"{dt.datetime.now():%Y-%m-%d %H:%M}；负载 {' / '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    from kechuang.core.tabular import run_import_command

    if not args.stats_only:
        csv_path = workdir / "contracts.csv"
        generate(csv_path, args.rows, year)
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        code = run_import_command("contracts", csv_path, dry_run=False, out=out, err=err)
        seconds = time.perf_counter() - started
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if code:
            print(err.getvalue()[:2000])
            return 1
        print(f"导入 {args.rows:,} 行（万元金额）：{seconds:.1f} 秒（本进程 CPU {cpu:.1f} 秒，其余为数据库与等待 CPU），"
              f"峰值内存 {rss:.0f} MB（目标：10 万行 ≤ 60 秒）；负载 {' / '.join(f'{x:.2f}' for x in os.getloadavg())}",
              flush=True)

    started = time.perf_counter()
    total = top_up(args.stats_rows, year)
    print(f"统计数据：{total:,} 项已登记合同（补足用时 {time.perf_counter() - started:.1f} 秒，不计入）", flush=True)

    from kechuang.contracts.stats import statistics

    worst = 0.0
    for scope in ("output", "input"):
        for by in ("type", "field", "month", "region"):
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                statistics(year, by, scope)
                times.append((time.perf_counter() - t) * 1000)
            p95 = st.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            worst = max(worst, p95)
            print(f"  stats by={by:<6} scope={scope:<6} p50 {st.median(times):7.1f} ms  p95 {p95:7.1f} ms", flush=True)
    print(f"最慢查询 p95 {worst:.1f} ms（目标：100 万行、PostgreSQL 上 ≤ 300 ms）；"
          f"负载 {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
