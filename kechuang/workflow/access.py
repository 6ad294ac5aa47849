"""Who may reach each URL of the workflow app (vocabulary of kechuang/core/access.py)."""

ACCESS_MATRIX: dict[str, str] = {
    "workflow:notifications": "login", "workflow:mark_all_read": "post-login",
}
