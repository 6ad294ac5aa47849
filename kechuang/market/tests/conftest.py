from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kechuang.market import indexing


@pytest.fixture(autouse=True)
def isolated_index(settings: Any, tmp_path: Any) -> Iterator[Any]:
    """Each test gets its own index directory and no background rebuild threads."""
    settings.KECHUANG_INDEX_DIR = tmp_path / "index"
    settings.KECHUANG_INDEX_AUTO_REBUILD = False
    indexing.reset()
    yield settings.KECHUANG_INDEX_DIR
    indexing.reset()
