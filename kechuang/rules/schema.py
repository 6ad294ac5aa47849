"""JSON schema of the profile, generated from the fact vocabulary in facts.py so the two cannot drift.

`python -m kechuang.rules.schema > kechuang/rules/profile.schema.json` rewrites the file; a test checks it.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from .facts import COLLECTIONS, SCALAR_FACTS, FieldSpec


def _field(spec: FieldSpec) -> dict[str, Any]:
    d: dict[str, Any]
    if spec.type == "str":
        d = {"type": "string"}
    elif spec.type == "bool":
        d = {"type": "boolean"}
    elif spec.type == "int":
        d = {"type": "integer"}
    elif spec.type == "number":
        d = {"type": "number"}
    elif spec.type == "date":
        d = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    else:
        assert spec.values is not None
        d = {"enum": list(spec.values)}
        d["x-labels"] = dict(spec.values)
    if spec.minimum is not None:
        d["minimum"] = spec.minimum if spec.type == "number" else int(spec.minimum)
    if spec.maximum is not None:
        d["maximum"] = spec.maximum if spec.type == "number" else int(spec.maximum)
    d["description"] = spec.label
    # null = unknown (same as leaving the key out)
    return {"anyOf": [d, {"type": "null"}], "description": spec.label}


def profile_schema() -> dict[str, Any]:
    props: dict[str, Any] = {name: _field(spec) for name, spec in SCALAR_FACTS.items()}
    for name, (label, _types, fields, *_rest) in COLLECTIONS.items():
        item = {
            "type": "object",
            "additionalProperties": False,
            "required": [f.name for f in fields.values() if f.required],
            "properties": {f.name: _field(f) for f in fields.values()},
        }
        props[name] = {
            "description": f"{label}。缺省 = 未知；给出列表 = 完整（空列表表示没有）",
            "anyOf": [{"type": "array", "items": item}, {"type": "null"}],
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://kechuang.example/schemas/policy-profile.json",
        "title": "政策计算器组织档案（profile）",
        "description": "科创服务平台政策引擎的输入：一个组织的事实与带日期的记录。见 docs/policy-engine.md。",
        "type": "object",
        "additionalProperties": False,
        "properties": props,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(profile_schema(), ensure_ascii=False, indent=2) + "\n")
