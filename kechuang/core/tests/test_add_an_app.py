"""docs/add-an-app.md, proved: a small app (kechuang/tests_support/sampleapp) with a model, a workflow with a
deadline, an API collection, access rows, demo data and a workspace panel is installed here by settings alone —
no other app's code and no list in config/ names it — and discovery finds every piece."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from kechuang.core import discovery
from kechuang.core.access import World, run_case
from kechuang.core.panels import panels_for

SAMPLE = "kechuang.tests_support.sampleapp"


@pytest.fixture
def sample_installed(transactional_db):
    """The sample app in INSTALLED_APPS, its table created, and the URLs built again from discovery."""
    from config.urls import build_urlpatterns

    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, SAMPLE]):
        from kechuang.tests_support.sampleapp.models import SampleRequest

        urlconf = types.ModuleType("sample_urlconf")
        urlconf.urlpatterns = build_urlpatterns(fresh=True)  # type: ignore[attr-defined]
        with connection.schema_editor() as editor:
            editor.create_model(SampleRequest)
        try:
            with override_settings(ROOT_URLCONF=urlconf):
                yield SampleRequest
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(SampleRequest)


def test_discovery_finds_every_piece_of_the_new_app(sample_installed, enterprise_user, outsider):
    assert "sample" in [app.label for app in discovery.project_apps()]
    assert reverse("sample:detail", args=[1]) == "/sample/1/"  # mounted at its label, no urls.py edit
    assert reverse("sample-request-list") == "/api/sample-requests/"  # its register(router) was called
    from kechuang.core.tests.test_access_matrix import collect, project_urls

    matrix, cases, _owner = collect()
    sample_urls = {name for name in project_urls() if name.startswith("sample") }
    assert sample_urls == {"sample:mine", "sample:detail", "sample-request-list", "sample-request-detail"}
    assert sample_urls <= set(matrix)  # every URL of the new app has an access decision
    assert {c.url_name for c in cases} >= {"sample:detail", "sample-request-detail"}
    demo = discovery.app_module(next(a for a in discovery.project_apps() if a.label == "sample"), "demo")
    assert demo is not None and demo.__name__ == f"{SAMPLE}.demo"
    order = discovery.dependency_order({"directory": (), "sample": demo.DEPENDS_ON,
                                        "accounts": ("directory",)})
    assert order == ["directory", "accounts", "sample"]
    assert [p.title for p in panels_for(enterprise_user) if p.url_name == "sample:mine"] == ["我的示例申请"]


def test_the_new_apps_access_rows_run(request, sample_installed):
    from kechuang.tests_support.sampleapp import access

    for case in access.ACCESS_CASES:
        assert run_case(case, World(request)) == [], case.id
    outsider = Client()
    outsider.force_login(request.getfixturevalue("outsider"))
    assert Client().get("/sample/mine/").status_code == 302
    assert outsider.get("/sample/mine/").status_code == 200


def test_the_new_apps_deadline_fires_through_the_engine(sample_installed, enterprise_user):
    from kechuang.tests_support.sampleapp import services
    from kechuang.tests_support.sampleapp.models import Status
    from kechuang.workflow import deadlines
    from kechuang.workflow.models import StateChange

    obj = services.sample_request_create(title="逾期的示例申请", actor=enterprise_user)
    services.sample_request_submit(request=obj, actor=enterprise_user)
    assert deadlines.sweep(deadlines.clock.now() + dt.timedelta(days=3))["transitions"] == 0
    assert deadlines.sweep(deadlines.clock.now() + dt.timedelta(days=7))["transitions"] == 1
    obj.refresh_from_db()
    assert obj.status == Status.EXPIRED
    last = StateChange.objects.filter(object_id=str(obj.pk)).order_by("pk").last()
    assert last is not None and last.actor is None and last.trigger == "expire"


def test_dependency_order_refuses_unknown_apps_and_cycles():
    assert discovery.dependency_order({"b": (), "a": ("b",), "c": ()}) == ["b", "c", "a"]
    with pytest.raises(LookupError):
        discovery.dependency_order({"a": ("zzz",)})
    with pytest.raises(LookupError):
        discovery.dependency_order({"a": ("b",), "b": ("a",)})
