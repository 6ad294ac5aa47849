"""Property tests over random profiles: caps never exceeded, no negative amounts, monotone in investment,
missing facts never read as zero, batch identical to per-profile evaluation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.rules import Profile, evaluate, evaluate_batch, load_policies

from .strategies import profiles

RULES = load_policies()
AS_OF = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _cap_per_payout(mid: str, n_records: int) -> int | None:
    m = RULES.measure(mid)
    mx = m.amount.max_possible()
    if mx is None:
        return None
    return mx * max(n_records, 1) if m.per == "record" else mx


@FAST
@given(profiles(), AS_OF)
def test_amounts_are_non_negative_and_within_caps(d: dict[str, Any], as_of: dt.date) -> None:
    p = Profile.from_dict(d)
    ev = evaluate(p, as_of, RULES)
    for r in ev.results:
        m = RULES.measure(r.measure_id)
        assert r.status in ("eligible", "ineligible", "undetermined")
        if r.status != "eligible":
            assert r.amount_min is None and r.amount_max is None
        if r.status == "undetermined":
            assert r.missing_facts, "undetermined always names the missing facts"
        else:
            assert not r.missing_facts
        if r.amount_min is not None:
            assert r.amount_max is not None and 0 <= r.amount_min <= r.amount_max
            assert isinstance(r.amount_min, int) and isinstance(r.amount_max, int)
        if r.amount_max is not None and m.trigger is not None:
            n = len(p.collections.get(m.trigger.collection, ()))
            cap = _cap_per_payout(r.measure_id, n)
            if cap is not None:
                assert r.amount_max <= cap, (r.measure_id, r.trace)
        assert r.trace[0].startswith(m.clause) and m.clause_text in r.trace[0]


@FAST
@given(st.integers(0, 30_000_000), st.integers(0, 30_000_000), st.dates(dt.date(2025, 1, 2), dt.date(2027, 12, 31)))
def test_ai_demo_is_monotone_in_investment(a: int, b: int, as_of: dt.date) -> None:
    lo, hi = sorted((a, b))

    def amount(inv: int) -> int:
        p = Profile.from_dict(
            {"kind": "enterprise", "projects": [{"type": "ai_application_demo", "date": "2025-01-02", "investment": inv}]}
        )
        r = evaluate(p, as_of, RULES).result("kc001-02-ai-application-demo")
        assert r.status == "eligible" and r.amount_max is not None
        return r.amount_max

    assert amount(lo) <= amount(hi) <= 1_000_000


@FAST
@given(st.integers(0, 30_000_000), st.integers(0, 30_000_000))
def test_multimodal_and_salary_are_monotone(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    as_of = dt.date(2025, 12, 31)

    def platform(inv: int) -> int:
        p = Profile.from_dict({"kind": "enterprise", "projects": [
            {"type": "multimodal_info_platform", "date": "2025-01-02", "investment": inv, "meets_guideline": True}]})
        return evaluate(p, as_of, RULES).result("kc001-01-multimodal-platform").amount_max or 0

    def salary(pay: int) -> int:
        p = Profile.from_dict({"kind": "hospital", "hires": [
            {"type": "foreign_principal_officer", "date": "2025-01-02", "annual_pay": pay, "months_in_kunming": 7}]})
        return evaluate(p, as_of, RULES).result("kc001-11-foreign-principal-salary").amount_max or 0

    assert platform(lo) <= platform(hi) <= 1_000_000
    assert salary(lo) <= salary(hi) <= 100_000


@FAST
@given(profiles(), AS_OF)
def test_adding_facts_never_turns_eligible_into_undetermined(d: dict[str, Any], as_of: dt.date) -> None:
    """Knowing more can settle a measure, never unsettle one: an eligible or ineligible measure stays decided
    when an unknown scalar fact is supplied."""
    base = evaluate(Profile.from_dict(d), as_of, RULES)
    d2 = dict(d)
    d2.setdefault("is_tech_sme", True)
    d2.setdefault("is_state_owned", True)
    after = evaluate(Profile.from_dict(d2), as_of, RULES)
    for r0, r1 in zip(base.results, after.results, strict=True):
        if r0.status != "undetermined":
            assert r1.status == r0.status, (r0.measure_id, r0.trace, r1.trace)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(profiles(), min_size=1, max_size=25), AS_OF)
def test_batch_is_identical_to_per_profile(ds: list[dict[str, Any]], as_of: dt.date) -> None:
    ps = [Profile.from_dict(d) for d in ds]
    batch = evaluate_batch(ps, as_of, RULES)
    for p, b in zip(ps, batch, strict=True):
        assert b == evaluate(p, as_of, RULES)


@FAST
@given(profiles(), AS_OF, st.randoms(use_true_random=False))
def test_record_order_does_not_matter(d: dict[str, Any], as_of: dt.date, rnd: Any) -> None:
    """Statuses and amounts depend on the dated records, not on the order they are listed in."""
    shuffled = {k: (rnd.sample(v, len(v)) if isinstance(v, list) else v) for k, v in d.items()}
    a = evaluate(Profile.from_dict(d), as_of, RULES)
    b = evaluate(Profile.from_dict(shuffled), as_of, RULES)
    for ra, rb in zip(a.results, b.results, strict=True):
        assert (ra.status, ra.amount_min, ra.amount_max) == (rb.status, rb.amount_min, rb.amount_max), ra.measure_id
