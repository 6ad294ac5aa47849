"""Batch evaluation (免申即享): every measure for many organisations at once.

Why this is fast without a second implementation of the rules: a measure's outcome depends only on the facts it
reads. For an organisation holding none of the records a measure is triggered by (nearly all pairs), those are
the kind, a few flags, which collections are present and, for a measure computed from a yearly figure, that
figure. So, per measure, the organisations are grouped by those facts — integer columns combined into one key
with numpy, `np.unique` — the measure is evaluated once per group with the ordinary engine, and the result is
spread down the column. Only the (organisation, measure) pairs that an organisation's own records touch (found
by mapping record types to measures with array operations) are evaluated one by one. The results are identical
to `evaluate`, traces included, by construction; a property test checks it.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
from collections.abc import Sequence

import numpy as np

from .engine import (
    INELIGIBLE,
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
        # Per measure: the scalar facts and the collections (presence only) it reads when the organisation
        # holds none of its records. Measures with no trigger read yearly figures: evaluated per organisation.
        self.reads_facts: list[tuple[str, ...]] = []
        self.reads_colls: list[tuple[str, ...]] = []
        self.base_fact: list[str | None] = []
        for i, m in enumerate(self.measures):
            rf: list[str] = ["kind"]
            rc: list[str] = []
            for c in m.conditions:
                for a in c.alternatives if isinstance(c, AnyOf) else (c,):
                    if isinstance(a, Test):
                        rf.append(a.field)
                        if a.field not in facts:
                            facts.append(a.field)
                    if isinstance(a, Holds):
                        rc.append(a.collection)
                        for t in a.types:
                            touch.setdefault((a.collection, t), []).append(i)
            base: str | None = None
            if m.trigger is None:
                # Reads a yearly figure, but only once every check has passed: grouped in a second stage.
                b = m.amount.base
                if b is not None and b.startswith("fact."):
                    base = b[5:]
                    if base not in facts:
                        facts.append(base)
            else:
                rc.append(m.trigger.collection)
                for t in m.trigger.types:
                    touch.setdefault((m.trigger.collection, t), []).append(i)
            self.reads_facts.append(tuple(dict.fromkeys(rf)))
            self.base_fact.append(base)
            self.reads_colls.append(tuple(dict.fromkeys(rc)))
        self.facts = tuple(facts)
        self.touch = {k: tuple(sorted(set(v))) for k, v in touch.items()}
        # Integer code per (collection, type) so that touched measures can be found with array operations.
        self.type_codes = {k: n for n, k in enumerate(sorted(self.touch))}
        width = max((len(v) for v in self.touch.values()), default=0)
        self.code_to_measures = np.full((len(self.type_codes) + 1, max(width, 1)), -1, dtype=np.int32)
        for k, n in self.type_codes.items():
            ms = self.touch[k]
            self.code_to_measures[n, : len(ms)] = ms


_plans: dict[int, tuple[RuleSet, _Plan]] = {}


def _plan(rules: RuleSet) -> _Plan:
    hit = _plans.get(id(rules))
    if hit is None or hit[0] is not rules:
        hit = _plans[id(rules)] = (rules, _Plan(rules))
    return hit[1]


def evaluate_batch(
    profiles: Sequence[Profile], as_of: dt.date | None = None, rules: RuleSet | None = None
) -> list[Evaluation]:
    """Evaluate every measure for every profile; same results as `[evaluate(p, as_of, rules) for p in ...]`."""
    # Millions of small acyclic objects are created here; the cyclic garbage collector would rescan the whole
    # growing heap again and again (it made the run 2x slower at 100,000 organisations), and finds nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _evaluate_batch(profiles, as_of, rules)
    finally:
        if was_enabled:
            gc.enable()


def _evaluate_batch(
    profiles: Sequence[Profile], as_of: dt.date | None, rules: RuleSet | None
) -> list[Evaluation]:
    rs = rules if rules is not None else default_rules()
    day = as_of if as_of is not None else dt.date.today()
    plan = _plan(rs)
    n = len(profiles)
    if n == 0:
        return []
    measures = plan.measures
    n_m = len(measures)
    # 1. Columns of facts: an integer code per (organisation, fact) and a presence bit per collection;
    #    and the (organisation, type code) pairs of the records.
    fact_codes: dict[str, dict[object, int]] = {f: {None: 0} for f in plan.facts}
    fact_cols = {f: np.zeros(n, dtype=np.int64) for f in plan.facts}
    coll_cols = {c: np.zeros(n, dtype=np.int64) for c in plan.collections}
    rec_org: list[int] = []
    rec_code: list[int] = []
    codes = plan.type_codes
    for i, p in enumerate(profiles):
        pf = p.facts
        for f in plan.facts:
            v = pf.get(f)
            if v is not None:
                table = fact_codes[f]
                c = table.get(v)
                if c is None:
                    c = table[v] = len(table)
                fact_cols[f][i] = c
        for name, recs in p.collections.items():
            coll_cols[name][i] = 1
            for r in recs:
                code = codes.get((name, r.type))
                if code is not None:
                    rec_org.append(i)
                    rec_code.append(code)
    # 2. Default result of each measure for organisations holding none of its records: one evaluation per
    #    distinct combination of the facts the measure reads, spread over the column with numpy.
    grid = np.empty((n, n_m), dtype=object)
    for j, m in enumerate(measures):
        reads_f, reads_c = plan.reads_facts[j], plan.reads_colls[j]
        cols = [fact_cols[f] for f in reads_f] + [coll_cols[c] for c in reads_c]
        sizes = [len(fact_codes[f]) for f in reads_f] + [2] * len(reads_c)
        first, inverse = _group(cols, sizes, n)
        protos = np.empty(len(first), dtype=object)
        for u, i in enumerate(first.tolist()):
            src = profiles[i]
            rep = Profile(
                facts={f: src.facts[f] for f in reads_f if f in src.facts},
                collections={cn: () for cn in reads_c if cn in src.collections},
            )
            protos[u] = evaluate_measure(m, rep, day)
        grid[:, j] = protos[inverse]
        base = plan.base_fact[j]
        if base is None:
            continue
        # Second stage: where the checks passed (or were undecided) the amount needs the yearly figure.
        unsettled = np.array([r.status != INELIGIBLE for r in protos], dtype=bool)
        idx = np.nonzero(unsettled[inverse])[0]
        if idx.size == 0:
            continue
        first2, inverse2 = _group(
            [c[idx] for c in cols] + [fact_cols[base][idx]], [*sizes, len(fact_codes[base])], idx.size
        )
        protos2 = np.empty(len(first2), dtype=object)
        for u, k in enumerate(first2.tolist()):
            src = profiles[int(idx[k])]
            rep = Profile(
                facts={f: src.facts[f] for f in (*reads_f, base) if f in src.facts},
                collections={cn: () for cn in reads_c if cn in src.collections},
            )
            protos2[u] = evaluate_measure(m, rep, day)
        grid[idx, j] = protos2[inverse2]
    # 3. Touched pairs: (organisation, measure) from the records, evaluated one by one.
    org_arr = np.asarray(rec_org, dtype=np.int64)
    code_arr = np.asarray(rec_code, dtype=np.int64)
    pairs_m = plan.code_to_measures[code_arr]  # (records, width), -1 padded
    pair_org = np.repeat(org_arr, pairs_m.shape[1])
    pair_mea = pairs_m.reshape(-1)
    keep = pair_mea >= 0
    # A record cannot change the outcome where the evaluation stops before reading records: the measure is
    # not in force on the day, or the organisation's kind is known and not among the beneficiaries. Those
    # pairs keep the default of step 2 (the same result evaluate() gives).
    kind_values = list(fact_codes["kind"])  # code -> value, in code order
    lut = np.ones((n_m + 1, len(kind_values)), dtype=bool)  # row n_m: padding for the -1 entries
    for j, m in enumerate(measures):
        if (m.effective_from and day < m.effective_from) or (m.effective_to and day > m.effective_to):
            lut[j, :] = False
        elif m.beneficiary_kinds is not None:
            lut[j, :] = [v is None or v in m.beneficiary_kinds for v in kind_values]
    keep &= lut[pair_mea, fact_cols["kind"][pair_org]]
    pair_key = np.unique(pair_org[keep] * n_m + pair_mea[keep])
    rows: list[list[MeasureResult]] = grid.tolist()
    for i, j in zip((pair_key // n_m).tolist(), (pair_key % n_m).tolist(), strict=True):
        rows[i][j] = evaluate_measure(measures[j], profiles[i], day)
    warnings = policy_warnings(rs, day)
    has_groups = any(p.exclusive_groups for p in rs.policies)
    out = []
    for p, row in zip(profiles, rows, strict=True):
        final = apply_exclusive_groups(rs, row) if has_groups else row
        out.append(Evaluation(profile_id=p.id, as_of=day, results=final, warnings=list(warnings), profile=p))
    return out


def _group(cols: list[np.ndarray], sizes: list[int], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows with equal values in every column: (first row of each group, group of each row)."""
    if not cols:
        return np.zeros(1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    if math.prod(sizes) < 2**62:
        key = np.zeros(n, dtype=np.int64)
        for col, size in zip(cols, sizes, strict=True):
            key = key * size + col  # mixed-radix number: one integer per combination of facts
        _uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    else:  # too many combinations for one int64: unique rows instead (slower, same result)
        _rows, first, inverse = np.unique(np.stack(cols, axis=1), axis=0, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)
