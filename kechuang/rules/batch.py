"""Batch evaluation (免申即享): every measure for many organisations at once.

Why this is fast without a second implementation of the rules: a measure's outcome depends only on the facts it
reads. For an organisation holding no record of the types a measure is triggered by (nearly all pairs), those
are the kind, a few flags and which collections are present; organisations that share them share the result.
So organisations are grouped by that signature, each group's default row is evaluated once with the ordinary
engine, and only the (organisation, measure) pairs that the organisation's own records touch are evaluated
individually. Identical text, amounts and traces to `evaluate` by construction; a property test checks it.
The grouping and the record-to-measure index are computed with numpy over columns of facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from .engine import (
    Evaluation,
    MeasureResult,
    apply_exclusive_groups,
    default_rules,
    evaluate_measure,
    policy_warnings,
)
from .facts import COLLECTIONS, Profile
from .model import AnyOf, Holds, RuleSet, Test


class _Plan:
    """What each measure reads, compiled once per rule set."""

    def __init__(self, rules: RuleSet) -> None:
        self.measures = rules.measures
        self.collections = tuple(COLLECTIONS)
        facts: list[str] = ["kind"]
        touch: dict[tuple[str, str], list[int]] = {}
        always: list[int] = []
        for i, m in enumerate(self.measures):
            for c in m.conditions:
                for a in c.alternatives if isinstance(c, AnyOf) else (c,):
                    if isinstance(a, Test) and a.field not in facts:
                        facts.append(a.field)
                    if isinstance(a, Holds):
                        for t in a.types:
                            touch.setdefault((a.collection, t), []).append(i)
            if m.trigger is None:
                always.append(i)  # reads yearly figures of the organisation: evaluated per organisation
            else:
                for t in m.trigger.types:
                    touch.setdefault((m.trigger.collection, t), []).append(i)
        self.facts = tuple(facts)
        self.touch = {k: tuple(sorted(set(v))) for k, v in touch.items()}
        self.always = tuple(always)
        # Integer code per (collection, type) so that touched measures can be found with array operations.
        self.type_codes = {k: n for n, k in enumerate(sorted(self.touch))}
        width = max((len(v) for v in self.touch.values()), default=0)
        self.code_to_measures = np.full((len(self.type_codes) + 1, max(width, 1)), -1, dtype=np.int32)
        for k, n in self.type_codes.items():
            ms = self.touch[k]
            self.code_to_measures[n, : len(ms)] = ms


_plans: dict[int, _Plan] = {}


def _plan(rules: RuleSet) -> _Plan:
    p = _plans.get(id(rules))
    if p is None:
        p = _plans[id(rules)] = _Plan(rules)
    return p


def evaluate_batch(
    profiles: Sequence[Profile], as_of: dt.date | None = None, rules: RuleSet | None = None
) -> list[Evaluation]:
    """Evaluate every measure for every profile; same results as `[evaluate(p, as_of, rules) for p in ...]`."""
    rs = rules if rules is not None else default_rules()
    day = as_of if as_of is not None else dt.date.today()
    plan = _plan(rs)
    n = len(profiles)
    if n == 0:
        return []
    # 1. Signatures: the facts that untouched measures read, as one tuple per organisation.
    sig_ids = np.empty(n, dtype=np.int64)
    sig_index: dict[tuple[object, ...], int] = {}
    reps: list[Profile] = []
    # Record -> (organisation, type code) columns, to find touched (organisation, measure) pairs.
    rec_org: list[int] = []
    rec_code: list[int] = []
    codes = plan.type_codes
    facts = plan.facts
    colls = plan.collections
    for i, p in enumerate(profiles):
        pf = p.facts
        pc = p.collections
        key = (*(pf.get(f) for f in facts), *(c in pc for c in colls))
        s = sig_index.get(key)
        if s is None:
            s = sig_index[key] = len(reps)
            reps.append(
                Profile(
                    facts={f: pf[f] for f in facts if f in pf},
                    collections={c: () for c in colls if c in pc},
                )
            )
        sig_ids[i] = s
        for recs in pc.values():
            for r in recs:
                code = codes.get((r.collection, r.type))
                if code is not None:
                    rec_org.append(i)
                    rec_code.append(code)
    # 2. One default row per signature, from the ordinary engine.
    measures = plan.measures
    defaults = [[evaluate_measure(m, rep, day) for m in measures] for rep in reps]
    # 3. Touched pairs: (organisation, measure) from the records, plus measures read per organisation.
    org_arr = np.asarray(rec_org, dtype=np.int64)
    code_arr = np.asarray(rec_code, dtype=np.int64)
    pairs_m = plan.code_to_measures[code_arr]  # (records, width), -1 padded
    pair_org = np.repeat(org_arr, pairs_m.shape[1])
    pair_mea = pairs_m.reshape(-1)
    keep = pair_mea >= 0
    pair_key = np.unique(pair_org[keep] * len(measures) + pair_mea[keep])
    if plan.always:
        extra = (np.arange(n, dtype=np.int64)[:, None] * len(measures) + np.asarray(plan.always)[None, :]).ravel()
        pair_key = np.union1d(pair_key, extra)
    rows: list[list[MeasureResult]] = [list(defaults[s]) for s in sig_ids.tolist()]
    for key in pair_key.tolist():
        i, j = divmod(key, len(measures))
        rows[i][j] = evaluate_measure(measures[j], profiles[i], day)
    warnings = policy_warnings(rs, day)
    has_groups = any(p.exclusive_groups for p in rs.policies)
    out = []
    for p, row in zip(profiles, rows, strict=True):
        res = apply_exclusive_groups(rs, row) if has_groups else row
        out.append(Evaluation(profile_id=p.id, as_of=day, results=res, warnings=list(warnings)))
    return out
