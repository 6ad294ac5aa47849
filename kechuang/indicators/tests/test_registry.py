"""The registry against its sources: every quote is in its seed, and no number of seed 001's targets is left out."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from kechuang.indicators import registry

SEEDS = Path("/work/shared/seeds")


def _seed(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return re.sub(r"\s+", "", path.read_text(encoding="utf-8"))


def _quotes():
    for d in registry.definitions():
        for kind in ("targets", "observations"):
            for row in d.get(kind, []):
                yield d["code"], row


@pytest.mark.parametrize(("code", "row"), list(_quotes()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_quote_is_verbatim_in_its_seed(code, row):
    assert re.sub(r"\s+", "", row["source"]) in _seed(row["seed"]), (code, row["source"])


def test_every_target_value_is_written_in_its_quote():
    for d in registry.definitions():
        for t in d.get("targets", []):
            numbers = {Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", t["source"])}
            if t["source"] != "国家级科技企业孵化器实现零突破":  # "零突破" = at least one
                assert Decimal(t["value"]) in numbers, (d["code"], t)


# Numbers in seed 001's "到2027年" sentences that are not targets: the year, the "10亿级" size class of the
# supply-chain firms and the "3亿元以上" size of manufacturers expected to have R&D institutions.
NOT_TARGETS = {Decimal("2027"), Decimal("10"), Decimal("3")}


def test_every_number_of_seed_001s_targets_is_in_the_registry():
    text = _seed("001")
    sentences = re.findall(r"到2027年[^。]*。", text)
    assert len(sentences) >= 8
    registered = [(Decimal(t["value"]), t["source"]) for d in registry.definitions() for t in d.get("targets", [])
                  if t["seed"] == "001"]
    missing = []
    for sentence in sentences:
        for clause in re.split(r"[,，;；]", sentence):
            for number in re.findall(r"\d+(?:\.\d+)?", clause):
                value = Decimal(number)
                if value in NOT_TARGETS and not any(v == value and s in clause for v, s in registered):
                    continue
                if not any(v == value and s in sentence for v, s in registered):
                    missing.append((number, clause))
    assert not missing, missing


def test_seed_004_targets_are_all_for_guandu_2020():
    rows = [t for d in registry.definitions() for t in d.get("targets", []) if t["seed"] == "004"]
    assert len(rows) >= 14
    assert {(t["region"], t["year"]) for t in rows} == {("530111", 2020)}


@pytest.mark.django_db
def test_load_is_idempotent_and_records_the_seed_figures():
    from kechuang.indicators.models import Indicator, Observation, Target

    first = registry.load()
    second = registry.load()
    assert first["observations"] > 30 and second["observations"] == 0
    assert Indicator.objects.count() == first["indicators"]
    assert Target.objects.count() == first["targets"]
    row = Observation.objects.get(indicator__code="TC-AMOUNT", region_code="530100", date="2024-08-31")
    assert row.value == Decimal("122.78") and "122.78億元" in row.source and row.method == "seed"
