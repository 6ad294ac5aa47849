"""Timing of the 免申即享 batch's writes: bulk (the job as it is) against the former one-line-at-a-time writer.

A benchmark, not part of the test suite (which never skips a test): `make bench` runs it, or

    KECHUANG_BENCH_ORGS=2000 .venv/bin/python benchmarks/bench_policy_batch_writes.py

Prints the wall time of the whole job (evaluation + writes), first run (all lines new) and a re-run (all lines
refreshed), for each writer (median of KECHUANG_BENCH_REPEAT=3 runs after a warm-up), and the number of SQL
statements. The test database is SQLite in memory, where a statement costs no network round trip: on PostgreSQL
the per-line writer's thousands of statements cost more still. Results go in docs/benchmarks.md (Policy engine).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

import pytest
from django.db import connection

from kechuang.accounts.choices import Role
from kechuang.directory.models import Organisation, Qualification
from kechuang.policies import services
from kechuang.policies.choices import PushStatus
from kechuang.policies.models import Push
from kechuang.tests_support.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db]


def _per_line_writer(lines: list[tuple[Organisation, Any, list[str]]], as_of: dt.date, job: Any) -> dict[str, int]:
    """The writer before the bulk change: a SELECT and an INSERT or UPDATE (with its audit row) per line."""
    counts = {"created": 0, "refreshed": 0, "kept": 0}
    for org, r, declared in lines:
        values = {"measure_title": r.title[:200], "clause": r.clause, "amount_min": r.amount_min,
                  "amount_max": r.amount_max, "as_of": as_of, "trace": list(r.trace), "job_id": job.pk,
                  "payout_years": r.payout_years if r.payout_frequency == "yearly" else None,
                  "self_declared": declared}
        push = Push.objects.filter(organisation=org, measure_id=r.measure_id).first()
        if push is None:
            Push.objects.create(organisation=org, measure_id=r.measure_id, **values)
            counts["created"] += 1
        elif push.status != PushStatus.PENDING:
            counts["kept"] += 1
        else:
            for k, v in values.items():
                setattr(push, k, v)
            push.save()
            counts["refreshed"] += 1
    return counts


def _timed(staff: Any) -> tuple[float, int, dict[str, Any]]:
    count = [0]

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        t0 = time.perf_counter()
        job = services.push_batch_start(actor=staff, background=False)
        elapsed = time.perf_counter() - t0
    return elapsed, count[0], job.result


def test_push_batch_write_timing(monkeypatch: Any) -> None:
    # The personas live in kechuang/conftest.py, outside this folder: make the bureau user here.
    staff_user = UserFactory(username="bench-staff", role=Role.STAFF, is_staff=True)
    n = int(os.environ.get("KECHUANG_BENCH_ORGS", "2000"))
    orgs = [OrganisationFactory.build(name=f"计时企业{i:05d}") for i in range(n)]
    for o in orgs:
        o.full_clean(exclude=["created_at", "updated_at"])
    Organisation.objects.bulk_create(orgs, batch_size=500)
    day = dt.date(2025, 3, 1)
    Qualification.objects.bulk_create(
        [Qualification(organisation=o, kind=k, level="national", recognised_on=day)
         for o in Organisation.objects.filter(name__startswith="计时企业") for k in ("unicorn", "high_tech")],
        batch_size=500)
    _timed(staff_user)  # warm-up (rule files, caches), not counted
    repeat = int(os.environ.get("KECHUANG_BENCH_REPEAT", "3"))
    bulk_writer = services._save_pushes
    rows = []
    for label, writer in (("bulk", bulk_writer), ("per-line", _per_line_writer)):
        monkeypatch.setattr(services, "_save_pushes", writer)
        runs = []
        for _ in range(repeat):
            Push.objects.all().delete()
            runs.append((_timed(staff_user), _timed(staff_user)))
        runs.sort(key=lambda r: r[0][0] + r[1][0])
        first, again = runs[len(runs) // 2]  # the median run by total time
        rows.append((label, first, again))
    lines = rows[0][1][2]["eligible"]
    print(f"\n{n} organisations, {lines} push lines")
    for label, (t1, q1, r1), (t2, q2, r2) in rows:
        print(f"{label:8s} first run {t1:6.2f} s ({q1} queries, created {r1['created']}); "
              f"re-run {t2:6.2f} s ({q2} queries, refreshed {r2['refreshed']})")
    assert rows[0][1][2]["created"] == rows[1][1][2]["created"] == lines

