"""Benchmark: concurrent bidders on one listing against gunicorn.

    .venv/bin/python benchmarks/bench_bidding.py [--bidders 50] [--seconds 30] [--workers 4]

Sets up a fresh database (``DATABASE_URL`` when set — PostgreSQL is the target; otherwise SQLite/WAL in a temporary
directory), one open listing and BIDDERS approved bidder organisations with API tokens, starts gunicorn on
127.0.0.1 and lets every bidder loop for SECONDS: read the listing's ``minimum_bid`` and bid exactly that (plus a
random 0–2 steps) through ``POST /api/listings/{id}/bid/``. Refusals (outbid in the meantime) are expected; the
check afterwards is the point: accepted bids strictly increasing in the order they were stored, each at least one
step above the previous, the listing's price and leader equal to the highest bid — exactly one winner.
Prints accepted/refused bids per second and p50/p95 latency.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def _setup(bidders: int, seconds: int) -> tuple[int, list[str]]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from kechuang.deals.models import BidderRegistration, TradeListing
    from kechuang.market.tests.factories import AchievementFactory
    from kechuang.tests_support.factories import OrganisationFactory, UserFactory

    call_command("migrate", verbosity=0)
    owner = OrganisationFactory(kind="university")
    now = timezone.now()
    listing = TradeListing.objects.create(achievement=AchievementFactory(owner=owner, status="published"),
                                          reserve_price=100_000, deposit=0, step=1_000, status="open",
                                          starts_at=now - dt.timedelta(minutes=1),
                                          ends_at=now + dt.timedelta(seconds=seconds + 600), extension_minutes=0)
    tokens = []
    for i in range(bidders):
        user = UserFactory(username=f"bench_bidder{i}", organisation=OrganisationFactory())
        BidderRegistration.objects.create(listing=listing, organisation=user.organisation, user=user,
                                          status="approved")
        tokens.append(Token.objects.create(user=user).key)
    return listing.pk, tokens


def _check(listing_id: int) -> dict:
    from kechuang.deals.models import Bid, TradeListing

    listing = TradeListing.objects.get(pk=listing_id)
    amounts = list(Bid.objects.filter(listing=listing).order_by("id").values_list("amount", flat=True))
    top = Bid.objects.filter(listing=listing).order_by("-amount").first()
    steps = zip(amounts, amounts[1:], strict=False)
    return {"accepted": len(amounts), "increasing": all(b - a >= listing.step for a, b in steps),
            "winner_is_highest": top is not None and listing.current_price == top.amount
            and listing.leader_id == top.registration_id, "final_price": listing.current_price}


def _get(port: int, token: str, listing_id: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", f"/api/listings/{listing_id}/", headers={"Authorization": f"Token {token}"})
    conn.getresponse().read()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bidders", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--workers", type=int, default=4)
    ns = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-bidding-"))
    os.environ["KECHUANG_VAR_DIR"] = str(work)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    listing_id, tokens = _setup(ns.bidders, ns.seconds)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", str(ns.workers), "--log-level", "warning"],
                              cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"})
    lat: list[float] = []
    counts = {"accepted": 0, "refused": 0, "errors": 0}
    lock = threading.Lock()
    stop = 0.0

    def bidder(token: str, seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        while time.monotonic() < stop:
            conn.request("GET", f"/api/listings/{listing_id}/", headers=headers)
            minimum = json.loads(conn.getresponse().read())["minimum_bid"]
            body = json.dumps({"amount": minimum + 1_000 * rng.randint(0, 2)})
            t0 = time.perf_counter()
            conn.request("POST", f"/api/listings/{listing_id}/bid/", body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            with lock:
                lat.append(time.perf_counter() - t0)
                key = {201: "accepted", 400: "refused"}.get(resp.status, "errors")
                counts[key] += 1

    try:
        _wait_for(port)
        # Warm-up outside the clock: each gunicorn worker imports the project on its first request, which took
        # seconds on the shared machine and otherwise lands in the p95.
        warm = [threading.Thread(target=_get, args=(port, tokens[0], listing_id)) for _ in range(ns.workers * 3)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        stop = time.monotonic() + ns.seconds
        threads = [threading.Thread(target=bidder, args=(t, i)) for i, t in enumerate(tokens)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
    finally:
        server.terminate()
        server.wait()
    check = _check(listing_id)
    lat.sort()
    print(json.dumps({
        "database": os.environ["DATABASE_URL"].split(":")[0], "bidders": ns.bidders, "seconds": round(elapsed, 1),
        "workers": ns.workers, **counts, "bids_per_s": round(counts["accepted"] / elapsed, 1),
        "requests_per_s": round(len(lat) / elapsed, 1), "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p95_ms": round(lat[int(len(lat) * 0.95) - 1] * 1000, 1), "stored_bids": check["accepted"],
        "increasing_by_step": check["increasing"], "one_winner_the_highest": check["winner_is_highest"],
        "final_price": check["final_price"]}, ensure_ascii=False, indent=1))
    ok = check["increasing"] and check["winner_is_highest"] and check["accepted"] == counts["accepted"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
