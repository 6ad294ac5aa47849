"""Workflows as data, and the one ``transition()`` service that moves any object along one.

A workflow is a table of ``Transition`` rows. A row says everything about its step:

- ``trigger``, ``source`` → ``target`` and the Chinese ``label`` shown on the button;
- ``allowed(actor, obj)`` — who may take it; ``condition(obj)`` — a business precondition (a Chinese reason when
  it fails);
- ``form`` — the step's input (a ``kechuang.workflow.forms.StepForm``; every step has at least the comment), and
  ``effects`` — the model fields the step sets from that input (审核通过 sets 核定金额). ``transition()`` applies
  the effects BEFORE it checks the condition; a condition that reads them is marked ``condition_uses_input`` so
  that ``available()`` offers the step with its form instead of hiding it because the field is still empty (the
  old 审核通过 dead end). Checks of the input alone belong in the form;
- ``perform(obj, actor, cleaned)`` — other work of the step in the same transaction (the budget lock and the
  payout ledger of 兑现, a child moving its parent);
- ``internal`` — callable only from a service (``transition(..., internal=True)``), never offered on a page:
  the step is a consequence of another one (退回审核 follows an upheld 异议; 已转申报 follows 一键申报).

``transition()``:

1. finds the row for (trigger, current status) — none means the action is not possible from here;
2. refuses an internal step not called as one; checks ``allowed`` (the SYSTEM actor may take exactly the steps the
   workflow's deadlines name); validates the step's form and applies its effects; checks ``condition``;
3. runs ``perform``, then does a conditional UPDATE ``WHERE pk = … AND status = <old>`` and requires exactly one
   row to change, so two clerks acting at once cannot both move the object (the loser gets a clear message);
4. writes a ``StateChange`` row (who, when, from, to, comment) and an audit log row; replaces the object's
   pending deadlines by those of its new state (``kechuang.workflow.deadlines``);
5. schedules the notifications with ``transaction.on_commit`` so nobody is told about a rolled-back change.

Deadlines: ``Deadline(state, days, working=True, action=remind|escalate|transition, trigger=…)`` rows in the
table; see ``kechuang.workflow.deadlines`` for how they are stored and swept.

Parent and child workflows (an application and its 异议; a contract and its 补正 requests; a challenge and its
expert reviews). The child has a workflow of its own and a foreign key to the parent. A step of the child that
must move the parent does it in its ``perform`` by calling ``transition(parent, PARENT_WORKFLOW, trigger,
internal=True)``: one transaction, two ``StateChange`` rows, and the parent's step is ``internal`` so no page can
take it without the child. A parent step that must wait for its children says so in its ``condition`` (兑现 is
refused while an 异议 is open). Children are listed on the parent's page, each with its own actions rendered by
the same template include (``workflow/_actions.html``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from kechuang.core import audit
from kechuang.core.exceptions import ApplicationError
from kechuang.core.fields import COMMENT
from kechuang.workflow.forms import StepForm
from kechuang.workflow.models import Notification, StateChange

Allowed = Callable[[Any, Any], bool]
Condition = Callable[[Any], str | None]  # returns a Chinese reason when the precondition fails
Notify = Callable[[Any, "Transition", Any], Iterable[tuple[Any, str, str]]]  # -> (recipient, message, url)
Perform = Callable[[Any, Any, dict[str, Any]], None]  # (obj, actor, cleaned input)
DeadlineNotify = Callable[[Any, "Deadline"], Iterable[tuple[Any, str, str]]]


class SystemActor:
    """The named actor of the deadline sweep. Not a user: it cannot sign in, and a step accepts it only when the
    workflow's deadlines name that step."""

    is_authenticated = False
    is_bureau = False
    organisation_id = None
    pk = None

    def __str__(self) -> str:
        return "系统（期限到期自动办理）"


SYSTEM = SystemActor()


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
    condition_uses_input: bool = False  # checked only once the step's input is applied (see module docstring)
    comment_required: bool = False
    comment_label: str = ""
    form: type[StepForm] | None = None
    effects: tuple[str, ...] = ()
    perform: Perform | None = None
    internal: bool = False
    # Why the step is internal, said to a caller who tries it directly, e.g. "请在异议处理中办理".
    internal_via: str = ""
    danger: bool = False  # 驳回, 撤回: drawn as a warning button

    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)

    def form_class(self) -> type[StepForm]:
        return self.form or StepForm

    def build_form(self, obj: Any, data: Mapping[str, Any] | None = None, *, id_prefix: str = "") -> StepForm:
        auto_id = f"id_{id_prefix}{self.trigger}_%s"
        return self.form_class()(data, obj=obj, step=self, auto_id=auto_id)


