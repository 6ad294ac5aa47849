"""Who may reach each URL of 揭榜挂帅, in the vocabulary of kechuang/core/access.py (public / login / bureau /
post-login / post-bureau, or ``OBJECT`` with executable rows below).

The personas play the challenge's relationship roles: the enterprise persona's organisation issues the 榜单 (the
issuer), the institution persona's university enters it (the team, later the winner), the reviewer persona is the
assigned expert (review panel) and the acceptance expert; the outsider, the broker and a second team are nobody to
it."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

ACCESS_MATRIX: dict[str, str] = {
    "challenges:board": "public",  # open challenges, deadline, applicant count
    "challenges:mine": "login",  # own challenges, applications and review assignments
    "challenges:new": OBJECT,  # users with an organisation; others 403
    "challenges:detail": OBJECT,  # published: public; drafts: issuer and staff; 404 otherwise
    "challenges:transition": OBJECT,  # the workflow table says who; a hidden challenge 404
    "challenges:edit": OBJECT,  # staff while 需求征集/立题审核; the issuer while a draft; 403 otherwise
    "challenges:merge": OBJECT,  # POST, bureau
    "challenges:acceptance": OBJECT,  # the assigned acceptance expert only; 404 otherwise (staff too)
    "challenges:acceptance_save": OBJECT,
    "challenges:assignment_transition": OBJECT,  # the assigned expert (申报回避); 404 for others
    "challenges:milestone_file_upload": OBJECT,  # the winning team only
    "challenges:milestone_file": OBJECT,  # issuer, winning team, assigned experts, staff; 404 otherwise
    "challenges:assign": OBJECT,  # POST, bureau
    "challenges:invite": OBJECT,  # POST, bureau
    "challenges:objection_new": OBJECT,  # signed-in users, only during 公示
    "challenges:objection_resolve": OBJECT,  # POST, bureau
    "challenges:question_new": OBJECT,  # signed-in users on a challenge they can see
    "challenges:question_answer": OBJECT,  # the issuer and staff; 404 otherwise
    "challenges:apply": OBJECT,  # users with an organisation, on a published challenge
    "challenges:review": OBJECT,  # the assigned expert only; 404 otherwise (staff too)
    "challenges:review_save": OBJECT,
    "challenges:application": OBJECT,  # the team, the issuer, assigned experts, staff; 404 otherwise
    "challenges:application_transition": OBJECT,
    "challenges:milestone_transition": OBJECT,  # the issuer and the winning team (and staff); 404 otherwise
    "challenge-list": "public",
    "challenge-detail": OBJECT,
    "challenge-application-list": "login",
    "challenge-application-detail": OBJECT,  # the team and staff only (the issuer and experts use the pages)
    "challenge-review-list": "login",
    "challenge-review-detail": OBJECT,  # the expert who wrote it and staff
    "challenge-milestone-list": "login",
    "challenge-milestone-detail": OBJECT,  # the issuer, the winning team and staff
}


def _draft(world: Any) -> Any:
    """A 榜单 drafted by the enterprise persona (the issuer), its deadline a month ahead."""
    import datetime as dt

    from kechuang.challenges import services
    from kechuang.workflow import clock

    today = clock.today()
    data = {"title": "高原光伏组件智能巡检", "source": "enterprise", "problem": "无人机巡检缺陷识别率低",
            "total_investment": "2000000", "fiscal_support": "1000000", "period_months": 12,
            "acceptance": "第三方检测", "ip_ownership": "joint", "ip_terms": "双方共有", "trl": 5,
            "deadline": today + dt.timedelta(days=30)}
    return services.challenge_create(
        actor=world.user("enterprise"), data=data, indicators=[("识别准确率", "≥ 98%")],
        criteria=[("技术先进性", "0.5", 10, 6), ("团队能力", "0.5", 10, 6)],
        milestones=[("样机", today + dt.timedelta(days=90), "40"), ("验收", today + dt.timedelta(days=300), "60")])


def _submitted(world: Any) -> Any:
    from kechuang.challenges import services

    ch = _draft(world)
    services.move(ch, "submit", actor=world.user("enterprise"))
    return ch


def _published(world: Any) -> Any:
    from kechuang.challenges import services

    ch = _submitted(world)
    services.move(ch, "publish", actor=world.user("staff"), data={"deadline": ch.deadline.isoformat()})
    return ch


def _application(world: Any) -> Any:
    """The institution persona's team enters the published 榜单."""
    from kechuang.challenges import services

    ch = _published(world)
    return services.application_submit(
        challenge=ch, actor=world.user("institution"), team_name="测试滇池理工大学攻关队", plan="保密的技术方案",
        originality=True, answers={i.pk: "达到" for i in ch.indicators.all()},
        members=[("张三", "负责人", world.university_org)])


