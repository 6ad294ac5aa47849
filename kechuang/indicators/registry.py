"""Loading the indicator registry from data/indicators.yaml (idempotent: codes and targets are updated in place;
the seeds' observations are recorded once through the revision-keeping service)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from kechuang.indicators.choices import Method

DATA = Path(__file__).resolve().parent / "data"
SEED_DIR = Path("/work/shared/seeds")
SEED_TITLES = {
    "000": "《加快推进区域性国际科技创新中心建设》（昆明日报，2021-11-30）",
    "001": "《科技创新赋能经济转型升级若干措施（征求意见稿）》（昆明市科技局，2024-12-20）",
    "002": "《聚力科技产业深度融合……加快建设具有全国影响力的科技创新中心》（成都市科技局）",
    "003": "《昆明深入实施科技创新赋能高质量发展“七大工程”》（昆明信息港，2024-09-23）",
    "004": "《官渡区实施创新驱动发展战略三年（2018-2020年）行动计划》（2018-03-27）",
}


def definitions() -> list[dict[str, Any]]:
    with open(DATA / "indicators.yaml", encoding="utf-8") as fh:
        return list(yaml.safe_load(fh)["indicators"])


def composite_config() -> dict[str, Any]:
    with open(DATA / "composite.yaml", encoding="utf-8") as fh:
        return dict(yaml.safe_load(fh))


def source_text(seed: str, quote: str) -> str:
    return f"{SEED_TITLES.get(seed, seed)}：“{quote}”"


@transaction.atomic
def load() -> dict[str, int]:
    from kechuang.indicators import services
    from kechuang.indicators.models import Indicator, Observation, Target

    counts = {"indicators": 0, "targets": 0, "observations": 0}
    for position, d in enumerate(definitions()):
        ind, _ = Indicator.objects.update_or_create(code=d["code"], defaults={
            "name": d["name"], "unit": d["unit"], "definition": d["definition"], "direction": d["direction"],
            "method": d["observed"], "compute_key": d.get("compute", ""), "department": d["department"],
            "growth": bool(d.get("growth", False)), "position": position})
        counts["indicators"] += 1
        for t in d.get("targets", []):
            Target.objects.update_or_create(indicator=ind, region_code=t["region"], year=t["year"], defaults={
                "value": Decimal(t["value"]), "comparator": t["comparator"], "seed": t["seed"],
                "source": t["source"]})
            counts["targets"] += 1
        for o in d.get("observations", []):
            day = o["date"] if isinstance(o["date"], dt.date) else dt.date.fromisoformat(o["date"])
            if not Observation.objects.filter(indicator=ind, region_code=o["region"], date=day,
                                              method=Method.SEED).exists():
                services.record_observation(ind, o["region"], day, Decimal(o["value"]), method=Method.SEED,
                                            source=source_text(o["seed"], o["source"]))
                counts["observations"] += 1
    return counts
