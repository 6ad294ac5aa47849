"""What-if: which single additional fact or recognition would unlock the most.

Each candidate is a concrete change to the profile (one more dated record, or one flag set), built from the
conditions of the measures; the whole profile is then re-evaluated with the same engine, so a hint can never
promise what the engine would not grant, and a change that unlocks several measures counts all of them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

from .engine import ELIGIBLE, Evaluation, MeasureResult, default_rules, evaluate, measure_as_of, yuan
from .facts import COLLECTIONS, LEVELS, SCALAR_FACTS, Profile
from .model import OPS, AnyOf, Holds, Measure, RuleSet, Test


@dataclass(frozen=True, slots=True)
class Hint:
    """One change that would unlock benefits. `gain_*` are cash grants over their payout period, in yuan."""

    change: str  # "record" | "fact"
    description: str  # Chinese, e.g. "新增认定：国家级科技企业孵化器（2025-06-30）"
    gain_min: int
    gain_max: int
    unlocks: list[str]
    collection: str | None = None
    record: dict[str, Any] | None = None
    fact: str | None = None
    value: Any = None
    details: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "description": self.description,
            "gain_min": self.gain_min,
            "gain_max": self.gain_max,
            "unlocks": list(self.unlocks),
            "collection": self.collection,
            "record": self.record,
            "fact": self.fact,
            "value": self.value,
            "details": list(self.details),
        }


def _value(r: MeasureResult) -> tuple[int, int]:
    if r.status != ELIGIBLE or r.benefit != "grant":
        return 0, 0
    return r.total_min or 0, r.total_max or 0


def _satisfying(t: Test) -> Any:
    sym = OPS[t.op]
    if sym == "is_true":
        return True
    if sym == "is_false":
        return False
    if sym == "in":
        return t.value[0]
    if sym == ">":
        return t.value + 1
    if sym == "<":
        return t.value - 1
    return t.value


def _record_candidates(m: Measure, as_of: dt.date) -> list[tuple[str, dict[str, Any]]]:
    m = measure_as_of(m, as_of)[0]  # the thresholds and caps in force on that day
    trig = m.trigger
    assert trig is not None
    out = []
    for typ in trig.types:
        for level in trig.levels_for(typ) or (None,):
            rec: dict[str, Any] = {"type": typ, "date": as_of.isoformat()}
            if level is not None:
                rec["level"] = level
            for w in trig.where:
                rec[w.field] = _satisfying(w)
            a = m.amount
            if a.base is not None and not a.base.startswith("fact.") and a.cap is not None:
                rate = a.rates[level] if a.rates is not None and level is not None else a.rate
                if rate:
                    # the smallest base that reaches the cap: the most this record can unlock
                    rec[a.base] = math.ceil(a.cap / rate)
            out.append((trig.collection, rec))
    return out


def _candidates(rules: RuleSet, profile: Profile, as_of: dt.date) -> list[tuple[str, Any, Any]]:
    kind = profile.facts.get("kind")
    cands: list[tuple[str, Any, Any]] = []
    for m in rules.measures:
        if (m.effective_from and as_of < m.effective_from) or (m.effective_to and as_of > m.effective_to):
            continue
        # The kind of organisation is not a step an organisation can take; skip measures not meant for it.
        if m.beneficiary_kinds is not None and kind is not None and kind not in m.beneficiary_kinds:
            continue
        if m.trigger is not None:
            cands.extend(("record", c, r) for c, r in _record_candidates(m, as_of))
        for c in m.conditions:
            alts = c.alternatives if isinstance(c, AnyOf) else (c,)
            for a in alts:
                if isinstance(a, Holds):
                    cands.append(("record", a.collection, {"type": a.types[0], "date": as_of.isoformat()}))
                elif a.field != "kind" and SCALAR_FACTS[a.field].type == "bool":
                    want = _satisfying(a)
                    if profile.facts.get(a.field) is not want:
                        cands.append(("fact", a.field, want))
    seen: set[str] = set()
    unique = []
    for cand in cands:
        key = json.dumps(cand, sort_keys=True, ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            unique.append(cand)
    return unique


def _describe(change: str, where: str, what: Any) -> str:
    if change == "fact":
        spec = SCALAR_FACTS[where]
        return f"补充/变更事实：{spec.label}为“{'是' if what is True else '否' if what is False else what}”"
    coll_label, types, fields = COLLECTIONS[where][:3]
    lvl = LEVELS[what["level"]] if "level" in what else ""
    extra = []
    for k, v in what.items():
        if k in ("type", "date", "level"):
            continue
        spec = fields[k]
        shown = "是" if v is True else "否" if v is False else (yuan(v) if spec.type == "int" else
                                                               (spec.values or {}).get(v, str(v)))
        extra.append(f"{spec.label.replace('（元）', '')}{shown}")
    tail = f"（{'，'.join(extra)}）" if extra else ""
    return f"新增{coll_label}：{lvl}{types[what['type']]}，日期 {what['date']}{tail}"


def what_if(profile: Profile, as_of: dt.date | None = None, rules: RuleSet | None = None) -> list[Hint]:
    """Single changes that would unlock benefits, best first (largest cash gain, then most measures)."""
    rs = rules if rules is not None else default_rules()
    day = as_of if as_of is not None else dt.date.today()
    base: Evaluation = evaluate(profile, day, rs)
    before = {r.measure_id: r for r in base.results}
    hints: list[Hint] = []
    for change, where, what in _candidates(rs, profile, day):
        p2 = profile.with_fact(where, what) if change == "fact" else profile.with_record(where, what)
        after = evaluate(p2, day, rs)
        lo = hi = 0
        unlocks: list[str] = []
        details: list[str] = []
        for r in after.results:
            b = before[r.measure_id]
            v0, v1 = _value(b), _value(r)
            newly = r.status == ELIGIBLE and b.status != ELIGIBLE
            if newly or v1[1] > v0[1]:
                unlocks.append(r.measure_id)
                lo += v1[0] - v0[0]
                hi += v1[1] - v0[1]
                amt = "" if r.amount_max is None else (
                    f"，{yuan(r.total_max or 0)}" if r.amount_min == r.amount_max and r.total_min == r.total_max
                    else f"，{yuan(r.total_min or 0)} 至 {yuan(r.total_max or 0)}"
                )
                details.append(f"{r.clause}{r.title}{amt}")
        if not unlocks:
            continue
        hints.append(
            Hint(
                change=change,
                description=_describe(change, where, what),
                gain_min=lo,
                gain_max=hi,
                unlocks=unlocks,
                collection=where if change == "record" else None,
                record=what if change == "record" else None,
                fact=where if change == "fact" else None,
                value=what if change == "fact" else None,
                details=details,
            )
        )
    hints.sort(key=lambda h: (-h.gain_max, -h.gain_min, -len(h.unlocks), h.description))
    return hints
