"""The contact request's workflow: the person's organisation (or, for an independent expert, the bureau)
grants or declines; the requester is told either way."""

from __future__ import annotations

from typing import Any

from kechuang.directory.choices import ContactRequestStatus as S
from kechuang.workflow.engine import Transition, Workflow


def decides(actor: Any, request: Any) -> bool:
    """Members of the person's organisation, or bureau staff (the only ones for an independent expert)."""
    if getattr(actor, "is_bureau", False):
        return True
    own = getattr(actor, "organisation_id", None)
    return own is not None and own == request.person.organisation_id


def _notify_requester(request: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    person = request.person
    text = {
        "grant": f"{person.name}的单位已同意您的联系请求，联系方式见专家页面",
        "decline": f"{person.name}的单位婉拒了您的联系请求",
    }[step.trigger]
    return [(request.requester, text, f"/directory/people/{person.pk}/")]


CONTACT_REQUEST_WORKFLOW = Workflow(
    name="contact_request",
    transitions=[
        Transition("grant", S.PENDING, S.GRANTED, "同意", allowed=decides),
        Transition("decline", S.PENDING, S.DECLINED, "婉拒", allowed=decides),
    ],
    notify=_notify_requester,
)
