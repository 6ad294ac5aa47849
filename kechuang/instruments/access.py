"""Who may reach each URL of the instruments app (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

PERMISSIONS_TESTS = "instruments/tests/test_permissions.py"

ACCESS_MATRIX: dict[str, str] = {
    "instruments:evaluation": "public",  # 开放共享评价: figures per instrument, no booking details
    "instruments:calendar": PERMISSIONS_TESTS,  # public; other organisations' bookings only as 已预约
    "instruments:book": PERMISSIONS_TESTS,  # users with an organisation
    "instruments:settings": PERMISSIONS_TESTS,  # the instrument's organisation and bureau; others 403
    "instruments:availability": "instruments/tests/test_availability.py",  # owner organisation and bureau; others 403
    "instruments:mine": "login",
    "instruments:queue": "login",  # the own organisation's instruments; users without organisation 403
    "instruments:booking_detail": PERMISSIONS_TESTS,  # customer, provider, bureau; others 404
    "instruments:booking_transition": PERMISSIONS_TESTS,
    "instruments:booking_rate": PERMISSIONS_TESTS,
    "instruments:statement": "login",
    "instruments:schemes": "bureau",
    "instruments:claims": "bureau",
    "instruments:claim_decide": PERMISSIONS_TESTS,
    "instruments:claim_pay": PERMISSIONS_TESTS,
    "instrument-booking-list": "login",
    "instrument-booking-detail": PERMISSIONS_TESTS,
    "instrument-bill-list": "login",
    "instrument-bill-detail": PERMISSIONS_TESTS,
    "instrument-claim-list": "login",
    "instrument-claim-detail": PERMISSIONS_TESTS,
}
