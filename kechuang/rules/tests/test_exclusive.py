"""不重复享受 / 就高 between measures, measure-level effective periods, and a second policy file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kechuang.rules import Profile, evaluate, evaluate_batch, load_policies

RULES = load_policies(Path(__file__).parent / "fixtures" / "exclusive")


def _p(*levels: str) -> Profile:
    return Profile.from_dict({"kind": "enterprise", "recognitions": [
        {"type": "enterprise_tech_center", "level": lv, "date": "2025-03-01"} for lv in levels]})


def test_highest_wins_and_the_other_is_refused_with_reason() -> None:
    ev = evaluate(_p("provincial", "national"), dt.date(2025, 6, 1), RULES)
    assert ev.result("t-national-center").amount_max == 1_000_000
    low = ev.result("t-provincial-center")
    assert low.status == "ineligible"
    assert any("不重复享受" in line for line in low.trace)
    assert ev.grant_total() == (1_010_000, 1_010_000)
    assert evaluate_batch([_p("provincial", "national")], dt.date(2025, 6, 1), RULES)[0] == ev


def test_single_member_is_unaffected() -> None:
    ev = evaluate(_p("provincial"), dt.date(2025, 6, 1), RULES)
    assert ev.result("t-provincial-center").amount_max == 300_000


def test_measure_period_ends() -> None:
    ev = evaluate(_p("provincial"), dt.date(2026, 1, 1), RULES)
    assert ev.result("t-old").status == "ineligible"
    assert ev.warnings == []  # in force: no draft warning
