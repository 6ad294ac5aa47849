import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every persona fixture hashes a password; PBKDF2's deliberate slowness made setup dominate this suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # List totals are cached (selectors.CachedCountPaginator); each test starts from an empty cache.
    cache.clear()
