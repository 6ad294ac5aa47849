"""Runs the YAML test cases in cases/*.yaml (OpenFisca-style: profile in, expected benefits out)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from kechuang.rules import Profile, evaluate, load_policies

CASES_DIR = Path(__file__).parent / "cases"
RULES = load_policies()


def _load() -> list[Any]:
    out = []
    for f in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{f.stem}:{case['name']}"))
    return out


@pytest.mark.parametrize("case", _load())
def test_case(case: dict[str, Any]) -> None:
    as_of = case["as_of"]
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    ev = evaluate(Profile.from_dict(case["profile"]), as_of, RULES)
    for mid, exp in case["expect"].items():
        r = ev.result(mid)
        where = f"{case['name']} / {mid}\n" + "\n".join(r.trace)
        assert r.status == exp["status"], where
        if "amount" in exp:
            assert (r.amount_min, r.amount_max) == (exp["amount"], exp["amount"]), where
        if "amount_min" in exp:
            assert r.amount_min == exp["amount_min"], where
            assert r.amount_max == exp["amount_max"], where
        if "years" in exp:
            assert r.payout_years == exp["years"], where
        if "total" in exp:
            assert (r.total_min, r.total_max) == (exp["total"], exp["total"]), where
        if "missing" in exp:
            assert sorted(r.missing_facts) == sorted(exp["missing"]), where
        if r.status == "eligible":
            assert r.clause_text in r.trace[0], "the trace quotes the clause"
    if case.get("only"):
        extra = [r.measure_id for r in ev.results if r.status == "eligible" and r.measure_id not in case["expect"]]
        assert not extra, f"unexpected benefits: {extra}"
    if "grant_total" in case:
        assert list(ev.grant_total()) == case["grant_total"]


def test_every_measure_has_its_own_cases() -> None:
    """Each encoded measure is exercised by at least one eligible and one not-eligible expectation."""
    seen: dict[str, set[str]] = {}
    for p in _load():
        case = p.values[0]
        for mid, exp in case["expect"].items():
            seen.setdefault(mid, set()).add(exp["status"])
    for m in RULES.measures:
        statuses = seen.get(m.id, set())
        assert "eligible" in statuses, f"{m.id} has no eligible case"
        assert statuses - {"eligible"}, f"{m.id} has no ineligible/undetermined case"
