from __future__ import annotations

import json
from pathlib import Path

import pytest

from kechuang.matching import Document, MatchError, MatchIndex, Query, highlight
from kechuang.matching.analysis import MAX_QUERY_CHARS, Analyzer
from kechuang.matching.evaluation import read_corpus


def test_exact_title_ranks_first(small_index: MatchIndex, small_docs: list[Document]) -> None:
    for d in small_docs[:10]:
        hits = small_index.search(Query(title=d.title), k=3)
        assert hits[0].id == d.id


def test_k_results_and_sorted(small_index: MatchIndex) -> None:
    hits = small_index.search(Query(title="控制器设计", description="系统的稳定性"), k=20)
    assert len(hits) == 20
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.id for h in hits}) == 20


def test_k_larger_than_corpus(small_index: MatchIndex) -> None:
    hits = small_index.search(Query(title="材料"), k=1000)
    assert len(hits) == len(small_index)


def test_explanation(small_index: MatchIndex, small_docs: list[Document]) -> None:
    d = small_docs[0]
    hit = small_index.search(Query(title=d.title, filters={"region": d.tags["region"]}), k=1)[0]
    e = hit.explanation
    assert e.shared_terms and all(t.score > 0 for t in e.shared_terms)
    assert "title" in e.matched_fields
    assert e.matched_tags == {"region": d.tags["region"]}
    assert set(e.channels) == {"word", "bigram", "dense", "coverage_word", "coverage_bigram", "query_bigrams"}
    for n in e.neighbours:
        assert n.query_term != n.doc_term and -1.0 <= n.similarity <= 1.0


def test_highlight_segments() -> None:
    segs = highlight("飞行器姿态控制器设计", ["控制器", "控制", "飞行器"])
    assert "".join(s for s, _ in segs) == "飞行器姿态控制器设计"
    assert [s for s, m in segs if m] == ["飞行器", "控制器"]
    assert highlight("", ["x"]) == []
    assert highlight("abc", []) == [("abc", False)]


def test_filters_and_kinds(small_index: MatchIndex) -> None:
    hits = small_index.search(Query(title="系统 模型 控制", filters={"region": ("530111",)}), k=50)
    assert hits
    for h in hits:
        doc = small_index.get(h.id)
        assert doc is not None and "530111" in doc.tags["region"]
    hits = small_index.search(Query(title="显微镜 材料", kinds=("instrument",)), k=5)
    assert [h.id for h in hits] == ["syn-inst"]
    assert hits[0].kind == "instrument"


def test_boost_changes_order(small_index: MatchIndex) -> None:
    q = Query(title="系统 模型 分析")
    base = small_index.search(q, k=10)
    boosted = small_index.search(Query(title=q.title, boosts={"chain": ("新材料",)}), k=10)
    assert {h.id for h in base} != {h.id for h in boosted} or [h.score for h in base] != [
        h.score for h in boosted
    ]


@pytest.mark.parametrize("title,description", [("", ""), ("   ", "\n\t "), ("。，！", "")])
def test_empty_query_is_an_error(small_index: MatchIndex, title: str, description: str) -> None:
    with pytest.raises(MatchError) as e:
        small_index.search(Query(title=title, description=description))
    assert "查询" in str(e.value)


def test_stop_words_only_query_is_an_error(small_index: MatchIndex) -> None:
    with pytest.raises(MatchError, match="没有可检索的词语"):
        small_index.search(Query(title="我司希望寻求合作"))


def test_huge_query_is_truncated_not_a_crash(small_index: MatchIndex, small_docs: list[Document]) -> None:
    head = small_docs[3].title
    text = head + "测" * 100_000
    hits = small_index.search(Query(title="", description=text), k=5)
    assert hits[0].id == small_docs[3].id
    # Beyond the limit nothing counts: the same query with garbage appended far away answers the same.
    far = head + "。" * MAX_QUERY_CHARS + "飞行器" * 1000
    assert [h.id for h in small_index.search(Query(description=far), k=5)] == [
        h.id for h in small_index.search(Query(description=head), k=5)
    ]


def test_non_chinese_text(small_index: MatchIndex) -> None:
    hits = small_index.search(Query(title="bearing fault diagnosis with CNN"), k=3)
    assert hits[0].id == "syn-en"


