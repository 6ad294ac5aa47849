"""URLs that every page prints, reversed once per process instead of once per use.

``reverse()`` costs 30–60 µs; the site chrome prints about ten fixed links and a list page twenty detail
links, which at 100,000 organisations under load was a third of the list template's rendering time. The
results only depend on the URLconf and the script prefix (the path the site is mounted under), so they are
cached per prefix."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

# A pk no real row has, so that it occurs exactly once in the reversed URL.
_SENTINEL = "9876543210123"


@lru_cache(maxsize=256)
def _pattern(name: str, prefix: str) -> str:
    url = reverse(name, args=[int(_SENTINEL)])
    if url.count(_SENTINEL) != 1:  # a pattern that repeats or transforms its argument: cannot be templated
        raise ValueError(f"{name} cannot be cached as a pattern: {url}")
    return url.replace(_SENTINEL, "{}")


def object_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a URL whose only argument is an integer pk."""
    return _pattern(name, get_script_prefix()).format(int(pk))


@lru_cache(maxsize=64)
def _fixed(names: tuple[str, ...], prefix: str) -> dict[str, str]:
    return {name: reverse(name) for name in names}


def fixed_urls(*names: str) -> dict[str, str]:
    """``{name: reverse(name)}`` for URLs without arguments."""
    return _fixed(names, get_script_prefix())
