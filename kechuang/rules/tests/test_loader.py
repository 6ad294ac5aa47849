"""Policy files with a mistake are refused at load, naming the file, the measure and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kechuang.rules import RuleLoadError, load_policies
from kechuang.rules.loader import POLICY_DIR

SEED_001 = sorted(Path("/work/shared/seeds").glob("001_*.txt"))


def _seed_file() -> Path:
    return POLICY_DIR / "km-2024-kjcx-fnzx.yaml"


def _write(tmp_path: Path, mutate: object) -> Path:
    data = yaml.safe_load(_seed_file().read_text(encoding="utf-8"))
    mutate(data)  # type: ignore[operator]
    d = tmp_path / "rules"
    d.mkdir()
    (d / "broken.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return d


def test_packaged_policies_load() -> None:
    rules = load_policies()
    assert len(rules.measures) >= 30
    ids = [m.id for m in rules.measures]
    assert len(ids) == len(set(ids))
    for m in rules.measures:
        assert re.fullmatch(r"（[一二三四五六七八九十]+）", m.clause)
        assert m.clause_text and m.title


@pytest.mark.skipif(not SEED_001, reason="seed text not available")
def test_every_clause_text_is_quoted_verbatim_from_seed_001() -> None:
    seed = SEED_001[0].read_text(encoding="utf-8")
    for m in load_policies().measures:
        assert m.clause_text in seed, m.id
        # and it sits under the clause it claims: the nearest "(N)" heading before the quote
        pos = seed.index(m.clause_text)
        heads = [(mm.start(), mm.group(1)) for mm in re.finditer(r"\(([一二三四五六七八九十]+)\)", seed)]
        head = [h for p, h in heads if p < pos][-1]
        assert m.clause == f"（{head}）", m.id


@pytest.mark.parametrize(
    ("mutate", "measure", "field"),
    [
        (lambda d: d["measures"][0]["amount"].update(value=-5), "kc001-01-little-lighthouse", "amount.value"),
        (lambda d: d["measures"][0].update(clause="(一)"), "kc001-01-little-lighthouse", "clause"),
        (lambda d: d["measures"][0]["trigger"].update(types=["little_lighthose"]), "kc001-01-little-lighthouse",
         "trigger.types"),
        (lambda d: d["measures"][0].update(colour="red"), "kc001-01-little-lighthouse", "colour"),
        (lambda d: d["measures"][0]["amount"].update(form="lump"), "kc001-01-little-lighthouse", "amount.form"),
        (lambda d: d["measures"][6]["amount"].update(rate=0.2), "kc001-02-ai-application-demo", "amount.rate"),
        (lambda d: d["measures"][6]["amount"].update(base="investmnt"), "kc001-02-ai-application-demo",
         "amount.base"),
        (lambda d: d["measures"][3]["trigger"]["where"][1].update(op="大于等于"), "kc001-01-multimodal-platform",
         "trigger.where[1].op"),
        (lambda d: d["measures"][8]["amount"]["tiers"].pop("provincial"), "kc001-03-incubator", "amount.tiers"),
        (lambda d: d["measures"][1].update(id=d["measures"][0]["id"]), "kc001-01-little-lighthouse", "id"),
        (lambda d: d["measures"][0].update(effective_to="2099-01-01"), "kc001-01-little-lighthouse",
         "effective_from"),
        (lambda d: d["policy"].update(status="试行"), None, "policy.status"),
        (lambda d: d["measures"][0].update(exclusive_group="nope"), "kc001-01-little-lighthouse",
         "exclusive_group"),
    ],
)
def test_mistakes_are_refused_with_file_measure_and_field(
    tmp_path: Path, mutate: object, measure: str | None, field: str
) -> None:
    d = _write(tmp_path, mutate)
    with pytest.raises(RuleLoadError) as ei:
        load_policies(d)
    e = ei.value
    assert e.file == "broken.yaml"
    assert e.measure == measure
    assert e.field == field
    assert "broken.yaml" in str(e)


def test_yaml_syntax_error_names_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("policy: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleLoadError) as ei:
        load_policies(tmp_path)
    assert ei.value.file == "bad.yaml"


def test_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleLoadError):
        load_policies(tmp_path)
