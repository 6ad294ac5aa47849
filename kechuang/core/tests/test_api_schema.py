"""The OpenAPI schema held to the server (issue 12, item 10): schemathesis generates requests from the schema
for every operation and checks the answers — anonymous, as an enterprise and as staff (token auth).

In-process through the WSGI app (schemathesis's ``from_wsgi`` transport), inside pytest-django's test
transaction: no server to start, the personas and records below are visible to the app, and nothing written
by the generated requests outlives the test. Examples are bounded (``MAX_EXAMPLES`` per operation and role) so
the whole run stays within about a minute and a half on the CI machine.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from kechuang.directory.models import IndustryChain
from kechuang.market.choices import Status
from kechuang.market.tests.factories import AchievementFactory, DemandFactory

MAX_EXAMPLES = 3
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          positive_data_acceptance]

# Checks left out for one operation (and role), each for an intended behaviour the schema cannot describe:
EXCLUDED: dict[tuple[str, ...], set[Any]] = {
    # Well-formed credentials that match no account are refused with 400 and "无法使用提供的认证信息登录。"
    # (DRF's token view); a generated username and password never match one.
    ("POST", "/api/token/"): {positive_data_acceptance},
    # Records are created in the name of the caller's organisation; a bureau account belongs to none and is told
    # so with 400 on the organisation field (staff publish for an organisation from the pages).
    ("POST", "/api/achievements/", "staff"): {positive_data_acceptance},
    ("POST", "/api/demands/", "staff"): {positive_data_acceptance},
    # An application is checked against its measure's rules — the measure exists, the year lies in the policy
    # period, one open application per measure and year, the amount within the cap — by the policy engine, and
    # refused with 400 naming the field; generated values rarely satisfy the rules of a real measure.
    ("POST", "/api/applications/"): {positive_data_acceptance},
    # A booking is checked against the instrument's rules (opening hours, lead time, granularity; 400 naming the field).
    ("POST", "/api/instrument-bookings/"): {positive_data_acceptance},
    # A deal opens on a published demand or achievement of another organisation that the caller may act for
    # (the other party is taken from the record); generated ids rarely name such a pair, refused with 400.
    ("POST", "/api/deals/"): {positive_data_acceptance},
}

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()
# The schema's own examples and MAX_EXAMPLES generated cases per operation and role (~75 s of CPU for the three
# roles). schemathesis's "coverage" phase — boundary and invalid values of every parameter, not bounded by
# MAX_EXAMPLES — adds ~50 s, past the CI budget: it is left out of `make test` and run on demand with
# KECHUANG_SCHEMATHESIS_COVERAGE=1 (it passed with 0 failures when this test was written, 2026-12-02).
if not os.environ.get("KECHUANG_SCHEMATHESIS_COVERAGE"):
    schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """The WSGI handler closes the database connection when a request finishes; inside the test transaction
    that would close the test's own connection. Django's test client disconnects the same handler."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "enterprise", "staff"])
def auth_headers(request: Any, enterprise_user: Any, staff_user: Any, university_org: Any) -> dict[str, str]:
    # Records for the detail operations to find (ids the generator may hit) and for the match operations.
    achievement: Any = AchievementFactory(owner=university_org, status=Status.PUBLISHED, title="冷链预冷保鲜技术",
                                     keywords=["冷链"])
    demand: Any = DemandFactory(organisation=enterprise_user.organisation, status=Status.PUBLISHED, title="冷链保鲜需求",
                           keywords=["冷链"])
    chain = IndustryChain.objects.create(code="cold-chain", name="冷链物流")
    request.node.existing = {"owner": university_org.pk, "organisation": university_org.pk,
                             "demand": demand.pk, "achievement": achievement.pk, "chain": chain.code}
    user = {"anonymous": None, "enterprise": enterprise_user, "staff": staff_user}[request.param]
    if user is None:
        return {}
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_api_answers_as_its_schema_says(case: Any, auth_headers: dict[str, str], request: Any) -> None:
    # Exclusions, with their reasons — values the schema cannot describe, so generated ones are replaced by
    # valid ones (the other checks still run on the request):
    # 1. a filter on a related record (?owner=, ?organisation=, ?demand=, ?achievement=, ?chain=) must name a
    #    record that exists: an unknown one is refused with 400 and a Chinese message naming the filter
    #    (django-filter's choice validation, kept on purpose: a mistyped id is told, not answered with an empty
    #    list). JSON Schema has no "an id that exists".
    # 2. region_code must be a current code of the GB/T 2260 table (the schema gives the 6-digit pattern; the
    #    table's ~3,200 codes as an enum would swamp the schema).
    existing = request.node.existing
    if case.query:
        for name in set(existing) & set(case.query):
            case.query[name] = existing[name]
    # 3. a verdict on a match names exactly one source, a demand or an achievement, that the user can see (the
    #    server says which is missing; the serializer's schema cannot express "exactly one of").
    if isinstance(case.body, dict) and case.body.get("region_code"):
        case.body["region_code"] = "530102"
    if case.path == "/api/match-feedback/" and case.method == "POST" and isinstance(case.body, dict):
        case.body.update(demand=existing["demand"], achievement=None)
    role = request.node.callspec.params["auth_headers"]
    excluded = EXCLUDED.get((case.method, case.path), set()) | EXCLUDED.get((case.method, case.path, role), set())
    case.call_and_validate(headers=auth_headers, checks=[c for c in CHECKS if c not in excluded])


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json_404_to_everyone(client: Any, outsider_client: Any) -> None:
    """``api-not-found``: an address under /api/ that names nothing (a malformed id) is a JSON 404 for anyone."""
    for c in (client, outsider_client):
        response = c.get("/api/achievements/0.5/")
        assert response.status_code == 404 and response.json() == {"detail": "接口地址不存在"}
    assert client.get("/api/schema/").status_code == 200  # the schema and docs are still reached
