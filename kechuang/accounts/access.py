"""Who may reach each URL of the accounts app (vocabulary of kechuang/core/access.py)."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

ACCESS_MATRIX: dict[str, str] = {
    "accounts:login": "public", "accounts:logout": "post-login", "accounts:register": "public",
    "accounts:workspace": "login", "accounts:review_queue": "bureau", "accounts:lockouts": "bureau",
    "accounts:review_organisation": OBJECT,
    "accounts:password_change": "login", "accounts:password_change_done": "login",
    "accounts:password_reset": "public", "accounts:password_reset_done": "public",
    "accounts:password_reset_confirm": OBJECT,  # public, with the mailed token
    "accounts:password_reset_complete": "public",
}


def _pending_organisation(world: Any) -> Any:
    from kechuang.tests_support.factories import OrganisationFactory

    return OrganisationFactory(status="pending", name="待审核测试科技有限公司")


def _reset_link(user: Any) -> list[str]:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return [urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]


ACCESS_CASES = [
    # A valid link moves the token into the session and redirects to the set-password form, for anyone holding it.
    Case("accounts:password_reset_confirm", {"anonymous": 302, "outsider": 302}, obj=lambda w: w.user("enterprise"),
         args=_reset_link),
    Case("accounts:review_organisation", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "broker": 403,
                                          "staff": 302}, obj=_pending_organisation, method="post",
         data={"decision": "approve"}),
]