def test_unknown_filter_name(small_index: MatchIndex) -> None:
    with pytest.raises(MatchError) as e:
        small_index.search(Query(title="材料", filters={"regoin": ("530111",)}))
    assert "regoin" in str(e.value) and e.value.field == "regoin"


def test_unknown_filter_value(small_index: MatchIndex) -> None:
    with pytest.raises(MatchError) as e:
        small_index.search(Query(title="材料", filters={"region": ("999999",)}))
    assert "999999" in str(e.value)


def test_bad_kind_and_k(small_index: MatchIndex) -> None:
    with pytest.raises(MatchError, match="kinds"):
        small_index.search(Query(title="材料", kinds=("robot",)))
    with pytest.raises(MatchError, match="k"):
        small_index.search(Query(title="材料"), k=0)


def test_corpus_line_without_id(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl"
    p.write_text('{"id": "a", "title": "x"}\n{"title": "没有编号"}\n', encoding="utf-8")
    with pytest.raises(MatchError) as e:
        read_corpus(p)
    assert "第 2 行" in str(e.value) and "id" in str(e.value)


def test_build_rejects_duplicates_and_empty() -> None:
    with pytest.raises(MatchError, match="重复"):
        MatchIndex.build([Document(id="a", title="x"), Document(id="a", title="y")])
    with pytest.raises(MatchError, match="语料为空"):
        MatchIndex.build([])
    with pytest.raises(MatchError, match="第 2 条"):
        MatchIndex.build([Document(id="a", title="x"), Document(id=" ", title="y")])


def test_upsert_and_remove(small_docs: list[Document]) -> None:
    index = MatchIndex.build(small_docs[:20])
    new = Document(
        id="new-1",
        title="超声波焊接塑料件气密性检测方法",
        keywords=("超声波焊接",),
        tags={"region": ("530111",)},
    )
    index.upsert(new)
    hits = index.search(Query(title="塑料件超声波焊接气密性"), k=3)
    assert hits[0].id == "new-1"
    assert any(t.term == "超声波焊接" or "焊接" in t.term for t in hits[0].explanation.shared_terms)
    # Change an existing record: the old text no longer finds it, the new one does.
    old = small_docs[0]
    changed = Document(id=old.id, title="锂电池正极材料回收工艺")
    index.upsert(changed)
    assert index.search(Query(title="锂电池正极材料回收"), k=1)[0].id == old.id
    assert index.get(old.id) == changed
    assert index.search(Query(title=old.title), k=1)[0].id != old.id
    assert index.remove("new-1") and not index.remove("new-1")
    assert all(h.id != "new-1" for h in index.search(Query(title="塑料件超声波焊接气密性"), k=25))
    assert len(index) == 20


def test_save_load_roundtrip(small_index: MatchIndex, tmp_index_dir: Path) -> None:
    v1 = small_index.save(tmp_index_dir)
    assert (tmp_index_dir / "current").resolve() == v1.resolve()
    loaded = MatchIndex.load(tmp_index_dir)
    for q in (
        Query(title="控制器设计"),
        Query(title="显微镜", description="材料 形貌"),
        Query(title="水运工程管理"),
    ):
        a = small_index.search(q, k=10)
        b = loaded.search(q, k=10)
        assert [(h.id, h.score) for h in a] == [(h.id, h.score) for h in b]
        assert [h.explanation for h in a] == [h.explanation for h in b]
    # A second save swaps 'current' to the new version and leaves the old one readable.
    v2 = loaded.save(tmp_index_dir)
    assert v2 != v1 and (tmp_index_dir / "current").resolve() == v2.resolve() and v1.exists()


def test_save_folds_in_delta(small_docs: list[Document], tmp_index_dir: Path) -> None:
    index = MatchIndex.build(small_docs[:10])
    index.upsert(Document(id="n", title="高压电缆局部放电在线监测"))
    index.remove(small_docs[1].id)
    index.save(tmp_index_dir)
    loaded = MatchIndex.load(tmp_index_dir)
    assert len(loaded) == 10 and loaded.get(small_docs[1].id) is None
    assert loaded.search(Query(title="电缆局部放电监测"), k=1)[0].id == "n"


def test_load_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(MatchError, match="索引"):
        MatchIndex.load(tmp_path / "nothing")


def test_analyzer_user_dictionary_and_stop_words() -> None:
    a = Analyzer(["米膜层测试词"])
    words, bigrams = a.analyze("我司希望寻求专家，解决PLC控制器的米膜层测试词问题")
    assert "我司" not in words and "希望" not in words
    assert "米膜层测试词" in words and "plc" in words
    assert all("司" not in b for b in bigrams)


def test_cli_batch(tmp_path: Path, small_docs: list[Document], capsys: pytest.CaptureFixture[str]) -> None:
    from kechuang.matching.cli import main

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "".join(
            json.dumps(
                {"id": d.id, "title": d.title, "abstract": d.abstract, "keywords": list(d.keywords), "x": 1},
                ensure_ascii=False,
            )
            + "\n"
            for d in small_docs[:30]
        ),
        encoding="utf-8",
    )
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps(
            {"id": "q1", "title": small_docs[2].title, "description": "", "budget_wan": 3}, ensure_ascii=False
        )
        + "\n"
        + json.dumps({"id": "q2", "title": "", "description": "   "}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    assert main(["batch", "--corpus", str(corpus), "--queries", str(queries), "--k", "7"]) == 0
    out = capsys.readouterr()
    lines = [json.loads(x) for x in out.out.splitlines()]
    assert [x["query_id"] for x in lines] == ["q1", "q2"]
    assert len(lines[0]["results"]) == 7 and lines[0]["results"][0]["id"] == small_docs[2].id
    assert set(lines[0]["results"][0]) == {"id", "score"}
    assert lines[1]["results"] == [] and "q2" in out.err


def test_cli_bad_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kechuang.matching.cli import main

    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"title": "无编号"}\n', encoding="utf-8")
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "q", "title": "x", "description": ""}\n', encoding="utf-8")
    assert main(["batch", "--corpus", str(corpus), "--queries", str(queries), "--k", "3"]) == 2
    err = capsys.readouterr().err
    assert "第 1 行" in err and "id" in err


