"""Benchmark: concurrent clients requesting overlapping instrument slots against gunicorn (issue 18).

    .venv/bin/python benchmarks/bench_instruments.py [--clients 50] [--instruments 10] [--seconds 30] [--workers 4]

Sets up a fresh database (``DATABASE_URL`` when set — PostgreSQL is the target; otherwise SQLite/WAL in a temporary
directory): one provider with INSTRUMENTS bookable instruments (open every day 08:00–18:00, 30-minute grid, owner
approval required so every accepted request holds its slot as 待审批) and CLIENTS enterprise organisations with API
tokens. Gunicorn starts on 127.0.0.1 and every client loops for SECONDS: pick a random instrument, a random start on
the grid within the next DAYS days and a random length of 30–120 minutes, ``POST /api/instrument-bookings/``. The
slots overlap on purpose, so most requests after the first seconds clash (409). The check afterwards is the point:
among the bookings that hold a slot, no two of one instrument overlap, and the database holds exactly as many as
the clients were told 201. Prints accepted/refused per second, requests/s and p50/p95 latency of the POST.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_bidding import _free_port, _wait_for  # noqa: E402  (same folder; the helpers are not a package)

OPEN = {str(d): [["08:00", "18:00"]] for d in range(7)}


def _setup(clients: int, instruments: int) -> tuple[list[int], list[str]]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from kechuang.directory.tests.factories import InstrumentFactory
    from kechuang.instruments.models import ServiceSettings
    from kechuang.tests_support.factories import OrganisationFactory, UserFactory

    call_command("migrate", verbosity=0)
    provider = OrganisationFactory(kind="university")
    ids = []
    for _ in range(instruments):
        inst = InstrumentFactory(organisation=provider)
        ServiceSettings.objects.create(instrument=inst, opening_hours=OPEN, lead_hours=1, min_minutes=30,
                                       max_minutes=240, granularity_minutes=30, rate_enterprise=300)
        ids.append(inst.pk)
    tokens = []
    for i in range(clients):
        user = UserFactory(username=f"bench_booker{i}", organisation=OrganisationFactory(kind="enterprise"))
        tokens.append(Token.objects.create(user=user).key)
    return ids, tokens


def _check(ids: list[int]) -> dict:
    from kechuang.instruments.choices import HOLDING_STATES
    from kechuang.instruments.models import Booking

    overlaps = 0
    held = 0
    for pk in ids:
        slots = list(Booking.objects.filter(instrument_id=pk, status__in=HOLDING_STATES).order_by("start")
                     .values_list("start", "end"))
        held += len(slots)
        # Sorted by start, a booking overlaps some earlier one exactly when it starts before the latest end so far.
        latest = None
        for start, end in slots:
            if latest is not None and start < latest:
                overlaps += 1
            latest = end if latest is None else max(latest, end)
    return {"held": held, "overlaps": overlaps}


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a server's process and its live children (gunicorn's master and
    workers, or PostgreSQL's postmaster and backends), from /proc (Linux):
    the load-independent cost, since wall-clock figures on a shared machine depend on the other tenants."""
    total = 0
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return float("nan")
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def _get(port: int, token: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/api/instrument-bookings/", headers={"Authorization": f"Token {token}"})
    conn.getresponse().read()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--instruments", type=int, default=10)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--days", type=int, default=14, help="the slots are drawn from this many days ahead")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--pg-postmaster-pid", type=int, default=0,
                    help="when the PostgreSQL server is local: also report the CPU time of its processes")
    ns = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-instruments-"))
    os.environ["KECHUANG_VAR_DIR"] = str(work)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    ids, tokens = _setup(ns.clients, ns.instruments)
    from django.utils import timezone

    first_day = timezone.localdate() + dt.timedelta(days=2)
    tz = timezone.get_current_timezone()
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", str(ns.workers), "--log-level", "warning"],
                              cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"})
    lat: list[float] = []
    counts = {"accepted": 0, "clash_409": 0, "refused_400": 0, "errors": 0}
    samples: dict[str, list[str]] = {}
    lock = threading.Lock()
    stop = 0.0

    def client(token: str, seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        while time.monotonic() < stop:
            day = first_day + dt.timedelta(days=rng.randrange(ns.days))
            units = rng.randint(1, 4)  # 30–120 minutes, inside 08:00–18:00 (20 half hours)
            start = dt.datetime.combine(day, dt.time(8), tz) + dt.timedelta(minutes=30 * rng.randrange(20 - units + 1))
            end = start + dt.timedelta(minutes=30 * units)
            body = json.dumps({"instrument": rng.choice(ids), "start": start.isoformat(), "end": end.isoformat(),
                               "purpose": "压力测试"})
            t0 = time.perf_counter()
            conn.request("POST", "/api/instrument-bookings/", body=body, headers=headers)
            resp = conn.getresponse()
            answer = resp.read()
            with lock:
                lat.append(time.perf_counter() - t0)
                key = {201: "accepted", 409: "clash_409", 400: "refused_400"}.get(resp.status, "errors")
                counts[key] += 1
                if key != "accepted" and len(samples.setdefault(key, [])) < 3:
                    samples[key].append(answer.decode("utf-8", "replace")[:300])

    try:
        _wait_for(port)
        # Warm-up outside the clock: each gunicorn worker imports the project on its first request (seconds).
        warm = [threading.Thread(target=_get, args=(port, tokens[0])) for _ in range(ns.workers * 3)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        stop = time.monotonic() + ns.seconds
        cpu0 = server_cpu_seconds(server.pid)
        pg0 = server_cpu_seconds(ns.pg_postmaster_pid) if ns.pg_postmaster_pid else float("nan")
        threads = [threading.Thread(target=client, args=(t, i)) for i, t in enumerate(tokens)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        cpu = server_cpu_seconds(server.pid) - cpu0
        pg_cpu = server_cpu_seconds(ns.pg_postmaster_pid) - pg0 if ns.pg_postmaster_pid else float("nan")
        load = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait()
    check = _check(ids)
    lat.sort()
    print(json.dumps({
        "database": os.environ["DATABASE_URL"].split(":")[0], "clients": ns.clients, "instruments": ns.instruments,
        "seconds": round(elapsed, 1), "workers": ns.workers, **counts,
        "accepted_per_s": round(counts["accepted"] / elapsed, 1), "requests_per_s": round(len(lat) / elapsed, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 1), "p95_ms": round(lat[int(len(lat) * 0.95) - 1] * 1000, 1),
        "server_cpu_s": round(cpu, 1), "server_cpu_ms_per_request": round(cpu * 1000 / max(len(lat), 1), 1),
        "postgres_cpu_s": round(pg_cpu, 1),
        "postgres_cpu_ms_per_request": round(pg_cpu * 1000 / max(len(lat), 1), 1),
        "load_average_1min_at_end": round(load, 2), "held_in_database": check["held"], "overlapping_pairs": check["overlaps"],
        "sample_answers": samples}, ensure_ascii=False, indent=1))
    ok = check["overlaps"] == 0 and check["held"] == counts["accepted"] and counts["errors"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
