"""Who may reach each URL of the policies app, in the vocabulary of kechuang/core/tests/test_access_matrix.py
(public / login / bureau / post-login / post-bureau, or the app test module that exercises an object URL with an
outsider). Kept next to the URLs so a new page cannot be added without a decision; the project-wide matrix can
merge it as is."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

PERMISSIONS_TESTS = "policies/tests/test_permissions.py"  # rows that need an application or a push run
PUBLICITY_TESTS = "policies/tests/test_publicity.py"  # 公示, 异议 and 撤回

ACCESS_MATRIX: dict[str, str] = {
    "policies:library": "public",
    "policies:measure_detail": OBJECT,  # public; 404 for an unknown measure
    # anonymous: a page saying what the calculator does and why to log in; members: own calculator; bureau:
    # chooser; users without organisation: 403
    "policies:calculator_home": "public",
    "policies:calculator": OBJECT,  # members of the organisation and bureau only
    "policies:calculator_facts": OBJECT,
    "policies:calculator_record_add": OBJECT,
    "policies:calculator_record_edit": OBJECT,
    "policies:calculator_record_delete": OBJECT,
    "policies:application_list": "login",  # own organisation's applications; bureau: all
    "policies:application_new": "login",  # users with an organisation; others 403
    "policies:application_detail": OBJECT,
    "policies:application_transition": OBJECT,  # bureau moves; members only 撤回; others 404
    "policies:push_list": "bureau",
    "policies:push_run": "post-bureau",
    "policies:push_review": PERMISSIONS_TESTS,
    "policies:push_bulk_review": "post-bureau",
    "policies:push_apply": PERMISSIONS_TESTS,  # members of the pushed organisation only
    "policies:budget_list": "bureau",
    "policies:publicity_list": "public",  # 公示: organisation, measure, amount, dates; nothing private
    "policies:objection_new": PUBLICITY_TESTS,  # signed-in users, only while the application is in 公示期
    "policies:objection_resolve": PUBLICITY_TESTS,  # post-bureau on an objection
    "policy-measure-list": "public",
    "policy-measure-detail": OBJECT,
    "policy-application-list": "login",
    "policy-application-detail": OBJECT,
    "policy-application-transition": OBJECT,  # bureau; members of the organisation only withdraw
    "policy-evaluate-list": "login",
}

MEASURE = "kc001-03-incubator"


def _application(world: Any) -> Any:
    import datetime as dt

    from kechuang.directory.models import Platform
    from kechuang.policies import services

    org = world.enterprise_org
    Platform.objects.create(organisation=org, name="测试省级企业技术中心", kind="enterprise_tech_center",
                            level="provincial", recognised_on=dt.date(2025, 6, 1))
    return services.application_submit(organisation=org, measure_id="kc001-03-enterprise-tech-center",
                                       amount_requested=200_000, actor=world.user("enterprise"), year=2026)


def _record(world: Any) -> Any:
    import datetime as dt

    from kechuang.policies import services

    return services.fact_record_add(organisation=world.enterprise_org, actor=world.user("enterprise"),
                                    collection="awards", type="chuncheng_friendship_award", date=dt.date(2025, 9, 1))

ACCESS_CASES = [
    Case("policies:measure_detail", {"anonymous": 200, "outsider": 200}, obj=lambda w: None,
         args=lambda obj: [MEASURE]),
    Case("policy-measure-detail", {"anonymous": 200, "outsider": 200}, obj=lambda w: None,
         args=lambda obj: [MEASURE]),
    Case("policies:calculator", {"anonymous": LOGIN, "outsider": 403, "broker": 403, "enterprise": 200,
                                 "staff": 200}, obj=lambda w: w.enterprise_org),
    Case("policies:calculator_facts", {"anonymous": LOGIN, "outsider": 403, "broker": 403},
         obj=lambda w: w.enterprise_org, method="post", data={"is_state_owned": "true"}),
    Case("policies:calculator_record_add", {"anonymous": LOGIN, "outsider": 403, "broker": 403},
         obj=lambda w: w.enterprise_org, method="post",
         data={"kind": "awards:chuncheng_friendship_award", "date": "2025-01-01"}),
    Case("policies:calculator_record_edit", {"anonymous": LOGIN, "outsider": 404, "enterprise": 200},
         obj=_record),
    Case("policies:calculator_record_delete", {"anonymous": LOGIN, "outsider": 404, "enterprise": 302},
         obj=_record, method="post"),
    Case("policies:application_detail", {"anonymous": LOGIN, "outsider": 404, "broker": 404, "enterprise": 200,
                                         "staff": 200}, obj=_application),
    Case("policy-application-detail", {"anonymous": (401, 403), "outsider": 404, "enterprise": 200, "staff": 200},
         obj=_application),
    Case("policies:application_transition", {"anonymous": LOGIN, "outsider": 404, "broker": 404},
         obj=_application, method="post", data={"trigger": "accept", "comment": "x"}),
    Case("policy-application-transition", {"anonymous": (401, 403), "outsider": 404, "enterprise": 403},
         obj=_application, method="post", data={"trigger": "accept"}),
]