def test_documents_without_indexable_text() -> None:
    docs = [Document(id="a", title="。"), Document(id="b", title="x"), Document(id="c", title="焊接机器人")]
    index = MatchIndex.build(docs)
    assert [h.id for h in index.search(Query(title="焊接"), k=3)][0] == "c"
    assert len(index.search(Query(title="焊接"), k=3)) == 3


def test_reverse_direction_enterprises() -> None:
    from kechuang.matching import query_for_document

    docs = [
        Document(
            id="e1",
            title="昆明某印染有限公司",
            abstract="床品家纺印花，平板筛网印花机，制网",
            kind="enterprise",
        ),
        Document(id="e2", title="某物流公司", abstract="冷链运输 仓储", kind="enterprise"),
        Document(
            id="a1", title="印花网版制版感光胶性能研究", abstract="制版膜层耐溶剂性", keywords=("网版印花",)
        ),
    ]
    index = MatchIndex.build(docs)
    hits = index.search(query_for_document(docs[2]), k=2)
    assert [h.kind for h in hits] == ["enterprise", "enterprise"] and hits[0].id == "e1"


def test_string_filter_values_and_prune(
    small_index: MatchIndex, small_docs: list[Document], tmp_index_dir: Path
) -> None:
    from kechuang.matching import prune_versions

    a = small_index.search(Query(title="系统 模型", filters={"region": "530111"}), k=5)  # type: ignore[dict-item]
    b = small_index.search(Query(title="系统 模型", filters={"region": ("530111",)}), k=5)
    assert [h.id for h in a] == [h.id for h in b]
    index = MatchIndex.build(small_docs[:5])
    versions = [index.save(tmp_index_dir) for _ in range(3)]
    removed = prune_versions(tmp_index_dir, keep=1)
    assert len(removed) == 2 and versions[-1].exists() and not versions[0].exists()
    assert (
        MatchIndex.load(tmp_index_dir).search(Query(title=small_docs[0].title), k=1)[0].id == small_docs[0].id
    )


def test_parallel_build_is_identical() -> None:
    """The forked build equals the serial one. Run in a fresh, single-threaded interpreter: the suite's own
    process has other threads (a live server), where the engine rightly refuses to fork (build.py)."""
    import subprocess
    import sys
    from pathlib import Path

    code = PARALLEL_CHECK
    root = Path(__file__).resolve().parents[3]
    r = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith("parallel-identical"), r.stdout


