"""The executable access matrix: each app's ``access.py`` declares, next to its URLs,

- ``ACCESS_MATRIX`` — a decision for every URL name: ``"public"``, ``"login"``, ``"bureau"``, ``"post-login"``,
  ``"post-bureau"`` (checked generically by kechuang/core/tests/test_access_matrix.py), or ``OBJECT`` for a URL that
  needs an object, whose rows are below;
- ``ACCESS_CASES`` — rows ``Case(url name, object factory, {persona: expected status})``; ONE parametrised test
  runs every row of every installed app with the personas of kechuang/conftest.py (the habit of NetBox's
  ``utilities/testing/views.py``).

A row's ``obj(world)`` builds the object the URL needs from the ``World`` (the personas' users and organisations,
created on demand); ``args(obj)`` gives the URL arguments (default ``[obj.pk]``). Personas are tried in the
order written, each with its own signed-in client: for a POST that changes the object, put the persona that
succeeds last. A status may be a tuple of accepted ones; ``LOGIN`` means "sent to the login page" (302 to it)
or refused (401/403), for anonymous visitors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

OBJECT = "object"  # ACCESS_MATRIX kind: exercised by the app's ACCESS_CASES
LOGIN = "login-redirect"  # expected status for anonymous visitors: to the login page, or 401/403

# persona -> the conftest fixture of its user (None: the anonymous visitor).
PERSONA_FIXTURES: dict[str, str | None] = {
    "anonymous": None, "outsider": "outsider", "enterprise": "enterprise_user", "institution": "institution_user",
    "broker": "broker", "reviewer": "reviewer", "staff": "staff_user",
}
# Personas without a conftest fixture, made on demand with their role: a registrar, a bank's member, and a second
# broker (a broker who is not the broker of the deal at hand).
EXTRA_ROLES = {"registrar": "registrar", "bank": "bank", "other_broker": "broker"}
PERSONAS = (*PERSONA_FIXTURES, *EXTRA_ROLES)

Expected = int | tuple[int, ...] | str


def _pk_args(obj: Any) -> Sequence[Any]:
    return [obj.pk]


@dataclass(frozen=True)
class Case:
    url_name: str
    expect: Mapping[str, Any]  # persona -> Expected
    obj: Callable[[World], Any] | None = None
    args: Callable[[Any], Sequence[Any]] = _pk_args
    method: str = "get"
    data: Mapping[str, Any] = field(default_factory=dict)
    query: str = ""
    note: str = ""  # why, in a few words (shown in the test id)
    path: str = ""  # a literal address instead of reverse(url_name): for a regex pattern that matches many

    def __post_init__(self) -> None:
        unknown = set(self.expect) - set(PERSONAS)
        if unknown:
            raise ValueError(f"{self.url_name}: unknown personas {sorted(unknown)} (known: {PERSONAS})")
        if "outsider" not in self.expect:
            raise ValueError(f"{self.url_name}: every row says what the outsider gets")

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.note}]" if self.note else self.url_name


class World:
    """The personas of one test: users and organisations come from the conftest fixtures (``getfixturevalue``) or,
    for registrar and bank, are made on first use."""

    def __init__(self, request: Any) -> None:
        self._request = request
        self._extra: dict[str, Any] = {}

    def user(self, persona: str) -> Any:
        if persona in PERSONA_FIXTURES:
            name = PERSONA_FIXTURES[persona]
            return None if name is None else self._request.getfixturevalue(name)
        if persona not in self._extra:
            from kechuang.tests_support.factories import UserFactory

            self._extra[persona] = UserFactory(username=f"case-{persona}", role=EXTRA_ROLES[persona])
        return self._extra[persona]

    def fixture(self, name: str) -> Any:
        """Any other fixture, e.g. ``world.fixture("enterprise_org")``."""
        return self._request.getfixturevalue(name)

    @property
    def enterprise_org(self) -> Any:
        return self.fixture("enterprise_org")

    @property
    def university_org(self) -> Any:
        return self.fixture("university_org")

    @property
    def outsider_org(self) -> Any:
        return self.user("outsider").organisation


def accepted(expected: Expected) -> tuple[int, ...]:
    if expected == LOGIN:
        return (302, 401, 403)
    if isinstance(expected, int):
        return (expected,)
    return tuple(expected)  # type: ignore[arg-type]


def run_case(case: Case, world: World) -> list[str]:
    """Request the row's URL as each persona; the failures, in words (empty when the row holds)."""
    from django.test import Client
    from django.urls import reverse

    obj = case.obj(world) if case.obj is not None else None
    url = case.path or reverse(case.url_name, args=list(case.args(obj)) if case.obj is not None else None)
    if case.query:
        url = f"{url}?{case.query}"
    failures = []
    for persona, expected in case.expect.items():
        client = Client()
        user = world.user(persona)
        if user is not None:
            client.force_login(user)
        response = getattr(client, case.method)(url, dict(case.data))
        if response.status_code not in accepted(expected):
            failures.append(f"{persona}: {case.method.upper()} {url} → {response.status_code}, expected {expected}")
        elif expected == LOGIN and response.status_code == 302 and not response["Location"].startswith(
                "/accounts/login/"):
            failures.append(f"{persona}: {url} redirects to {response['Location']}, not to the login page")
    return failures


# The core's own pages, and the API's root, schema and token (config/urls.py, config/api_urls.py).
ACCESS_MATRIX: dict[str, str] = {
    "core:home": "public", "core:statistics": "public", "core:healthz": "public", "core:audit_log": "bureau",
    "api-token": "public", "api-root": "public", "api-schema": "public", "api-docs": "public",
    # any other address under /api/ (a regex): the API's JSON 404 for everyone, whatever the method
    "api-not-found": OBJECT,
}
ACCESS_CASES = [
    Case("api-not-found", {"anonymous": 404, "outsider": 404, "staff": 404}, path="/api/no-such-collection/",
         note="GET"),
    Case("api-not-found", {"anonymous": 404, "outsider": 404, "staff": 404}, path="/api/no-such-collection/1/",
         method="post", note="POST"),
]
