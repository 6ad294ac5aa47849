"""Shared pieces of the write path: one set of messages for every app.

- ``check_fields(data, fields)`` — input may set only the whitelisted fields (the rest are registration facts,
  the owner, the status: never taken from a form);
- ``clean_or_raise(instance)`` — ``full_clean()``, its first error as an ``ApplicationError`` naming the field in
  Chinese (``标题：该字段不能为空。``);
- ``model_update(instance, data, fields, actor)`` — the two, then ``save()`` recorded as the actor's change;
- ``form_error(form, exc)`` — an ``ApplicationError`` from a service shown on the form: on its field if the form
  has it, else above the form;
- ``attempt(request, call, success)`` — a POST view's service call with its success or refusal as a message (the
  try → service → message part of every "do it, then go back to the page" view).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


def check_fields(data: Mapping[str, Any], fields: Iterable[str]) -> None:
    unknown = set(data) - set(fields)
    if unknown:
        raise ApplicationError(f"不能修改字段：{'、'.join(sorted(unknown))}")


def field_label(instance: models.Model, name: str) -> str:
    try:
        return str(getattr(instance._meta.get_field(name), "verbose_name", ""))
    except FieldDoesNotExist:
        return ""


def clean_or_raise(instance: models.Model, *, exclude: Iterable[str] | None = None) -> None:
    """``full_clean()``; the first error becomes an ``ApplicationError`` whose message names the field."""
    try:
        instance.full_clean(exclude=list(exclude) if exclude is not None else None)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        if field == "__all__":
            raise ApplicationError(messages[0]) from exc
        label = field_label(instance, field)
        message = messages[0] if not label or label in messages[0] else f"{label}：{messages[0]}"
        raise ApplicationError(message, field=field) from exc


def model_update(instance: M, data: Mapping[str, Any], fields: Iterable[str], actor: Any, *,
                 exclude: Iterable[str] | None = None) -> M:
    """Set the whitelisted ``fields`` from ``data``, validate, save as ``actor``. The caller checks permission
    (``permits``) and owns the transaction."""
    check_fields(data, fields)
    for name, value in data.items():
        setattr(instance, name, value)
    clean_or_raise(instance, exclude=exclude)
    with acting_as(actor):
        instance.save()
    return instance


def form_error(form: Any, exc: ApplicationError) -> None:
    """Put a service's refusal on the form: on the named field if the form has it, else as a non-field error."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)



def attempt(request: Any, call: Callable[[], T], success: str | Callable[[T], str]) -> bool:
    """A POST view's one service call, reported as a message: ``success`` (or ``success(result)``) when it was done,
    the refusal's Chinese text when the service raised ``ApplicationError``. True when done; the view then
    redirects either way (or tells the two apart)."""
    from django.contrib import messages

    try:
        result = call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True
