"""gunicorn hooks for ``kechuang serve`` / ``kechuang demo`` (``--config python:kechuang.core.gunicorn_conf``).

With the embedded task backend (``KECHUANG_TASK_BACKEND=thread``) nothing else is started, so each web worker
runs the periodic-task scheduler in a thread; ``PeriodicRun`` claims make a due task start once however many
workers tick. With the database backend the ``run_jobs`` worker schedules instead.
"""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    from django.conf import settings

    if settings.KECHUANG_TASK_BACKEND == "thread":
        from kechuang.core.periodic import Scheduler

        Scheduler().start()
