"""Small corpora for the matching tests: a few dozen real papers plus synthetic records with tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kechuang.matching import Document, MatchIndex
from kechuang.matching.evaluation import shared_data_dir

REGIONS = ("530102", "530111", "530112")
CHAINS = ("生物医药", "新材料", "装备制造")


def _papers(n: int) -> list[Document]:
    path = shared_data_dir() / "csl" / "papers-dev.jsonl"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    docs = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= n:
                break
            o = json.loads(line)
            docs.append(
                Document(
                    id=o["id"],
                    title=o["title"],
                    abstract=o["abstract"],
                    keywords=tuple(o["keywords"]),
                    discipline=o["discipline"],
                    # Deterministic synthetic tags so filters have something to bite on.
                    tags={"region": (REGIONS[i % 3],), "chain": (CHAINS[i % 3], CHAINS[(i + 1) % 3])},
                    kind="achievement" if i % 5 else "expert",
                )
            )
    return docs


def _synthetic() -> list[Document]:
    return [
        Document(
            id="syn-en", title="Deep learning for bearing fault diagnosis", abstract="vibration signal CNN"
        ),
        Document(
            id="syn-inst", title="扫描电子显微镜", abstract="材料微观形貌观察，能谱分析", kind="instrument"
        ),
        Document(
            id="syn-plat",
            title="新能源汽车电池检测公共服务平台",
            kind="platform",
            tags={"region": ("530102",)},
        ),
    ]


@pytest.fixture(scope="session")
def small_docs() -> list[Document]:
    return _papers(40) + _synthetic()


@pytest.fixture(scope="session")
def small_index(small_docs: list[Document]) -> MatchIndex:
    return MatchIndex.build(small_docs)


@pytest.fixture()
def tmp_index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"
