import pytest

from kechuang.core import jobs
from kechuang.core.models import Job

pytestmark = pytest.mark.django_db


def _count(job, progress):
    progress(0.5, "一半")
    return {"n": job.params["n"] * 2}


def _fail(job, progress):
    raise ValueError("坏数据")


jobs.register("test.count", _count)
jobs.register("test.fail", _fail)


def test_job_runs_and_records_result():
    job = jobs.run_now("test.count", params={"n": 21})
    assert job.status == Job.Status.DONE and job.result == {"n": 42} and job.progress == 1.0


def test_failed_job_is_recorded():
    job = jobs.run_now("test.fail")
    assert job.status == Job.Status.FAILED and "坏数据" in job.error


def test_a_job_is_claimed_once():
    job = jobs.enqueue("test.count", params={"n": 1})
    jobs.run(job.pk)
    again = jobs.run(job.pk)  # already done: not run a second time
    assert again.status == Job.Status.DONE
    assert jobs.run_next() is None


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="未知的任务类型"):
        jobs.enqueue("test.nope")
