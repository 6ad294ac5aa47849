"""Who may reach each URL of the market app, in the vocabulary of kechuang/core/tests/test_access_matrix.py
(public / login / bureau / post-login / post-bureau, or the app test module that exercises an object URL with an
outsider). Kept next to the URLs so a new page cannot be added without a decision."""

PAGES = "market/tests/test_permissions.py"
API = "market/tests/test_api.py"

ACCESS_MATRIX: dict[str, str] = {
    "market:achievement_list": "public",
    "market:demand_list": "public",
    "market:search": "public",
    "market:achievement_detail": PAGES,  # published: anyone; otherwise owner's members and bureau, else 404
    "market:demand_detail": PAGES,
    "market:export": PAGES,  # public lists only: what the list shows
    "market:my_demands": "login",  # own organisation's records; users without organisation: 403
    "market:my_achievements": "login",
    "market:demand_create": "login",  # users with an organisation; others 403
    "market:achievement_create": "login",
    "market:demand_edit": PAGES,  # own drafts only, else 404
    "market:achievement_edit": PAGES,
    "market:transition": PAGES,  # the workflow table decides: owner submits/withdraws, bureau publishes/rejects
    "market:review_queue": "bureau",
    "market:feedback": PAGES,  # POST, brokers and bureau only
    "achievement-list": "public",  # published; ?mine=1 adds the caller's own records
    "demand-list": "public",
    "achievement-detail": API,
    "demand-detail": API,
    "achievement-matches": API,
    "demand-matches": API,
    "achievement-transition": API,
    "demand-transition": API,
    # Brokers' and staff's verdicts on matches: brokers and bureau only (anonymous 401/403, others 403); a broker
    # lists its own verdicts, bureau staff all.
    "match-feedback-list": API,
    "match-feedback-detail": API,
}
