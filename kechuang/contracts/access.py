"""Who may reach each URL of the contracts app (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

PAGES = "contracts/tests/test_permissions.py"

ACCESS_MATRIX: dict[str, str] = {
    "contracts:mine": "login",  # own organisation's contracts; registrars without organisation go to the queue
    "contracts:create": "login",  # users with an organisation (the seller); others 403
    "contracts:detail": PAGES,  # parties (seller's or buyer's members) and registrars; others 404
    "contracts:edit": PAGES,  # the seller's drafts and 补正 only, else 404
    "contracts:submit": PAGES,  # POST; the workflow table: seller's members only
    "contracts:answer_correction": PAGES,
    "contracts:certificate": PAGES,  # parties and registrars, registered contracts only
    "contracts:request_change": PAGES,
    "contracts:request_cancel": PAGES,
    "contracts:objection": PAGES,  # POST; parties and registrars
    "contracts:queue": "bureau",  # registrars (登记员) and bureau staff
    "contracts:export": "bureau",
    "contracts:decide": PAGES,  # POST; registrars only
    "contracts:decide_request": PAGES,
    "contracts:expert_review": PAGES,
    "contracts:stats": "public",
    "contracts:stats_export": "public",
    "contract-list": PAGES,  # signed in: parties see their own, registrars all; anonymous 401/403
    "contract-detail": PAGES,
    "contract-stats": "public",
    "contract-stats-summary": "public",
}
