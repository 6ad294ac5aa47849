import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_display_cache():
    # The public display caches its figures for a minute; each test starts from its own data.
    cache.clear()
    yield
    cache.clear()
