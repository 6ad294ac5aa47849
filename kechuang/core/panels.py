"""Workspace panels: what an app shows a signed-in user on the workspace page (``AppConfig.workspace_panels``).

A panel names its page by URL name (never a literal path), so a moved URL cannot leave a dead link behind.
``queue`` panels are counters in the bureau's 审核队列 row; the others are sections, drawn by ``template`` (an
include that sees ``panel``) or as a link with the count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Panel:
    title: str  # Chinese, the section heading or the counter's label
    url_name: str  # e.g. "market:review_queue"
    count: int | None = None
    description: str = ""  # one Chinese sentence under the heading, if any
    queue: bool = False  # a counter of work waiting for the bureau
    template: str = ""  # an include drawing the section; it sees ``panel``
    query: str = ""  # appended to the URL, e.g. "type=demand"
    url_args: tuple[Any, ...] = ()
    items: Any = field(default=(), compare=False)  # a few rows the template lists (a sequence or queryset)
    roles: frozenset[str] = frozenset()  # shown only to these roles (empty: to whoever the app offers it)

    @property
    def url(self) -> str:
        url = reverse(self.url_name, args=self.url_args)
        return f"{url}?{self.query}" if self.query else url

    def visible_to(self, user: Any) -> bool:
        return not self.roles or getattr(user, "role", None) in self.roles


def panels_for(user: Any) -> list[Panel]:
    """Every installed app's panels for ``user``, in INSTALLED_APPS order."""
    from django.apps import apps

    panels: list[Panel] = []
    for app in apps.get_app_configs():
        provider = getattr(app, "workspace_panels", None)
        if provider is not None:
            panels.extend(p for p in provider(user) if p.visible_to(user))
    return panels
