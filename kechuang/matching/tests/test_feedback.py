"""``kechuang match eval --feedback FILE``: the engine's quality on the platform's labels, without Django."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kechuang.matching.cli import main
from kechuang.matching.feedback import Label, evaluate

ROOT = Path(__file__).resolve().parents[3]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


ROWS = [
    # demand 1: the signed deal was shown at rank 2, a 无用 match at rank 1
    {"query": "1", "doc": "a", "grade": 0, "rank": 1},
    {"query": "1", "doc": "b", "grade": 2, "rank": 2},
    # demand 2: 有用 at rank 1, and a deal opened from the achievement page (no rank: the engine did not show it)
    {"query": "2", "doc": "c", "grade": 1, "rank": 1},
    {"query": "2", "doc": "d", "grade": 1, "rank": None},
    # demand 3: useful, but the engine showed it only at rank 12
    {"query": "3", "doc": "e", "grade": 1, "rank": 12},
]


def test_feedback_file_reports_mrr_and_ndcg_from_the_recorded_ranks(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path / "labels.jsonl", ROWS)
    assert main(["eval", "--feedback", str(f)]) == 0
    out = capsys.readouterr().out
    mrr = (1 / 2 + 1 / 1 + 0) / 3
    ndcg1 = (3 / math.log2(3)) / 3  # gain 2²−1 at rank 2 against the same gain at rank 1
    ndcg2 = 1 / (1 + 1 / math.log2(3))  # one of the two relevant documents shown, at rank 1
    ndcg = (ndcg1 + ndcg2 + 0) / 3
    assert "标注 5 对，覆盖 3 条技术需求" in out
    assert f"MRR@10 = {mrr:.3f}" in out and f"nDCG@10 = {ndcg:.3f}" in out
    assert "1 对没有记录推荐名次" in out


def test_bad_labels_name_the_line_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path / "labels.jsonl", [ROWS[0], {"query": "1", "doc": "b", "grade": "有用", "rank": 2}])
    assert main(["eval", "--feedback", str(f)]) == 2
    err = capsys.readouterr().err
    assert "第 2 行" in err and "grade" in err
    assert main(["eval", "--feedback"]) == 2  # no file given to the engine itself: says where labels come from
    assert "deals_eval" in capsys.readouterr().err


def test_only_unhelpful_labels_give_zero_and_say_ndcg_cannot_be_computed(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path / "labels.jsonl", [ROWS[0]])
    assert main(["eval", "--feedback", str(f)]) == 0
    out = capsys.readouterr().out
    assert "MRR@10 = 0.000" in out and "无法计算" in out


def test_the_engine_reads_labels_without_importing_django(tmp_path: Path) -> None:
    f = _write(tmp_path / "labels.jsonl", ROWS)
    code = ("import sys; from kechuang.matching.cli import main; rc = main(['eval', '--feedback', sys.argv[1]]); "
            "assert 'django' not in sys.modules, 'django imported'; sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, str(f)], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "MRR@10" in done.stdout


labels = st.lists(st.builds(Label, query=st.sampled_from(["1", "2", "3"]), doc=st.sampled_from("abcdefgh"),
                            grade=st.integers(0, 2), rank=st.one_of(st.none(), st.integers(1, 15))),
                  max_size=30)


@given(labels)
def test_metrics_stay_between_zero_and_one(rows: list[Label]) -> None:
    m = evaluate(rows)
    assert 0.0 <= m.mrr10 <= 1.0 and 0.0 <= m.ndcg10 <= 1.0 + 1e-12
    assert m.queries == len({r.query for r in rows})


@given(labels, st.integers(0, 29))
def test_showing_a_relevant_document_at_rank_one_never_lowers_the_scores(rows: list[Label], i: int) -> None:
    if not rows:
        return
    r = rows[i % len(rows)]
    better = [*rows, Label(r.query, r.doc, max(r.grade, 1), 1)]
    before, after = evaluate(rows), evaluate(better)
    assert after.mrr10 >= before.mrr10 - 1e-12
    # The query of the moved document now has a relevant label at rank 1: its reciprocal rank is 1.
    assert evaluate([lab for lab in better if lab.query == r.query]).mrr10 == 1.0


@given(st.lists(st.integers(1, 2), min_size=1, max_size=10))
def test_labels_in_ideal_order_score_one(grades: list[int]) -> None:
    rows = [Label("q", f"d{i}", g, i + 1) for i, g in enumerate(sorted(grades, reverse=True))]
    m = evaluate(rows)
    assert m.mrr10 == 1.0 and math.isclose(m.ndcg10, 1.0)
