"""Benchmark: recomputing every computed indicator for the city and each district, and the public display page.

    DATABASE_URL=postgres://…/bench_ind .venv/bin/python benchmarks/bench_indicators.py [--contracts 1000000]
        [--organisations 100000] [--requests 40] [--clients 20] [--seconds 65] [--workers 4]

Builds a fresh database (the DATABASE_URL given, migrated here): --contracts registered contracts spread over the
districts and the two years, --organisations enterprises of which a third hold a 高新技术企业 and a tenth a
专精特新 qualification, a platform and a 技术经理人 per tenth organisation (on PostgreSQL set-based, INSERT …
SELECT over generate_series, then VACUUM ANALYZE; elsewhere bulk_create); loads the indicator registry. Then
times ``indicators.compute`` as the job runs it (every indicator × city and districts × every month-end from
2024-01 to today, first run and a re-run with nothing changed), --requests sequential GETs of /indicators/display/ with Django's test client, cold builds, and
--clients concurrent keep-alive clients against gunicorn for --seconds (0 clients: skipped). The issue's goal
(1,000,000 contracts and 100,000 organisations on PostgreSQL ≤ 10 s; display ≤ 300 ms p95 under 20 clients) and
the measured figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Model  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

DISTRICTS = ["530102", "530103", "530111", "530112", "530113", "530114", "530115", "530181", "530124", "530127"]


def build(contracts: int, organisations: int) -> None:
    from kechuang.contracts.models import Contract
    from kechuang.core.validators import make_credit_code
    from kechuang.directory.models import Organisation, Person, Platform, Qualification

    rng = random.Random(20261202)
    year = timezone.localdate().year
    orgs = [Organisation(kind="enterprise", name=f"基准测试企业{i:06d}有限公司",
                         credit_code=make_credit_code(f"91530100MB{i:07d}"), region_code=rng.choice(DISTRICTS),
                         status="approved") for i in range(organisations)]
    Organisation.objects.bulk_create(orgs, batch_size=5000)
    orgs = list(Organisation.objects.filter(name__startswith="基准测试企业"))
    quals, plats, people = [], [], []
    for i, o in enumerate(orgs):
        if i % 3 == 0:
            granted = dt.date(rng.randint(year - 4, year - 1), rng.randint(1, 12), rng.randint(1, 28))
            quals.append(Qualification(organisation=o, kind="high_tech", recognised_on=granted,
                                       valid_until=granted.replace(year=granted.year + 3) - dt.timedelta(days=1)))
        if i % 10 == 0:
            quals.append(Qualification(organisation=o, kind="specialised", recognised_on=dt.date(year - 1, 3, 1)))
            plats.append(Platform(organisation=o, name=f"基准测试平台{i}", kind=rng.choice(["key_lab", "innovation_center",
                                  "enterprise_tech_center"]), level=rng.choice(["national", "provincial", "municipal"])))
            people.append(Person(organisation=o, name=f"测试经理人{i}", kind="tech_manager", region_code=o.region_code))
    Qualification.objects.bulk_create(quals, batch_size=5000)
    Platform.objects.bulk_create(plats, batch_size=5000)
    Person.objects.bulk_create(people, batch_size=5000)
    rows = []
    for i in range(contracts):
        amount = Decimal(rng.randint(1_000_00, 5_000_000_00)) / 100
        rows.append(Contract(title=f"基准合同{i}", contract_type="development", sub_type="commissioned",
                             technology_field="electronic_information", signed_on=dt.date(year - 1, 1, 1),
                             seller_name="卖方", seller_credit_code="91530100MA00000000", seller_nature="07",
                             seller_region_code=rng.choice(DISTRICTS + ["110108"]), buyer_name="买方",
                             buyer_credit_code="91530100MA00000001", buyer_region_code="530111", buyer_nature="07",
                             contract_amount=amount, transaction_amount=amount, declared_transaction_amount=amount,
                             status="registered", registration_number=f"B{i:09d}",
                             registered_on=dt.date(rng.choice([year - 1, year]), rng.randint(1, 11), rng.randint(1, 28)),
                             source="platform"))
        if len(rows) == 20000:
            Contract.objects.bulk_create(rows)
            rows = []
    Contract.objects.bulk_create(rows)


def _insert_select(model: type[Model], count_sql: str, exprs: dict[str, str], template: dict[str, object]) -> None:
    """INSERT … SELECT straight in PostgreSQL: the varying columns are SQL expressions over ``g`` (a
    generate_series row or a source table's row), every other column takes the value a default instance of the
    model gets (so new NOT NULL columns need no change here)."""
    from django.db import connection

    obj = model(**template)
    columns, select, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.attname in exprs:
            select.append(exprs[f.attname])
        else:
            select.append("%s")
            params.append(f.get_db_prep_save(f.pre_save(obj, add=True), connection))
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(select)} "
                    f"{count_sql}", params)


def build_postgres(contracts: int, organisations: int) -> None:
    """The same data as ``build`` in a few set-based statements (1,000,000 contracts in about a minute)."""
    from django.db import connection

    from kechuang.contracts.models import Contract
    from kechuang.directory.models import Organisation, Person, Platform, Qualification

    year = timezone.localdate().year
    pick = "(ARRAY[{}])[1 + floor(random() * {})::int]".format
    districts = pick(", ".join(f"'{d}'" for d in DISTRICTS), len(DISTRICTS))
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.20261202)")
    _insert_select(Organisation, f"FROM generate_series(1, {int(organisations)}) g", {
        "name": "'基准测试企业' || lpad(g::text, 6, '0') || '有限公司'",
        "credit_code": "'91530100MB' || lpad(g::text, 8, '0')", "region_code": districts,
    }, {"kind": "enterprise", "status": "approved"})
    orgs = "FROM directory_organisation g WHERE g.name LIKE '基准测试企业%%'"
    # Granted on a random day of the last four years, valid for three (so some expire during the series).
    granted = f"make_date({year - 4} + floor(random() * 4)::int, 1 + floor(random() * 12)::int, " \
              "1 + floor(random() * 28)::int)"
    _insert_select(Qualification, f"FROM (SELECT o.id, {granted} AS d FROM directory_organisation o "
                   "WHERE o.name LIKE '基准测试企业%%' AND o.id %% 3 = 0) g",
                   {"organisation_id": "g.id", "recognised_on": "g.d",
                    "valid_until": "(g.d + interval '3 years' - interval '1 day')::date"}, {"kind": "high_tech"})
    _insert_select(Qualification, orgs + " AND g.id %% 10 = 0", {"organisation_id": "g.id"},
                   {"kind": "specialised", "recognised_on": dt.date(year - 1, 3, 1)})
    _insert_select(Platform, orgs + " AND g.id %% 10 = 0", {
        "organisation_id": "g.id", "name": "'基准测试平台' || g.id",
        "kind": pick("'key_lab', 'innovation_center', 'enterprise_tech_center'", 3),
        "level": pick("'national', 'provincial', 'municipal'", 3)}, {})
    _insert_select(Person, orgs + " AND g.id %% 10 = 0", {
        "organisation_id": "g.id", "name": "'测试经理人' || g.id", "region_code": "g.region_code"},
        {"kind": "tech_manager"})
    amounts = (f"FROM (SELECT s AS n, round((1000 + random() * 4999000)::numeric, 2) AS a "
               f"FROM generate_series(1, {int(contracts)}) s) g")
    _insert_select(Contract, amounts, {
        "title": "'基准合同' || g.n", "registration_number": "'B' || lpad(g.n::text, 9, '0')",
        "seller_region_code": pick(", ".join(f"'{d}'" for d in [*DISTRICTS, "110108"]), len(DISTRICTS) + 1),
        "contract_amount": "g.a", "transaction_amount": "g.a", "declared_transaction_amount": "g.a",
        "registered_on": f"make_date({year - 1} + (random() < 0.5)::int, 1 + floor(random() * 11)::int, "
                         "1 + floor(random() * 28)::int)",
    }, {"contract_type": "development", "sub_type": "commissioned", "technology_field": "electronic_information",
        "signed_on": dt.date(year - 1, 1, 1), "seller_name": "卖方", "seller_credit_code": "91530100MA00000000",
        "seller_nature": "07", "buyer_name": "买方", "buyer_credit_code": "91530100MA00000001",
        "buyer_region_code": "530111", "buyer_nature": "07", "status": "registered", "source": "platform"})
    from kechuang.contracts import stats

    # The contracts' row trigger wrote their deltas; the periodic task folds them into the monthly aggregate.
    stats.fold()
    with connection.cursor() as cur:
        # A live database is autovacuumed; after a bulk load, VACUUM sets the visibility map as autovacuum would.
        cur.execute("VACUUM ANALYZE")



def _client(port: int, until: float, out: list[float], errors: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            conn.request("GET", "/indicators/display/")
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(str(response.status))
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        out.append((time.perf_counter() - started) * 1000)
    conn.close()


def concurrent(clients: int, seconds: float, workers: int) -> None:
    """``clients`` keep-alive clients GET the display page for ``seconds`` against gunicorn (sync workers),
    started on this database; every worker builds the page itself on its first request and after its cache
    (LocMem, per process) expires, so those builds are inside the figures."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[1]
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
                               "--log-level", "warning", "--chdir", str(root)], cwd=root,
                              env={**os.environ, "PYTHONPATH": str(root)})
    try:
        deadline = time.time() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/indicators/display/")
                conn.getresponse().read()
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.3)
        # Warm-up, discarded: workers finish booting (each imports Django and the app) before the clock starts.
        warm = [threading.Thread(target=_client, args=(port, time.perf_counter() + 5, [], [])) for _ in range(clients)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        results: list[list[float]] = [[] for _ in range(clients)]
        errors: list[str] = []
        until = time.perf_counter() + seconds
        threads = [threading.Thread(target=_client, args=(port, until, results[i], errors)) for i in range(clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        lat = sorted(x for r in results for x in r)
        q = statistics.quantiles(lat, n=100)
        print(f"展示页（{clients} 个并发客户端，gunicorn {workers} 个同步进程，{seconds:.0f} s，含各进程首次及缓存过期后的重新生成）："
              f"{len(lat)} 次，{len(lat) / elapsed:.0f} 次/s，p50 {q[49]:.0f} ms，p95 {q[94]:.0f} ms，p99 {q[98]:.0f} ms，"
              f"最大 {lat[-1]:.0f} ms，错误 {len(errors)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients against gunicorn (0: skip)")
    parser.add_argument("--seconds", type=float, default=65.0,
                        help="load duration; past the display's 60 s cache, so every worker rebuilds it once")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    ns = parser.parse_args()
    call_command("migrate", verbosity=0)
    from kechuang.contracts.models import Contract
    from kechuang.indicators import computing, registry

    if not Contract.objects.exists():
        t = time.perf_counter()
        if django.db.connection.vendor == "postgresql":
            build_postgres(ns.contracts, ns.organisations)
        else:
            build(ns.contracts, ns.organisations)
        print(f"数据生成 {time.perf_counter() - t:.1f} s：合同 {ns.contracts}，机构 {ns.organisations}")
    registry.load()
    from kechuang.indicators.models import Observation

    # Every run measures a first computation: the computed observations of an earlier run are dropped (raw, no
    # audit: this is the benchmark's own reset, not a business change).
    Observation.objects.filter(superseded_by__method="computed").update(superseded_by=None)
    computed = Observation.objects.filter(method="computed")
    computed.update(superseded_by=None)
    computed._raw_delete(computed.db)
    marks: list[tuple[float, str]] = []
    t = time.perf_counter()
    result = computing.compute(progress=lambda _f, name: marks.append((time.perf_counter(), name)))
    first = time.perf_counter() - t
    slowest = sorted(((b[0] - a[0], b[1]) for a, b in zip([(t, ""), *marks], marks, strict=False)), reverse=True)
    t = time.perf_counter()
    computing.compute()
    again = time.perf_counter() - t
    regions = len(computing.districts()) + 1
    print(f"重新计算（{result['since']} 至 {result['until']} 每个月末共 {result['dates']} 个统计日，"
          f"{result['indicators']} 项 × 全市及 {regions - 1} 个区县）：首次 {first:.2f} s（写入 {result['rows']} 行），"
          f"再次 {again:.2f} s（无变化不写）")
    print("  最慢的指标（查询与写入）：" + "，".join(f"{name} {sec:.2f} s" for sec, name in slowest[:5]))
    client = Client()
    times = []
    for _ in range(ns.requests):
        t = time.perf_counter()
        response = client.get("/indicators/display/")
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"展示页（单客户端顺序 {ns.requests} 次，一分钟缓存内）：p50 {statistics.median(times):.0f} ms，p95 {p95:.0f} ms")
    from django.core.cache import cache

    cold = []
    for _ in range(10):
        cache.clear()
        t = time.perf_counter()
        client.get("/indicators/display/")
        cold.append((time.perf_counter() - t) * 1000)
    print(f"展示页（缓存失效后首次生成，10 次）：中位数 {statistics.median(cold):.0f} ms，最大 {max(cold):.0f} ms")
    if ns.clients:
        concurrent(ns.clients, ns.seconds, ns.workers)
    print(f"机器：{platform.processor() or platform.machine()}，{os.cpu_count()} 核，Python {platform.python_version()}，"
          f"数据库 {django.db.connection.vendor}")


if __name__ == "__main__":
    main()
