"""The reasons, written a column (one indicator over every enterprise) at a time, and the columnar batch
result they belong to.

Why columns: the parts of a reason shared by many enterprises — the segment of a piecewise-linear function,
"得满分10分的67%：6.7分" — are looked up rather than formatted again, and a batch of 100,000 enterprises keeps
its 1.8 million reasons as 18 lists of strings instead of 1.8 million objects. `BatchResult.evaluation(i)`
gathers one enterprise's row into an `Evaluation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .model import ScoreModel, num
from .profile import ScoreProfile
from .results import Evaluation, IndicatorResult, Position

if TYPE_CHECKING:
    from .engine import _Scored


_CENTS_TEXT: dict[int, str] = {}


def _cents_text(c: int) -> str:
    """Points in hundredths as a clerk writes them (6.7, 10, 3.81); memoised: only a few thousand occur."""
    t = _CENTS_TEXT.get(c)
    if t is None:
        t = _CENTS_TEXT[c] = num(c / 100)
    return t


_SHARE_TEXT: dict[tuple[int, float], str] = {}


def _share_text(c: int, mx: float) -> str:
    key = (c, mx)
    t = _SHARE_TEXT.get(key)
    if t is None:
        t = _SHARE_TEXT[key] = _pct_text(c / 100 / mx)
    return t


def _pct_text(x: float) -> str:
    return f"{num(round(x * 100, 1))}%"


def _stage_why(model: ScoreModel, rule_id: str, age: float, revenue: float) -> str:
    rule = model.stage(rule_id)
    known = []
    known.append(f"成立{num(age)}年" if age == age else "成立年限未知")
    known.append(f"营业收入{num(revenue)}万元" if revenue == revenue else "营业收入未知")
    return f"{'，'.join(known)}：{rule.description or rule.label}，属{rule.label}"


class _Texts:
    """The parts of the reasons that do not depend on the enterprise, worked out once per model."""

    def __init__(self, model: ScoreModel) -> None:
        self.model = model
        self.how: list[str] = []  # log / cap: the whole middle part
        self.segments: list[list[str]] = []  # thresholds: text per segment, [below first, ..., at/above last]
        for ind in model.indicators:
            sc, u = ind.scoring, ind.unit
            segs: list[str] = []
            how = ""
            if sc.kind == "thresholds":
                pts = sc.points
                segs.append(f"不高于{num(pts[0][0])}{u}")
                for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
                    segs.append(f"介于{num(x0)}{u}（{_pct_text(y0)}）与{num(x1)}{u}（{_pct_text(y1)}）之间，线性插值")
                segs.append(f"达到{num(pts[-1][0])}{u}（满档）")
            elif sc.kind == "log":
                how = f"对数计分，{num(sc.high)}{u}及以上为满分"
            elif sc.kind == "cap":
                how = f"{num(sc.cap)}{u}封顶"
            self.how.append(how)
            self.segments.append(segs)
        self.missing = [f"暂无该项数据，按模型计满分的{_pct_text(ind.missing_fraction)}：" for ind in model.indicators]
        self.xs = [[p[0] for p in ind.scoring.points] for ind in model.indicators]
        self.stage_weights = [[model.weights[s][ind.id] for ind in model.indicators] for s in model.stage_order]
        self.stage_max = [[num(w) for w in ws] for ws in self.stage_weights]
        self.stage_labels = [model.stage(s).label for s in model.stage_order]


_texts: dict[int, tuple[ScoreModel, _Texts]] = {}


def _texts_for(model: ScoreModel) -> _Texts:
    hit = _texts.get(id(model))
    if hit is None or hit[0] is not model:
        hit = _texts[id(model)] = (model, _Texts(model))
    return hit[1]


def _column_whys(tx: _Texts, sc: _Scored, j: int) -> list[str]:
    """The reason for indicator j on every row."""
    ind = tx.model.indicators[j]
    unit = ind.unit
    kind = ind.scoring.kind
    vals = sc.values[:, j]
    stages = sc.stage.tolist()
    cents = sc.cents[:, j].tolist()
    tails: dict[tuple[int, int], str] = {}
    weights = [ws[j] for ws in tx.stage_weights]
    maxes = [ms[j] for ms in tx.stage_max]
    if kind == "thresholds":
        segs = tx.segments[j]
        xs = np.asarray(tx.xs[j])
        seg_idx = np.searchsorted(xs, vals, side="right")  # 0 below the first point ... len at/above the last
        seg_idx = np.where(vals <= xs[0], 0, seg_idx)
        hows = [segs[k] for k in seg_idx.tolist()]
    elif kind == "percentile":
        refs = sc.cohort.fact_values
        hows = []
        for s, p in zip(stages, sc.pct[:, j].tolist(), strict=True):
            ref = refs.get((s, j))
            size = int(ref.size) if ref is not None else 1
            hows.append(f"在同阶段{size}家有数据的企业中位于第{num(round(p, 1))}百分位" if p == p else "")
    else:
        hows = [tx.how[j]] * len(stages)
    out: list[str] = []
    missing = tx.missing[j]
    for v, c, s, how in zip(vals.tolist(), cents, stages, hows, strict=True):
        mx = weights[s]
        if mx == 0:
            out.append("本阶段该指标权重为0，不计分")
            continue
        if v != v:
            out.append(f"{missing}{_cents_text(c)}分")
            continue
        tail = tails.get((s, c))
        if tail is None:
            tail = tails[(s, c)] = f"，得满分{maxes[s]}分的{_share_text(c, mx)}：{_cents_text(c)}分"
        out.append(f"{num(v)}{unit}，{how}{tail}")
    return out


class BatchResult:
    """Columnar results of one scoring run: every reason is written when the result is made."""

    def __init__(self, model: ScoreModel, scored: _Scored, profiles: Sequence[ScoreProfile],
                 as_of: dt.date) -> None:
        self.model = model
        self.scored = scored
        self.profiles = profiles
        self.as_of = as_of
        tx = self.texts = _texts_for(model)
        self.whys = [_column_whys(tx, scored, j) for j in range(len(model.indicators))]
        self.stages = scored.stage.tolist()
        self.totals = scored.totals.tolist()
        ranks, sizes, pcts = scored.rank.tolist(), scored.size.tolist(), scored.position_pct.tolist()
        self.positions = [(Position(r[0], z[0], p[0]), Position(r[1], z[1], p[1]))
                          for r, z, p in zip(ranks, sizes, pcts, strict=True)]
        tiers = [model.tier_for(sp.percentile) for sp, _rp in self.positions]
        self.tiers = tiers
        self.tier_whys = [f"在同阶段{sp.size}家企业中排第{sp.rank}名、位于第{num(sp.percentile)}百分位，"
                          f"{t.label}的百分位下限为{num(t.min_percentile)}"
                          for (sp, _rp), t in zip(self.positions, tiers, strict=True)]
        self.stage_whys = [_stage_why(model, model.stage_order[s], a, r) for s, a, r in
                           zip(self.stages, scored.age.tolist(), scored.revenue.tolist(), strict=True)]
        self._cat_index = [next(n for n, c in enumerate(model.categories) if c.id == ind.category)
                           for ind in model.indicators]
        self._cat_max = [[0.0] * len(model.categories) for _ in model.stage_order]
        for s, ws in enumerate(tx.stage_weights):
            for j, w in enumerate(ws):
                self._cat_max[s][self._cat_index[j]] += w

    def __len__(self) -> int:
        return len(self.profiles)

    def category_points(self) -> np.ndarray:
        """n × categories subtotals in hundredths of a point."""
        out = np.zeros((len(self.profiles), len(self.model.categories)), dtype=np.int64)
        for j, c in enumerate(self._cat_index):
            out[:, c] += self.scored.cents[:, j]
        return out

    def evaluation(self, i: int) -> Evaluation:
        model, tx, sc = self.model, self.texts, self.scored
        profile = self.profiles[i]
        s = self.stages[i]
        weights = tx.stage_weights[s]
        row_v = sc.values[i].tolist()
        row_c = sc.cents[i].tolist()
        sources = profile.sources
        cat_pts = [0] * len(model.categories)
        results = []
        missing = []
        for j, ind in enumerate(model.indicators):
            v, c = row_v[j], row_c[j]
            cat_pts[self._cat_index[j]] += c
            is_missing = v != v
            if is_missing:
                missing.append(ind.fact)
            results.append(IndicatorResult(
                ind.id, ind.name, ind.category, ind.fact, ind.unit, None if is_missing else v,
                sources.get(ind.fact, "" if is_missing else "档案填报"), is_missing, c / 100, weights[j],
                self.whys[j][i]))
        sp, rp = self.positions[i]
        tier = self.tiers[i]
        return Evaluation(
            profile_id=profile.id, name=profile.name, region=profile.region, model_id=model.id,
            model_version=model.version, as_of=self.as_of, stage=model.stage_order[s],
            stage_label=tx.stage_labels[s], stage_why=self.stage_whys[i], total=self.totals[i] / 100,
            max_total=model.total_points,
            categories=tuple((c.id, c.label, cat_pts[n] / 100, self._cat_max[s][n])
                             for n, c in enumerate(model.categories)),
            indicators=tuple(results), missing_facts=tuple(missing), stage_position=sp, region_position=rp,
            tier=tier.id, tier_label=tier.label, tier_why=self.tier_whys[i],
        )

    def evaluations(self) -> Iterator[Evaluation]:
        for i in range(len(self.profiles)):
            yield self.evaluation(i)

    def row_dicts(self) -> Iterator[dict[str, Any]]:
        for ev in self.evaluations():
            yield ev.to_dict()
