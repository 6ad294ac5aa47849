"""Hypothesis strategies: random but valid profiles drawn from the fact vocabulary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from kechuang.rules.facts import COLLECTIONS, SCALAR_FACTS, FieldSpec

DATES = st.dates(min_value=dt.date(2014, 1, 1), max_value=dt.date(2028, 6, 30))


def _value(spec: FieldSpec) -> st.SearchStrategy[Any]:
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "enum":
        assert spec.values is not None
        return st.sampled_from(sorted(spec.values))
    if spec.type == "int":
        lo = int(spec.minimum or 0)
        return st.one_of(st.integers(lo, 20_000_000), st.sampled_from([lo, 5_000_000, 4_999_999, 10_000_000]))
    if spec.type == "number":
        return st.sampled_from([0, 3, 5.5, 6, 8, 12])
    if spec.type == "date":
        return DATES.map(dt.date.isoformat)
    return st.text(max_size=5)


@st.composite
def records(draw: st.DrawFn, collection: str) -> dict[str, Any]:
    types, fields = COLLECTIONS[collection].types, COLLECTIONS[collection].fields
    rec: dict[str, Any] = {"type": draw(st.sampled_from(sorted(types))), "date": draw(DATES).isoformat()}
    for name, spec in fields.items():
        if name in ("type", "date", "name", "note"):
            continue
        if draw(st.booleans()):
            rec[name] = draw(_value(spec))
    return rec


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for name, spec in SCALAR_FACTS.items():
        if name in ("id", "name", "credit_code", "region"):
            continue
        if draw(st.integers(0, 3)) > 0:  # mostly present, sometimes unknown
            d[name] = draw(_value(spec))
    for coll in COLLECTIONS:
        if draw(st.integers(0, 4)) > 0:
            d[coll] = draw(st.lists(records(coll), max_size=4))
    return d
