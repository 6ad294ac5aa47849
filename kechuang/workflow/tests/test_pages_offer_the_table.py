"""For every workflow table, every state and every persona, the record's page offers exactly the steps the table
allows that persona, each with the fields its form needs. A step the table allows but no page offers (the 审核通过
dead end, the 重新提交 nobody could reach) fails here, and so does a button the table does not allow.

Records are put in each state directly: this test is about what pages offer, not about the journeys (those are
the browser tests). The table is read through ``Workflow.available`` — the page must agree with it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from kechuang.accounts.services import ORGANISATION_WORKFLOW
from kechuang.directory.choices import AccountStatus
from kechuang.market.choices import Status
from kechuang.market.workflow import ACHIEVEMENT_WORKFLOW, DEMAND_WORKFLOW
from kechuang.policies import services
from kechuang.policies.choices import ApplicationStatus, ObjectionStatus, PushStatus
from kechuang.policies.models import Application, Objection, Push
from kechuang.policies.workflow import APPLICATION_WORKFLOW, OBJECTION_WORKFLOW, PUSH_WORKFLOW
from kechuang.workflow.engine import Workflow

pytestmark = pytest.mark.django_db

PERSONAS = ("staff_user", "enterprise_user", "institution_user", "outsider")
STEP_ID = re.compile(r'<form[^>]* id="([\w-]*?)step-(\w+)"')


def _offered(html: str, prefix: str) -> set[str]:
    return {trigger for p, trigger in STEP_ID.findall(html) if p == prefix}


def _check(workflow: Workflow, obj: Any, user: Any, url: str, prefix: str = "", compact: bool = False) -> None:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    html = response.content.decode() if response.status_code == 200 else ""
    expected = {t.trigger for t in workflow.available(obj, user)} if response.status_code == 200 else set()
    state = getattr(obj, workflow.status_field)
    where = f"{workflow.name} 状态 {state}，{user.username} 打开 {url}（{response.status_code}）"
    assert _offered(html, prefix) == expected, where
    for t in workflow.available(obj, user) if response.status_code == 200 else []:
        form = t.build_form(obj, id_prefix=prefix)
        for name, field in form.fields.items():
            if compact and not field.required:
                continue
            assert f'id="id_{prefix}{t.trigger}_{name}"' in html, f"{where}：“{t.label}”缺少输入项 {field.label}"


@pytest.fixture
def people(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def application(enterprise_org: Any, enterprise_user: Any) -> Application:
    return services.application_submit(organisation=enterprise_org, measure_id="kc001-03-enterprise-tech-center",
                                       amount_requested=200_000, actor=enterprise_user, year=2026,
                                       description="申报依据：已取得市级企业技术中心认定")  # evaluation unconfirmed


def _set(obj: Any, **values: Any) -> Any:
    type(obj).objects.filter(pk=obj.pk).update(**values)
    obj.refresh_from_db()
    return obj


@pytest.mark.parametrize("state", ApplicationStatus.values)
def test_application_page(state: str, application: Application, people: dict[str, Any]) -> None:
    past = dt.date(2026, 6, 1)
    _set(application, status=state, amount_approved=150_000, publicity_starts_on=past,
         publicity_ends_on=past + dt.timedelta(days=7))
    for user in people.values():
        _check(APPLICATION_WORKFLOW, application, user, f"/policies/applications/{application.pk}/")


@pytest.mark.parametrize("state", ObjectionStatus.values)
def test_objection_on_its_application_page(state: str, application: Application, people: dict[str, Any]) -> None:
    today = services.today()
    _set(application, status=ApplicationStatus.PUBLICISED, amount_approved=150_000,
         publicity_starts_on=today, publicity_ends_on=today + dt.timedelta(days=7))
    objection = Objection.objects.create(application=application, raised_by=people["outsider"], status=state,
                                         content="该单位的认定已被撤销，不应享受本项奖补。")
    for user in people.values():
        _check(OBJECTION_WORKFLOW, objection, user, f"/policies/applications/{application.pk}/",
               prefix=f"objection{objection.pk}-")


@pytest.mark.parametrize("state", PushStatus.values)
@pytest.mark.parametrize("open_application", [False, True])
def test_push_list(state: str, open_application: bool, enterprise_org: Any, people: dict[str, Any],
                   application: Application) -> None:
    measure = application.measure_id if open_application else "kc001-06-high-tech-consecutive"
    push = Push.objects.create(organisation=enterprise_org, measure_id=measure, measure_title="测试措施",
                               as_of=dt.date(2026, 6, 1), status=state, amount_min=50_000, amount_max=50_000)
    for user in people.values():
        _check(PUSH_WORKFLOW, push, user, "/policies/pushes/?status=all", prefix=f"push{push.pk}-", compact=True)


def _listing(kind: str, owner: Any) -> Any:
    from kechuang.market.models import Achievement, Demand

    if kind == "demand":
        return Demand.objects.create(organisation=owner, title="轻量化支架需求", description="需要轻量化的光伏支架方案")
    return Achievement.objects.create(owner=owner, title="轻量化支架成果", abstract="一种轻量化的光伏支架")


@pytest.mark.parametrize("state", Status.values)
@pytest.mark.parametrize("kind", ["demand", "achievement"])
def test_market_detail_page(kind: str, state: str, enterprise_org: Any, people: dict[str, Any]) -> None:
    obj = _set(_listing(kind, enterprise_org), status=state)
    workflow = DEMAND_WORKFLOW if kind == "demand" else ACHIEVEMENT_WORKFLOW
    for user in people.values():
        _check(workflow, obj, user, obj.get_absolute_url(), compact=True)


@pytest.mark.parametrize("state", AccountStatus.values)
def test_organisation_account_pages(state: str, enterprise_org: Any, people: dict[str, Any]) -> None:
    """Staff act in the review queue, the organisation's own members in their workspace."""
    org = _set(enterprise_org, status=state)
    for user in people.values():
        url = "/accounts/review/" if user.is_bureau else "/accounts/workspace/"
        prefix = f"org{org.pk}-" if user.is_bureau else ""
        _check(ORGANISATION_WORKFLOW, org, user, url, prefix=prefix, compact=user.is_bureau)
