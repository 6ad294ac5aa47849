"""Property tests: whatever the query, the engine's answers keep their promises."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.matching import Document, MatchError, MatchIndex, Query, highlight

from .conftest import CHAINS, REGIONS

WORDS = [
    "控制器", "飞行器", "姿态", "材料", "检测", "模型", "优化", "水运", "工程", "管理", "算法", "传感器",
    "温度", "腐蚀", "涂层", "电池", "图像", "识别", "我司", "希望", "合作", "高校", "bearing", "CNN",
    "3D", "显微镜", "平台", "。", "，", " ", "123", "研究",
]  # fmt: skip

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def queries(draw: st.DrawFn) -> Query:
    title = "".join(draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=6)))
    desc = "".join(draw(st.lists(st.sampled_from(WORDS) | st.text(max_size=5), max_size=12)))
    filters: dict[str, tuple[str, ...]] = {}
    if draw(st.booleans()):
        filters["region"] = tuple(draw(st.sets(st.sampled_from(REGIONS), min_size=1)))
    if draw(st.booleans()):
        filters["chain"] = tuple(draw(st.sets(st.sampled_from(CHAINS), min_size=1)))
    kinds = draw(
        st.none() | st.sets(st.sampled_from(["achievement", "expert", "platform"]), min_size=1).map(tuple)
    )
    return Query(title=title, description=desc, filters=filters, kinds=kinds)


def _allowed(doc: Document, q: Query) -> bool:
    if q.kinds is not None and doc.kind not in q.kinds:
        return False
    return all(set(doc.tags.get(name, ())) & set(values) for name, values in q.filters.items())


def _search(index: MatchIndex, q: Query, k: int) -> list | None:  # type: ignore[type-arg]
    try:
        return index.search(q, k)
    except MatchError as e:
        # The only acceptable refusals for these inputs: nothing searchable in the text.
        assert "查询" in str(e)
        return None


@SETTINGS
@given(q=queries(), k=st.integers(1, 60))
def test_search_invariants(small_index: MatchIndex, small_docs: list[Document], q: Query, k: int) -> None:
    hits = _search(small_index, q, k)
    if hits is None:
        return
    by_id = {d.id: d for d in small_docs}
    n_allowed = sum(_allowed(d, q) for d in small_docs)
    assert len(hits) == min(k, n_allowed)  # exactly k where the corpus has k
    assert len({h.id for h in hits}) == len(hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    for h in hits:
        assert _allowed(by_id[h.id], q), "a filter was violated"
        assert h.kind == by_id[h.id].kind
        for t in h.explanation.shared_terms:
            assert t.score > 0 and set(t.fields) <= {"title", "keywords", "abstract"}
        assert 0.0 <= h.relevance <= 1.0
    again = small_index.search(q, k)
    assert [(h.id, h.score, h.explanation) for h in hits] == [(h.id, h.score, h.explanation) for h in again]


@pytest.fixture(scope="module")
def reloaded(small_index: MatchIndex, tmp_path_factory: pytest.TempPathFactory) -> MatchIndex:
    path: Path = tmp_path_factory.mktemp("idx")
    small_index.save(path)
    return MatchIndex.load(path)


@SETTINGS
@given(q=queries(), k=st.integers(1, 20))
def test_save_load_same_answers(small_index: MatchIndex, reloaded: MatchIndex, q: Query, k: int) -> None:
    a = _search(small_index, q, k)
    b = _search(reloaded, q, k)
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        assert [(h.id, h.score, h.explanation) for h in a] == [(h.id, h.score, h.explanation) for h in b]


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), terms=st.lists(st.text(min_size=1, max_size=4), max_size=5))
def test_highlight_reassembles(text: str, terms: list[str]) -> None:
    segs = highlight(text, terms)
    assert "".join(s for s, _ in segs) == text
    assert all(s for s, _ in segs)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_analyzer_total(small_index: MatchIndex, text: str) -> None:
    words, bigrams = small_index.analyzer.analyze(text)
    assert all(w and not w.isspace() for w in words + bigrams)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.booleans(), st.integers(0, 12)), max_size=15))
def test_upsert_remove_model(small_docs: list[Document], ops: list[tuple[bool, int]]) -> None:
    base = small_docs[:8]
    index = MatchIndex.build(base)
    model = {d.id: d for d in base}
    for is_upsert, i in ops:
        doc_id = base[i].id if i < 8 else f"new-{i}"
        if is_upsert:
            d = Document(
                id=doc_id, title=f"更新记录{i} 锂电池 隔膜 涂覆工艺", tags={"region": (REGIONS[i % 3],)}
            )
            index.upsert(d)
            model[doc_id] = d
        else:
            assert index.remove(doc_id) == (doc_id in model)
            model.pop(doc_id, None)
    assert sorted(index.ids()) == sorted(model)
    assert len(index) == len(model)
    for doc_id, d in model.items():
        assert index.get(doc_id) == d
    if model:
        hits = index.search(Query(title="锂电池 隔膜 涂覆工艺 材料 控制"), k=50)
        assert {h.id for h in hits} == set(model)
