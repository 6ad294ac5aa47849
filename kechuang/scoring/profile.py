"""The enterprise profile the engine scores: facts with their sources, region and founding date.

The JSON shape is documented in docs/scoring-engine.md and `profile.schema.json` (written by `schema()`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import STAGE_FACT_LABELS, ScoreModel

# Facts beyond the indicators' own that a profile may carry (read by the stage rules).
EXTRA_FACTS = {"age_years": STAGE_FACT_LABELS["age_years"]}


class ProfileError(ValueError):
    """A profile the engine refuses; names the field (Chinese message)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}：{message}")


@dataclass(frozen=True, slots=True)
class ScoreProfile:
    id: str
    name: str = ""
    region: str = ""
    founded: dt.date | None = None
    facts: Mapping[str, float] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)  # fact -> where the value came from

    def age_years(self, as_of: dt.date) -> float | None:
        if "age_years" in self.facts:
            return self.facts["age_years"]
        if self.founded is None:
            return None
        f = self.founded
        return float(as_of.year - f.year - ((as_of.month, as_of.day) < (f.month, f.day)))

    def with_fact(self, name: str, value: float, source: str) -> ScoreProfile:
        return ScoreProfile(self.id, self.name, self.region, self.founded, {**self.facts, name: value},
                            {**self.sources, name: source})

    @staticmethod
    def from_dict(d: Any, model: ScoreModel | None = None) -> ScoreProfile:
        """Validate a JSON profile; unknown facts are refused when a model is given (a typo is not a zero)."""
        if not isinstance(d, Mapping):
            raise ProfileError("(档案)", "应为 JSON 对象")
        pid = d.get("id")
        if not isinstance(pid, str | int) or isinstance(pid, bool) or str(pid) == "":
            raise ProfileError("id", "必填（字符串）")
        founded = None
        if d.get("founded") not in (None, ""):
            try:
                founded = dt.date.fromisoformat(str(d["founded"]))
            except ValueError:
                raise ProfileError("founded", f"成立日期应为 YYYY-MM-DD，实际为 {d['founded']!r}") from None
        raw = d.get("facts") or {}
        if not isinstance(raw, Mapping):
            raise ProfileError("facts", "应为对象：{事实名: 数值 或 {value, source}}")
        known = None
        negative_ok: set[str] = set()
        if model is not None:
            known = set(model.facts) | set(EXTRA_FACTS)
            negative_ok = {i.fact for i in model.indicators if i.allow_negative}
        facts: dict[str, float] = {}
        sources: dict[str, str] = {}
        for name, v in raw.items():
            if known is not None and name not in known:
                raise ProfileError(f"facts.{name}", "模型中没有这个事实")
            source = ""
            if isinstance(v, Mapping):
                source = str(v.get("source") or "")
                v = v.get("value")
            if v is None:  # stated as unknown: the same as absent, named as missing in the result
                continue
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ProfileError(f"facts.{name}", f"应为数字，实际为 {v!r}")
            if v < 0 and name not in negative_ok:
                raise ProfileError(f"facts.{name}", f"不能为负数，实际为 {v}")
            facts[name] = float(v)
            if source:
                sources[name] = source
        return ScoreProfile(id=str(pid), name=str(d.get("name") or ""), region=str(d.get("region") or ""),
                            founded=founded, facts=facts, sources=sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "region": self.region,
            "founded": self.founded.isoformat() if self.founded else None,
            "facts": {k: ({"value": v, "source": self.sources[k]} if k in self.sources else v)
                      for k, v in self.facts.items()},
        }


def schema(model: ScoreModel) -> dict[str, Any]:
    """JSON schema of a profile for `model` (facts listed with unit and name)."""
    fact_props: dict[str, Any] = {}
    for ind in model.indicators:
        num = {"type": "number", **({} if ind.allow_negative else {"minimum": 0})}
        fact_props[ind.fact] = {
            "description": f"{ind.name}（{ind.unit}）",
            "oneOf": [num, {"type": "null"}, {
                "type": "object", "required": ["value"],
                "properties": {"value": {"oneOf": [num, {"type": "null"}]}, "source": {"type": "string"}},
                "additionalProperties": False,
            }],
        }
    fact_props["age_years"] = {"description": "成立年限（年）；不填时由 founded 与评估日期计算", "type": "number"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"企业创新积分档案（{model.name} {model.version}）",
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": ["string", "integer"], "description": "企业标识"},
            "name": {"type": "string", "description": "企业名称"},
            "region": {"type": "string", "description": "行政区划代码（同阶段同地区排名用）"},
            "founded": {"type": "string", "format": "date", "description": "成立日期 YYYY-MM-DD"},
            "facts": {"type": "object", "properties": fact_props, "additionalProperties": False},
        },
        "additionalProperties": False,
    }
