"""Recorded jobs: a ``Job`` row shows what runs and how far it got; django-tasks carries the work.

``register("index.build", fn)`` names a job function ``fn(job, progress) -> dict``. ``enqueue`` writes a queued
row and, with ``background=True``, hands ``run_job(job_id)`` to the django-tasks backend once the transaction
commits (a thread of this process with the embedded default, a ``run_jobs`` worker with the database backend,
settings.TASKS). ``run`` claims a queued row with a conditional update (so two workers never run the same job),
runs it and records progress, result or error. ``run_now`` does both at once for the command line.

**Single-flight kinds** (``register(..., single_flight=True)``, e.g. the match-index rebuild): at most one job of
the kind runs at a time, and at most one waits. A request while one waits is coalesced into the waiting one (it
reads the database when it starts, so it covers the later request too); a waiting job that cannot start because
another runs is started by that one when it finishes — exactly one more run after the running one. Claiming,
coalescing and finishing take the kind's ``JobLock`` row first, so the rule holds across processes.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from kechuang.core.models import Job, JobLock

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
JobFunction = Callable[[Job, Progress], dict[str, Any]]
_REGISTRY: dict[str, JobFunction] = {}
_SINGLE_FLIGHT: set[str] = set()


def register(kind: str, fn: JobFunction, *, single_flight: bool = False) -> None:
    _REGISTRY[kind] = fn
    if single_flight:
        _SINGLE_FLIGHT.add(kind)
    else:
        _SINGLE_FLIGHT.discard(kind)


def is_single_flight(kind: str) -> bool:
    return kind in _SINGLE_FLIGHT


@contextmanager
def _kind_lock(kind: str) -> Iterator[None]:
    """Serialise claims of one job kind: a transaction holding the kind's lock row."""
    with transaction.atomic():
        JobLock.objects.get_or_create(kind=kind)
        JobLock.objects.select_for_update().get(kind=kind)
        yield


@task()
def run_job(job_id: int) -> None:
    """The django-tasks task behind every background job: the ``Job`` row holds its outcome."""
    run(job_id)


def enqueue(kind: str, *, params: dict[str, Any] | None = None, actor: Any = None,
            background: bool = False) -> Job:
    if kind not in _REGISTRY:
        raise ValueError(f"未知的任务类型：{kind}")
    user = actor if getattr(actor, "is_authenticated", False) else None
    if kind in _SINGLE_FLIGHT:
        with _kind_lock(kind):
            waiting = Job.objects.filter(kind=kind, status=Job.Status.QUEUED).order_by("created_at").first()
            if waiting is not None:
                return waiting  # coalesced: the waiting run reads the database when it starts
            job = Job.objects.create(kind=kind, params=params or {}, created_by=user)
    else:
        job = Job.objects.create(kind=kind, params=params or {}, created_by=user)
    if background:
        transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def _expire_dead(kind: str) -> None:
    """A job 'running' past KECHUANG_JOB_TIMEOUT lost its process (killed, restarted): record it as failed."""
    limit = timezone.now() - timedelta(seconds=getattr(settings, "KECHUANG_JOB_TIMEOUT", 7200))
    Job.objects.filter(kind=kind, status=Job.Status.RUNNING, started_at__lt=limit).update(
        status=Job.Status.FAILED, error="任务超时未结束（进程可能已被终止），已标记为失败", finished_at=timezone.now())


def _claim(job: Job) -> bool:
    queued = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED)
    if job.kind not in _SINGLE_FLIGHT:
        return queued.update(status=Job.Status.RUNNING, started_at=timezone.now()) == 1
    with _kind_lock(job.kind):
        _expire_dead(job.kind)
        if Job.objects.filter(kind=job.kind, status=Job.Status.RUNNING).exists():
            return False  # stays queued: the running job starts it when it finishes
        return queued.update(status=Job.Status.RUNNING, started_at=timezone.now()) == 1


def run(job_id: int) -> Job:
    job, ran = _run_one(job_id)
    return run_waiting_after(job) if ran else job


def run_waiting_after(job: Job) -> Job:
    if job.kind in _SINGLE_FLIGHT:
        # The coalesced run: a job of the kind that waited while this one ran starts now, here (a loop, not
        # recursion: under a steady stream of publishes one more is always waiting).
        while (waiting := Job.objects.filter(kind=job.kind, status=Job.Status.QUEUED).order_by("created_at")
               .values_list("pk", flat=True).first()) is not None:
            if not _run_one(waiting)[1]:
                break  # another process claimed the kind first; it will start the next one itself
    return job


def _run_one(job_id: int) -> tuple[Job, bool]:
    """Claim and run one job; (the job as it ends, whether this call ran it)."""
    job = Job.objects.get(pk=job_id)
    if not _claim(job):
        job.refresh_from_db()
        return job, False

    def progress(fraction: float, message: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0.0, min(1.0, fraction)), message=message[:300])

    try:
        result = _REGISTRY[job.kind](job, progress)
    except Exception as exc:  # a failed job is recorded, never lost
        log.exception("job %s failed", job.pk)
        outcome: dict[str, Any] = {"status": Job.Status.FAILED, "error": f"{exc}\n{traceback.format_exc()}"[:5000]}
    else:
        outcome = {"status": Job.Status.DONE, "progress": 1.0, "result": result or {}}
    finished = Job.objects.filter(pk=job.pk)
    if job.kind in _SINGLE_FLIGHT:
        with _kind_lock(job.kind):
            finished.update(finished_at=timezone.now(), **outcome)
    else:
        finished.update(finished_at=timezone.now(), **outcome)
    job.refresh_from_db()
    return job, True


def run_next() -> Job | None:
    """Run the oldest queued job that can start now (a waiting single-flight job cannot while its kind runs)."""
    for job_id in Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at").values_list("pk", flat=True):
        job, ran = _run_one(job_id)
        if ran:
            return run_waiting_after(job)
    return None


def run_now(kind: str, *, params: dict[str, Any] | None = None, actor: Any = None,
            wait_seconds: float = 600.0) -> Job:
    """Run a job in this process and return it finished. For a single-flight kind whose other run is under
    way, this waits for that one and then for the coalesced run (started by the running one, or here)."""
    job = run(enqueue(kind, params=params, actor=actor).pk)
    deadline = time.monotonic() + wait_seconds
    while job.status in (Job.Status.QUEUED, Job.Status.RUNNING) and time.monotonic() < deadline:
        time.sleep(0.05)
        job = run(job.pk) if job.status == Job.Status.QUEUED else Job.objects.get(pk=job.pk)
    return job
