"""Periodic tasks: a small scheduler on top of the recorded jobs (django-tasks has none of its own).

The hook list is ``settings.KECHUANG_PERIODIC_TASKS``: ``name -> (dotted path of f(now), every N seconds)``.
``tick(now)`` claims each due task with a conditional update of its ``PeriodicRun`` row (several schedulers —
every web process with the embedded backend, every ``run_jobs`` worker — start a run once) and enqueues it as
the recorded job ``periodic.<name>``, so its progress, result or error shows in the job table like any other.
``Scheduler`` is the thread that ticks every ``interval`` seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string

from kechuang.core import jobs
from kechuang.core.models import Job, PeriodicRun

log = logging.getLogger(__name__)
PREFIX = "periodic."
# Runs of periodic tasks are kept this long in the job table (a sweep every 5 minutes is 288 rows a day).
KEEP_DAYS = 14
_missing_reported: set[str] = set()


def hooks() -> dict[str, tuple[str, int]]:
    return dict(getattr(settings, "KECHUANG_PERIODIC_TASKS", {}))


def _resolve(path: str) -> Callable[[datetime], Any] | None:
    try:
        fn: Callable[[datetime], Any] = import_string(path)
    except ImportError:
        return None
    return fn


def _job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    name = job.kind.removeprefix(PREFIX)
    path, _every = hooks()[name]
    fn = _resolve(path)
    if fn is None:
        raise LookupError(f"找不到定时任务 {name} 的函数 {path}")
    now = parse_datetime(job.params.get("now", "")) or timezone.now()
    result = fn(now)
    return result if isinstance(result, dict) else {"result": result}


def register_all() -> None:
    """Register every hook as a job kind (single-flight: a slow run is never overtaken by the next one)."""
    for name in hooks():
        jobs.register(PREFIX + name, _job, single_flight=True)


def tick(now: datetime | None = None) -> list[Job]:
    """Enqueue every periodic task that is due at ``now``; returns the jobs enqueued here."""
    now = now or timezone.now()
    register_all()
    started: list[Job] = []
    for name, (path, every) in hooks().items():
        if _resolve(path) is None:
            if name not in _missing_reported:  # e.g. the hook's app is not there yet: say so once, not every tick
                log.warning("periodic task %s skipped: %s cannot be imported", name, path)
                _missing_reported.add(name)
            continue
        PeriodicRun.objects.get_or_create(name=name)
        due = Q(last_run_at__isnull=True) | Q(last_run_at__lte=now - timedelta(seconds=every))
        if PeriodicRun.objects.filter(due, name=name).update(last_run_at=now) == 1:
            started.append(jobs.enqueue(PREFIX + name, params={"now": now.isoformat()}, background=True))
    Job.objects.filter(kind__startswith=PREFIX, status__in=[Job.Status.DONE],
                       finished_at__lt=now - timedelta(days=KEEP_DAYS)).delete()
    return started


class Scheduler(threading.Thread):
    """Ticks every ``interval`` seconds until ``stop()``; a failing tick is logged and the next one tries again."""

    def __init__(self, interval: float = 30.0) -> None:
        super().__init__(name="kechuang-scheduler", daemon=True)
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                tick()
            except Exception:
                log.exception("periodic tick failed")
            finally:
                close_old_connections()
            self._stop_event.wait(self.interval)
        connections.close_all()

    def stop(self) -> None:
        self._stop_event.set()
