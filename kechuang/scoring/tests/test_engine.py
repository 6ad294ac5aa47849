"""Worked examples: the points, their reasons and sources, stages, cohort positions, tiers and what-if."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.scoring import (
    ModelLoadError,
    ProfileError,
    ScoreProfile,
    default_model,
    evaluate,
    evaluate_batch,
)
from kechuang.scoring.model import ScoreModel

MODEL = default_model()
AS_OF = dt.date(2026, 6, 30)


def _p(pid: str, region: str = "530102", **facts: float) -> ScoreProfile:
    return ScoreProfile.from_dict({"id": pid, "region": region, "facts": {"age_years": 3, "revenue": 800, **facts}},
                                  MODEL)


def test_each_point_names_its_fact_source_and_reason() -> None:
    p = ScoreProfile.from_dict({"id": "x", "founded": "2023-01-05", "facts": {
        "rd_intensity": {"value": 4.5, "source": "年度数据 2025 年：研发费用/营业收入"},
        "revenue": {"value": 800, "source": "年度数据 2025 年"}}}, MODEL)
    ev = evaluate(p, MODEL, AS_OF)
    assert ev.stage == "startup" and "成立3年" in ev.stage_why and "初创期" in ev.stage_why
    r = next(r for r in ev.indicators if r.id == "rd_intensity")
    # 4.5% lies halfway between 3% (50%) and 6% (80%): 65% of the start-up weight 10
    assert r.points == pytest.approx(6.5) and r.max_points == 10
    assert r.source == "年度数据 2025 年：研发费用/营业收入"
    assert "介于3%（50%）与6%（80%）之间" in r.why and "6.5分" in r.why


def test_missing_facts_are_named_and_scored_as_the_model_says() -> None:
    d = MODEL.to_yaml_dict()
    for ind in d["indicators"]:
        if ind["id"] == "rd_tax_deduction":
            ind["missing_fraction"] = 0.5
    from kechuang.scoring import model_from_dict

    m2 = model_from_dict(d)
    ev = evaluate(_p("a"), m2, AS_OF)
    r = next(r for r in ev.indicators if r.id == "rd_tax_deduction")
    assert r.missing and "rd_tax_deduction" in ev.missing_facts
    assert r.points == pytest.approx(m2.weights["startup"]["rd_tax_deduction"] * 0.5)
    assert "按模型计满分的50%" in r.why


def test_stage_rules_by_age_and_revenue() -> None:
    def stage(**f: float) -> str:
        return evaluate(ScoreProfile.from_dict({"id": "s", "facts": f}, MODEL), MODEL, AS_OF).stage

    assert stage(age_years=4, revenue=1999) == "startup"
    assert stage(age_years=5, revenue=1999) == "growth"  # 不满5年 excludes 5
    assert stage(age_years=4, revenue=2000) == "growth"
    assert stage(age_years=10, revenue=10) == "mature"
    assert stage(age_years=2, revenue=20000) == "mature"
    assert stage() == "growth"  # unknown age and revenue: not shown to be a start-up, nor mature


def test_cohort_rank_percentile_and_tier() -> None:
    ps = [_p(f"e{i}", region="530102" if i % 2 else "530103", rd_expense=10.0 * (i + 1)) for i in range(10)]
    evs = {e.profile_id: e for e in evaluate_batch(ps, MODEL, AS_OF)}
    top, bottom = evs["e9"], evs["e0"]
    assert (top.stage_position.rank, top.stage_position.size, top.stage_position.percentile) == (1, 10, 95.0)
    assert top.tier == "A" and evs["e8"].tier == "A" and evs["e7"].tier == "B"
    assert bottom.stage_position.rank == 10 and bottom.tier == "D"
    assert top.region_position.size == 5 and top.region_position.rank == 1


def test_what_if_names_the_single_best_improvement() -> None:
    ev = evaluate(_p("w", rd_intensity=2.9, invention_applications=9), MODEL, AS_OF, what_if=True)
    best = ev.what_if[0]
    gains = [h["gain"] for h in ev.what_if]
    assert gains == sorted(gains, reverse=True) and best["gain"] > 0
    # the hint's gain is what the total really gains when the step is taken
    improved = evaluate(_p("w", rd_intensity=2.9, invention_applications=9, **{best["fact"]: best["to"]}),
                        MODEL, AS_OF)
    assert improved.total - ev.total == pytest.approx(best["gain"])
    assert best["text"].startswith(best["name"])


def test_bad_profiles_are_refused_naming_the_field() -> None:
    with pytest.raises(ProfileError) as e:
        ScoreProfile.from_dict({"id": "x", "facts": {"rd_expens": 3}}, MODEL)
    assert e.value.field == "facts.rd_expens"
    with pytest.raises(ProfileError) as e:
        ScoreProfile.from_dict({"id": "x", "facts": {"revenue": -1}}, MODEL)
    assert e.value.field == "facts.revenue"
    assert ScoreProfile.from_dict({"id": "x", "facts": {"roe": -3}}, MODEL).facts["roe"] == -3


@pytest.mark.parametrize(("path", "value", "field"), [
    (("indicators", 0, "scoring", "kind"), "square", "indicators[0].scoring.kind"),
    (("indicators", 1, "category"), "nope", "indicators[1].category"),
    (("tiers", 3, "min_percentile"), 5, "tiers"),
    (("stages", 0, "all"), [["age", "<", 5]], "stages[0].all[0]"),
])
def test_model_mistakes_are_refused(path: tuple, value: object, field: str) -> None:
    from kechuang.scoring import model_from_dict

    d = MODEL.to_yaml_dict()
    target = d
    for k in path[:-1]:
        target = target[k]
    target[path[-1]] = value
    with pytest.raises(ModelLoadError) as e:
        model_from_dict(d)
    assert e.value.field == field


def test_model_round_trips_through_its_yaml_dict() -> None:
    from kechuang.scoring import model_from_dict

    again: ScoreModel = model_from_dict(MODEL.to_yaml_dict())
    assert again == MODEL
    assert len(MODEL.indicators) == 18 and [c.label for c in MODEL.categories] == ["技术创新", "成长经营", "辅助"]


def test_a_local_extra_indicator_is_scored_with_its_own_weight() -> None:
    from kechuang.scoring import model_from_dict

    d = MODEL.to_yaml_dict()
    d["indicators"].append({"id": "challenges_won", "name": "揭榜挂帅项目", "category": "auxiliary",
                            "fact": "challenges_won", "unit": "项", "scoring": {"kind": "cap", "cap": 2},
                            "local": True})
    for w in d["weights"].values():  # 4 points moved from 研发费用金额 in every stage
        w["challenges_won"] = 4
        w["rd_expense"] -= 4
    m = model_from_dict(d)
    p = ScoreProfile.from_dict({"id": "l", "facts": {"age_years": 2, "revenue": 100, "challenges_won": 1}}, m)
    r = next(r for r in evaluate(p, m, AS_OF).indicators if r.id == "challenges_won")
    assert r.points == 2 and r.max_points == 4 and m.indicator("challenges_won").local