def test_no_fork_while_other_threads_run(small_docs: list[Document], monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from kechuang.matching import build as build_module

    monkeypatch.setattr(build_module, "PARALLEL_MIN_DOCS", 1)
    forked: list[int] = []
    monkeypatch.setattr(build_module, "_analyse_parallel", lambda *a, **k: forked.append(1))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        MatchIndex.build(small_docs[:10], params=build_module.Params(build_workers=2))
    finally:
        stop.set()
        other.join()
    assert forked == []


PARALLEL_CHECK = """
import numpy as np
from kechuang.matching import build as build_module
from kechuang.matching.index import MatchIndex
from kechuang.matching.tests.conftest import _papers, _synthetic
from kechuang.matching.types import Query

docs = _papers(40) + _synthetic()
serial = MatchIndex.build(docs)
build_module.PARALLEL_MIN_DOCS = 1
build_module.MIN_CHUNK = 7  # several chunks, merged in order
calls = []
real = build_module._analyse_parallel
build_module._analyse_parallel = lambda *a, **k: (calls.append(1), real(*a, **k))[1]
parallel = MatchIndex.build(docs, params=build_module.Params(build_workers=2))
assert calls, "the parallel path was not taken"
assert serial.word_vocab == parallel.word_vocab and serial.bigram_vocab == parallel.bigram_vocab
for name in ("indptr", "docs", "weights"):
    assert np.array_equal(getattr(serial.main.word, name), getattr(parallel.main.word, name))
    assert np.array_equal(getattr(serial.main.bigram, name), getattr(parallel.main.bigram, name))
assert np.array_equal(serial.main.fwd_fields, parallel.main.fwd_fields)
q = Query(title="控制器设计", description="材料 检测")
assert [(h.id, h.score) for h in serial.search(q, k=10)] == [(h.id, h.score) for h in parallel.search(q, k=10)]
print("parallel-identical")
"""



def test_cli_batch_keeps_id_types(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kechuang.matching.cli import main

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"id": 17, "title": "焊接机器人路径规划"}\n{"id": "b", "title": "水产养殖病害防控"}\n',
        encoding="utf-8",
    )
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": 5, "title": "焊接机器人", "description": "路径"}\n', encoding="utf-8")
    assert main(["batch", "--corpus", str(corpus), "--queries", str(queries), "--k", "2"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["query_id"] == 5 and line["results"][0]["id"] == 17 and len(line["results"]) == 2


def test_relevance_is_calibrated_not_relative(small_index: MatchIndex, small_docs: list[Document]) -> None:
    """A made-up query's best hit still gets the top fused score, but its relevance is near zero; a
    paper's own title and abstract find it with a high relevance (docs/matching.md)."""
    nonsense = small_index.search(Query(title="今天天气很好我们去公园散步"), k=3)
    assert nonsense[0].score > 1.0  # relative to the best hit: meaningless on its own
    assert all(h.relevance < 0.03 for h in nonsense)
    d = next(d for d in small_docs if d.kind == "achievement")
    hit = small_index.search(Query(title=d.title, description=d.abstract), k=1)[0]
    assert hit.id == d.id and hit.relevance > 0.5


def test_relevance_does_not_depend_on_filtered_out_records(small_docs: list[Document]) -> None:
    """The draft/published bug: indexing a record the query filters out (the demand's own enterprise)
    changed the fused score of the same achievement from 2.4 to 0.5.  Neither may change now."""
    d = next(d for d in small_docs if d.kind == "achievement")
    index = MatchIndex.build(small_docs)
    q = Query(title=d.title, description=d.abstract[:200], kinds=("achievement",))
    before = index.search(q, k=3)
    index.upsert(Document(id="enterprise:1", title=d.title, abstract=d.abstract, kind="enterprise"))
    after = index.search(q, k=3)
    assert [(h.id, h.score, h.relevance) for h in before] == [(h.id, h.score, h.relevance) for h in after]


def test_calibration_fit_recovers_a_separable_rule() -> None:
    import numpy as np

    from kechuang.matching.calibration import fit_logistic, predict

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(400, 1))
    y = (x[:, 0] > 0.5).astype(float)
    coef = fit_logistic(x, y)
    p = predict(coef, np.array([[0.1], [0.9]]))
    assert p[0] < 0.1 and p[1] > 0.9
