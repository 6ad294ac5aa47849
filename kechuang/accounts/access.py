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
    "accounts:password_reset_confirm": "accounts/tests/test_registration.py",  # needs a mailed token
    "accounts:password_reset_complete": "public",
}


def _pending_organisation(world: Any) -> Any:
    from kechuang.tests_support.factories import OrganisationFactory

    return OrganisationFactory(status="pending", name="待审核测试科技有限公司")


ACCESS_CASES = [
    Case("accounts:review_organisation", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "broker": 403,
                                          "staff": 302}, obj=_pending_organisation, method="post",
         data={"decision": "approve"}),
]
