"""Hypothesis strategies: random but valid enterprise profiles for the national model."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from kechuang.scoring import default_model

MODEL = default_model()
REGIONS = ["530102", "530103", "530111"]


def fact_value(fact: str) -> st.SearchStrategy[float]:
    ind = next(i for i in MODEL.indicators if i.fact == fact)
    lo = -50 if ind.allow_negative else 0
    # a few exact breakpoints and round numbers (ties and segment ends), the rest anywhere
    return st.one_of(st.integers(lo, 200_000).map(float), st.sampled_from([0.0, 1.0, 3.0, 10.0, 30.0, 5000.0]),
                     st.floats(lo, 1e6, allow_nan=False, allow_infinity=False))


@st.composite
def profiles(draw: st.DrawFn, pid: str = "p") -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for f in MODEL.facts:
        if draw(st.booleans()):
            facts[f] = draw(fact_value(f))
    d: dict[str, Any] = {"id": pid, "region": draw(st.sampled_from(REGIONS)), "facts": facts}
    if draw(st.booleans()):
        d["facts"]["age_years"] = float(draw(st.integers(0, 30)))
    return d


@st.composite
def cohorts(draw: st.DrawFn, min_size: int = 1, max_size: int = 12) -> list[dict[str, Any]]:
    n = draw(st.integers(min_size, max_size))
    return [draw(profiles(pid=f"e{i}")) for i in range(n)]
