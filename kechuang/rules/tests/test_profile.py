"""Bad input is refused with a ProfileError naming the field, in Chinese."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kechuang.rules import Profile, ProfileError

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "profile-enterprise.json"
SCHEMA = Path(__file__).resolve().parents[1] / "profile.schema.json"


@pytest.mark.parametrize(
    ("d", "field"),
    [
        ({"kind": "enterprise", "is_tech_sem": True}, "is_tech_sem"),
        ({"kind": "company"}, "kind"),
        ({"is_tech_sme": "yes"}, "is_tech_sme"),
        ({"recognitions": {"type": "incubator"}}, "recognitions"),
        ({"recognitions": [{"type": "incubator", "level": "national"}]}, "recognitions[0].date"),
        ({"recognitions": [{"type": "incubator", "date": "2025-02-30"}]}, "recognitions[0].date"),
        ({"recognitions": [{"type": "incubator", "date": "1800-01-01"}]}, "recognitions[0].date"),
        ({"recognitions": [{"type": "incubator", "date": "2025/01/01"}]}, "recognitions[0].date"),
        ({"recognitions": [{"type": "incubator", "date": "2025-01-01", "level": "city"}]}, "recognitions[0].level"),
        ({"recognitions": [{"type": "incubatr", "date": "2025-01-01"}]}, "recognitions[0].type"),
        ({"recognitions": [{"type": "incubator", "date": "2025-01-01", "colour": 1}]}, "recognitions[0].colour"),
        ({"projects": [{"type": "ai_application_demo", "date": "2025-01-01", "investment": -1}]},
         "projects[0].investment"),
        ({"projects": [{"type": "ai_application_demo", "date": "2025-01-01", "investment": "300万"}]},
         "projects[0].investment"),
        ({"projects": [{"type": "ai_application_demo", "date": "2025-01-01", "investment": True}]},
         "projects[0].investment"),
        ({"projects": [{"type": "ai_application_demo", "date": "2025-01-01", "investment": 1.5}]},
         "projects[0].investment"),
        ({"hires": [{"type": "foreign_principal_officer", "date": "2025-01-01", "months_in_kunming": 13}]},
         "hires[0].months_in_kunming"),
    ],
)
def test_bad_profiles_name_the_field(d: dict[str, Any], field: str) -> None:
    with pytest.raises(ProfileError) as ei:
        Profile.from_dict(d)
    assert ei.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in ei.value.message), "message is in Chinese"


def test_null_means_unknown() -> None:
    p = Profile.from_dict({"kind": None, "recognitions": None})
    assert not p.has("kind") and not p.has("recognitions")


def test_round_trip() -> None:
    d = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    p = Profile.from_dict(d)
    assert Profile.from_dict(p.to_dict()) == p


def test_example_and_schema_agree() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(EXAMPLE.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"kind": "company"}, schema)


def test_schema_file_is_generated_from_the_vocabulary() -> None:
    from kechuang.rules.schema import profile_schema

    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == profile_schema()


def test_chinese_names_are_accepted_for_enum_values() -> None:
    p = Profile.from_dict({"kind": "企业", "recognitions": [
        {"type": "高新技术企业", "level": "国家级", "date": "2022-12-01"},
        {"type": "科技企业孵化器", "level": "省级", "date": "2025-02-01"},
        {"type": "小灯塔", "date": "2025-02-01"}]})
    assert p.facts["kind"] == "enterprise"
    assert [(r.type, r.level) for r in p.collections["recognitions"]] == [
        ("high_tech_enterprise", "national"), ("incubator", "provincial"), ("little_lighthouse", None)]
    with pytest.raises(ProfileError) as ei:
        Profile.from_dict({"kind": "公司制"})
    assert ei.value.field == "kind"
