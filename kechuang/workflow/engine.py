"""Workflows as data, and the one ``transition()`` service that moves any object along one.

A workflow is a table of ``Transition(trigger, source, target, allowed, condition)`` rows. ``transition()``:

1. finds the row for (trigger, current status) — none means the action is not possible from here;
2. checks ``allowed(actor, obj)`` — the permission — and ``condition(obj)`` — a business precondition;
3. does a conditional UPDATE ``WHERE pk = … AND status = <old>`` and requires exactly one row to change,
   so two clerks acting at once cannot both move the object (the loser gets a clear message);
4. writes a ``StateChange`` row (who, when, from, to, comment) and an audit log row;
5. schedules the notifications with ``transaction.on_commit`` so nobody is told about a rolled-back change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from kechuang.core import audit
from kechuang.core.exceptions import ApplicationError
from kechuang.core.fields import COMMENT
from kechuang.workflow.models import Notification, StateChange

Allowed = Callable[[Any, Any], bool]
Condition = Callable[[Any], str | None]  # returns a Chinese reason when the precondition fails
Notify = Callable[[Any, "Transition", Any], Iterable[tuple[Any, str, str]]]  # -> (recipient, message, url)


def anyone(actor: Any, obj: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def bureau(actor: Any, obj: Any) -> bool:
    return bool(getattr(actor, "is_bureau", False))


@dataclass(frozen=True)
class Transition:
    trigger: str
    source: str | Sequence[str]
    target: str
    label: str
    allowed: Allowed = bureau
    condition: Condition | None = None
    comment_required: bool = False

    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


@dataclass
class Workflow:
    name: str
    transitions: list[Transition]
    status_field: str = "status"
    notify: Notify | None = None
    # Extra fields to set on a given target state, e.g. published_at when published.
    on_enter: dict[str, Callable[[Any, Any], dict[str, Any]]] = field(default_factory=dict)

    def find(self, trigger: str, state: str) -> Transition | None:
        for t in self.transitions:
            if t.trigger == trigger and state in t.sources():
                return t
        return None

    def available(self, obj: Any, actor: Any) -> list[Transition]:
        state = getattr(obj, self.status_field)
        return [
            t for t in self.transitions
            if state in t.sources() and t.allowed(actor, obj) and (t.condition is None or t.condition(obj) is None)
        ]

    def triggers(self) -> set[str]:
        return {t.trigger for t in self.transitions}


@transaction.atomic
def transition(obj: models.Model, workflow: Workflow, trigger: str, *, actor: Any, comment: str = "",
               extra: dict[str, Any] | None = None) -> StateChange:
    status_field = workflow.status_field
    old = getattr(obj, status_field)
    if trigger not in workflow.triggers():
        raise ApplicationError(f"未知的操作“{trigger}”", field="trigger")
    step = workflow.find(trigger, old)
    if step is None:
        raise ApplicationError(f"当前状态“{_label(obj, status_field, old)}”下不能执行该操作", field="trigger")
    if not step.allowed(actor, obj):
        raise ApplicationError("您没有权限执行该操作", field="trigger")
    if step.comment_required and not comment.strip():
        raise ApplicationError("请填写意见（例如驳回理由）", field="comment")
    if len(comment) > COMMENT:  # every form and serializer says so too; this holds for any caller
        raise ApplicationError(f"意见不能超过{COMMENT}个字（当前{len(comment)}个）", field="comment")
    if step.condition is not None:
        reason = step.condition(obj)
        if reason:
            raise ApplicationError(reason, field="trigger")

    values: dict[str, Any] = {status_field: step.target, **(extra or {})}
    if step.target in workflow.on_enter:
        values.update(workflow.on_enter[step.target](obj, actor))
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    changed = type(obj)._default_manager.filter(pk=obj.pk, **{status_field: old}).update(**values)
    if changed != 1:
        raise ApplicationError("该记录的状态已被他人修改，请刷新后重试")
    for name, value in values.items():
        setattr(obj, name, value)

    change = StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        trigger=trigger,
        from_state=old,
        to_state=step.target,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        comment=comment,
    )
    audit.record(
        action="transition", instance=obj, actor=actor,
        changes={status_field: [old, step.target], "trigger": trigger, **({"comment": comment} if comment else {})},
    )
    if workflow.notify is not None:
        messages = list(workflow.notify(obj, step, actor))
        transaction.on_commit(lambda: _send(messages))
    return change


def _send(messages: list[tuple[Any, str, str]]) -> None:
    Notification.objects.bulk_create(
        [Notification(recipient=r, message=m[:300], url=u) for r, m, u in messages if r is not None]
    )


def _label(obj: Any, field_name: str, value: str) -> str:
    field_obj = obj._meta.get_field(field_name)
    return dict(field_obj.choices or []).get(value, value)


def history(obj: models.Model) -> models.QuerySet[StateChange]:
    return StateChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
