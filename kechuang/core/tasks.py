"""The embedded task backend for django-tasks: run each task in a thread once the enqueuing transaction commits.

The default of a laptop or a small district: nothing to start besides the web server. django-tasks's own
``ImmediateBackend`` would run the task inside the request (an index rebuild would hold the page for seconds);
the database backend (``django_tasks_db``) needs a worker process. This one runs the task the way the immediate
backend does (same signals, same result bookkeeping) but in a daemon thread, after commit so the thread sees the
rows the request wrote. Progress is not read from the task result but from the ``Job`` row the task updates.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import connections, transaction
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id


class ThreadBackend(ImmediateBackend):
    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)
        result: TaskResult[Any] = TaskResult(
            task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None, started_at=None,
            last_attempted_at=None, finished_at=None, args=args, kwargs=kwargs, backend=self.alias, errors=[],
            worker_ids=[],
        )
        transaction.on_commit(lambda: threading.Thread(target=self._thread, args=(result,), daemon=True).start())
        return result

    def _thread(self, result: TaskResult[Any]) -> None:
        try:
            self._execute_task(result)
        finally:
            connections.close_all()  # a thread's connections are its own: never leave them open (CONN_MAX_AGE)
