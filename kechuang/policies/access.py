"""Who may reach each URL of the policies app, in the vocabulary of kechuang/core/tests/test_access_matrix.py
(public / login / bureau / post-login / post-bureau, or the app test module that exercises an object URL with an
outsider). Kept next to the URLs so a new page cannot be added without a decision; the project-wide matrix can
merge it as is."""

from __future__ import annotations

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
    "policies:calculator_record_add": PERMISSIONS_TESTS,
    "policies:calculator_record_edit": PERMISSIONS_TESTS,
    "policies:calculator_record_delete": PERMISSIONS_TESTS,
    "policies:application_list": "login",  # own organisation's applications; bureau: all
    "policies:application_new": "login",  # users with an organisation; others 403
    "policies:application_detail": PERMISSIONS_TESTS,
    "policies:application_transition": PERMISSIONS_TESTS,  # bureau moves; members only 撤回; others 404
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
    "policy-application-detail": PERMISSIONS_TESTS,
    "policy-application-transition": PERMISSIONS_TESTS,  # bureau; members of the organisation only withdraw
    "policy-evaluate-list": "login",
}

MEASURE = "kc001-03-incubator"

ACCESS_CASES = [
    Case("policies:measure_detail", {"anonymous": 200, "outsider": 200}, obj=lambda w: None,
         args=lambda obj: [MEASURE]),
    Case("policy-measure-detail", {"anonymous": 200, "outsider": 200}, obj=lambda w: None,
         args=lambda obj: [MEASURE]),
    Case("policies:calculator", {"anonymous": LOGIN, "outsider": 403, "broker": 403, "enterprise": 200,
                                 "staff": 200}, obj=lambda w: w.enterprise_org),
    Case("policies:calculator_facts", {"anonymous": LOGIN, "outsider": 403, "broker": 403},
         obj=lambda w: w.enterprise_org, method="post", data={"is_state_owned": "true"}),
]
