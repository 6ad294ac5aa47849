"""What-if hints and the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kechuang.rules import Profile, evaluate, load_policies, what_if
from kechuang.rules.cli import main

RULES = load_policies()
AS_OF = dt.date(2025, 12, 31)
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "profile-enterprise.json"


def test_what_if_best_hint_for_an_enterprise_is_the_largest_unlock() -> None:
    p = Profile.from_dict({"kind": "enterprise", "recognitions": [], "projects": [], "awards": [], "grants": []})
    hints = what_if(p, AS_OF, RULES)
    assert hints
    best = hints[0]
    assert best.gain_max == 5_000_000  # 独角兽: up to 500万 is the largest single unlock for an enterprise
    assert best.unlocks == ["kc001-06-unicorn"]
    assert [h.gain_max for h in hints] == sorted((h.gain_max for h in hints), reverse=True)


def test_what_if_hint_really_unlocks_when_applied() -> None:
    p = Profile.from_dict({"kind": "enterprise", "recognitions": [{"type": "high_tech_enterprise",
                                                                    "date": "2023-11-01"}]})
    hints = what_if(p, AS_OF, RULES)
    h = next(h for h in hints if "kc001-06-high-tech-consecutive" in h.unlocks)
    assert h.record is not None and h.collection == "recognitions"
    ev = evaluate(p.with_record(h.collection, h.record), AS_OF, RULES)
    assert ev.result("kc001-06-high-tech-consecutive").status == "eligible"
    assert h.gain_max >= 50_000


def test_what_if_flag_hint() -> None:
    p = Profile.from_dict({"kind": "enterprise", "is_tech_sme": False, "awards": [
        {"type": "intl_innovation_competition", "organiser_level": "national", "date": "2025-05-01"}]})
    hints = what_if(p, AS_OF, RULES)
    h = next(h for h in hints if h.change == "fact")
    assert h.fact == "is_tech_sme" and h.value is True and h.gain_max == 200_000


def test_what_if_skips_measures_for_other_kinds() -> None:
    p = Profile.from_dict({"kind": "enterprise", "hires": []})
    assert all("kc001-11-foreign-principal-salary" not in h.unlocks for h in what_if(p, AS_OF, RULES))


def test_cli_evaluate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--profile", str(EXAMPLE), "--as-of", "2025-12-31"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2025-12-31"
    by_id = {r["measure_id"]: r for r in out["results"]}
    assert by_id["kc001-02-ai-application-demo"]["amount_max"] == 600_000
    assert by_id["kc001-06-high-tech-consecutive"]["status"] == "eligible"
    assert by_id["kc001-01-multimodal-platform"]["status"] == "ineligible"
    assert by_id["kc001-11-foreign-expert-match"]["amount_min"] == 300_000
    assert set(out["benefits"]) == {r["measure_id"] for r in out["results"] if r["status"] == "eligible"}


def test_cli_batch_and_measures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "p.jsonl"
    f.write_text(EXAMPLE.read_text(encoding="utf-8").replace("\n", " ") + "\n" + '{"kind": "hospital"}\n',
                 encoding="utf-8")
    assert main(["batch", "--profiles", str(f), "--as-of", "2025-12-31"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["profile_id"] is None
    assert main(["measures"]) == 0
    ms = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(ms) == len(RULES.measures)
    assert all({"id", "policy", "clause", "amount"} <= set(m) for m in ms)
    assert {m["clause"] for m in ms} >= {"（一）", "（二）", "（三）", "（六）", "（十一）"}


def test_cli_bad_profile_names_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.json"
    f.write_text('{"kind": "enterprise", "recognitions": [{"type": "incubator", "date": "2025-13-01"}]}',
                 encoding="utf-8")
    assert main(["evaluate", "--profile", str(f)]) == 2
    err = capsys.readouterr().err
    assert "recognitions[0].date" in err and "有效日期" in err


def test_cli_missing_file_and_bad_batch_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--profile", str(tmp_path / "nope.json")]) == 2
    assert "无法读取文件" in capsys.readouterr().err
    f = tmp_path / "p.jsonl"
    f.write_text('{"kind": "enterprise"}\n{"kind": "enterprise", "x": 1}\n', encoding="utf-8")
    assert main(["batch", "--profiles", str(f)]) == 2
    err = capsys.readouterr().err
    assert "第 2 行" in err and "x" in err