@dataclass(frozen=True)
class Deadline:
    """What happens when an object has stayed in ``state`` for ``days`` (working days unless ``working=False``).

    ``action``: ``remind`` (notify, the object stays), ``escalate`` (notify, meant for a superior) or
    ``transition`` (the SYSTEM actor takes ``trigger``). ``days`` may be a function so that it reads a setting
    when the object enters the state. ``notify(obj, deadline)`` names who is told for remind/escalate. ``due(obj)``
    gives the last day from the record itself when the period is a date the record states.
    """

    state: str
    days: int | Callable[[], int]
    working: bool = True
    action: str = "remind"
    trigger: str = ""
    label: str = ""  # Chinese, e.g. "公示期" or "受理后审核期限"
    notify: DeadlineNotify | None = None
    # The last day read from the record instead of counted (a published 揭榜截止日期, a milestone's planned date);
    # ``days`` is then only the fallback when the record has no such date.
    due: Callable[[Any], Any] | None = None

    ACTIONS = ("remind", "escalate", "transition")

    @property
    def key(self) -> str:
        return f"{self.state}:{self.action}:{self.trigger}"

    def length(self) -> int:
        days = self.days() if callable(self.days) else self.days
        if days < 0:
            raise ValueError(f"期限天数应为非负整数（{self.label or self.state}）")
        return days


@dataclass
class Workflow:
    name: str
    transitions: list[Transition]
    status_field: str = "status"
    notify: Notify | None = None
    # Extra fields to set on a given target state, e.g. published_at when published.
    on_enter: dict[str, Callable[[Any, Any], dict[str, Any]]] = field(default_factory=dict)
    deadlines: list[Deadline] = field(default_factory=list)

    def __post_init__(self) -> None:
        for d in self.deadlines:
            if d.action not in Deadline.ACTIONS:
                raise ValueError(f"{self.name}: unknown deadline action {d.action!r}")
            if d.action == "transition" and self.find(d.trigger, d.state) is None:
                raise ValueError(f"{self.name}: deadline on {d.state!r} names no step {d.trigger!r} from there")
        REGISTRY[self.name] = self

    def find(self, trigger: str, state: str) -> Transition | None:
        for t in self.transitions:
            if t.trigger == trigger and state in t.sources():
                return t
        return None

    def available(self, obj: Any, actor: Any) -> list[Transition]:
        """The steps a page offers this actor: not internal, permitted, and with a met condition — except for a
        condition that depends on the step's own input, which is checked when the input is given."""
        state = getattr(obj, self.status_field)
        return [
            t for t in self.transitions
            if state in t.sources() and not t.internal and t.allowed(actor, obj)
            and (t.condition is None or t.condition_uses_input or t.condition(obj) is None)
        ]

    def blocked(self, obj: Any, actor: Any) -> list[tuple[Transition, str]]:
        """Steps this actor could take from here but for their condition, with the reason (for the page)."""
        state = getattr(obj, self.status_field)
        out = []
        for t in self.transitions:
            if (state in t.sources() and not t.internal and t.condition is not None and not t.condition_uses_input
                    and t.allowed(actor, obj)):
                reason = t.condition(obj)
                if reason:
                    out.append((t, reason))
        return out

    def offered(self, obj: Any, actor: Any, *, id_prefix: str = "") -> list[tuple[Transition, StepForm]]:
        """``available()`` with each step's empty form, for the actions include."""
        return [(t, t.build_form(obj, id_prefix=id_prefix)) for t in self.available(obj, actor)]

    def triggers(self) -> set[str]:
        return {t.trigger for t in self.transitions}

    def label_of(self, trigger: str) -> str:
        return next((t.label for t in self.transitions if t.trigger == trigger), trigger)

    def deadlines_for(self, state: str) -> list[Deadline]:
        return [d for d in self.deadlines if d.state == state]


# Every workflow by name, so the deadline sweep can find the table of a stored deadline row.
REGISTRY: dict[str, Workflow] = {}


