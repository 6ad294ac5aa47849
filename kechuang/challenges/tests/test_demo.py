from __future__ import annotations

import io
from typing import Any

import pytest

from kechuang.accounts import demo as accounts_demo
from kechuang.challenges import demo
from kechuang.challenges.models import Assignment, Challenge

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_an_excluded_conflict(staff_user: Any) -> None:
    accounts_demo.load(io.StringIO())
    demo.load(io.StringIO())
    states = set(Challenge.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "published", "reviewing", "milestones", "closed", "terminated"} <= states
    assert Assignment.objects.filter(status="excluded", excluded_reason__contains="同一单位").exists()
    demo.load(io.StringIO())  # idempotent
    assert Challenge.objects.count() == 7