def _expert(world: Any) -> Any:
    """The reviewer persona in the 评审专家库 (no organisation: no conflict of interest)."""
    from kechuang.challenges.models import Expert
    from kechuang.directory.models import Person

    user = world.user("reviewer")
    expert = Expert.objects.filter(user=user).first()
    if expert is None:
        person = Person.objects.create(name="测试评审专家", kind="expert", fields="光伏、人工智能", published=True)
        expert = Expert.objects.create(person=person, user=user)
    return expert


def _reviewing(world: Any) -> Any:
    """专家评审: the team admitted, the reviewer persona on the panel; the reviewer's assignment."""
    from kechuang.challenges import services

    app = _application(world)
    ch, staff = app.challenge, world.user("staff")
    services.move(ch, "close_entries", actor=staff)
    services.move(app, "admit", actor=staff)
    services.assign_experts(challenge=ch, experts=[_expert(world)], actor=staff)
    services.move(ch, "start_review", actor=staff)
    return ch.assignments.get(expert__user=world.user("reviewer"))


def _reviewed_application(world: Any) -> Any:
    return _reviewing(world).challenge.applications.get()


def _review(world: Any) -> Any:
    from kechuang.challenges import services

    a = _reviewing(world)
    criteria = list(a.challenge.criteria.all())
    return services.review_save(assignment=a, application=a.challenge.applications.get(),
                                actor=world.user("reviewer"), scores={c.pk: 8 for c in criteria},
                                comments={c.pk: "" for c in criteria}, summary="方案可行")


def _underway(world: Any) -> Any:
    """任务书下达: the team won, the milestones run (the state set directly: the steps between are the workflow
    tests' business); the reviewer persona stays on the panel."""
    from kechuang.challenges.choices import ApplicationStatus, ChallengeStatus, MilestoneStatus
    from kechuang.challenges.models import Application, Challenge, Milestone

    ch = _reviewing(world).challenge
    Application.objects.filter(challenge=ch).update(status=ApplicationStatus.SELECTED)
    Challenge.objects.filter(pk=ch.pk).update(status=ChallengeStatus.MILESTONES)
    Milestone.objects.filter(challenge=ch).update(status=MilestoneStatus.ACTIVE)
    ch.refresh_from_db()
    return ch


def _milestone_file(world: Any) -> Any:
    from django.core.files.base import ContentFile

    from kechuang.challenges.models import MilestoneFile

    m = _underway(world).milestones.first()
    return MilestoneFile.objects.create(milestone=m, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="report.pdf"),
                                        name="样机检测报告.pdf", uploaded_by=world.user("institution"))


def _acceptance(world: Any) -> Any:
    """验收: the reviewer persona is also chosen as the acceptance expert; its acceptance assignment."""
    from kechuang.challenges import services
    from kechuang.challenges.choices import AssignmentStage, ChallengeStatus
    from kechuang.challenges.models import Challenge

    ch = _underway(world)
    Challenge.objects.filter(pk=ch.pk).update(status=ChallengeStatus.ACCEPTANCE, acceptance_round=1)
    ch.refresh_from_db()
    services.assign_experts(challenge=ch, experts=[_expert(world)], actor=world.user("staff"),
                            stage=AssignmentStage.ACCEPTANCE)
    return ch.assignments.get(expert__user=world.user("reviewer"), stage=AssignmentStage.ACCEPTANCE)


