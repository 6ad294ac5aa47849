"""What-if: for each indicator, the nearest improvement that earns more points (the next breakpoint of a
piecewise-linear function, doubling on a log scale, one more unit below a cap, overtaking the next enterprise
on a percentile), and how many points it adds; best first. The stage is held as it is: the hint answers "which
single figure, improved, raises my total most", not "what if I became a different kind of enterprise"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from .model import ScoreModel, num
from .profile import ScoreProfile


def hints(profile: ScoreProfile, model: ScoreModel, as_of: dt.date, cohort: Any) -> list[dict[str, Any]]:
    from .engine import _score

    base = _score(model, [profile], as_of, cohort)
    s = int(base.stage[0])
    stage_id = model.stage_order[s]
    out: list[dict[str, Any]] = []
    for j, ind in enumerate(model.indicators):
        w = model.weights[stage_id][ind.id]
        if w == 0:
            continue
        old = profile.facts.get(ind.fact)
        ref = cohort.fact_values.get((s, j)) if ind.scoring.kind == "percentile" else None
        if ref is not None and old is not None:
            # the cohort without this enterprise's own value: it is overtaking the others
            k = int(np.searchsorted(ref, old))
            ref = np.delete(ref, k) if k < ref.size and ref[k] == old else ref
        target = ind.scoring.next_target(old, ref)
        if target is None:
            continue
        if ind.scoring.kind == "percentile":
            others = ref if ref is not None else np.array([])
            if target <= (old if old is not None else -np.inf) or others.size == 0:
                continue
            merged = np.sort(np.append(others, target))
            left = np.searchsorted(merged, target, side="left")
            right = np.searchsorted(merged, target, side="right")
            share = float((left + 0.5 * (right - left)) / merged.size)
            new_cents = int(np.rint(w * share * 100.0))
        else:
            share = float(ind.scoring.shares(np.array([target]))[0])
            new_cents = int(np.rint(w * share * 100.0))
        gain = new_cents - int(base.cents[0, j])
        if gain <= 0:
            continue
        frm = "暂无数据" if old is None else f"{num(old)}{ind.unit}"
        out.append({
            "indicator": ind.id, "name": ind.name, "fact": ind.fact, "from": old, "to": target,
            "gain": gain / 100,
            "text": f"{ind.name}由{frm}提高到{num(target)}{ind.unit}，总分可增加{num(gain / 100)}分",
        })
    out.sort(key=lambda h: (-h["gain"], h["indicator"]))
    return out
