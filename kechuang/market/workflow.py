"""The review workflow of achievements and demands, as data (one table serves both).

draft → submitted (owner) → published (staff) → closed (owner or staff); submitted → draft on rejection, with a
reason; draft/submitted/published → withdrawn (owner or staff). Every move goes through
``kechuang.workflow.engine.transition`` (conditional update + StateChange + audit + notification on commit).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kechuang.core.permissions import is_member
from kechuang.market.choices import Status
from kechuang.workflow.engine import Transition, Workflow, bureau
from kechuang.workflow.forms import StepForm


def owner_member(actor: Any, obj: Any) -> bool:
    return is_member(actor, getattr(obj, f"{obj.owner_field}_id", None))


def owner_or_bureau(actor: Any, obj: Any) -> bool:
    return owner_member(actor, obj) or bureau(actor, obj)


def _notify_owner(obj: Any, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    what = obj._meta.verbose_name
    text = {
        "publish": f"您的{what}“{obj.title}”已审核发布",
        "reject": f"您的{what}“{obj.title}”未通过审核：{obj.reject_reason}",
        "close": f"您的{what}“{obj.title}”已关闭",
        "withdraw": f"您的{what}“{obj.title}”已撤回",
    }.get(step.trigger)
    if text is None or owner_member(actor, obj):
        return []  # nobody needs telling what they just did themselves
    org = getattr(obj, obj.owner_field)
    return [(m, text, obj.get_absolute_url()) for m in org.members.all()]


def _has_text(obj: Any) -> str | None:
    body = getattr(obj, "description", None) if hasattr(obj, "description") else getattr(obj, "abstract", "")
    if not (obj.title or "").strip() or not (body or "").strip():
        return "请先填写名称和描述（摘要）再提交审核"
    return None


class RejectStepForm(StepForm):
    """驳回: the reason is kept on the record (``review_comment``), where the owner reads it."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["review_comment"] = (data.get("comment") or "").strip()
        return data


def _build(name: str) -> Workflow:
    return Workflow(
        name=name,
        transitions=[
            Transition("submit", Status.DRAFT, Status.SUBMITTED, "提交审核", allowed=owner_member, condition=_has_text),
            Transition("publish", Status.SUBMITTED, Status.PUBLISHED, "审核通过并发布", allowed=bureau),
            Transition("reject", Status.SUBMITTED, Status.DRAFT, "驳回", allowed=bureau, comment_required=True,
                       comment_label="驳回理由", form=RejectStepForm, effects=("review_comment",), danger=True),
            Transition("close", Status.PUBLISHED, Status.CLOSED, "关闭", allowed=owner_or_bureau),
            Transition("withdraw", (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED), Status.WITHDRAWN, "撤回",
                       allowed=owner_or_bureau),
        ],
        notify=_notify_owner,
        on_enter={Status.PUBLISHED: lambda obj, actor: {"published_at": timezone.now(), "review_comment": ""}},
    )


ACHIEVEMENT_WORKFLOW = _build("achievement")
DEMAND_WORKFLOW = _build("demand")
