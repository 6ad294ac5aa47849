"""The rule model: policies and measures as immutable data, loaded from YAML by `loader.py`.

Nothing here knows about a particular policy; seed 001 lives in `policies/*.yaml`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, NamedTuple

# Reading conventions of Chinese legal text (民法典 第一千二百五十九条: 以上、以下、以内、届满 include the number;
# 不满、超过 exclude it). 不少于/不低于 and 不超过/不高于 are the explicit forms of the same inclusive bounds.
OPS: Final[dict[str, str]] = {
    "以上": ">=",
    "不少于": ">=",
    "不低于": ">=",
    "以下": "<=",
    "以内": "<=",
    "不超过": "<=",
    "不高于": "<=",
    "超过": ">",
    "高于": ">",
    "不满": "<",
    "低于": "<",
    "等于": "==",
    "是": "is_true",
    "否": "is_false",
    "属于": "in",
}

AMOUNT_FORMS: Final[dict[str, str]] = {
    "fixed": "定额",
    "tiered": "按级别定额",
    "range": "区间（由评审确定）",
    "rate": "比例×基数（可封顶）",
    "per_unit": "按个数计",
    "ratio_of_grant": "按上级资助配套（如1:1）",
    "non_monetary": "非资金支持",
    "unspecified": "原文未定金额",
}

BENEFITS: Final[dict[str, str]] = {
    "grant": "资金奖补",
    "assessment": "考核加计（非现金）",
    "obligation": "单位对科研人员的奖励义务（非财政资金）",
    "in_kind": "非资金支持",
}

RATE_BOUNDS: Final[dict[str, str]] = {
    "exact": "按比例",
    "ceiling": "不超过该比例（由评审确定）",
    "floor": "不低于该比例",
}

POLICY_STATUSES: Final[dict[str, str]] = {"征求意见": "draft", "施行": "in_force", "废止": "repealed"}


def rate_str(f: Fraction) -> str:
    """"0.2" rather than "1/5" where the decimal is exact (it always is for rates written in policies)."""
    den = f.denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den != 1:
        return str(f)
    return format(Decimal(f.numerator) / Decimal(f.denominator), "f")


@dataclass(frozen=True, slots=True)
class Test:
    """`field op value` over a record field or a scalar fact, read with the conventions in OPS."""

    field: str
    op: str
    value: Any = None
    label: str = ""  # Chinese wording from the clause, e.g. "投资在500万元以上"

    def holds(self, actual: Any) -> bool:
        sym = OPS[self.op]
        if sym == "is_true":
            return actual is True
        if sym == "is_false":
            return actual is False
        if sym == "in":
            return bool(actual in self.value)
        if sym == "==":
            return bool(actual == self.value)
        if sym == ">=":
            return bool(actual >= self.value)
        if sym == "<=":
            return bool(actual <= self.value)
        if sym == ">":
            return bool(actual > self.value)
        return bool(actual < self.value)


@dataclass(frozen=True, slots=True)
class Holds:
    """The organisation holds (as of the evaluation date) a record of one of `types` in `collection`."""

    collection: str
    types: tuple[str, ...]
    label: str = ""


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one alternative holds (e.g. "the organisation is, or runs, an incubator")."""

    alternatives: tuple[Test | Holds, ...]
    label: str = ""


Condition = Test | Holds | AnyOf


@dataclass(frozen=True, slots=True)
class Consecutive:
    """"连续N次以上认定": a chain of at least `min_count` recognitions, each following on from the one before
    within `validity_years` (the certificate's term), i.e. re-recognised without a gap."""

    min_count: int
    validity_years: int


@dataclass(frozen=True, slots=True)
class Trigger:
    """Which dated records give rise to the measure."""

    collection: str
    types: tuple[str, ...]
    levels: tuple[str, ...] | None = None  # every level any type may have (None = level not checked)
    # Levels per record type, where the clause names them per title ("国家级数字化车间/智能工厂、省级灯塔工厂/
    # 数智工厂"): a type absent from the map may have any of `levels`.
    type_levels: Mapping[str, tuple[str, ...]] | None = None
    new: bool = False  # 新认定/首次认定: inside the policy period and not held before at that level
    in_period: bool = False  # the record's date must fall inside the measure's period (without "not before")
    where: tuple[Test, ...] = ()
    consecutive: Consecutive | None = None

    def levels_for(self, record_type: str) -> tuple[str, ...] | None:
        if self.type_levels is not None and record_type in self.type_levels:
            return self.type_levels[record_type]
        return self.levels


