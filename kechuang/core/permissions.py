"""One permission vocabulary for every app.

- ``is_bureau(user)`` / ``@bureau_required("…")`` — bureau staff (the ``User.is_bureau`` roles). The decorator sends
  an anonymous visitor to the login page and refuses anyone else with 403 and the given Chinese message.
- ``is_member(user, org)`` — the user acts for that organisation (an ``Organisation`` or its id).
- ``permits(user, action, obj)`` — the model's own rule (``restrict(user, action)``) admits ``obj``. Use it instead of
  ``Model.objects.restrict(user, action).filter(pk=obj.pk).exists()``.
- ``get_restricted_or_404(model_or_qs, user, action, **lookup)`` — a page's object: 404 when the rule hides it, so
  a page never tells an outsider that a hidden object exists.
- ``AuthenticatedHttpRequest`` — the request type of a view behind ``login_required``: ``request.user`` is a
  ``User``, with no ``type: ignore``.

Relationship roles in ``permission_q``: who may see or change a row is usually a relation of the row, which
``restrict()`` can express as a ``Q`` so lists, pages and the API agree:

- members of a related organisation: ``member_q(user, "organisation")``; both parties of a contract:
  ``member_q(user, "seller_organisation", "buyer_organisation")``; the owner of an instrument:
  ``member_q(user, "organisation")`` on the instrument;
- a user named on the row: ``user_q(user, "expert")`` (the assigned expert of a review), ``user_q(user, "broker")``
  (the broker of a deal);
- a relation of a relation: ``member_q(user, "contract__seller_organisation")`` (a 补正 request of a contract).

Combine them with ``|``; ``nothing()`` is the empty rule. Bureau staff are let through by ``restrict`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

if TYPE_CHECKING:
    from kechuang.accounts.models import User

M = TypeVar("M", bound=models.Model)
View = TypeVar("View", bound=Callable[..., HttpResponse])


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required`` (or ``bureau_required``): the user is signed in."""

    user: User


def is_signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def is_bureau(user: Any) -> bool:
    return is_signed_in(user) and bool(getattr(user, "is_bureau", False))


def organisation_id_of(org_or_id: Any) -> Any:
    return getattr(org_or_id, "pk", org_or_id)


def is_member(user: Any, org_or_id: Any) -> bool:
    """The user acts for that organisation (bureau staff are not members of it)."""
    org_id = organisation_id_of(org_or_id)
    return is_signed_in(user) and org_id is not None and getattr(user, "organisation_id", None) == org_id


def is_member_or_bureau(user: Any, org_or_id: Any) -> bool:
    return is_bureau(user) or is_member(user, org_or_id)


def nothing() -> models.Q:
    return models.Q(pk__in=[])


def member_q(user: Any, *fields: str) -> models.Q:
    """Rows whose ``field`` (a foreign key to an organisation) is the user's organisation, for any of ``fields``."""
    org_id = getattr(user, "organisation_id", None) if is_signed_in(user) else None
    if org_id is None:
        return nothing()
    q = nothing()
    for field in fields:
        q |= models.Q(**{f"{field}_id": org_id})
    return q


def user_q(user: Any, *fields: str) -> models.Q:
    """Rows naming the user in ``field`` (the assigned expert, the broker of a deal)."""
    if not is_signed_in(user):
        return nothing()
    q = nothing()
    for field in fields:
        q |= models.Q(**{f"{field}_id": user.pk})
    return q


def permits(user: Any, action: str, obj: models.Model) -> bool:
    """Does ``restrict(user, action)`` of the object's model admit ``obj``?"""
    manager: Any = type(obj)._default_manager
    return bool(manager.restrict(user, action).filter(pk=obj.pk).exists())


def get_restricted_or_404(model_or_qs: type[M] | models.QuerySet[M], user: Any, action: str = "view",
                          **lookup: Any) -> M:
    qs: Any = model_or_qs._default_manager.all() if isinstance(model_or_qs, type) else model_or_qs
    return get_object_or_404(qs.restrict(user, action), **lookup)  # type: ignore[no-any-return]


def bureau_required(message: str = "仅科技局工作人员可以办理") -> Callable[[View], View]:
    """View decorator: anonymous → the login page; signed in but not bureau → 403 with ``message``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_signed_in(request.user):
                return redirect_to_login(request.get_full_path())
            if not is_bureau(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def require_bureau(user: Any, message: str = "仅科技局工作人员可以办理") -> None:
    """In a view body: 403 unless bureau staff (use the decorator when the whole view is the bureau's)."""
    if not is_bureau(user):
        raise PermissionDenied(message)


__all__ = ["AuthenticatedHttpRequest", "bureau_required", "get_restricted_or_404", "is_bureau",
           "is_member", "is_member_or_bureau", "member_q", "nothing", "permits", "require_bureau", "user_q"]
