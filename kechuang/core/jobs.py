"""Recorded jobs through a database-backed queue.

``register("index.build", fn)`` names a job function ``fn(job, progress) -> dict``. ``enqueue`` writes a queued
row; ``run_next`` claims the oldest queued row with a conditional update (so two workers never run the same
job) and runs it, recording progress, result or error. ``run_now`` does both at once for the command line.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from kechuang.core.models import Job

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
JobFunction = Callable[[Job, Progress], dict[str, Any]]
_REGISTRY: dict[str, JobFunction] = {}


def register(kind: str, fn: JobFunction) -> None:
    _REGISTRY[kind] = fn


def enqueue(kind: str, *, params: dict[str, Any] | None = None, actor: Any = None,
            background: bool = False) -> Job:
    if kind not in _REGISTRY:
        raise ValueError(f"未知的任务类型：{kind}")
    user = actor if getattr(actor, "is_authenticated", False) else None
    job = Job.objects.create(kind=kind, params=params or {}, created_by=user)
    if background:
        # Embedded default: no separate worker, a thread picks the job up once the enqueue is committed.
        transaction.on_commit(lambda: threading.Thread(target=_thread_run, args=(job.pk,), daemon=True).start())
    return job


def _thread_run(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        close_old_connections()


def run(job_id: int) -> Job:
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.get(pk=job_id)
    if claimed != 1:
        return job

    def progress(fraction: float, message: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0.0, min(1.0, fraction)), message=message[:300])

    try:
        result = _REGISTRY[job.kind](job, progress)
    except Exception as exc:  # a failed job is recorded, never lost
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=f"{exc}\n{traceback.format_exc()}"[:5000],
                                             finished_at=timezone.now())
    else:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=1.0, result=result or {},
                                             finished_at=timezone.now())
    job.refresh_from_db()
    return job


def run_next() -> Job | None:
    job_id = Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at").values_list("pk", flat=True).first()
    return run(job_id) if job_id is not None else None


def run_now(kind: str, *, params: dict[str, Any] | None = None, actor: Any = None) -> Job:
    return run(enqueue(kind, params=params, actor=actor).pk)