@transaction.atomic
def transition(obj: models.Model, workflow: Workflow, trigger: str, *, actor: Any, comment: str = "",
               data: Mapping[str, Any] | None = None, extra: dict[str, Any] | None = None,
               internal: bool = False) -> StateChange:
    """Move ``obj`` by ``trigger``. ``data`` is the step's input (a POST or a dict), validated with the step's form;
    ``comment`` is a shortcut for ``data["comment"]``. ``extra`` sets further fields a service has decided itself.
    """
    status_field = workflow.status_field
    old = getattr(obj, status_field)
    if trigger not in workflow.triggers():
        raise ApplicationError(f"未知的操作“{trigger}”", field="trigger")
    step = workflow.find(trigger, old)
    if step is None:
        raise ApplicationError(f"当前状态“{_label(obj, status_field, old)}”下不能执行该操作", field="trigger")
    if step.internal and not internal:
        raise ApplicationError(f"“{step.label}”不能直接办理{('：' + step.internal_via) if step.internal_via else ''}",
                               field="trigger")
    if actor is SYSTEM:
        if not any(d.action == "transition" and d.trigger == trigger for d in workflow.deadlines_for(old)):
            raise ApplicationError("系统只能办理期限到期后的操作", field="trigger")
    elif not step.allowed(actor, obj):
        raise ApplicationError("您没有权限执行该操作", field="trigger")
    if len(comment) > COMMENT:  # every form and serializer says so too; this holds for any caller
        raise ApplicationError(f"意见不能超过{COMMENT}个字（当前{len(comment)}个）", field="comment")

    # A QueryDict (request.POST) would give lists from dict(); .dict() keeps each field's last value.
    given: dict[str, Any] = dict(data.dict()) if data is not None and hasattr(data, "dict") else dict(data or {})
    if comment and not given.get("comment"):
        given["comment"] = comment
    form = step.build_form(obj, given)
    if not form.is_valid():
        name, message = form.first_error()
        raise ApplicationError(message, field=name)
    cleaned = dict(form.cleaned_data)
    comment = (cleaned.get("comment") or "").strip()
    effects = {name: cleaned[name] for name in step.effects if name in cleaned}
    before = {name: getattr(obj, name) for name in effects}
    for name, value in effects.items():
        setattr(obj, name, value)
    try:
        if step.condition is not None:
            reason = step.condition(obj)
            if reason:
                raise ApplicationError(reason, field="trigger")
        if step.perform is not None:
            step.perform(obj, actor, {**cleaned, "comment": comment})
    except ApplicationError:
        for name, value in before.items():
            setattr(obj, name, value)
        raise

    values: dict[str, Any] = {status_field: step.target, **effects, **(extra or {})}
    if step.target in workflow.on_enter:
        values.update(workflow.on_enter[step.target](obj, actor))
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    changed = type(obj)._default_manager.filter(pk=obj.pk, **{status_field: old}).update(**values)
    if changed != 1:
        for name, value in before.items():
            setattr(obj, name, value)
        raise ApplicationError("该记录的状态已被他人修改，请刷新后重试")
    for name, value in values.items():
        setattr(obj, name, value)

    user = actor if getattr(actor, "is_authenticated", False) else None
    change = StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        trigger=trigger,
        from_state=old,
        to_state=step.target,
        actor=user,
        actor_name="" if user is not None else str(actor or "系统"),
        comment=comment,
    )
    audit.record(
        action="transition", instance=obj, actor=user,
        changes={status_field: [old, step.target], "trigger": trigger, **({"comment": comment} if comment else {}),
                 **{k: [_plain(before.get(k)), _plain(v)] for k, v in effects.items()}},
    )
    from kechuang.workflow import deadlines

    deadlines.on_enter(obj, workflow, step.target)
    if workflow.notify is not None:
        messages = list(workflow.notify(obj, step, actor))
        transaction.on_commit(lambda: _send(messages))
    return change


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _send(messages: list[tuple[Any, str, str]]) -> None:
    Notification.objects.bulk_create(
        [Notification(recipient=r, message=m[:300], url=u) for r, m, u in messages if r is not None]
    )


def send(messages: list[tuple[Any, str, str]]) -> None:
    """Notify after commit (nobody hears of a rolled-back change)."""
    transaction.on_commit(lambda: _send(messages))


def _label(obj: Any, field_name: str, value: str) -> str:
    field_obj = obj._meta.get_field(field_name)
    return dict(field_obj.choices or []).get(value, value)


def history(obj: models.Model) -> models.QuerySet[StateChange]:
    return StateChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    actor: str
    action: str
    from_label: str
    to_label: str
    comment: str


def history_rows(obj: models.Model, workflow: Workflow) -> list[HistoryRow]:
    """The log in a clerk's words: the step's label, the states' Chinese names, who (or 系统)."""
    return [
        HistoryRow(at=h.at, actor=str(h.actor) if h.actor_id else (h.actor_name or "系统"),
                   action=workflow.label_of(h.trigger),
                   from_label=_label(obj, workflow.status_field, h.from_state),
                   to_label=_label(obj, workflow.status_field, h.to_state), comment=h.comment)
        for h in history(obj)
    ]
