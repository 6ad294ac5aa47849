"""Submitted requests not accepted within 5 days close by themselves (the SYSTEM actor takes 逾期关闭)."""

from __future__ import annotations

from typing import Any

from kechuang.core.permissions import is_member
from kechuang.tests_support.sampleapp.models import Status
from kechuang.workflow.engine import Deadline, Transition, Workflow, bureau


def applicant(actor: Any, obj: Any) -> bool:
    return is_member(actor, obj.organisation_id)


def nobody(actor: Any, obj: Any) -> bool:
    return False


SAMPLE_WORKFLOW = Workflow("sample_request", [
    Transition("submit", Status.DRAFT, Status.SUBMITTED, "提交", allowed=applicant),
    Transition("accept", Status.SUBMITTED, Status.ACCEPTED, "受理", allowed=bureau),
    Transition("expire", Status.SUBMITTED, Status.EXPIRED, "逾期关闭", allowed=nobody),
], deadlines=[Deadline(Status.SUBMITTED, 5, working=False, action="transition", trigger="expire",
                       label="受理期限")])
