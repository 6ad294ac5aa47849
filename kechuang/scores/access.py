"""Who may reach each URL of the scores app (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

from __future__ import annotations

from kechuang.core.access import LOGIN, OBJECT, Case

PERMISSIONS_TESTS = "scores/tests/test_permissions.py"  # the rows that need a score run and a bank's consent

ACCESS_MATRIX: dict[str, str] = {
    "scores:home": "login",  # redirects by role; users with no organisation and no institution: 403
    "scores:enterprise": OBJECT,  # members of the enterprise and bureau; others 403
    "scores:flag_new": OBJECT,  # POST, members of the enterprise only
    "scores:consent_new": OBJECT,  # POST, members of the enterprise only
    "scores:consent_revoke": PERMISSIONS_TESTS,  # POST, members of the enterprise only; others 404
    "scores:flag_list": "bureau",
    "scores:flag_resolve": PERMISSIONS_TESTS,  # POST, bureau
    "scores:ranking": "bureau",
    "scores:run": "post-bureau",
    "scores:model_list": "bureau",
    "scores:model_new": "bureau",
    "scores:bank_list": OBJECT,  # members of a bank or insurer; everyone else 403
    "scores:bank_export": OBJECT,
    "scores:bank_enterprise": PERMISSIONS_TESTS,  # only enterprises consenting to the bank; others 404
    "scores:lending": "bureau",
    "score-result-list": "login",  # own organisation's results; a bank's consenting enterprises; bureau all
    "score-result-detail": PERMISSIONS_TESTS,
    "score-model-list": "public",  # the model itself (indicators, weights) is public
}

# The refusals, runnable without a score run (tests/test_permissions.py shows what members and banks get).
ACCESS_CASES = [
    Case("scores:enterprise", {"anonymous": LOGIN, "outsider": 403, "broker": 403, "bank": 403},
         obj=lambda w: w.enterprise_org),
    Case("scores:flag_new", {"anonymous": LOGIN, "outsider": 404}, obj=lambda w: w.enterprise_org, method="post",
         data={"fact": "revenue", "comment": "数据有误"}),
    Case("scores:consent_new", {"anonymous": LOGIN, "outsider": 403}, obj=lambda w: w.enterprise_org,
         method="post"),
    *(Case(f"scores:{name}", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "broker": 403})
      for name in ("bank_list", "bank_export")),
]