def _publicised(world: Any) -> Any:
    """公示: the team chosen, the period around today (dated directly, as the policies rows do)."""
    import datetime as dt

    from kechuang.challenges.choices import ChallengeStatus
    from kechuang.challenges.models import Challenge
    from kechuang.workflow import clock

    ch = _underway(world)
    today = clock.today()
    Challenge.objects.filter(pk=ch.pk).update(status=ChallengeStatus.PUBLICISED,
                                              publicity_starts_on=today - dt.timedelta(days=1),
                                              publicity_ends_on=today + dt.timedelta(days=3))
    ch.refresh_from_db()
    return ch


def _objection(world: Any) -> Any:
    from kechuang.challenges import services

    return services.objection_raise(challenge=_publicised(world), actor=world.user("outsider"),
                                    text="揭榜团队业绩材料不实")


def _question(world: Any) -> Any:
    from kechuang.challenges import services

    return services.question_ask(challenge=_published(world), actor=world.user("outsider"), text="可否提供样本数据？")


def _challenge_of(a: Any) -> list[Any]:
    return [a.challenge_id]


_BUREAU_POST = {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "institution": 403, "reviewer": 403,
                "staff": 302}
# The expert's own pages: nobody else, not even staff or the issuer, reaches another's assignment.
_EXPERT_ONLY = {"anonymous": LOGIN, "outsider": 404, "broker": 404, "institution": 404, "enterprise": 404,
                "staff": 404}

