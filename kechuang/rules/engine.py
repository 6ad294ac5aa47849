"""Per-profile evaluation: every measure -> eligible / ineligible / undetermined, amount, trace.

Three-valued logic: each check passes, fails, or cannot be decided because a fact is missing. Any failure makes
the measure ineligible (a missing fact cannot rescue it); otherwise any missing fact makes it undetermined and
the missing facts are listed. A missing fact is never read as zero or "no".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Final

from .facts import COLLECTIONS, KINDS, LEVELS, SCALAR_FACTS, Profile, Record, ref_label
from .loader import load_policies
from .model import AnyOf, Holds, Measure, Policy, RuleSet, Test

ELIGIBLE: Final = "eligible"
INELIGIBLE: Final = "ineligible"
UNDETERMINED: Final = "undetermined"

_default_rules: RuleSet | None = None


def default_rules() -> RuleSet:
    """The packaged policies, loaded once per process (they are immutable)."""
    global _default_rules
    if _default_rules is None:
        _default_rules = load_policies()
    return _default_rules


@dataclass(frozen=True, slots=True)
class MeasureResult:
    """The outcome of one measure for one organisation. Treat as read-only: batch results share instances."""

    measure_id: str
    policy: str
    clause: str
    clause_text: str
    title: str
    status: str
    amount_min: int | None
    amount_max: int | None
    missing_facts: list[str]
    trace: list[str]
    decided_by: list[str] = field(default_factory=list)
    benefit: str = "grant"
    payout_frequency: str = "once"
    payout_years: int | None = None
    potential_max: int | None = None  # undetermined: the most it could pay once the missing facts are known

    @property
    def total_min(self) -> int | None:
        return _times(self.amount_min, self.payout_years)

    @property
    def total_max(self) -> int | None:
        return _times(self.amount_max, self.payout_years)

    def to_json(self, label: Callable[[str], str] | None = None) -> dict[str, Any]:
        """JSON of the result. With `label` (an Evaluation's), the fact paths also come in Chinese: the ids stay
        for programs, `decided_by_labels` / `missing_labels` are what a person reads."""
        extra: dict[str, Any] = {}
        if label is not None:
            extra = {"decided_by_labels": [label(x) for x in self.decided_by],
                     "missing_labels": [label(x) for x in self.missing_facts]}
        return {
            "measure_id": self.measure_id,
            "policy": self.policy,
            "clause": self.clause,
            "title": self.title,
            "clause_text": self.clause_text,
            "status": self.status,
            "amount_min": self.amount_min,
            "amount_max": self.amount_max,
            "benefit": self.benefit,
            "payout": {"frequency": self.payout_frequency, "years": self.payout_years},
            "total_min": self.total_min,
            "total_max": self.total_max,
            "potential_max": self.potential_max,
            "missing_facts": list(self.missing_facts),
            "decided_by": list(self.decided_by),
            **extra,
            "trace": list(self.trace),
        }


def _times(a: int | None, years: int | None) -> int | None:
    if a is None:
        return None
    return a * years if years else a


@dataclass(frozen=True, slots=True)
class Evaluation:
    profile_id: str | None
    as_of: dt.date
    results: list[MeasureResult]
    warnings: list[str] = field(default_factory=list)
    # The profile evaluated, to name its records in Chinese (labels are computed only when asked for: a batch
    # of 100,000 organisations should not format names nobody reads).
    profile: Profile | None = field(default=None, compare=False, repr=False)

    def label(self, ref: str) -> str:
        """The Chinese name of a fact path or measure id in `decided_by` / `missing_facts`."""
        for r in self.results:
            if r.measure_id == ref:
                return f"{r.clause}{r.title}"
        return ref_label(ref, self.profile)

    def result(self, measure_id: str) -> MeasureResult:
        for r in self.results:
            if r.measure_id == measure_id:
                return r
        raise KeyError(measure_id)

    def eligible(self) -> list[MeasureResult]:
        return [r for r in self.results if r.status == ELIGIBLE]

    def grant_total(self) -> tuple[int, int]:
        """Sum of eligible cash grants over their payout period (yearly measures x years)."""
        lo = hi = 0
        for r in self.results:
            if r.status == ELIGIBLE and r.benefit == "grant":
                lo += r.total_min or 0
                hi += r.total_max or 0
        return lo, hi

    def to_dict(self) -> dict[str, Any]:
        lo, hi = self.grant_total()
        counts = {s: sum(1 for r in self.results if r.status == s) for s in (ELIGIBLE, UNDETERMINED, INELIGIBLE)}
        return {
            "profile_id": self.profile_id,
            "as_of": self.as_of.isoformat(),
            "summary": {**counts, "grant_total_min": lo, "grant_total_max": hi},
            "benefits": [r.measure_id for r in self.results if r.status == ELIGIBLE],
            "warnings": list(self.warnings),
            "results": [r.to_json(self.label) for r in self.results],
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


# ---------------------------------------------------------------------------------------------------------
# Formatting helpers (Chinese trace lines)
# ---------------------------------------------------------------------------------------------------------


def yuan(n: int) -> str:
    return f"{n:,} 元"


@functools.lru_cache(maxsize=256)
def pct(f: Fraction) -> str:
    v = f * 100
    return f"{float(v):g}%"


def _fact_label(name: str) -> str:
    return SCALAR_FACTS[name].label


def _show(value: Any, spec_values: Any = None) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if spec_values is not None and isinstance(value, str) and value in spec_values:
        return str(spec_values[value])
    return str(value)


def _test_line(t: Test, name_label: str, actual: Any, ok: bool, values: Any = None) -> str:
    want = t.label or f"{name_label}{t.op}{'' if t.value is None else _show(t.value)}"
    verdict = "符合" if ok else "不符合"
    return f"{name_label}为“{_show(actual, values)}”，{verdict}“{want}”"


# ---------------------------------------------------------------------------------------------------------
# Evaluation of one measure
# ---------------------------------------------------------------------------------------------------------


class _Acc:
    """Accumulates the outcome of the checks of one measure."""

    __slots__ = ("decided", "failed", "missing", "missing_labels", "trace")

    def __init__(self, head: str) -> None:
        self.trace: list[str] = [head]
        self.missing: list[str] = []
        self.missing_labels: list[str] = []  # the same facts in Chinese, for the verdict line
        self.decided: list[str] = []
        self.failed = False

    def ok(self, line: str, ref: str | None = None) -> None:
        self.trace.append("✓ " + line)
        if ref is not None and ref not in self.decided:
            self.decided.append(ref)

    def fail(self, line: str, ref: str | None = None) -> None:
        self.failed = True
        self.trace.append("✗ " + line)
        if ref is not None and ref not in self.decided:
            self.decided.append(ref)

    def unknown(self, line: str, ref: str, label: str | None = None) -> None:
        self.trace.append("? " + line)
        if ref not in self.missing:
            self.missing.append(ref)
            self.missing_labels.append(label if label is not None else ref_label(ref))


def measure_head(m: Measure) -> str:
    return f"{m.clause}{m.title}：“{m.clause_text}”"


class _Texts:
    """Trace fragments that depend only on the measure, built once (batch runs format millions of lines)."""

    __slots__ = ("allowed", "coll_label", "head", "measure", "none_line", "potential", "wanted")

    def __init__(self, m: Measure) -> None:
        self.measure = m  # keeps m alive so that id(m) is never reused while cached
        self.head = measure_head(m)
        self.allowed = "、".join(KINDS[k] for k in m.beneficiary_kinds) if m.beneficiary_kinds else ""
        self.wanted = "/".join(COLLECTIONS[m.trigger.collection][1][t] for t in m.trigger.types) if m.trigger else ""
        self.coll_label = COLLECTIONS[m.trigger.collection][0] if m.trigger else ""
        self.none_line = f"{self.coll_label}中没有“{self.wanted}”"
        self.potential = _potential(m)


_texts_cache: dict[int, _Texts] = {}


def _texts(m: Measure) -> _Texts:
    t = _texts_cache.get(id(m))
    if t is None:
        t = _texts_cache[id(m)] = _Texts(m)
    return t


_versions_cache: dict[tuple[int, int], tuple[Measure, str]] = {}


def measure_as_of(m: Measure, as_of: dt.date) -> tuple[Measure, str]:
    """The measure with the parameters in force on `as_of`, and the trace line naming them.

    A later version (the final text superseding the draft from a date) replaces the amount and the trigger's
    thresholds; everything else, and every earlier evaluation, is untouched. Cached: the objects are immutable
    and the batch asks for the same one millions of times."""
    versions = m.versions
    idx = 0
    if len(versions) > 1:  # most measures have one version: no scan
        for i in range(1, len(versions)):
            if versions[i].start <= as_of:
                idx = i
    key = (id(m), idx)
    hit = _versions_cache.get(key)
    if hit is None:
        v = versions[idx] if versions else m.version_at(as_of)
        eff = m
        if idx > 0:
            trig = dataclasses.replace(m.trigger, where=v.where) if m.trigger is not None else None
            eff = dataclasses.replace(m, amount=v.amount, trigger=trig)
        line = f"· 参数：依据{v.reference}，自 {v.start} 起适用" if v.reference else ""
        # Keep `m` alive with its entry so that id(m) is never reused while cached.
        hit = _versions_cache[key] = (eff, line)
        _versions_keep.append(m)
    return hit


_versions_keep: list[Measure] = []


def evaluate_measure(m: Measure, profile: Profile, as_of: dt.date) -> MeasureResult:
    m, params_line = measure_as_of(m, as_of)
    tx = _texts(m)
    acc = _Acc(tx.head)
    if params_line:
        acc.trace.append(params_line)
    # 1. Is the measure in force on the evaluation date?
    if m.effective_from and as_of < m.effective_from or m.effective_to and as_of > m.effective_to:
        acc.fail(f"评估日期 {as_of} 不在措施有效期（{m.effective_from} 至 {m.effective_to or '长期'}）内")
        return _result(m, acc, INELIGIBLE, None, None)
    # 2. Beneficiary kind.
    if m.beneficiary_kinds is not None:
        kind = profile.facts.get("kind")
        allowed = tx.allowed
        if kind is None:
            acc.unknown(f"未提供主体类型，受益对象为：{allowed}", "kind")
        elif kind not in m.beneficiary_kinds:
            acc.fail(f"主体类型为“{KINDS[kind]}”，不属于受益对象（{allowed}）", "kind")
            return _result(m, acc, INELIGIBLE, None, None)
        else:
            acc.ok(f"主体类型为“{KINDS[kind]}”，属于受益对象", "kind")
    # 3. Conditions on the organisation.
    for c in m.conditions:
        _check_condition(c, profile, as_of, acc)
    # 4. The dated records that give rise to the measure, and the amount.
    amount: tuple[int | None, int | None] = (None, None)
    potential: int | None = None
    # Once a check has failed no amount is computed (the trace would otherwise show a sum nobody gets, and the
    # batch relies on an ineligible outcome not depending on the amount's base).
    if m.trigger is None:
        if not acc.failed:
            amount, potential = _amount_from_facts(m, profile, acc)
    else:
        amount, potential = _check_trigger(m, profile, as_of, acc)
    if acc.failed:
        return _result(m, acc, INELIGIBLE, None, None)
    if acc.missing:
        return _result(m, acc, UNDETERMINED, None, None, potential)
    return _result(m, acc, ELIGIBLE, amount[0], amount[1])


def _result(
    m: Measure, acc: _Acc, status: str, lo: int | None, hi: int | None, potential: int | None = None
) -> MeasureResult:
    if status == ELIGIBLE:
        if m.amount.form in ("non_monetary", "unspecified"):
            acc.trace.append(f"结论：符合条件，{m.amount.description}")
        elif lo == hi:
            acc.trace.append(f"结论：符合条件，金额 {yuan(lo or 0)}" + _yearly(m))
        else:
            acc.trace.append(f"结论：符合条件，金额 {yuan(lo or 0)} 至 {yuan(hi or 0)}（由评审确定）" + _yearly(m))
    elif status == UNDETERMINED:
        acc.trace.append("结论：待定，缺少事实：" + "、".join(acc.missing_labels))
    else:
        acc.trace.append("结论：不符合条件")
    # Positional: this runs millions of times in a batch, and keyword passing costs a fifth of it.
    return MeasureResult(
        m.id,
        m.policy,
        m.clause,
        m.clause_text,
        m.title,
        status,
        lo,
        hi,
        # Once a check has failed the missing facts cannot change the outcome, so they are not asked for.
        acc.missing if status == UNDETERMINED else [],
        acc.trace,
        acc.decided,
        m.benefit,
        m.payout.frequency,
        m.payout.years,
        potential if status == UNDETERMINED else None,
    )


def _yearly(m: Measure) -> str:
    if m.payout.frequency == "yearly":
        return f"／年，连续 {m.payout.years} 年" if m.payout.years else "／年"
    return ""


def _check_condition(c: Test | Holds | AnyOf, profile: Profile, as_of: dt.date, acc: _Acc) -> None:
    if isinstance(c, AnyOf):
        sub = [_cond_value(a, profile, as_of) for a in c.alternatives]
        label = c.label or "任一条件"
        if any(v is True for v, _l, _r in sub):
            line, ref = next((lbl, r) for v, lbl, r in sub if v is True)
            acc.ok(f"{line}（满足“{label}”）", ref)
        elif any(v is None for v, _l, _r in sub):
            for v, line, ref in sub:
                if v is None:
                    acc.unknown(f"{line}（“{label}”无法判断）", ref)
        else:
            acc.fail(f"不满足“{label}”：" + "；".join(lbl for _v, lbl, _r in sub), sub[0][2])
        return
    v, line, ref = _cond_value(c, profile, as_of)
    if v is None:
        acc.unknown(line, ref)
    elif v:
        acc.ok(line, ref)
    else:
        acc.fail(line, ref)


def _cond_value(c: Test | Holds, profile: Profile, as_of: dt.date) -> tuple[bool | None, str, str]:
    if isinstance(c, Holds):
        label = c.label or "持有" + "/".join(COLLECTIONS[c.collection][1][t] for t in c.types)
        recs = profile.collections.get(c.collection)
        if recs is None:
            return None, f"未提供{COLLECTIONS[c.collection].label}，无法判断“{label}”", c.collection
        for r in recs:
            if r.type in c.types and r.date <= as_of:
                return True, f"{r.title} {r.label()}，符合“{label}”", r.ref
        return False, f"{COLLECTIONS[c.collection][0]}中没有“{label}”", c.collection
    spec = SCALAR_FACTS[c.field]
    actual = profile.facts.get(c.field)
    if actual is None:
        return None, f"未提供“{spec.label}”", c.field
    ok = c.holds(actual)
    return ok, _test_line(c, spec.label, actual, ok, spec.values), c.field


def _check_record_tests(m: Measure, r: Record, acc: _Acc) -> bool | None:
    """The record's own conditions (level, 新认定, thresholds). True/False, or None when a field is missing."""
    trig = m.trigger
    assert trig is not None
    status: bool | None = True
    levels = trig.levels_for(r.type)
    if levels is not None:
        if r.level is None:
            acc.unknown(f"{r.title} 未提供级别，需为{'/'.join(LEVELS[x] for x in levels)}", f"{r.ref}.level",
                        f"{r.title}的级别")
            status = None
        elif r.level not in levels:
            acc.trace.append(f"✗ {r.title} {r.label()}：级别不在{'/'.join(LEVELS[x] for x in levels)}之列")
            return False
    fields = COLLECTIONS[r.collection].fields
    for t in trig.where:
        actual = r.get(t.field)
        spec = fields[t.field]
        if actual is None:
            acc.unknown(f"{r.title} 未提供“{spec.label}”", f"{r.ref}.{t.field}", f"{r.title}的{spec.label}")
            status = None
            continue
        ok = t.holds(actual)
        line = f"{r.title} " + _test_line(t, spec.label, actual, ok, spec.values)
        acc.trace.append(("✓ " if ok else "✗ ") + line)
        if not ok:
            return False
    return status


def _in_period(m: Measure, r: Record, acc: _Acc) -> bool:
    lo, hi = m.effective_from, m.effective_to
    if (lo and r.date < lo) or (hi and r.date > hi):
        acc.trace.append(f"✗ {r.title} {r.label()}：日期不在政策期间（{lo} 至 {hi or '长期'}）内")
        return False
    return True


def _is_new(m: Measure, r: Record, same: Sequence[Record], acc: _Acc) -> bool:
    """新认定/首次认定: inside the measure's period, and no earlier record of the same type and level."""
    lo, hi = m.effective_from, m.effective_to
    if (lo and r.date < lo) or (hi and r.date > hi):
        acc.trace.append(f"✗ {r.title} {r.label()}：认定日期不在政策期间（{lo} 至 {hi or '长期'}）内，不属于新认定/首次认定")
        return False
    for o in same:
        earlier = o.date < r.date or (o.date == r.date and o.index < r.index)  # a same-day duplicate is not new
        if o is not r and o.type == r.type and o.level == r.level and earlier:
            acc.trace.append(f"✗ {r.title} {r.label()}：此前已于 {o.date} 获得同级认定（{o.title}），不属于新认定/首次认定")
            return False
    return True


def _check_trigger(
    m: Measure, profile: Profile, as_of: dt.date, acc: _Acc
) -> tuple[tuple[int | None, int | None], int | None]:
    trig = m.trigger
    assert trig is not None
    tx = _texts(m)
    wanted = tx.wanted
    recs = profile.collections.get(trig.collection)
    potential = tx.potential
    if recs is None:
        acc.unknown(f"未提供{tx.coll_label}，无法判断是否有“{wanted}”", trig.collection)
        return (None, None), potential
    types = trig.types
    cands: list[Record] = []
    for r in recs:
        if r.type in types:
            if r.date > as_of:
                acc.trace.append(f"· {r.title} {r.label()} 晚于评估日期 {as_of}，不计")
            else:
                cands.append(r)
    if not cands:
        acc.fail(tx.none_line, trig.collection)
        return (None, None), None
    if trig.consecutive is not None:
        return _check_consecutive(m, cands, acc), None
    passing: list[Record] = []
    any_unknown = False
    for r in sorted(cands, key=lambda x: (x.date, x.index)) if len(cands) > 1 else cands:
        st = _check_record_tests(m, r, acc)
        if st is False:
            continue
        if trig.new and not _is_new(m, r, cands, acc):
            continue
        if trig.in_period and not _in_period(m, r, acc):
            continue
        if st is None:
            any_unknown = True
            continue
        acc.ok(f"{r.title} {r.label()}" + ("：属新认定/首次认定" if trig.new else "") + "，符合条件", r.ref)
        passing.append(r)
    if not passing:
        if not any_unknown:
            acc.fail(f"没有符合条件的“{wanted}”记录")
        return (None, None), potential
    if acc.failed:
        return (None, None), None
    return _amount_for_records(m, passing, profile, acc), potential


def _check_consecutive(m: Measure, cands: list[Record], acc: _Acc) -> tuple[int | None, int | None]:
    trig = m.trigger
    assert trig is not None and trig.consecutive is not None
    c = trig.consecutive
    # A re-recognition "follows on" when it comes in or before the year the previous certificate expires:
    # certificates are issued in batches late in the year, so the day of the month is not significant.
    recs = sorted(cands, key=lambda r: r.date)
    best: list[Record] = [recs[0]]
    run: list[Record] = [recs[0]]
    breaks: list[str] = []
    for prev, nxt in zip(recs, recs[1:], strict=False):
        gap = nxt.date.year - prev.date.year
        # The certificate's own expiry date when the profile gives it, else the statutory term.
        expires = prev.values.get("expires")
        last_year = expires.year if isinstance(expires, dt.date) else prev.date.year + c.validity_years
        if gap >= 1 and nxt.date.year <= last_year:
            run.append(nxt)
        elif gap == 0:
            continue  # a duplicate entry for the same year's certificate is not a second recognition
        else:
            breaks.append(f"{prev.date.year}年认定的证书有效至{last_year}年，{nxt.date.year}年才再次认定，认定中断")
            run = [nxt]
        if len(run) >= len(best):  # on a tie, the most recent chain (the one a reader will look for)
            best = list(run)
    dates = "、".join(f"{r.date.year}年" for r in best)
    if len(best) >= c.min_count:
        for r in best:
            acc.decided.append(r.ref)
        acc.ok(f"连续 {len(best)} 次认定（{dates}），每次均在上一证书 {c.validity_years} 年有效期内续认，满足“连续{c.min_count}次以上（含{c.min_count}次）”")
        return _amount_for_records(m, [best[-1]], None, acc, quiet=True)
    for b in breaks:
        acc.trace.append("· " + b)
    acc.fail(f"最长连续认定为 {len(best)} 次（{dates}），不满足“连续{c.min_count}次以上（含{c.min_count}次）”",
             best[-1].ref)
    return (None, None)


def _potential(m: Measure) -> int | None:
    mx = m.amount.max_possible()
    if mx is None:
        return None
    if m.payout.frequency == "yearly" and m.payout.years:
        return mx * m.payout.years
    return mx


def _rate_amount(
    m: Measure, base: int, rate: Fraction, label: str, acc: _Acc
) -> tuple[int, int]:
    a = m.amount
    raw = (base * rate.numerator) // rate.denominator  # integer yuan, rounded down so a cap is never exceeded
    capped = raw if a.cap is None else min(raw, a.cap)
    word = "按1:1配套" if a.form == "ratio_of_grant" and rate == 1 else f"× {pct(rate)}"
    label = label.replace("（元）", "")
    line = f"金额：{label} {yuan(base)} {word} = {yuan(raw)}"
    if a.cap is not None and raw > a.cap:
        line += f"，超过上限 {yuan(a.cap)}，按上限计"
    if a.rate_bound == "ceiling":
        acc.trace.append(line + f"；原文为“不超过{pct(rate)}”，金额 0 至 {yuan(capped)} 由评审确定")
        return 0, capped
    if a.rate_bound == "floor":
        acc.trace.append(line + f"；原文为“不低于{pct(rate)}”，至少 {yuan(capped)}，至多 {label}全额")
        return capped, max(capped, base)
    acc.trace.append(line)
    return capped, capped


# One function per amount form, for one qualifying record: (lo, hi) in yuan, or (None, None) when the base is
# missing. A dispatch table rather than an if-chain, so a new form is one function and one entry (the loader's
# AMOUNT_FORMS and this table are checked against each other by a test).
_Range = tuple[int | None, int | None]


def _fixed_amount(m: Measure, r: Record, profile: Profile | None, acc: _Acc, quiet: bool) -> _Range:
    v = m.amount.value
    if not quiet:
        acc.trace.append(f"金额：{r.title} 定额 {yuan(v or 0)}")
    return v, v


def _tiered_amount(m: Measure, r: Record, profile: Profile | None, acc: _Acc, quiet: bool) -> _Range:
    tiers = m.amount.tiers
    assert tiers is not None and r.level is not None
    v = tiers[r.level]
    acc.trace.append(f"金额：{r.title} {LEVELS[r.level]}档 {yuan(v)}")
    return v, v


def _range_amount(m: Measure, r: Record, profile: Profile | None, acc: _Acc, quiet: bool) -> _Range:
    a = m.amount
    acc.trace.append(f"金额：{r.title} {yuan(a.min or 0)} 至 {yuan(a.max or 0)}，具体数额由评审确定")
    return a.min, a.max


def _based_amount(m: Measure, r: Record, profile: Profile | None, acc: _Acc, quiet: bool) -> _Range:
    """rate / ratio_of_grant: a rate of a record field or of a yearly fact."""
    a = m.amount
    assert a.base is not None
    if a.base.startswith("fact."):
        base = profile.facts.get(a.base[5:]) if profile is not None else None
        ref, label = a.base[5:], _fact_label(a.base[5:])
    else:
        base = r.values.get(a.base)
        ref, label = f"{r.ref}.{a.base}", f"{r.title}的{a.base_label}"
    rate = a.rates[r.level] if a.rates is not None and r.level is not None else a.rate
    assert rate is not None
    if base is None:
        acc.unknown(f"未提供“{label}”，无法计算金额", ref, label)
        return None, None
    if ref not in acc.decided:
        acc.decided.append(ref)
    return _rate_amount(m, int(base), rate, a.base_label, acc)


_RECORD_AMOUNT: Final[dict[str, Callable[[Measure, Record, Profile | None, _Acc, bool], _Range]]] = {
    "fixed": _fixed_amount,
    "tiered": _tiered_amount,
    "range": _range_amount,
    "rate": _based_amount,
    "ratio_of_grant": _based_amount,
}


def _amount_for_records(
    m: Measure, recs: list[Record], profile: Profile | None, acc: _Acc, quiet: bool = False
) -> tuple[int | None, int | None]:
    a = m.amount
    if a.form in ("non_monetary", "unspecified"):
        acc.trace.append(f"内容：{a.description}")
        return None, None
    if a.form == "per_unit":
        assert a.unit is not None
        n = sum(int(r.values.get("count", 1)) for r in recs)
        total = a.unit * n
        acc.trace.append(f"金额：每家 {yuan(a.unit)} × {n} 家 = {yuan(total)}")
        return total, total
    compute = _RECORD_AMOUNT[a.form]
    per_record = [(r, *compute(m, r, profile, acc, quiet)) for r in recs]
    known = [(r, lo, hi) for r, lo, hi in per_record if lo is not None and hi is not None]
    if not known:
        return None, None
    if m.per == "record":
        slo = sum(lo or 0 for _r, lo, _h in known)
        shi = sum(hi or 0 for _r, _l, hi in known)
        if len(known) > 1:
            acc.trace.append(f"按每条记录分别计发，合计 {yuan(slo)}" + ("" if slo == shi else f" 至 {yuan(shi)}"))
        return slo, shi
    best = max(known, key=lambda x: (x[2] or 0, x[1] or 0))
    if len(known) > 1:
        acc.trace.append(f"有 {len(known)} 条符合条件的记录，每个主体享受一次，按就高取 {best[0].title}")
    return best[1], best[2]


def _amount_from_facts(m: Measure, profile: Profile, acc: _Acc) -> tuple[tuple[int | None, int | None], int | None]:
    """Measures that no record triggers (e.g. a yearly figure of the organisation)."""
    a = m.amount
    potential = _potential(m)
    if a.form == "fixed":
        return (a.value, a.value), potential
    if a.form == "range":
        return (a.min, a.max), potential
    if a.form in ("non_monetary", "unspecified"):
        acc.trace.append(f"内容：{a.description}")
        return (None, None), None
    assert a.base is not None and a.base.startswith("fact.") and a.rate is not None
    name = a.base[5:]
    base = profile.facts.get(name)
    if base is None:
        acc.unknown(f"未提供“{_fact_label(name)}”，无法计算金额", name)
        return (None, None), potential
    if name not in acc.decided:
        acc.decided.append(name)
    return _rate_amount(m, int(base), a.rate, a.base_label, acc), potential


# ---------------------------------------------------------------------------------------------------------
# Evaluation of all measures
# ---------------------------------------------------------------------------------------------------------


def apply_exclusive_groups(rules: RuleSet, results: list[MeasureResult]) -> list[MeasureResult]:
    """不重复享受, 就高: within a group only the eligible member with the largest amount keeps it."""
    groups = [g for p in rules.policies for g in p.exclusive_groups]
    if not groups:
        return results
    index = {r.measure_id: i for i, r in enumerate(results)}
    out = list(results)
    for g in groups:
        members = [out[index[mid]] for mid in g.measures if mid in index]
        elig = [r for r in members if r.status == ELIGIBLE]
        if len(elig) < 2:
            continue
        keep = max(elig, key=lambda r: (r.amount_max or 0, r.amount_min or 0))
        for r in elig:
            if r is keep:
                continue
            trace = [*r.trace[:-1], f"✗ 与{keep.clause}“{keep.title}”不重复享受，按就高原则享受后者", "结论：不符合条件"]
            out[index[r.measure_id]] = MeasureResult(
                measure_id=r.measure_id, policy=r.policy, clause=r.clause, clause_text=r.clause_text,
                title=r.title, status=INELIGIBLE, amount_min=None, amount_max=None, missing_facts=[],
                trace=trace, decided_by=[*r.decided_by, keep.measure_id], benefit=r.benefit,
                payout_frequency=r.payout_frequency, payout_years=r.payout_years,
            )
    return out


def policy_warnings(rules: RuleSet, as_of: dt.date) -> list[str]:
    out = []
    for p in rules.policies:
        out.extend(_policy_warning(p, as_of))
    return out


def _policy_warning(p: Policy, as_of: dt.date) -> list[str]:
    if p.status == "征求意见":
        return [f"《{p.title}》为征求意见稿，尚未正式施行，计算结果仅供参考"]
    if p.status == "废止":
        return [f"《{p.title}》已废止"]
    return []


def evaluate(profile: Profile, as_of: dt.date | None = None, rules: RuleSet | None = None) -> Evaluation:
    """Evaluate every measure of `rules` (default: the packaged policies) for one organisation."""
    rs = rules if rules is not None else default_rules()
    day = as_of if as_of is not None else dt.date.today()
    results = [evaluate_measure(m, profile, day) for m in rs.measures]
    return Evaluation(
        profile_id=profile.id,
        as_of=day,
        results=apply_exclusive_groups(rs, results),
        warnings=policy_warnings(rs, day),
        profile=profile,
    )
