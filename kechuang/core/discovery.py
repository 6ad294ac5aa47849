"""Apps are discovered, not listed: each installed ``kechuang.*`` app may provide, by convention,

- ``urls``   — its pages, mounted at ``<label>/`` (``AppConfig.url_prefix`` overrides; the core's is ``""``);
- ``api``    — ``register(router)`` adding its collections to the one DRF router (config/api_urls.py);
- ``access`` — ``ACCESS_MATRIX`` (a decision for every URL name) and ``ACCESS_CASES`` (executable rows, see
  ``kechuang.core.access``), collected by kechuang/core/tests/test_access_matrix.py;
- ``demo``   — ``load(out)`` with ``DEPENDS_ON = ("directory", ...)`` (app labels whose demo data it needs), run by
  ``kechuang demo`` in dependency order;
- ``AppConfig.workspace_panels(user)`` — a list of ``kechuang.core.panels.Panel`` for the workspace page.

Nothing outside the app names it: adding ``"kechuang.<app>"`` to ``INSTALLED_APPS`` is the whole registration
(docs/add-an-app.md). Order follows ``INSTALLED_APPS``.
"""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter
from importlib import import_module
from types import ModuleType

from django.apps import AppConfig, apps

PREFIX = "kechuang."


def project_apps() -> list[AppConfig]:
    return [app for app in apps.get_app_configs() if app.name.startswith(PREFIX)]


def app_module(app: AppConfig, name: str) -> ModuleType | None:
    """``<app>.<name>`` if the app has that module; an import error inside the module is raised, not hidden."""
    full = f"{app.name}.{name}"
    try:
        return import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name != full:
            raise
        return None


def app_modules(name: str) -> list[tuple[AppConfig, ModuleType]]:
    found = []
    for app in project_apps():
        module = app_module(app, name)
        if module is not None:
            found.append((app, module))
    return found


def url_prefix(app: AppConfig) -> str:
    return getattr(app, "url_prefix", f"{app.label}/")


def demo_modules() -> list[ModuleType]:
    """The apps' demo modules, each after the apps named in its ``DEPENDS_ON`` (then in INSTALLED_APPS order)."""
    found = {app.label: module for app, module in app_modules("demo")}
    order = dependency_order({label: tuple(getattr(m, "DEPENDS_ON", ())) for label, m in found.items()})
    return [found[label] for label in order]


def dependency_order(depends_on: dict[str, tuple[str, ...]]) -> list[str]:
    """Labels so that each comes after those it depends on; ties keep the given (INSTALLED_APPS) order."""
    order = list(depends_on)
    graph: TopologicalSorter[str] = TopologicalSorter()
    for label, needs in depends_on.items():
        unknown = [n for n in needs if n not in depends_on]
        if unknown:
            raise LookupError(f"{label}: DEPENDS_ON names apps without demo data: {unknown}")
        graph.add(label, *needs)
    try:
        graph.prepare()
    except CycleError as exc:
        raise LookupError(f"demo DEPENDS_ON cycle: {exc.args[1]}") from exc
    result: list[str] = []
    while graph.is_active():
        ready = sorted(graph.get_ready(), key=order.index)
        result.extend(ready)
        graph.done(*ready)
    return result
