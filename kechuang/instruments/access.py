"""Who may reach each URL of the instruments app (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

ACCESS_MATRIX: dict[str, str] = {
    "instruments:evaluation": "public",  # 开放共享评价: figures per instrument, no booking details
    "instruments:calendar": OBJECT,  # public; other organisations' bookings only as 已预约
    "instruments:book": OBJECT,  # users with an organisation
    "instruments:settings": OBJECT,  # the instrument's organisation and bureau; others 403
    "instruments:availability": OBJECT,  # owner organisation and bureau; others 403
    "instruments:mine": "login",
    "instruments:queue": "login",  # the own organisation's instruments; users without organisation 403
    "instruments:booking_detail": OBJECT,  # customer, provider, bureau; others 404
    "instruments:booking_transition": OBJECT,
    "instruments:booking_rate": OBJECT,
    "instruments:statement": "login",
    "instruments:schemes": "bureau",
    "instruments:claims": "bureau",
    "instruments:claim_decide": OBJECT,
    "instruments:claim_pay": OBJECT,
    "instrument-booking-list": "login",
    "instrument-booking-detail": OBJECT,
    "instrument-bill-list": "login",
    "instrument-bill-detail": OBJECT,
    "instrument-claim-list": "login",
    "instrument-claim-detail": OBJECT,
}


def _instrument(world: Any) -> Any:
    """A bookable instrument of the institution persona's university."""
    from kechuang.instruments.tests.helpers import shared_instrument

    return shared_instrument(organisation=world.user("institution").organisation)


def _booking(world: Any) -> Any:
    """The enterprise persona's pending request for that instrument (the institution is the provider)."""
    from kechuang.instruments import services
    from kechuang.instruments.services import Request
    from kechuang.instruments.tests.helpers import weekday_at

    inst = _instrument(world)
    return services.book(actor=world.user("enterprise"), requests=[Request(inst, weekday_at(9), weekday_at(10))],
                         purpose="机密配方的形貌表征")[0]


def _claim(world: Any) -> Any:
    """A 先用后补 subsidy claim on that booking, waiting for the bureau's decision."""
    from django.utils import timezone

    from kechuang.instruments.models import SubsidyClaim, SubsidyScheme

    booking = _booking(world)
    scheme = SubsidyScheme.objects.create(name="先用后补", year=timezone.localdate().year, budget_amount=10_000)
    return SubsidyClaim.objects.create(scheme=scheme, booking=booking, organisation=booking.organisation,
                                       provider=booking.instrument.organisation, usage_amount=300, user_amount=60,
                                       provider_amount=60)


_OWNER_PAGE = {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "institution": 200, "staff": 200}

ACCESS_CASES = [
    Case("instruments:calendar", {"anonymous": 200, "outsider": 200}, obj=_instrument),
    Case("instruments:book", {"anonymous": LOGIN, "outsider": 200}, obj=_instrument),
    Case("instruments:settings", _OWNER_PAGE, obj=_instrument),
    Case("instruments:availability", _OWNER_PAGE, obj=_instrument),
    Case("instruments:booking_detail", {"anonymous": LOGIN, "outsider": 404, "broker": 404, "enterprise": 200,
                                        "institution": 200, "staff": 200}, obj=_booking),
    Case("instruments:booking_transition", {"anonymous": LOGIN, "outsider": 404, "broker": 404}, obj=_booking,
         method="post", data={"trigger": "cancel"}),
    Case("instruments:booking_rate", {"anonymous": LOGIN, "outsider": 404}, obj=_booking, method="post",
         data={"rating": 5}),
    *(Case(f"instruments:{name}", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "institution": 403},
           obj=_claim, method="post", data={"decision": "approve"}) for name in ("claim_decide", "claim_pay")),
    Case("instrument-booking-detail", {"anonymous": (401, 403), "outsider": 404, "enterprise": 200,
                                       "institution": 200}, obj=_booking),
    Case("instrument-bill-detail", {"anonymous": (401, 403), "outsider": 404}, obj=_booking),
    Case("instrument-claim-detail", {"anonymous": (401, 403), "outsider": 404, "staff": 200}, obj=_claim),
]
