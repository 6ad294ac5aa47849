"""Who may reach each URL of the scores app (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

PERMISSIONS_TESTS = "scores/tests/test_permissions.py"

ACCESS_MATRIX: dict[str, str] = {
    "scores:home": "login",  # redirects by role; users with no organisation and no institution: 403
    "scores:enterprise": PERMISSIONS_TESTS,  # members of the enterprise and bureau; others 403
    "scores:flag_new": PERMISSIONS_TESTS,  # POST, members of the enterprise only
    "scores:consent_new": PERMISSIONS_TESTS,  # POST, members of the enterprise only
    "scores:consent_revoke": PERMISSIONS_TESTS,  # POST, members of the enterprise only; others 404
    "scores:flag_list": "bureau",
    "scores:flag_resolve": PERMISSIONS_TESTS,  # POST, bureau
    "scores:ranking": "bureau",
    "scores:run": "post-bureau",
    "scores:model_list": "bureau",
    "scores:model_new": "bureau",
    "scores:bank_list": PERMISSIONS_TESTS,  # members of a bank or insurer; everyone else 403
    "scores:bank_export": PERMISSIONS_TESTS,
    "scores:bank_enterprise": PERMISSIONS_TESTS,  # only enterprises consenting to the bank; others 404
    "scores:lending": "bureau",
    "score-result-list": "login",  # own organisation's results; a bank's consenting enterprises; bureau all
    "score-result-detail": PERMISSIONS_TESTS,
    "score-model-list": "public",  # the model itself (indicators, weights) is public
}
