"""Who may reach each URL of the deals app (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

PAGES = "deals/tests/test_permissions.py"
EVENTS = "deals/tests/test_events.py"

ACCESS_MATRIX: dict[str, str] = {
    "deals:list": "login",  # own organisation's deals (brokers are sent to their workspace)
    "deals:open": "post-login",  # brokers, staff, organisation members (我要对接); others refused by the service
    "deals:detail": PAGES,  # parties, the deal's broker, staff; others 404
    "deals:step": PAGES,
    "deals:note": PAGES,
    "deals:contract": PAGES,
    "deals:pre_disclosure": PAGES,
    "deals:broker": PAGES,  # brokers and staff; others 403
    "deals:claim": PAGES,  # POST; brokers only
    "deals:assignments": "bureau",
    "deals:assign": PAGES,  # POST; staff
    "deals:grade": PAGES,  # POST; staff
    "deals:funnel": "bureau",
    "deals:listing_list": "public",
    "deals:listing_create": "bureau",
    "deals:listing_detail": PAGES,  # public once published
    "deals:listing_step": PAGES,  # POST; staff
    "deals:listing_register": PAGES,  # POST; organisation members
    "deals:bid": PAGES,  # POST; approved bidders
    "deals:registration_decide": PAGES,  # POST; staff
    "deals:disclosure_list": "public",
    "deals:disclosure_detail": PAGES,  # public
    "deals:objection": PAGES,  # POST; signed in
    "deals:objection_resolve": PAGES,  # POST; staff
    "deals:event_list": "public",
    "deals:event_create": "bureau",
    "deals:event_detail": EVENTS,  # public figures; participants see their own schedule, staff all
    "deals:event_register": EVENTS,  # POST; organisation members
    "deals:event_propose": EVENTS,  # POST; staff
    "deals:event_checkin": EVENTS,  # POST; staff
    "deals:meeting_outcome": EVENTS,  # POST; staff
    "deal-list": PAGES, "deal-detail": PAGES, "deal-step": PAGES,
    "trade-listing-list": "public", "trade-listing-detail": PAGES, "trade-listing-bid": PAGES,
    "bid-list": "public", "bid-detail": PAGES,
    "match-event-list": "public", "match-event-detail": EVENTS,
    "disclosure-list": "public", "disclosure-detail": PAGES, "disclosure-objection": PAGES,
}
