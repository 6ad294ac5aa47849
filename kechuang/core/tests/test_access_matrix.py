"""Every page and endpoint of the project, with who may reach it — and an outsider who must be refused.

Each installed app keeps its decisions next to its URLs in ``kechuang/<app>/access.py`` (found by
``kechuang.core.discovery``, never listed here). The merged matrix must name every URL pattern (the first test
fails when a new one is added without an entry), so no page can ship without a decision about its access.
Patterns without parameters are exercised here by kind; patterns that need an object are ``OBJECT`` entries whose
rows (``ACCESS_CASES``: URL, object factory, persona → status) all run in ``test_access_case``. No entry may
merely point at a test module: ``test_every_entry_is_executable`` fails on one, in any app.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kechuang.core.access import OBJECT, Case, World, run_case
from kechuang.core.discovery import app_modules

PUBLIC = "public"  # anyone, including anonymous visitors
LOGIN = "login"  # any signed-in user (shows only the user's own data)
BUREAU = "bureau"  # bureau staff only: anonymous is sent to log in, an outsider gets 403
POST_LOGIN = "post-login"  # POST-only action for signed-in users
POST_BUREAU = "post-bureau"  # POST-only action for bureau staff


GENERIC = (PUBLIC, LOGIN, BUREAU, POST_LOGIN, POST_BUREAU)  # kinds the tests below exercise without an object


def collect() -> tuple[dict[str, str], list[Case], dict[str, str]]:
    """Every installed app's ``ACCESS_MATRIX`` and ``ACCESS_CASES``, and the app label of each entry."""
    matrix: dict[str, str] = {}
    cases: list[Case] = []
    owner: dict[str, str] = {}
    for app, module in app_modules("access"):
        entries = getattr(module, "ACCESS_MATRIX", {})
        matrix.update(entries)
        owner.update(dict.fromkeys(entries, app.label))
        cases.extend(getattr(module, "ACCESS_CASES", ()))
    return matrix, cases, owner


APP_MATRIX, CASES, OWNER = collect()
MATRIX: dict[str, str] = {}  # kept for callers that merge {**MATRIX, **APP_MATRIX}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            full = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield full, prefix + str(pattern.pattern)


def project_urls() -> dict[str, str]:
    return {name: route for name, route in _walk(get_resolver())
            if not name.startswith("admin:") and "format" not in route}


def test_every_url_has_an_access_decision():
    missing = sorted(set(project_urls()) - set(MATRIX) - set(APP_MATRIX))
    assert not missing, f"add these URL names to the access matrix: {missing}"


def test_every_object_entry_has_an_executable_row():
    with_rows = {case.url_name for case in CASES}
    missing = sorted(name for name, kind in APP_MATRIX.items() if kind == OBJECT and name not in with_rows)
    assert not missing, f"add ACCESS_CASES rows for: {missing}"
    stray = sorted(with_rows - set(APP_MATRIX))
    assert not stray, f"ACCESS_CASES rows for URL names without a matrix entry: {stray}"


def test_every_entry_is_executable():
    """An entry is a generic kind (run below) or ``OBJECT`` (run by its rows); anything else — a pointer to a test
    file, say — is not a decision a test can hold, so it fails here, in whichever app it is."""
    loose = sorted(f"{name} → {kind} ({OWNER[name]}/access.py)" for name, kind in APP_MATRIX.items()
                   if kind not in (*GENERIC, OBJECT))
    assert not loose, f"write ACCESS_CASES rows (and mark the entry OBJECT) for: {loose}"


@pytest.mark.parametrize("name", ["policies:push_review", "deals:bid", "challenges:review"])
def test_a_pointer_fails(monkeypatch, name):
    """The check above bites: an entry of any app turned back into a pointer is reported."""
    monkeypatch.setitem(APP_MATRIX, name, f"{name.split(':')[0]}/tests/test_permissions.py")
    with pytest.raises(AssertionError, match=name):
        test_every_entry_is_executable()


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_access_case(request, case):
    failures = run_case(case, World(request))
    assert not failures, "\n".join(failures)


def _entries(kind: str) -> list[str]:
    return sorted(name for name, value in {**MATRIX, **APP_MATRIX}.items() if value == kind)


@pytest.mark.django_db
@pytest.mark.parametrize("name", _entries(PUBLIC))
def test_public_pages_answer_anonymous(client, name):
    assert client.get(reverse(name)).status_code in (200, 405)  # 405: POST-only public endpoints (token)


@pytest.mark.django_db
@pytest.mark.parametrize("name", _entries(LOGIN))
def test_login_pages_send_anonymous_to_login(client, outsider_client, name):
    response = client.get(reverse(name))
    assert response.status_code in (302, 401, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    assert outsider_client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", _entries(BUREAU))
def test_bureau_pages_refuse_anonymous_and_outsider(client, outsider_client, broker_client, staff_client, name):
    url = reverse(name)
    assert client.get(url).status_code in (302, 401, 403)
    assert outsider_client.get(url).status_code in (403, 404)
    assert broker_client.get(url).status_code in (403, 404)
    assert staff_client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", _entries(POST_LOGIN))
def test_post_actions_refuse_anonymous(client, name):
    response = client.post(reverse(name))
    assert response.status_code in (302, 401, 403)
    if response.status_code == 302 and name != "accounts:logout":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("name", _entries(POST_BUREAU))
def test_post_bureau_actions_refuse_outsider(client, outsider_client, name):
    url = reverse(name)
    assert client.post(url).status_code in (302, 401, 403)
    assert outsider_client.post(url).status_code in (403, 404)
