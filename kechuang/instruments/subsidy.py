"""先用后补 (post-use subsidy): claims computed from settled bookings, fraud checks, staff decisions, payout.

A claim is made when a booking is settled, if that year's scheme covers it: an external customer (not the
instrument's own organisation) and an instrument of at least the scheme's value. Amounts come from the booking's
charge only: user share and provider share of it, cut to what is left under the per-organisation and
per-actual-controller caps of the year. Fraud checks run at the same time; a flagged claim needs a staff decision
with a reason. Payment locks the scheme row (``select_for_update``) and the CHECK constraint keeps it from ever
being overdrawn — the same ledger pattern as the policy payouts.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from kechuang.core import ledger
from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.instruments.choices import BookingStatus, ClaimStatus
from kechuang.instruments.models import Affiliation, Booking, SubsidyClaim, SubsidyPayout, SubsidyScheme

COUNTED = (ClaimStatus.COMPUTED, ClaimStatus.FLAGGED, ClaimStatus.APPROVED, ClaimStatus.PAID)


def _affiliation(org_id: int) -> Affiliation | None:
    return Affiliation.objects.filter(organisation_id=org_id).first()


def fraud_flags(booking: Booking, scheme: SubsidyScheme) -> list[str]:
    """Reasons a clerk must look at before paying, in Chinese; empty when nothing is suspicious."""
    flags: list[str] = []
    user_org, provider = booking.organisation, booking.instrument.organisation
    a, b = _affiliation(user_org.pk), _affiliation(provider.pk)
    if a and b and a.actual_controller and a.actual_controller == b.actual_controller:
        flags.append(f"关联方：用户单位与服务单位的实际控制人同为“{a.actual_controller}”")
    codes_a = {user_org.credit_code, a.controller_credit_code if a else ""} - {""}
    codes_b = {provider.credit_code, b.controller_credit_code if b else ""} - {""}
    if codes_a & codes_b:
        flags.append(f"关联方：双方关联同一统一社会信用代码（{'、'.join(sorted(codes_a & codes_b))}）")
    start = timezone.localtime(booking.start)
    reverse = Booking.objects.filter(
        organisation=provider, instrument__organisation=user_org, start__year=start.year, start__month=start.month,
        status__in=[BookingStatus.USED, BookingStatus.SETTLED]).exists()
    if reverse:
        flags.append(f"互为客户：{provider.name}同月也使用了{user_org.name}的仪器（{start.year}年{start.month}月）")
    if booking.use_recorded_by_id is None or booking.actual_start is None:
        flags.append("无操作人员确认的使用记录")
    else:
        s, e = timezone.localtime(booking.actual_start), timezone.localtime(booking.actual_end)
        if s.time() < scheme.unusual_before or e.time() > scheme.unusual_after or s.date() != e.date():
            flags.append(f"异常时段使用：{s:%H:%M}–{e:%H:%M}")
    return flags


def _used_this_year(scheme: SubsidyScheme, q: Q) -> int:
    return SubsidyClaim.objects.filter(q, scheme=scheme, status__in=COUNTED).aggregate(
        t=Sum(F("user_amount") + F("provider_amount")))["t"] or 0


def claim_for(booking: Booking) -> SubsidyClaim | None:
    """Compute the claim of a settled booking (called by 结算); None when no scheme covers it."""
    year = timezone.localtime(booking.start).year
    scheme = SubsidyScheme.objects.filter(year=year).first()
    instrument = booking.instrument
    if (scheme is None or booking.organisation_id == instrument.organisation_id
            or (instrument.original_value_yuan or 0) < scheme.min_instrument_value or booking.amount <= 0
            or SubsidyClaim.objects.filter(booking=booking).exists()):
        return None
    user_amount = booking.amount * scheme.user_share_percent // 100
    provider_amount = booking.amount * scheme.provider_share_percent // 100
    room = scheme.cap_per_organisation - _used_this_year(scheme, Q(organisation_id=booking.organisation_id))
    aff = _affiliation(booking.organisation_id)
    if aff and aff.actual_controller:
        peers = Affiliation.objects.filter(actual_controller=aff.actual_controller).values("organisation_id")
        room = min(room, scheme.cap_per_controller - _used_this_year(scheme, Q(organisation_id__in=peers)))
    room = max(room, 0)
    if user_amount + provider_amount > room:  # cut the user's part first, then the provider's
        user_amount = min(user_amount, room)
        provider_amount = min(provider_amount, room - user_amount)
    flags = fraud_flags(booking, scheme)
    return SubsidyClaim.objects.create(
        scheme=scheme, booking=booking, organisation_id=booking.organisation_id, provider_id=instrument.organisation_id,
        usage_amount=booking.amount, user_amount=user_amount, provider_amount=provider_amount, flags=flags,
        status=ClaimStatus.FLAGGED if flags else ClaimStatus.COMPUTED)


@transaction.atomic
def decide(*, claim: SubsidyClaim, approve: bool, reason: str, actor: Any) -> SubsidyClaim:
    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("只有科技局工作人员可以审核申领")
    claim = SubsidyClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status not in (ClaimStatus.COMPUTED, ClaimStatus.FLAGGED):
        raise ApplicationError(f"该申领当前为“{claim.get_status_display()}”，不能再审核")
    reason = reason.strip()
    if (claim.status == ClaimStatus.FLAGGED or not approve) and not reason:
        raise ApplicationError("存在疑点或不予补贴的申领须填写审核意见" if claim.flags else "请填写不予补贴的理由",
                               field="reason")
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REFUSED
    claim.decision_reason, claim.decided_by = reason, actor
    with acting_as(actor):
        claim.save()
    return claim


@transaction.atomic
def pay(*, claim: SubsidyClaim, actor: Any) -> SubsidyPayout:
    """``ledger.draw`` locks the scheme row, refuses a payout that would pass its budget, adds to it, writes the
    ledger; then the claim is marked paid."""
    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("只有科技局工作人员可以兑付")
    claim = SubsidyClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimStatus.APPROVED:
        raise ApplicationError(f"该申领当前为“{claim.get_status_display()}”，审核通过后方可兑付")
    amount = claim.total
    if amount <= 0:
        raise ApplicationError("补贴金额为零（已达年度上限），不能兑付")
    payout = ledger.draw(SubsidyScheme, where={"pk": claim.scheme_id}, amount=amount, entry=SubsidyPayout,
                         paid_for={"claim": claim}, actor=actor)
    claim.status = ClaimStatus.PAID
    with acting_as(actor):
        claim.save(update_fields=["status", "updated_at"])
    return payout
