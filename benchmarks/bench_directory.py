"""Benchmark: the directory's bulk import and its list latency under load.

    .venv/bin/python benchmarks/bench_directory.py [--rows 100000] [--db auto|sqlite|postgres]
                                                   [--clients 20] [--seconds 20] [--workers 4] [--write-docs]

1. Generates ROWS synthetic organisations as a CSV with the bureau's Chinese headers (valid credit codes,
   Kunming region codes, dates, chains, scopes; seeded, so runs repeat).
2. Imports it with the real command, ``kechuang import organisations FILE`` in a child process, into a fresh
   database: wall time and the child's peak resident memory (the import is all-or-nothing, so the whole file
   is validated, near-duplicate-checked and written in one transaction).
3. Starts gunicorn on 127.0.0.1 against that database and drives it with CLIENTS concurrent keep-alive HTTP
   clients (Python threads, same machine) for SECONDS per scenario: the public list page (random pages of the
   first 50, and filtered/searched) and the API list. Reports p50/p95/p99 and throughput per scenario.

Database: ``--db auto`` uses DATABASE_URL when set; otherwise a throw-away PostgreSQL cluster (initdb as the
``postgres`` user, like .ci/run) when PostgreSQL is installed; otherwise SQLite (WAL) in a temporary
directory. The database used is printed and recorded. ``--write-docs`` replaces the directory section of
docs/benchmarks.md with the results.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import json
import os
import platform
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KUNMING = ["530102", "530103", "530111", "530112", "530113", "530114", "530115", "530124", "530125", "530126",
           "530127", "530128", "530129", "530181"]
BRANDS = ["云岭", "滇池", "春城", "翠湖", "金马", "碧鸡", "长水", "呈贡", "阳宗", "石林", "轿子", "拱王", "螳螂",
          "宝象", "盘龙", "五华", "官渡", "西山", "晋宁", "东川", "嵩明", "宜良", "富民", "安宁", "禄劝", "寻甸",
          "彩云", "高原", "南亚", "七彩", "红土", "茶马", "普洱", "鸡足", "梁王", "黑龙", "大观", "海埂", "松华",
          "白鱼"]
CHARS = ("安宝邦博昌辰成诚达德鼎东飞丰福高广海瀚浩和恒宏华辉汇佳嘉建金锦晋景聚骏凯康科坤朗力立联亮林隆龙茂美"
         "明铭南鹏品普齐启谦锐瑞润森晟盛胜硕思泰天通拓万威维伟文新欣鑫星兴旭轩亚延扬耀业宜益银盈永优宇禹远"
         "跃云泽展兆臻正智中众卓梓")
INDUSTRIES = [("智能装备", "equipment"), ("生物医药", "biomedicine"), ("新材料", "new-materials"),
              ("新能源", "green-energy"), ("信息技术", "digital"), ("数据科技", "digital"), ("农业科技", "plateau-agriculture"),
              ("食品科技", "green-food"), ("健康科技", "health-tourism"), ("光电科技", "optoelectronics"),
              ("环保科技", "eco-environment"), ("物流科技", "logistics"), ("医疗器械", "biomedicine"),
              ("精密机械", "equipment"), ("软件", "digital"), ("检测技术", "equipment")]
SCOPES = ["工业机器人与智能产线集成", "天然药物与民族药研发", "高性能铝合金材料", "分布式光伏与储能", "政务数据治理平台",
          "鲜切花种苗繁育", "预制菜研发与冷链", "智慧养老平台", "红外光学镜头", "高原湖泊水环境治理", "跨境物流数字平台",
          "骨科植入物与康复辅具", "精密冲压模具", "工业软件开发", "第三方检验检测"]
LEGAL = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"]
HEADERS = ["名称", "统一社会信用代码", "行政区划代码", "类型", "成立日期", "产业链", "经营范围", "职工人数", "地址"]


def generate(path: Path, rows: int, seed: int = 20261122) -> None:
    from stdnum.cn import uscc

    # Names of the demo's 8+N chains (kechuang/directory/demo.py), which are loaded before the import.
    chains = {"biomedicine": "生物医药", "green-energy": "绿色能源", "new-materials": "新材料（绿色铝硅·稀贵金属）",
              "equipment": "先进装备制造", "digital": "数字经济", "plateau-agriculture": "高原特色现代农业",
              "green-food": "绿色食品", "health-tourism": "文旅康养", "optoelectronics": "光电子信息",
              "logistics": "现代物流", "eco-environment": "节能环保"}
    rng = random.Random(seed)
    seen: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i in range(rows):
            region = KUNMING[i % len(KUNMING)]
            industry, chain = INDUSTRIES[rng.randrange(len(INDUSTRIES))]
            while True:
                name = (f"昆明{BRANDS[rng.randrange(len(BRANDS))]}{rng.choice(CHARS)}{rng.choice(CHARS)}"
                        f"{industry}{LEGAL[rng.randrange(len(LEGAL))]}")
                if name not in seen:
                    seen.add(name)
                    break
            body = f"91{region}MA{i:07d}"[:17]
            code = body + uscc.calc_check_digit(body)
            founded = dt.date(1995, 1, 1) + dt.timedelta(days=rng.randrange(10_500))
            w.writerow([name, code, region, "企业", founded.isoformat(), "" if i % 3 else chains[chain],
                        SCOPES[rng.randrange(len(SCOPES))], rng.randrange(5, 3000), f"昆明市科创路{rng.randrange(1, 999)}号"])


# --- database ---------------------------------------------------------------------------------------------

class Database:
    def __init__(self, kind: str, workdir: Path) -> None:
        self.workdir = workdir
        self.env = dict(os.environ)
        self.env["KECHUANG_VAR_DIR"] = str(workdir / "var")
        self.pg_stop: list[str] | None = None
        if kind == "auto":
            if os.environ.get("DATABASE_URL"):
                kind = "url"
            elif _pg_bin() and shutil.which("su") and _user_exists("postgres"):
                kind = "postgres"
            else:
                kind = "sqlite"
        self.kind = kind
        if kind == "sqlite":
            self.env.pop("DATABASE_URL", None)
            self.label = "SQLite（WAL，嵌入式默认）"
        elif kind == "url":
            url = os.environ["DATABASE_URL"]
            self.label = (f"PostgreSQL（{_server_version(url)}，DATABASE_URL 指定的集群）" if url.startswith("postgres")
                          else url.split(":")[0])
        elif kind == "postgres":
            self.label = self._start_postgres()
        else:
            raise SystemExit(f"unknown --db {kind}")

    def _start_postgres(self) -> str:
        pgbin = _pg_bin()
        assert pgbin
        data = Path(tempfile.mkdtemp(prefix="kechuang-bench-pg."))
        port = _free_port()
        shutil.chown(data, "postgres")
        run = lambda cmd: subprocess.run(["su", "postgres", "-c", cmd], check=True, capture_output=True)  # noqa: E731
        run(f"{pgbin}/initdb -D {data} -A trust -U postgres -E UTF8 --locale=C.UTF-8")
        run(f"{pgbin}/pg_ctl -D {data} -o '-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200' "
            f"-l {data}/log -w start")
        self.pg_stop = ["su", "postgres", "-c", f"{pgbin}/pg_ctl -D {data} -m fast stop"]
        run(f"psql -h 127.0.0.1 -p {port} -c 'CREATE DATABASE kechuang'")
        self.env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{port}/kechuang"
        version = subprocess.run([f"{pgbin}/postgres", "--version"], capture_output=True, text=True).stdout.strip()
        # "postgres (PostgreSQL) 15.18 (Debian ...)": the third word is the version.
        number = version.split()[2] if len(version.split()) > 2 else version
        return f"PostgreSQL（{number}，临时集群，默认持久化设置）"

    def stop(self) -> None:
        if self.pg_stop:
            subprocess.run(self.pg_stop, capture_output=True)


def _server_version(url: str) -> str:
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]).split()[0] if row else "?"
    except Exception:  # the label only; the run itself will report a connection problem
        return "?"


def _pg_bin() -> str | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
    return str(candidates[-1]) if candidates else None


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- load generation ------------------------------------------------------------------------------------

def _client_loop(port: int, paths: list[str], until: float, out: list[float], errors: list[str], seed: int) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < until:
        path = quote(rng.choice(paths), safe="/?=&")
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept-Language": "zh-hans"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} {path}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        out.append((time.perf_counter() - started) * 1000)
    conn.close()


def load(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, Any]:
    # Warm-up (discarded): every gunicorn worker imports its lazy modules on its first requests (~1 s).
    warm = [threading.Thread(target=_client_loop, args=(port, paths, time.perf_counter() + 3.0, [], [], 100 + i))
            for i in range(clients)]
    for t in warm:
        t.start()
    for t in warm:
        t.join()
    results: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    until = time.perf_counter() + seconds
    threads = [threading.Thread(target=_client_loop, args=(port, paths, until, results[i], errors, i))
               for i in range(clients)]
    started = time.perf_counter()
    cpu_before = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    client_cpu = (time.process_time() - cpu_before) / elapsed
    lat = sorted(x for r in results for x in r)
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [lat[0]] * 99
    return {"requests": len(lat), "errors": len(errors), "error_sample": errors[:3], "rps": len(lat) / elapsed,
            "p50_ms": q[49], "p95_ms": q[94], "p99_ms": q[98], "max_ms": lat[-1], "client_cpu": client_cpu}


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/organisations/?page_size=1")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


# --- main -----------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--db", default="auto", choices=["auto", "sqlite", "postgres"])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=max(2, 2 * (os.cpu_count() or 1)))
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--search-only", action="store_true", help="run only the two search scenarios")
    ap.add_argument("--ab-search", action="store_true",
                    help="then restart the server with KECHUANG_SEARCH_INDEX=0 (SQLite: the LIKE scan) and rerun "
                         "the search scenarios on the same database, for an A/B in one run")
    ns = ap.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kechuang-bench-dir."))
    db = Database(ns.db, workdir)
    print(f"数据库：{db.label}", file=sys.stderr)
    python = sys.executable
    kechuang = [python, "-c", "import sys; from kechuang.cli import main; sys.exit(main())"]
    server: subprocess.Popen[bytes] | None = None
    try:
        # Migrate and load the demo data set (chains, 44 organisations, users): the import lands in a live platform.
        subprocess.run([*kechuang, "demo", "--no-serve"], cwd=ROOT, env=db.env, check=True, stdout=subprocess.DEVNULL)
        csv_path = workdir / "organisations.csv"
        t0 = time.perf_counter()
        generate(csv_path, ns.rows)
        gen_s = time.perf_counter() - t0
        size_mb = csv_path.stat().st_size / 1e6
        print(f"生成 {ns.rows} 行 CSV（{size_mb:.1f} MB）：{gen_s:.1f} s", file=sys.stderr)

        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        proc = subprocess.run([*kechuang, "import", "organisations", str(csv_path)], cwd=ROOT, env=db.env,
                              capture_output=True, text=True)
        import_s = time.perf_counter() - t0
        peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
        summary = (proc.stdout + proc.stderr).strip().splitlines()
        print("\n".join(summary[-3:]), file=sys.stderr)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        print(f"导入 {ns.rows} 行：{import_s:.1f} s，峰值内存 {peak_mb:.0f} MB", file=sys.stderr)

        def serve(extra: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
            port = _free_port()
            proc = subprocess.Popen(
                [python, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
                 str(ns.workers), "--worker-class", "sync", "--log-level", "warning", "--chdir", str(ROOT)],
                cwd=ROOT, env={**db.env, "LOG_LEVEL": "WARNING", **extra})
            wait_for(port)
            return proc, port

        server, port = serve({})
        rng = random.Random(7)
        scenarios = {
            "列表页（前 50 页随机）": [f"/directory/organisations/?page={rng.randint(1, 50)}" for _ in range(200)],
            "列表页（区县+产业链筛选）": [f"/directory/organisations/?region={r}&chain=equipment&page={rng.randint(1, 5)}"
                                for r in KUNMING],
            "列表页（中文检索）": [f"/directory/organisations/?q={q}" for q in
                             ("智能装备", "生物医药 呈贡", "云岭 新材料", "光电", "检测技术", "滇池 软件")],
            "API 列表（前 50 页随机）": [f"/api/organisations/?page={rng.randint(1, 50)}" for _ in range(200)],
            "API 列表（筛选+检索）": [f"/api/organisations/?region={r}&q=科技&page=2" for r in KUNMING],
        }
        results = {}
        # Service time without queueing: one client, so the 20-client numbers can be read against it.
        baseline = {"列表页（单客户端基线）": scenarios["列表页（前 50 页随机）"],
                    "API 列表（单客户端基线）": scenarios["API 列表（前 50 页随机）"]}
        searches = ("列表页（中文检索）", "API 列表（筛选+检索）")
        if ns.search_only:
            baseline = {}
            scenarios = {name: scenarios[name] for name in searches}
        for name, paths in baseline.items():
            results[name] = load(port, paths, 1, min(ns.seconds, 8))
            r = results[name]
            print(f"{name}: p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms", file=sys.stderr)
        for name, paths in scenarios.items():
            results[name] = load(port, paths, ns.clients, ns.seconds)
            r = results[name]
            print(f"{name}: p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, "
                  f"{r['rps']:.0f} req/s, {r['requests']} 次, 错误 {r['errors']}", file=sys.stderr)
        if ns.ab_search:
            server.terminate()
            server.wait(timeout=20)
            server, port = serve({"KECHUANG_SEARCH_INDEX": "0"})
            for name in searches:
                label = f"{name}（索引关闭，对照）"
                results[label] = load(port, scenarios[name], ns.clients, ns.seconds)
                r = results[label]
                print(f"{label}: p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, "
                      f"{r['rps']:.0f} req/s, {r['requests']} 次, 错误 {r['errors']}", file=sys.stderr)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        db.stop()

    record = {
        "date": dt.date.today().isoformat(), "machine": _machine(), "database": db.label, "rows": ns.rows,
        "csv_mb": round(size_mb, 1), "import_seconds": round(import_s, 1), "import_peak_mb": round(peak_mb),
        "clients": ns.clients, "seconds": ns.seconds, "workers": ns.workers, "scenarios": results,
        "command": "python benchmarks/bench_directory.py " + " ".join(sys.argv[1:]),
    }
    print(json.dumps(record, ensure_ascii=False))
    if ns.json:
        ns.json.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    if ns.write_docs:
        write_docs(record)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load1 = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, "
            f"load average {load1:.1f} at the end (the benchmark's own server, database and clients included)")


def markdown(r: dict[str, Any]) -> str:
    lines = [
        f"**{r['database']}** — {r['date']}, {r['machine']}.",
        f"Command: `{r['command']}`",
        "",
        f"- Import of {r['rows']:,} organisation rows from CSV ({r['csv_mb']} MB, Chinese headers) with "
        f"`kechuang import organisations FILE`: **{r['import_seconds']} s** (goal ≤ 60 s), peak memory of the "
        f"import process **{r['import_peak_mb']} MB** (every row validated, duplicates and near-duplicates "
        "checked, written in one transaction, one audit row).",
        f"- Latency with {r['rows']:,} organisations, {r['clients']} concurrent keep-alive clients (Python threads on "
        f"the same machine) for {r['seconds']:.0f} s per scenario against gunicorn ({r['workers']} sync workers) "
        "on 127.0.0.1:",
        "",
        "| scenario (20 clients unless marked 单客户端) | requests | req/s | p50 ms | p95 ms | p99 ms | errors "
        "| load generator CPU (cores) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in r["scenarios"].items():
        lines.append(f"| {name} | {s['requests']} | {s['rps']:.0f} | {s['p50_ms']:.0f} | {s['p95_ms']:.0f} | "
                     f"{s['p99_ms']:.0f} | {s['errors']} | {s.get('client_cpu', float('nan')):.2f} |")
    return "\n".join(lines) + "\n"


def write_docs(record: dict[str, Any]) -> None:
    """Replace this database's block inside the directory section (one block per database kind)."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8")
    heading = "## Directory: import and page latency"
    start = text.index(heading) + len(heading)
    end = text.find("\n## ", start)
    end = len(text) if end == -1 else end
    section = text[start:end]
    key = record["database"].split("（")[0]
    marker_start, marker_end = f"<!-- bench_directory {key} -->", f"<!-- /bench_directory {key} -->"
    block = f"{marker_start}\n{markdown(record)}{marker_end}"
    if marker_start in section:
        a = section.index(marker_start)
        b = section.index(marker_end) + len(marker_end)
        section = section[:a] + block + section[b:]
    else:
        section = section.replace("(to be filled by `make bench`)", "").rstrip() + "\n\n" + block + "\n"
    rest = text[end:].lstrip("\n")
    path.write_text(text[:start] + "\n\n" + section.strip("\n") + "\n" + ("\n" + rest if rest else ""),
                    encoding="utf-8")

if __name__ == "__main__":
    sys.exit(main())