@dataclass(frozen=True, slots=True)
class Amount:
    form: str
    value: int | None = None  # fixed
    tiers: Mapping[str, int] | None = None  # tiered: level -> yuan
    min: int | None = None  # range
    max: int | None = None
    base: str | None = None  # rate / ratio_of_grant: record field, or "fact.<name>"
    base_label: str = ""
    rate: Fraction | None = None
    rates: Mapping[str, Fraction] | None = None  # rate by level (e.g. 200% national, 150% provincial)
    rate_bound: str = "exact"
    cap: int | None = None
    unit: int | None = None  # per_unit
    description: str = ""  # non_monetary / unspecified

    def max_possible(self) -> int | None:
        """The largest amount the text allows for one payout, None when the text sets no ceiling."""
        f = self.form
        if f == "fixed":
            return self.value
        if f == "tiered":
            assert self.tiers is not None
            return max(self.tiers.values())
        if f == "range":
            return self.max
        if f in ("rate", "ratio_of_grant"):
            return self.cap
        return None

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"form": self.form, "form_label": AMOUNT_FORMS[self.form]}
        if self.value is not None:
            d["value"] = self.value
        if self.tiers is not None:
            d["tiers"] = dict(self.tiers)
        if self.min is not None:
            d["min"] = self.min
        if self.max is not None:
            d["max"] = self.max
        if self.base is not None:
            d["base"] = self.base
            d["base_label"] = self.base_label
        if self.rate is not None:
            d["rate"] = rate_str(self.rate)
        if self.rates is not None:
            d["rates"] = {k: rate_str(v) for k, v in self.rates.items()}
        if self.form in ("rate", "ratio_of_grant"):
            d["rate_bound"] = self.rate_bound
        if self.cap is not None:
            d["cap"] = self.cap
        if self.unit is not None:
            d["unit"] = self.unit
        if self.description:
            d["description"] = self.description
        return d


@dataclass(frozen=True, slots=True)
class Payout:
    frequency: str = "once"  # once | yearly
    years: int | None = None  # yearly: for how many years (None = each year while eligible)


class ParameterVersion(NamedTuple):
    """The measure's parameters (amount and thresholds) in force from `start`, with the text they come from.

    OpenFisca's habit: when the final text replaces the 征求意见稿, its amounts supersede the draft's from a date
    instead of being edited in place, so an evaluation as of an earlier date still uses (and names) the draft's.
    """

    start: dt.date
    reference: str  # where the figures come from: document and clause, e.g. 《…（征求意见稿）》（一）
    amount: Amount
    where: tuple[Test, ...]  # the trigger's record thresholds (same fields and words, values may change)


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    policy: str
    clause: str
    clause_text: str
    title: str
    amount: Amount
    beneficiary_kinds: tuple[str, ...] | None  # None = any kind
    trigger: Trigger | None
    conditions: tuple[Condition, ...] = ()
    payout: Payout = field(default_factory=Payout)
    per: str = "beneficiary"  # beneficiary: one payout (就高 among records) | record: each record pays
    benefit: str = "grant"
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    exclusive_group: str | None = None
    budget_line: str = ""  # budget-relevant: which fund pays (for the platform's budget per measure and year)
    notes: str = ""
    # Dated parameters, oldest first; the first is `amount` / `trigger.where` from `effective_from`. The loader
    # always gives at least one; a measure built by hand without versions has its fields as the only version.
    versions: tuple[ParameterVersion, ...] = ()

    def version_at(self, day: dt.date) -> ParameterVersion:
        """The parameters in force on `day` (the latest version starting on or before it; the first before)."""
        vs = self.versions or (
            ParameterVersion(self.effective_from or dt.date.min, "", self.amount,
                             self.trigger.where if self.trigger else ()),
        )
        chosen = vs[0]
        for v in vs[1:]:
            if v.start <= day:
                chosen = v
        return chosen

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "policy": self.policy,
            "clause": self.clause,
            "title": self.title,
            "clause_text": self.clause_text,
            "amount": self.amount.to_json(),
            "payout": {"frequency": self.payout.frequency, "years": self.payout.years},
            "per": self.per,
            "benefit": self.benefit,
            "beneficiary_kinds": list(self.beneficiary_kinds) if self.beneficiary_kinds else None,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "exclusive_group": self.exclusive_group,
            "budget_line": self.budget_line,
            "max_per_payout": self.amount.max_possible(),
            "parameters": [
                {"from": v.start.isoformat(), "reference": v.reference, "amount": v.amount.to_json(),
                 "thresholds": {t.field: t.value for t in v.where}}
                for v in self.versions
            ],
        }


@dataclass(frozen=True, slots=True)
class ExclusiveGroup:
    """不重复享受: among the members only one is paid; rule "highest" = 就高 (the largest amount wins)."""

    id: str
    rule: str
    measures: tuple[str, ...]
    clause_text: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    title: str
    issuer: str
    doc_number: str | None
    published: dt.date | None
    effective_from: dt.date
    effective_to: dt.date | None
    status: str  # 征求意见 / 施行 / 废止
    source: str
    measures: tuple[Measure, ...]
    exclusive_groups: tuple[ExclusiveGroup, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class RuleSet:
    policies: tuple[Policy, ...]

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(m for p in self.policies for m in p.measures)

    def policy(self, policy_id: str) -> Policy:
        for p in self.policies:
            if p.id == policy_id:
                return p
        raise KeyError(policy_id)

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)
