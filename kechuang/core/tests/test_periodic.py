"""Periodic tasks and the django-tasks backends behind recorded jobs (issue 11, item 9)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from kechuang.core import jobs, periodic
from kechuang.core.models import Job

CALLS: list[Any] = []


def dummy_sweep(now: Any) -> dict[str, Any]:
    CALLS.append(now)
    return {"swept": len(CALLS)}


HOOKS = {
    "test.dummy": ("kechuang.core.tests.test_periodic.dummy_sweep", 60),
    "test.missing": ("kechuang.no_such_app.deadlines.sweep", 60),
}


@pytest.fixture
def hooks(settings: Any) -> Any:
    settings.KECHUANG_PERIODIC_TASKS = HOOKS
    CALLS.clear()
    return settings


def test_the_deadline_sweep_is_on_the_hook_list() -> None:
    path, every = django_settings.KECHUANG_PERIODIC_TASKS["workflow.deadlines.sweep"]
    assert path == "kechuang.workflow.deadlines.sweep" and every > 0


@pytest.mark.django_db
def test_a_due_task_runs_once_per_interval_as_a_recorded_job(hooks: Any) -> None:
    now = timezone.now()
    started = periodic.tick(now)
    assert [j.kind for j in started] == ["periodic.test.dummy"]  # the missing function is skipped, not failed
    assert periodic.tick(now + timedelta(seconds=30)) == []  # not due again yet: no second run
    job = jobs.run_next()
    assert job is not None and job.status == Job.Status.DONE and job.result == {"swept": 1}
    assert CALLS == [now]  # the function gets the time the run was due at
    assert len(periodic.tick(now + timedelta(seconds=61))) == 1


@pytest.mark.django_db
def test_run_jobs_once_runs_what_is_due_and_empties_the_queue(hooks: Any) -> None:
    call_command("run_jobs", once=True, stdout=open("/dev/null", "w"))
    assert len(CALLS) == 1
    assert not Job.objects.filter(status=Job.Status.QUEUED).exists()
    call_command("run_jobs", once=True, stdout=open("/dev/null", "w"))
    assert len(CALLS) == 1  # claimed by the first run's timestamp: not due yet


@pytest.mark.django_db
def test_a_failing_periodic_task_is_recorded(hooks: Any) -> None:
    hooks.KECHUANG_PERIODIC_TASKS = {"test.fail": ("kechuang.core.tests.test_periodic.failing_sweep", 60)}
    periodic.tick()
    job = jobs.run_next()
    assert job is not None and job.status == Job.Status.FAILED and "扫描失败" in job.error


def failing_sweep(now: Any) -> None:
    raise RuntimeError("扫描失败")


def _count(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    progress(0.5, "一半")
    return {"n": job.params["n"] + 1}


jobs.register("test.thread", _count)


@pytest.mark.django_db(transaction=True)
def test_the_embedded_backend_runs_a_background_job_after_commit_with_nothing_else_started() -> None:
    assert django_settings.TASKS["default"]["BACKEND"] == "kechuang.core.tasks.ThreadBackend"
    job = jobs.enqueue("test.thread", params={"n": 41}, background=True)
    deadline = time.monotonic() + 10
    while Job.objects.get(pk=job.pk).status != Job.Status.DONE:
        assert time.monotonic() < deadline, "the background thread did not run the job"
        time.sleep(0.02)
    assert Job.objects.get(pk=job.pk).result == {"n": 42}


@pytest.mark.django_db
def test_the_database_backend_leaves_a_task_row_for_the_worker(settings: Any, monkeypatch: Any,
                                                              django_capture_on_commit_callbacks: Any) -> None:
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker closes "old" connections between tasks; inside this test's transaction that would close it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # django-tasks resets on change
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue("test.thread", params={"n": 1}, background=True)
    assert DBTaskResult.objects.count() == 1 and Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    assert Job.objects.get(pk=job.pk).result == {"n": 2}
