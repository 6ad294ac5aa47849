"""Where a form may send the browser back to: the ``next`` a page puts in its form, checked.

Every ``next`` in the project goes through ``safe_next`` (Django's login view has the same check built in):
a ``next`` pointing at another host or scheme (``https://evil.example/phish``, ``//evil.example``) would
turn a trusted platform link into a phishing redirect, so it is ignored and the default page is used.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The request's ``next`` (POST, else GET) when it stays on this site, otherwise ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def redirect_next(request: HttpRequest, default: str, *args: object) -> HttpResponseRedirect:
    """``redirect()`` to a safe ``next``, or to ``default`` (a URL name with ``args``, or a path)."""
    target = safe_next(request, "")
    return redirect(target) if target else redirect(default, *args)  # type: ignore[return-value]
