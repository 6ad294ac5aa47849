"""The platform's one way of filtering a list (issue 11, item 6): a django-filter ``FilterSet`` per list narrows
the list page, the API collection and the export alike, so the three cannot drift apart.

``PageFilterSet`` adds what a page needs on top of django-filter:

- ``page_filters`` — the filters the page offers as ``<select>`` controls, drawn by ``controls(params)``
  (name, Chinese label, options, chosen value) so that no template writes its own ``<select>``;
- Chinese messages that name the filter for a value it cannot take (``?maturity=abc`` typed into the address):
  the API answers 400 with them (DjangoFilterBackend), a page shows them above an empty list (``problems()``),
  never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import django_filters


class OptionFilter(django_filters.CharFilter):
    """A text filter whose page control is a ``<select>`` of ``options()`` (districts, chains, disciplines): the
    options are read when a page is drawn, not when the module is imported."""

    def __init__(self, *args: Any, options: Callable[[], list[tuple[Any, str]]], hide_when_empty: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        self.hide_when_empty = hide_when_empty  # no control at all while there is nothing to choose


def _messages(label: str) -> dict[str, str]:
    # Django's own messages say "选择一个有效的选项" without naming the filter; a clerk who edited the address
    # needs to know which condition is wrong.
    return {
        "invalid_choice": f"筛选条件“{label}”没有“%(value)s”这一项，请从列表中选择",
        "invalid": f"筛选条件“{label}”的取值无效",
        "invalid_list": f"筛选条件“{label}”的取值无效",
        "max_length": f"筛选条件“{label}”太长",
    }


class PageFilterSet(django_filters.FilterSet):
    page_filters: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, f in self.filters.items():  # per-instance copies: the class's filters stay untouched
            f.extra["error_messages"] = {**_messages(str(f.label or name)), **f.extra.get("error_messages", {})}
            f.__dict__.pop("_field", None)  # a form field built earlier (the API schema) would keep the old ones

    def problems(self) -> list[str]:
        """The messages of the values this FilterSet cannot take (empty when every filter is valid)."""
        if self.is_valid():
            return []
        return [str(message) for errors in self.errors.values() for message in errors]

    @classmethod
    def controls(cls, params: Mapping[str, Any], names: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """The page's ``<select>`` controls: name, Chinese label, options and the chosen value."""
        out = []
        for name in cls.page_filters if names is None else names:
            f = cls.base_filters[name]
            options = f.options() if isinstance(f, OptionFilter) else list(f.extra["choices"])
            if not options and getattr(f, "hide_when_empty", False):
                continue
            out.append({"name": name, "label": f.label, "options": options, "value": params.get(name, "")})
        return out


def has_any(filterset: type[django_filters.FilterSet], params: Mapping[str, Any]) -> bool:
    """Whether ``params`` sets any of the FilterSet's filters (the plain list needs no form at all)."""
    return any(str(params.get(name) or "").strip() for name in filterset.base_filters)
