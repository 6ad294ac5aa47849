"""`kechuang score evaluate / batch / model / schema` through the console command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kechuang.cli import main


def _profile(pid: str, rd: float) -> dict:
    return {"id": pid, "region": "530102", "founded": "2022-05-01",
            "facts": {"revenue": {"value": 900, "source": "年度数据"}, "rd_expense": rd}}


def test_evaluate_prints_points_with_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "p.json"
    f.write_text(json.dumps(_profile("a", 100)), encoding="utf-8")
    assert main(["score", "evaluate", "--profile", str(f), "--as-of", "2026-06-30"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stage"]["label"] == "初创期" and out["model"]["version"] == "2024.1"
    rev = next(r for r in out["indicators"] if r["id"] == "revenue")
    assert rev["source"] == "年度数据" and rev["points"] > 0 and "分" in rev["why"]
    assert out["what_if"] and out["what_if"][0]["gain"] > 0


def test_batch_ranks_within_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "p.jsonl"
    f.write_text("\n".join(json.dumps(_profile(f"e{i}", 10 * (i + 1))) for i in range(4)), encoding="utf-8")
    assert main(["score", "batch", "--profiles", str(f), "--as-of", "2026-06-30"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["cohort"]["stage"]["rank"] for r in rows] == [4, 3, 2, 1]


def test_bad_line_names_row_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "p.jsonl"
    f.write_text(json.dumps(_profile("a", 1)) + "\n" + json.dumps({"id": "b", "facts": {"revenue": "多"}}),
                 encoding="utf-8")
    assert main(["score", "batch", "--profiles", str(f)]) == 2
    assert "第 2 行 facts.revenue" in capsys.readouterr().err


def test_model_is_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "model"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines[0]["type"] == "model" and len(lines) == 19
    assert sum(x["weights"]["growth"] for x in lines[1:]) == lines[0]["total_points"]
