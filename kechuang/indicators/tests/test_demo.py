"""The demo load: idempotent, runs the computation job, and leaves every target with progress to show."""

from __future__ import annotations

import io

import pytest

from kechuang.core.models import Job
from kechuang.indicators import demo, progress, selectors
from kechuang.indicators.models import Observation

pytestmark = pytest.mark.django_db


def test_demo_gives_every_target_a_status_and_is_idempotent():
    out = io.StringIO()
    demo.load(out)
    assert "演示观测值" in out.getvalue()
    assert Job.objects.filter(kind="indicators.compute", status="done").exists()
    rows = selectors.all_progress()
    assert rows and all(r["result"].status != progress.NO_DATA for r in rows)
    assert all(r["result"].method != progress.INSUFFICIENT for r in rows if r["result"].status != progress.ACHIEVED)
    n = Observation.objects.count()
    demo.load(io.StringIO())
    assert Observation.objects.count() == n
