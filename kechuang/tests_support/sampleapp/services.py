from __future__ import annotations

from typing import Any

from django.db import transaction

from kechuang.core.exceptions import ApplicationError
from kechuang.tests_support.sampleapp.models import SampleRequest
from kechuang.tests_support.sampleapp.workflow import SAMPLE_WORKFLOW
from kechuang.workflow.engine import transition


@transaction.atomic
def sample_request_create(*, title: str, actor: Any) -> SampleRequest:
    if not getattr(actor, "organisation_id", None):
        raise ApplicationError("您的账户未关联机构，不能提交申请", field="title")
    return SampleRequest.objects.create(organisation_id=actor.organisation_id, title=title)


def sample_request_submit(*, request: SampleRequest, actor: Any) -> SampleRequest:
    transition(request, SAMPLE_WORKFLOW, "submit", actor=actor)
    return request
