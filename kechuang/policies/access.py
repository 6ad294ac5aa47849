"""Who may reach each URL of the policies app, in the vocabulary of kechuang/core/access.py (public / login /
bureau / post-login / post-bureau, or ``OBJECT`` with executable rows below). Kept next to the URLs so a new page
cannot be added without a decision."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

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
    "policies:push_review": OBJECT,  # POST, bureau
    "policies:push_bulk_review": "post-bureau",
    "policies:push_apply": OBJECT,  # members of the pushed organisation only
    "policies:budget_list": "bureau",
    "policies:publicity_list": "public",  # 公示: organisation, measure, amount, dates; nothing private
    "policies:objection_new": OBJECT,  # signed-in users, only while the application is in 公示期
    "policies:objection_resolve": OBJECT,  # post-bureau on an objection
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


def _push(status: str) -> Any:
    """A 免申即享 line for the enterprise, as the batch leaves it (pending) or as staff pushed it."""
    def make(world: Any) -> Any:
        import datetime as dt

        from kechuang.policies.models import Push

        return Push.objects.create(organisation=world.enterprise_org, measure_id="kc001-06-high-tech-consecutive",
                                   measure_title="高新技术企业连续认定奖励", amount_max=100_000,
                                   as_of=dt.date(2026, 6, 30), status=status)
    return make


def _in_publicity(world: Any, *, open_period: bool = True) -> Any:
    """An application in 公示, its period around today (or ended a week ago): dated directly, so the row does not
    depend on the working-day calendar knowing the weeks ahead."""
    import datetime as dt

    from kechuang.policies.choices import ApplicationStatus
    from kechuang.policies.models import Application
    from kechuang.workflow import clock

    app = _application(world)
    today = clock.today()
    start, end = (today - dt.timedelta(days=1), today + dt.timedelta(days=3)) if open_period else (
        today - dt.timedelta(days=14), today - dt.timedelta(days=7))
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.PUBLICISED, amount_approved=200_000,
                                                 publicity_starts_on=start, publicity_ends_on=end)
    app.refresh_from_db()
    return app


def _objection(world: Any) -> Any:
    from kechuang.policies import services

    return services.objection_raise(application=_in_publicity(world), actor=world.user("outsider"),
                                    content="该企业的省级企业技术中心认定已被撤销，不应兑现")

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
    Case("policies:push_review", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "broker": 403,
                                   "staff": 302}, obj=_push("pending"), method="post", data={"trigger": "approve"}),
    # Only members of the pushed organisation turn a push into an application; staff do not apply for it.
    Case("policies:push_apply", {"anonymous": LOGIN, "outsider": 404, "broker": 404, "institution": 404,
                                 "enterprise": 302}, obj=_push("approved"), method="post"),
    # 异议: anyone signed in, while the application is in its 公示期; never an anonymous visitor.
    Case("policies:objection_new", {"anonymous": LOGIN, "outsider": 200, "enterprise": 200, "staff": 200},
         obj=_in_publicity, note="in 公示期"),
    Case("policies:objection_new", {"anonymous": LOGIN, "outsider": 404, "staff": 404},
         obj=lambda w: _application(w), note="not in 公示"),
    Case("policies:objection_new", {"outsider": 200}, obj=lambda w: _in_publicity(w, open_period=False),
         note="period over: the page says so"),
    Case("policies:objection_resolve", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "broker": 403,
                                        "staff": 302}, obj=_objection, method="post",
         data={"trigger": "dismiss", "comment": "经核实，认定仍然有效"}),
    Case("policy-application-transition", {"anonymous": (401, 403), "outsider": 404, "enterprise": 403},
         obj=_application, method="post", data={"trigger": "accept"}),
]
