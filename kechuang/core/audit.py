"""Audit log: every create, update and delete of a business model (a ``BaseModel`` subclass) writes an
``AuditLog`` row with the actor, the object and the changed fields before/after.

The actor comes from a context variable that the request middleware sets (and that services, commands and
imports set with ``acting_as``), so no save() call anywhere has to pass it along.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("kechuang_audit_actor", default=None)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Any:
    return _actor.get()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool | dict) or value is None:
        return value
    return str(value)


# Audit rows stay small whatever was saved: text longer than this is kept as its length, its start and a
# SHA-256 (enough to tell whether two versions are the same), long lists as their count and hash. Updates
# already store only the changed fields.
AUDIT_TEXT_LIMIT = 500
AUDIT_LIST_LIMIT = 200


def bounded(value: Any) -> Any:
    """``value`` as the audit log keeps it (see AUDIT_TEXT_LIMIT)."""
    import hashlib
    import json

    if isinstance(value, str):
        if len(value) <= AUDIT_TEXT_LIMIT:
            return value
        digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
        return {"长文本": True, "字数": len(value), "开头": value[:80], "SHA-256": digest}
    if isinstance(value, list | tuple):
        if len(value) <= AUDIT_LIST_LIMIT:
            return [bounded(v) for v in value]
        text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
        return {"长列表": True, "项数": len(value), "SHA-256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    if isinstance(value, dict):
        return {str(k)[:100]: bounded(v) for k, v in list(value.items())[:AUDIT_LIST_LIMIT]}
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    # Derived sort keys (kechuang.core.pinyin) change with the name and say nothing of their own.
    exclude = set(getattr(instance, "audit_exclude", ())) | set(getattr(instance, "pinyin_fields", {}).values())
    return {
        f.attname: _plain(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.attname not in exclude
    }


def record(
    *, action: str, instance: models.Model | None = None, changes: dict[str, Any] | None = None,
    actor: Any = None, object_type: str = "", object_id: str = "", object_repr: str = "", actor_repr: str = "",
) -> None:
    from kechuang.core.models import AuditLog

    user = actor if actor is not None else current_actor()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if instance is not None:
        object_type = object_type or instance._meta.label
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:300]
    AuditLog.objects.create(
        actor=user,
        actor_repr=(user.get_username() if user is not None else (actor_repr or "系统"))[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        changes=bounded(changes or {}),
    )


def record_created(instances: Sequence[models.Model], actor: Any = None) -> None:
    """The "create" entries ``save()`` would have written for rows inserted with ``bulk_create`` (which sends no
    post_save), in one insert."""
    from kechuang.core.models import AuditLog

    user = actor if actor is not None else current_actor()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    name = user.get_username()[:150] if user is not None else "系统"
    AuditLog.objects.bulk_create([
        AuditLog(actor=user, actor_repr=name, action="create", object_type=i._meta.label, object_id=str(i.pk),
                 object_repr=str(i)[:300],
                 changes=bounded({k: [None, v] for k, v in snapshot(i).items() if v not in ("", None)}))
        for i in instances], batch_size=2000)


def _on_save(sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **_: Any) -> None:
    if raw:  # fixtures loading: not a business change
        return
    after = snapshot(instance)
    if created:
        record(action="create", instance=instance, changes={k: [None, v] for k, v in after.items() if v not in ("", None)})
    else:
        loaded = getattr(instance, "_loaded_values", None) or {}
        before = {k: _plain(v) for k, v in loaded.items()}
        diff = {k: [before.get(k), v] for k, v in after.items() if k in before and before.get(k) != v}
        if not diff:
            return
        record(action="update", instance=instance, changes=diff)
    instance._loaded_values = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}  # type: ignore[attr-defined]


def _on_delete(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    record(action="delete", instance=instance, changes={k: [v, None] for k, v in snapshot(instance).items()})


def connect() -> None:
    from django.apps import apps

    from kechuang.core.models import BaseModel

    for model in apps.get_models():
        if issubclass(model, BaseModel) and getattr(model, "audited", True):
            post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
            post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}")
