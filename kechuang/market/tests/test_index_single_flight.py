"""Index rebuilds are single-flight and never install a version that read older data (issue 12, item 3)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connections

from kechuang.core import jobs
from kechuang.core.models import Job
from kechuang.market import indexing, services
from kechuang.market.choices import Status
from kechuang.market.tests.factories import AchievementFactory
from kechuang.matching import MatchIndex


def _wait_for_rebuilds(timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    open_states = [Job.Status.QUEUED, Job.Status.RUNNING]
    while Job.objects.filter(kind=indexing.JOB_KIND, status__in=open_states).exists():
        assert time.monotonic() < deadline, "rebuilds did not finish"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishes_end_in_the_current_index(settings: Any, monkeypatch: Any, university_org: Any,
                                                       staff_user: Any) -> None:
    settings.KECHUANG_INDEX_AUTO_REBUILD = True  # the conftest turns background rebuilds off; this test is about them
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title="已发布的冷链保鲜成果", keywords=["冷链"])
    indexing.build_index()
    pending: list[Any] = [AchievementFactory(owner=university_org, status=Status.SUBMITTED, title=f"并发发布的成果第{i}号",
                                  abstract="用于检验并发发布后索引是否包含最新记录。", keywords=["并发"])
               for i in range(6)]

    # Widen the window between reading the database and installing the version, and record who runs when.
    running: list[int] = []
    overlaps: list[int] = []
    guard = threading.Lock()
    original_install = indexing.install

    def slow_install(index: Any, snapshot: int) -> Any:
        with guard:
            running.append(1)
            if len(running) > 1:
                overlaps.append(len(running))
        try:
            time.sleep(0.15)
            return original_install(index, snapshot)
        finally:
            with guard:
                running.pop()

    monkeypatch.setattr(indexing, "install", slow_install)
    errors: list[BaseException] = []

    def publish(achievement: Any) -> None:
        try:
            services.achievement_publish(achievement=achievement, actor=staff_user)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(a,)) for a in pending]
    for t in threads:
        t.start()
        time.sleep(0.03)  # publishes arrive while rebuilds are reading, building and installing
    for t in threads:
        t.join()
    assert not errors
    _wait_for_rebuilds()

    done = Job.objects.filter(kind=indexing.JOB_KIND)
    assert not overlaps, "two rebuilds ran at once"
    assert done.filter(status=Job.Status.FAILED).count() == 0
    assert done.count() < len(pending) + 1  # requests while one ran were coalesced
    current = MatchIndex.load(indexing.index_dir())
    for a in pending:
        assert current.get(indexing.doc_id("achievement", a.pk)) is not None, a.title


@pytest.mark.django_db
def test_a_build_of_older_data_never_replaces_a_newer_current(university_org: Any) -> None:
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title="旧数据里的成果", keywords=["旧"])
    older = MatchIndex.build(list(indexing.documents()))
    old_snapshot = time.time_ns()
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title="新发布的成果", keywords=["新"])
    newer = indexing.build_index()  # reads after the publish, installs first
    assert indexing.install(older, old_snapshot) is None  # finishes last, read older data: discarded
    current = indexing.index_dir() / "current"
    assert current.resolve().name == newer["version"]
    assert len(MatchIndex.load(indexing.index_dir())) == 2


@pytest.mark.django_db
def test_a_rebuild_asked_for_while_one_runs_waits_and_is_coalesced(settings: Any) -> None:
    running = Job.objects.create(kind=indexing.JOB_KIND, status=Job.Status.RUNNING)
    from datetime import timedelta

    from django.utils import timezone

    Job.objects.filter(pk=running.pk).update(started_at=timezone.now())
    first = jobs.enqueue(indexing.JOB_KIND)
    second = jobs.enqueue(indexing.JOB_KIND)
    assert first.pk == second.pk  # one waiting run covers both requests
    assert jobs.run(first.pk).status == Job.Status.QUEUED  # cannot start while the other runs
    assert jobs.run_next() is None
    # A run that lost its process is not a lock for ever: past the timeout it is failed and the next one starts.
    Job.objects.filter(pk=running.pk).update(started_at=timezone.now() - timedelta(
        seconds=settings.KECHUANG_JOB_TIMEOUT + 1))
    assert jobs.run(first.pk).status == Job.Status.DONE
    assert Job.objects.get(pk=running.pk).status == Job.Status.FAILED
