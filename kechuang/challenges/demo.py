"""Demo data for 揭榜挂帅: seven fictional challenges in different states (需求征集, 立题审核, 发榜, 专家评审,
里程碑 with one release, 结题, 终止), two teams, a panel of experts with one excluded automatically for a conflict of
interest. Seeded only while there are no challenges; every step goes through the services and the workflow, so the
history and audit log look like real use. The publicity period is passed by moving the platform's clock forward
for the duration of the call (``kechuang.workflow.clock``), never by writing a state directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from kechuang.accounts.choices import Role
from kechuang.accounts.models import User
from kechuang.challenges import acceptance, services
from kechuang.challenges.models import Challenge, Expert
from kechuang.core.validators import make_credit_code
from kechuang.directory.choices import AccountStatus, OrganisationKind
from kechuang.directory.models import Organisation, Person
from kechuang.workflow import clock

PASSWORD = "Kechuang@2026"
DEPARTMENT = {"name": "滇湖新区经济发展局（演示）", "credit_code": make_credit_code("11530100MB0C00021"),
              # The directory has no kind for a government department; it is listed as a service body.
              "kind": OrganisationKind.SERVICE_AGENCY}
SECOND_TEAM = {"name": "滇南光电材料研究院（演示）", "credit_code": make_credit_code("12530100MB0C00032"),
               "kind": OrganisationKind.INSTITUTE}
EXPERTS = [("expert1", "钱立新", "光伏、智能巡检、人工智能", None), ("expert2", "孙慧敏", "人工智能、机器视觉", None),
           ("expert3", "吴国栋", "新能源、储能、电力电子", None), ("expert4", "郑雅琴", "光伏、材料", "institution")]



DEPENDS_ON = ("directory", "accounts", "market", "policies", "contracts", "scores", "deals")  # their demo data loads first (the order kechuang/demo.py used)


@contextmanager
def _clock_at(day: dt.date) -> Iterator[None]:
    saved = clock.today
    clock.today = lambda: day  # type: ignore[assignment]
    try:
        yield
    finally:
        clock.today = saved  # type: ignore[assignment]


def _org(spec: dict[str, Any]) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        credit_code=spec["credit_code"], defaults={"name": spec["name"], "kind": spec["kind"], "region_code": "530111",
                                                   "status": AccountStatus.APPROVED})
    return org


def _user(username: str, display: str, role: str, org: Organisation | None) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": display, "role": role,
                                                                           "organisation": org})
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


SPECS = [
    ("draft", "enterprise", "高原数控机床主轴热变形补偿", "主轴温升导致加工精度下降"),
    ("submitted", "department", "城市地下管网渗漏智能感知", "管网渗漏发现滞后，需低成本在线感知"),
    ("published", "enterprise", "装配产线视觉质检大模型轻量化", "现有模型推理慢，需在边缘设备上实时运行"),
    ("reviewing", "department", "高原光伏电站无人机智能巡检", "组件热斑与隐裂识别率低"),
    ("milestones", "enterprise", "鲜花冷链保鲜气调包装", "鲜切花运输损耗高"),
    ("closed", "department", "高海拔储能电池低温性能提升", "低温下容量衰减严重"),
    ("terminated", "enterprise", "咖啡豆烘焙曲线智能控制", "烘焙品质不稳定"),
]
ORDER = ["draft", "submitted", "published", "reviewing", "milestones", "closed"]


def load(out: TextIO) -> None:
    if Challenge.objects.exists():
        return
    staff = User.objects.filter(username="staff").first()
    ent_user = User.objects.filter(username="enterprise").first()
    inst_user = User.objects.filter(username="institution").first()
    if staff is None or ent_user is None or inst_user is None:
        return
    department, second = _org(DEPARTMENT), _org(SECOND_TEAM)
    dept_user = _user("department", "经发局 刘科长", Role.ENTERPRISE, department)
    team2 = _user("team2", "研究院 何研究员", Role.INSTITUTION, second)
    experts = []
    for username, name, fields, at in EXPERTS:
        org = inst_user.organisation if at == "institution" else None
        person, _ = Person.objects.get_or_create(name=name, kind="expert",
                                                 defaults={"fields": fields, "organisation": org, "published": True,
                                                           "title": "正高级工程师"})
        user = _user(username, f"评审专家 {name}", Role.REVIEWER, None)
        experts.append(Expert.objects.get_or_create(person=person, defaults={"user": user})[0])
    today = clock.today()
    for target, issuer_key, title, problem in SPECS:
        issuer = ent_user if issuer_key == "enterprise" else dept_user
        ch = services.challenge_create(
            actor=issuer, issuer=issuer.organisation,
            data={"title": title, "source": "enterprise" if issuer_key == "enterprise" else "government",
                  "problem": problem, "scenario": "在本地示范场景中应用验证", "total_investment": "3000000",
                  "fiscal_support": "1000000", "period_months": 18, "conditions": "不设年龄、学历、职称限制",
                  "acceptance": "第三方检测机构按量化指标现场测试", "ip_ownership": "joint",
                  "ip_terms": "背景知识产权归原权利人，项目产生的知识产权由发榜单位与揭榜方共有", "trl": 6,
                  "deadline": today + dt.timedelta(days=30), "blind_review": target == "reviewing"},
            indicators=[("关键性能指标", "≥ 95%"), ("单次处理时间", "≤ 5 秒")],
            criteria=[("技术方案先进性", "0.4", 10, 6), ("团队能力与基础", "0.3", 10, 6),
                      ("实施计划与经费合理性", "0.3", 10, 6)],
            milestones=[("样机研制", today + dt.timedelta(days=120), "40"),
                        ("示范应用与验收", today + dt.timedelta(days=480), "60")])
        if target == "terminated":
            services.move(ch, "submit", actor=issuer)
            services.move(ch, "terminate", actor=staff, data={"comment": "发榜单位需求调整，撤销立题"})
            continue
        _advance(ch, ORDER.index(target), issuer, staff, ent_user, inst_user, team2, experts)
    out.write("揭榜挂帅：7 个榜单（各阶段）、2 个揭榜团队、4 位评审专家（1 位因利益冲突自动回避）。\n")


def _advance(ch: Challenge, stage: int, issuer: User, staff: User, ent_user: User, inst_user: User, team2: User,
             experts: list[Expert]) -> None:
    if stage < 1:
        return
    services.move(ch, "submit", actor=issuer)
    if stage < 2:
        return
    services.move(ch, "publish", actor=staff, data={"deadline": str(ch.deadline)})
    apps = []
    for user, name, score in ((inst_user, "滇池理工攻关团队", 8.5), (team2, "滇南光电揭榜团队", 7)):
        if user.organisation_id == ch.issuer_id:
            continue
        apps.append((services.application_submit(
            challenge=ch, actor=user, team_name=name, plan="采用多源数据融合与轻量化模型，分三阶段攻关",
            originality=True, answers={i.pk: "方案可达到并优于目标值" for i in ch.indicators.all()},
            members=[("杨青", "揭榜挂帅负责人（28岁，无职称限制）", user.organisation), ("马骏", "技术骨干", None)]),
            score))
    if stage < 3:
        return
    services.move(ch, "close_entries", actor=staff)
    for app, _ in apps:
        services.move(app, "admit", actor=staff)
    services.assign_experts(challenge=ch, experts=experts, actor=staff)  # 郑雅琴 (same unit as a team) is excluded
    services.move(ch, "start_review", actor=staff)
    for a in ch.assignments.filter(status="assigned"):
        for app, score in apps:
            services.review_save(assignment=a, application=app, actor=a.expert.user,
                                 scores={c.pk: score for c in ch.criteria.all()},
                                 comments={c.pk: "示范场景验证方案可再细化" for c in ch.criteria.all()},
                                 summary="方案可行，建议加强示范验证")
    if stage < 4:
        return
    services.move(ch, "finish_review", actor=staff)
    services.move(apps[0][0], "select", actor=issuer)
    ch.refresh_from_db()
    assert ch.publicity_ends_on is not None  # set on entering 公示
    with _clock_at(ch.publicity_ends_on + dt.timedelta(days=1)):
        services.move(ch, "contract", actor=staff)
        services.move(ch, "start", actor=staff)
    winner = apps[0][0].lead.members.first()
    first = ch.milestones.first()
    services.move(first, "report", actor=winner, data={"report": "样机研制完成，第三方初测达标"})
    services.move(first, "approve", actor=staff, data={"comment": "达到阶段目标，拨付经费"})
    if stage < 5:
        return
    last = ch.milestones.last()
    services.move(last, "report", actor=winner, data={"report": "示范应用完成"})
    services.move(last, "approve", actor=staff, data={"comment": "通过"})
    services.move(ch, "to_acceptance", actor=issuer)
    services.assign_experts(challenge=ch, experts=experts, actor=staff, stage="acceptance")
    keys = [line.key for line in acceptance.lines_of(ch)]
    for a in acceptance.panel(ch):
        acceptance.verdict_save(assignment=a, actor=a.expert.user, met={k: "yes" for k in keys},
                                comments={k: "第三方检测报告显示达到目标值" for k in keys},
                                summary="各项指标均达到验收标准，同意通过验收")
    services.move(ch, "close", actor=issuer, data={"comment": "经第三方测试和专家验收，各项指标均达到验收标准"})
