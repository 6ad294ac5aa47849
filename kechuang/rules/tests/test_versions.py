"""Dated parameters (OpenFisca's habit): a later text supersedes the amounts and thresholds from a date, and an
evaluation before that date is exactly what it was, trace included."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.rules import Profile, RuleLoadError, evaluate, evaluate_batch, load_policies
from kechuang.rules.loader import POLICY_DIR, _Ctx, parse_policy
from kechuang.rules.model import RuleSet

from .strategies import profiles

SEED = POLICY_DIR / "km-2024-kjcx-fnzx.yaml"
RAW = yaml.safe_load(SEED.read_text(encoding="utf-8"))
CHANGE = dt.date(2026, 7, 1)
FINAL = "《科技创新赋能经济转型升级若干措施》（正式文件）"


def _revised_amount(a: dict[str, Any]) -> dict[str, Any] | None:
    """A plausible final text: every figure doubled."""
    b = copy.deepcopy(a)
    if a["form"] == "fixed":
        b["value"] = a["value"] * 2
    elif a["form"] == "range":
        b["max"] = a["max"] * 2
    elif a["form"] == "tiered":
        b["tiers"] = {k: v * 2 for k, v in a["tiers"].items()}
    elif a["form"] == "per_unit":
        b["unit"] = a["unit"] * 2
    elif a.get("cap") is not None:
        b["cap"] = a["cap"] * 2
    else:
        return None
    return b


def _with_revisions(raw: dict[str, Any]) -> RuleSet:
    d = copy.deepcopy(raw)
    for m in d["measures"]:
        rev: dict[str, Any] = {"from": CHANGE.isoformat(), "reference": f"{FINAL}{m['clause']}"}
        amount = _revised_amount(m["amount"])
        if amount is not None:
            rev["amount"] = amount
        where = (m.get("trigger") or {}).get("where") or []
        numeric = {w["field"]: w["value"] // 2 for w in where if isinstance(w.get("value"), int)}
        if numeric:
            rev["thresholds"] = numeric
        if len(rev) > 2:
            m["revisions"] = [rev]
    return RuleSet(policies=(parse_policy(d, _Ctx("revised.yaml")),))


BASE = load_policies()
REVISED = _with_revisions(RAW)
BEFORE = st.dates(min_value=dt.date(2025, 1, 1), max_value=CHANGE - dt.timedelta(days=1))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(), BEFORE)
def test_a_later_version_does_not_change_an_earlier_evaluation(d: dict[str, Any], as_of: dt.date) -> None:
    p = Profile.from_dict(d)
    assert evaluate(p, as_of, REVISED) == evaluate(p, as_of, BASE)
    assert evaluate_batch([p], as_of, REVISED) == evaluate_batch([p], as_of, BASE)


def test_from_the_change_date_the_new_amount_applies_and_the_trace_names_it() -> None:
    p = Profile.from_dict({"kind": "enterprise", "recognitions": [
        {"type": "enterprise_tech_center", "level": "municipal", "date": "2026-03-01"}]})
    before = evaluate(p, CHANGE - dt.timedelta(days=1), REVISED).result("kc001-03-enterprise-tech-center")
    after = evaluate(p, CHANGE, REVISED).result("kc001-03-enterprise-tech-center")
    assert before.amount_max == 100_000 and after.amount_max == 200_000
    assert any("征求意见稿" in line and "2025-01-01" in line for line in before.trace)
    assert any(FINAL in line and str(CHANGE) in line for line in after.trace)
    # The same evaluation date gives the same answer however often it is asked (no edit in place).
    assert evaluate(p, CHANGE - dt.timedelta(days=1), REVISED).result(before.measure_id) == before


def test_a_revised_threshold_applies_from_its_date() -> None:
    p = Profile.from_dict({"kind": "enterprise", "projects": [
        {"type": "multimodal_info_platform", "meets_guideline": True, "investment": 3_000_000,
         "date": "2026-03-01"}]})
    mid = "kc001-01-multimodal-platform"
    assert evaluate(p, dt.date(2026, 6, 30), REVISED).result(mid).status == "ineligible"
    assert evaluate(p, CHANGE, REVISED).result(mid).status == "eligible"


def test_measures_json_lists_the_versions() -> None:
    m = REVISED.measure("kc001-01-little-lighthouse").to_json()
    assert [v["from"] for v in m["parameters"]] == ["2025-01-01", CHANGE.isoformat()]
    assert m["parameters"][1]["amount"]["value"] == 400_000
    assert m["amount"]["value"] == 200_000  # the first text's figure stays where it was


@pytest.mark.parametrize(
    ("revision", "field"),
    [
        ({"from": "2024-06-01", "reference": "x", "amount": {"form": "fixed", "value": 1}}, "revisions[0].from"),
        ({"from": "2026-01-01", "reference": "x", "amount": {"form": "fixed", "value": 200000}}, "revisions[0]"),
        ({"from": "2026-01-01", "amount": {"form": "fixed", "value": 1}}, "revisions[0].reference"),
        ({"from": "2026-01-01", "reference": "x", "thresholds": {"investment": 1}}, "revisions[0].thresholds.investment"),
    ],
)
def test_bad_revisions_are_refused(revision: dict[str, Any], field: str, tmp_path: Path) -> None:
    d = copy.deepcopy(RAW)
    d["measures"][0]["revisions"] = [revision]
    with pytest.raises(RuleLoadError) as e:
        parse_policy(d, _Ctx("bad.yaml"))
    assert e.value.field == field and e.value.measure == "kc001-01-little-lighthouse"