ACCESS_CASES = [
    Case("challenges:new", {"anonymous": LOGIN, "outsider": 200, "enterprise": 200, "reviewer": 403,
                            "broker": 403}, obj=None, note="any organisation issues; no organisation 403"),
    Case("challenges:detail", {"anonymous": 200, "outsider": 200, "broker": 200}, obj=_published,
         note="published: public"),
    Case("challenges:detail", {"anonymous": 404, "outsider": 404, "broker": 404, "institution": 404,
                               "enterprise": 200, "staff": 200}, obj=_draft, note="draft: issuer and staff"),
    Case("challenges:transition", {"anonymous": LOGIN, "outsider": 404, "broker": 404, "institution": 404,
                                   "enterprise": 302}, obj=_draft, method="post", data={"trigger": "submit"}),
    Case("challenges:edit", {"anonymous": LOGIN, "outsider": 404, "institution": 404, "enterprise": 200,
                             "staff": 200}, obj=_draft, note="draft"),
    Case("challenges:edit", {"outsider": 404, "enterprise": 403, "staff": 200}, obj=_submitted,
         note="立题审核: staff only"),
    Case("challenges:edit", {"outsider": 403, "enterprise": 403, "staff": 403}, obj=_published,
         note="published: fixed"),
    Case("challenges:merge", _BUREAU_POST, obj=_submitted, method="post", data={"other": ""}),
    Case("challenges:acceptance", {**_EXPERT_ONLY, "reviewer": 200}, obj=_acceptance, args=_challenge_of),
    Case("challenges:acceptance_save", {**_EXPERT_ONLY, "reviewer": 302}, obj=_acceptance, args=_challenge_of,
         method="post", data={"summary": "x"}),
    Case("challenges:assignment_transition", {**_EXPERT_ONLY, "staff": 302, "reviewer": 302}, obj=_reviewing,
         method="post", data={"trigger": "declare"}, note="staff see it; the step is the expert's"),
    Case("challenges:milestone_file_upload", {"anonymous": LOGIN, "outsider": 404, "broker": 404,
                                              "reviewer": 404, "enterprise": 403, "institution": 302},
         obj=lambda w: _underway(w).milestones.first(), method="post", note="the winning team only"),
    Case("challenges:milestone_file", {"anonymous": LOGIN, "outsider": 404, "broker": 404, "enterprise": 200,
                                       "institution": 200, "reviewer": 200, "staff": 200}, obj=_milestone_file),
    Case("challenges:assign", _BUREAU_POST, obj=_published, method="post"),
    Case("challenges:invite", _BUREAU_POST, obj=_published, method="post", data={"kind": "enterprise", "pk": "0"}),
    Case("challenges:objection_new", {"anonymous": LOGIN, "outsider": 302, "enterprise": 302}, obj=_publicised,
         method="post", data={"content": "业绩不实"}, note="in 公示: anyone signed in"),
    Case("challenges:objection_new", {"anonymous": LOGIN, "outsider": 404, "institution": 404}, obj=_draft,
         method="post", data={"content": "x"}, note="a draft: hidden"),
    Case("challenges:objection_resolve", _BUREAU_POST, obj=_objection, method="post",
         data={"trigger": "dismiss", "comment": "经核实，材料属实"}, note="even its author is refused"),
    Case("challenges:question_new", {"anonymous": LOGIN, "outsider": 302}, obj=_published, method="post",
         data={"question": "可否延期？"}, note="published: anyone signed in"),
    Case("challenges:question_new", {"anonymous": LOGIN, "outsider": 404, "institution": 404}, obj=_draft,
         method="post", data={"question": "x"}, note="a draft: hidden"),
    Case("challenges:question_answer", {"anonymous": LOGIN, "outsider": 404, "institution": 404, "reviewer": 404,
                                        "broker": 404, "enterprise": 302}, obj=_question, method="post",
         data={"answer": "提供脱敏数据"}, note="the issuer answers, even the asker is refused"),
    Case("challenges:apply", {"anonymous": LOGIN, "outsider": 200, "institution": 200, "reviewer": 403,
                              "broker": 403}, obj=_published, note="published: organisations"),
    Case("challenges:apply", {"anonymous": LOGIN, "outsider": 404, "enterprise": 404, "staff": 404}, obj=_draft,
         note="a draft: nobody"),
    Case("challenges:review", {**_EXPERT_ONLY, "reviewer": 200}, obj=_reviewing, args=_challenge_of),
    Case("challenges:review_save", {**_EXPERT_ONLY, "reviewer": 302}, obj=_reviewing,
         args=lambda a: [a.challenge_id, a.challenge.applications.get().pk], method="post"),
    Case("challenges:application", {"anonymous": LOGIN, "outsider": 404, "broker": 404, "institution": 200,
                                    "enterprise": 200, "reviewer": 200, "staff": 200}, obj=_reviewed_application,
         note="team, issuer, assigned expert"),
    Case("challenges:application", {"outsider": 404, "reviewer": 404, "enterprise": 200}, obj=_application,
         note="an expert of no panel"),
    Case("challenges:application_transition", {"anonymous": LOGIN, "outsider": 404, "broker": 404,
                                               "reviewer": 404, "institution": 302}, obj=_application,
         method="post", data={"trigger": "withdraw"}),
    Case("challenges:milestone_transition", {"anonymous": LOGIN, "outsider": 404, "broker": 404,
                                             "institution": 404, "reviewer": 404, "enterprise": 302},
         obj=lambda w: _published(w).milestones.first(), method="post", data={"trigger": "report"}),
    Case("challenge-detail", {"anonymous": 200, "outsider": 200}, obj=_published, note="published"),
    Case("challenge-detail", {"anonymous": 404, "outsider": 404, "institution": 404, "enterprise": 200,
                              "staff": 200}, obj=_draft, note="draft"),
    Case("challenge-application-detail", {"anonymous": (401, 403), "outsider": 404, "broker": 404,
                                          "enterprise": 404, "reviewer": 404, "institution": 200, "staff": 200},
         obj=_reviewed_application),
    Case("challenge-review-detail", {"anonymous": (401, 403), "outsider": 404, "institution": 404,
                                     "enterprise": 404, "reviewer": 200, "staff": 200}, obj=_review),
    Case("challenge-milestone-detail", {"anonymous": (401, 403), "outsider": 404, "institution": 404,
                                        "reviewer": 404, "enterprise": 200, "staff": 200},
         obj=lambda w: _published(w).milestones.first(), note="before a winner"),
    Case("challenge-milestone-detail", {"outsider": 404, "reviewer": 404, "institution": 200},
         obj=lambda w: _underway(w).milestones.first(), note="the winning team"),
]
