"""A challenge moved through its lifecycle by the services, for the service and access tests (not the journey)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.accounts.choices import Role
from kechuang.challenges import services
from kechuang.challenges.models import Expert
from kechuang.directory.models import Person
from kechuang.tests_support.factories import OrganisationFactory, UserFactory
from kechuang.workflow import clock

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch: Any) -> dt.date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


def make_challenge(issuer_user: Any, **over: Any) -> Any:
    data = {"title": "高原光伏组件智能巡检", "source": "enterprise", "problem": "无人机巡检缺陷识别率低",
            "total_investment": "2000000", "fiscal_support": "1000000", "period_months": 12,
            "acceptance": "第三方检测", "ip_ownership": "joint", "ip_terms": "双方共有", "trl": 5,
            "deadline": TODAY + dt.timedelta(days=30), **over}
    return services.challenge_create(
        actor=issuer_user, data=data, indicators=[("识别准确率", "≥ 98%"), ("单站巡检时间", "≤ 2 小时")],
        criteria=[("技术先进性", "0.5", 10, 6), ("团队能力", "0.5", 10, 6)],
        milestones=[("样机", TODAY + dt.timedelta(days=90), "40"), ("验收", TODAY + dt.timedelta(days=300), "60")])


def make_expert(name: str, org: Any = None) -> Expert:
    person = Person.objects.create(name=name, kind="expert", fields="光伏、人工智能", organisation=org,
                                   published=True)
    user: Any = UserFactory(username=f"exp-{name}", role=Role.REVIEWER)
    return Expert.objects.create(person=person, user=user)


@pytest.fixture
def world(db: Any, staff_user: Any) -> dict[str, Any]:
    issuer: Any = OrganisationFactory(name="测试光伏电站公司")
    team_a: Any = OrganisationFactory(name="测试甲团队公司")
    team_b: Any = OrganisationFactory(name="测试乙团队大学")
    users = {"issuer": UserFactory(username="iss", organisation=issuer),
             "a": UserFactory(username="team-a", organisation=team_a),
             "b": UserFactory(username="team-b", organisation=team_b), "staff": staff_user}
    ch = make_challenge(users["issuer"])
    services.move(ch, "submit", actor=users["issuer"])
    services.move(ch, "publish", actor=staff_user, data={"deadline": ch.deadline.isoformat()})
    apps = {}
    for key, org in (("a", team_a), ("b", team_b)):
        apps[key] = services.application_submit(
            challenge=ch, actor=users[key], team_name=f"{org.name}攻关队", plan=f"{key} 的保密技术方案",
            originality=True, answers={i.pk: "达到" for i in ch.indicators.all()},
            members=[("张三", "负责人", org)])
    experts = [make_expert("甲专家"), make_expert("乙专家"), make_expert("丙专家", team_b)]
    return {"ch": ch, "users": users, "apps": apps, "experts": experts, "issuer": issuer,
            "orgs": {"a": team_a, "b": team_b}}


def review_all(w: dict[str, Any], scores: dict[str, float]) -> None:
    ch = w["ch"]
    services.move(ch, "close_entries", actor=w["users"]["staff"])
    for app in w["apps"].values():
        services.move(app, "admit", actor=w["users"]["staff"])
    services.assign_experts(challenge=ch, experts=w["experts"], actor=w["users"]["staff"])
    services.move(ch, "start_review", actor=w["users"]["staff"])
    for a in ch.assignments.filter(status="assigned"):
        for key, app in w["apps"].items():
            services.review_save(assignment=a, application=app, actor=a.expert.user,
                                 scores={c.pk: scores[key] for c in ch.criteria.all()},
                                 comments={c.pk: f"{key}需改进" for c in ch.criteria.all()}, summary="总体尚可")
    services.move(ch, "finish_review", actor=w["users"]["staff"])


def to_acceptance(w: dict[str, Any], monkeypatch: Any) -> Any:
    """review_all, the issuer picks team a, 任务书 after the publicity period, both milestones released, 验收."""
    review_all(w, {"a": 9, "b": 6})
    ch, staff, team = w["ch"], w["users"]["staff"], w["users"]["a"]
    services.move(w["apps"]["a"], "select", actor=w["users"]["issuer"])
    ch.refresh_from_db()
    monkeypatch.setattr(clock, "today", lambda: ch.publicity_ends_on + dt.timedelta(days=1))
    services.move(ch, "contract", actor=staff)
    services.move(ch, "start", actor=staff)
    for m in ch.milestones.all():
        services.move(m, "report", actor=team, data={"report": f"{m.title}完成"})
        services.move(m, "approve", actor=staff, data={"comment": "通过"})
    services.move(ch, "to_acceptance", actor=w["users"]["issuer"])
    ch.refresh_from_db()
    return ch
