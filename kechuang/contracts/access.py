"""Who may reach each URL of the contracts app (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

ACCESS_MATRIX: dict[str, str] = {
    "contracts:mine": "login",  # own organisation's contracts; registrars without organisation go to the queue
    "contracts:create": "login",  # users with an organisation (the seller); others 403
    "contracts:detail": OBJECT,  # parties (seller's or buyer's members) and registrars; others 404
    "contracts:edit": OBJECT,  # the seller's drafts and 补正 only, else 404
    "contracts:submit": OBJECT,  # POST; the workflow table: seller's members only
    "contracts:answer_correction": OBJECT,
    "contracts:certificate": OBJECT,  # parties and registrars, registered contracts only
    "contracts:request_change": OBJECT,
    "contracts:request_cancel": OBJECT,
    "contracts:objection": OBJECT,  # POST; parties and registrars
    "contracts:queue": "bureau",  # registrars (登记员) and bureau staff
    "contracts:export": "bureau",
    "contracts:decide": OBJECT,  # POST; registrars only
    "contracts:decide_request": OBJECT,
    "contracts:expert_review": OBJECT,
    "contracts:stats": "public",
    "contracts:stats_export": "public",
    "contract-list": "login",  # signed in: parties see their own, registrars all; anonymous 401/403
    "contract-detail": OBJECT,
    "contract-stats": "public",
    "contract-stats-summary": "public",
}


def _registered(world: Any) -> Any:
    from kechuang.contracts.tests.factories import ContractFactory

    return ContractFactory(seller_organisation=world.enterprise_org, buyer_organisation=world.university_org)


def _draft(world: Any) -> Any:
    from kechuang.contracts.tests.factories import draft_for

    return draft_for(world.enterprise_org)


PARTIES = {"anonymous": LOGIN, "outsider": 404, "broker": 404, "enterprise": 200, "registrar": 200}

ACCESS_CASES = [
    Case("contracts:detail", {**PARTIES, "institution": 200}, obj=_registered),
    Case("contracts:certificate", {**PARTIES, "institution": 200}, obj=_registered),
    # Change and cancellation are the seller's requests: the registrar decides them, never files them.
    Case("contracts:request_change", {**PARTIES, "registrar": 404}, obj=_registered),
    Case("contracts:request_cancel", {**PARTIES, "registrar": 404}, obj=_registered),
    Case("contract-detail", {**PARTIES, "anonymous": (401, 403), "institution": 200}, obj=_registered),
    Case("contracts:edit", {"anonymous": LOGIN, "outsider": 404, "institution": 404, "enterprise": 200},
         obj=_draft, note="the seller's draft"),
    Case("contracts:edit", {"outsider": 404, "enterprise": 404, "institution": 404}, obj=_registered,
         note="registered"),
    *(Case(f"contracts:{name}", {"anonymous": LOGIN, "outsider": (403, 404)}, obj=_registered, method="post")
      for name in ("submit", "answer_correction", "objection", "decide", "decide_request", "expert_review")),
]
