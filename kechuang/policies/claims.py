"""How much an organisation may ask for under a measure: from its own evaluation, not the measure's top tier.

Kept apart from the application workflow (services.py) so that the CREATE form's pre-fill and the submit check read
the same rule. Where the engine says eligible, its amount is the ceiling. Where it cannot confirm (待定/不符合,
e.g. a recognition the platform does not hold yet), the measure's own ceiling applies and the applicant must state
the basis in 申报说明: the bureau then checks it at 受理.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from django.utils import timezone

from kechuang.core.exceptions import ApplicationError
from kechuang.directory.models import Organisation
from kechuang.policies import rules
from kechuang.policies.profiles import build_profile
from kechuang.rules import Measure, Profile, ProfileError, evaluate


def today() -> dt.date:
    """The platform's day (services.today is the same; defined here too so this module imports no services)."""
    return timezone.localdate()


def evaluation_snapshot(organisation: Organisation, measure_id: str) -> dict[str, Any]:
    """The engine's verdict on one measure for the organisation today, kept with the application."""
    try:
        data = build_profile(organisation)
        ev = evaluate(Profile.from_dict(data.profile), today())
        r = ev.result(measure_id)
        return {**r.to_json(ev.label), "self_declared": data.self_declared(list(r.decided_by))}
    except (ProfileError, KeyError) as exc:
        return {"error": str(exc)}


class ClaimLimit(NamedTuple):
    """What the organisation may ask for under one measure, from its own evaluation today."""

    status: str  # the engine's verdict: eligible / undetermined / ineligible ("" when it could not evaluate)
    ceiling: int | None  # the most one application may ask for (None: the text sets no ceiling)
    suggested: int | None  # the amount the form is pre-filled with (None: nothing to suggest)
    text: str  # the verdict in words, shown above the form
    snapshot: dict[str, Any]  # kept with the application


def claim_limit(organisation: Organisation, measure: Measure) -> ClaimLimit:
    """The application's amount comes from THIS organisation's evaluation, not the measure's top tier: a 市级企业
    技术中心 may ask for 10万元, not the 50万元 of a national one. Where the engine says eligible, its amount is
    the ceiling. Where it cannot confirm (待定/不符合, e.g. a fact the platform does not hold), the measure's own
    ceiling applies and the applicant must state why in 申报说明 (see `check_claim`)."""
    snap = evaluation_snapshot(organisation, measure.id)
    status = str(snap.get("status") or "")
    top = rules.max_per_payout(measure)
    if status == "eligible" and snap.get("amount_max") is not None:
        hi = int(snap["amount_max"])
        lo = int(snap.get("amount_min") or 0)
        shown = rules.format_range(lo, hi)
        text = f"按本单位的评估结果，符合条件，可申请{shown}" + ("（具体数额由评审确定）" if lo != hi else "")
        return ClaimLimit(status, hi, hi, text, snap)
    verdict = {"undetermined": "待定（缺少部分事实）", "ineligible": "不符合条件"}.get(status, "无法计算")
    limit = f"，最多可申请该措施上限{rules.format_yuan(top)}" if top is not None else ""
    text = f"按本单位目前的评估结果，该措施为{verdict}。如仍申报，请在“申报说明”中写明依据{limit}。"
    return ClaimLimit(status, top, None, text, snap)


def check_claim(claim: ClaimLimit, amount_requested: int, description: str) -> None:
    if claim.ceiling is not None and amount_requested > claim.ceiling:
        basis = "按本单位的评估结果" if claim.status == "eligible" else "该措施的上限"
        # The form shows the field's label before the message (申请金额（元）：…), the API names the field.
        raise ApplicationError(
            f"{basis}最多可申请{rules.format_yuan(claim.ceiling)}，填写的{rules.format_yuan(amount_requested)}超出上限",
            field="amount_requested")
    if claim.status != "eligible" and not description.strip():
        raise ApplicationError("本单位的评估结果未确认符合该措施，请写明申报依据（例如平台尚未掌握的认定或项目）",
                               field="description")
