"""Property tests: monotone within a stage, stage weights sum to the total, batch equals per-enterprise,
a model version change never alters stored past results."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.scoring import (
    Cohort,
    ModelLoadError,
    ScoreProfile,
    default_model,
    evaluate,
    evaluate_batch,
    model_from_dict,
)

from .strategies import cohorts, fact_value

MODEL = default_model()
AS_OF = dt.date(2026, 6, 30)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _ps(ds: list[dict[str, Any]]) -> list[ScoreProfile]:
    return [ScoreProfile.from_dict(d, MODEL) for d in ds]


@FAST
@given(cohorts(), st.data())
def test_raising_a_positive_fact_never_lowers_the_total_within_a_stage(ds: list[dict[str, Any]],
                                                                          data: st.DataObject) -> None:
    fact = data.draw(st.sampled_from(MODEL.facts))
    before = ds[0]["facts"].get(fact)
    if before is None:  # from missing (0 points in the national model) to any value
        raised = data.draw(fact_value(fact))
    else:
        raised = before + data.draw(st.one_of(st.just(0.0), st.floats(0, 1e5, allow_nan=False)))
    ds2 = copy.deepcopy(ds)
    ds2[0]["facts"][fact] = raised
    a = evaluate_batch(_ps(ds), MODEL, AS_OF)[0]
    b = evaluate_batch(_ps(ds2), MODEL, AS_OF)[0]
    if a.stage == b.stage:  # revenue can move an enterprise to another stage with other weights
        assert b.total >= a.total, (fact, before, raised, a.total, b.total)
        ia = next(r for r in a.indicators if r.fact == fact)
        ib = next(r for r in b.indicators if r.fact == fact)
        assert ib.points >= ia.points


def test_stage_weights_sum_to_the_model_total() -> None:
    for stage in MODEL.stage_order:
        assert sum(MODEL.weights[stage].values()) == pytest.approx(MODEL.total_points)
    per_cat = {s: {c.id: sum(MODEL.weights[s][i.id] for i in MODEL.indicators if i.category == c.id)
                   for c in MODEL.categories} for s in MODEL.stage_order}
    assert per_cat["startup"] == {"tech": 50, "growth": 25, "auxiliary": 25}
    assert per_cat["mature"]["growth"] > per_cat["startup"]["growth"]


@FAST
@given(st.sampled_from(MODEL.stage_order), st.sampled_from([i.id for i in MODEL.indicators]),
       st.integers(1, 20))
def test_a_model_whose_stage_weights_do_not_sum_is_refused(stage: str, ind: str, extra: int) -> None:
    d = MODEL.to_yaml_dict()
    d["weights"][stage][ind] += extra
    with pytest.raises(ModelLoadError) as e:
        model_from_dict(d)
    assert e.value.field == f"weights.{stage}"


@FAST
@given(cohorts(min_size=1, max_size=15))
def test_batch_equals_per_enterprise(ds: list[dict[str, Any]]) -> None:
    ps = _ps(ds)
    batch = evaluate_batch(ps, MODEL, AS_OF, what_if=True)
    cohort = Cohort.build(ps, MODEL, AS_OF)
    for p, b in zip(ps, batch, strict=True):
        assert evaluate(p, MODEL, AS_OF, cohort, what_if=True).to_dict() == b.to_dict()
        assert b.total == pytest.approx(sum(c[2] for c in b.categories))
        assert 0 <= b.total <= MODEL.total_points
        assert set(b.missing_facts) == {f for f in MODEL.facts if f not in p.facts}


@FAST
@given(cohorts(min_size=1, max_size=8), st.sampled_from(MODEL.stage_order), st.integers(1, 5))
def test_a_model_version_change_never_alters_stored_past_results(ds: list[dict[str, Any]], stage: str,
                                                                 shift: int) -> None:
    ps = _ps(ds)
    stored = json.dumps([e.to_dict() for e in evaluate_batch(ps, MODEL, AS_OF)], ensure_ascii=False)
    d = MODEL.to_yaml_dict()
    d["version"] = "2026.1"
    a, b = MODEL.indicators[0].id, MODEL.indicators[1].id
    moved = min(shift, d["weights"][stage][a])
    d["weights"][stage][a] -= moved
    d["weights"][stage][b] += moved
    v2 = model_from_dict(d)
    new = evaluate_batch(ps, v2, AS_OF)
    assert all(e.model_version == "2026.1" for e in new)
    again = json.dumps([e.to_dict() for e in evaluate_batch(ps, MODEL, AS_OF)], ensure_ascii=False)
    assert again == stored  # the old version still gives exactly the stored results
    assert MODEL.version == "2024.1" and MODEL.weights[stage][a] != v2.weights[stage][a] or moved == 0
