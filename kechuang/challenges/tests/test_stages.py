"""The later parts of issue 15: 验收 by experts and the issuer (市场判题), 立题审核 edits and merges, the swept entry
deadline, self-declared conflicts, notices on publication, milestone files, the workspace panels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kechuang.challenges import acceptance, selectors, services, solvers
from kechuang.challenges.models import Challenge, MilestoneFile
from kechuang.challenges.tests.conftest import TODAY, make_challenge, make_expert, review_all, to_acceptance
from kechuang.core.exceptions import ApplicationError
from kechuang.core.panels import Panel
from kechuang.tests_support.factories import OrganisationFactory, UserFactory
from kechuang.workflow import clock, deadlines
from kechuang.workflow.models import Notification, StateChange

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test report\n"


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _verdict(a: Any, ch: Challenge, failed: tuple[str, ...] = ()) -> None:
    keys = [line.key for line in acceptance.lines_of(ch)]
    acceptance.verdict_save(assignment=a, actor=a.expert.user,
                            met={k: "no" if k in failed else "yes" for k in keys},
                            comments={k: "实测未达到目标值" if k in failed else "" for k in keys}, summary="意见")


def _panel(w: dict[str, Any], ch: Challenge) -> list[Any]:
    services.assign_experts(challenge=ch, experts=w["experts"], actor=w["users"]["staff"], stage="acceptance")
    return list(acceptance.panel(ch))


# --- 验收 ----------------------------------------------------------------------------------------------------------


def test_acceptance_needs_experts_then_the_issuers_confirmation(world: dict[str, Any], monkeypatch: Any) -> None:
    ch = to_acceptance(world, monkeypatch)
    issuer, staff = world["users"]["issuer"], world["users"]["staff"]
    with pytest.raises(ApplicationError, match="尚未遴选验收专家"):
        services.move(ch, "close", actor=issuer, data={"comment": "通过"})
    panel = _panel(world, ch)
    # the expert from team b's university is excluded again, automatically, as in the review
    excluded = ch.assignments.get(stage="acceptance", expert=world["experts"][2])
    assert excluded.status == "excluded" and "同一单位" in excluded.excluded_reason
    assert len(panel) == 2
    _verdict(panel[0], ch)
    with pytest.raises(ApplicationError, match="尚有 1 位验收专家未提交"):
        services.move(ch, "close", actor=issuer, data={"comment": "通过"})
    _verdict(panel[1], ch)
    with pytest.raises(ApplicationError, match="没有权限"):
        services.move(ch, "close", actor=staff, data={"comment": "通过"})  # the issuer confirms, not staff
    with pytest.raises(ApplicationError, match="验收确认意见"):
        services.move(ch, "close", actor=issuer, data={"comment": ""})
    services.move(ch, "close", actor=issuer, data={"comment": "对照验收标准，同意结题"})
    ch.refresh_from_db()
    assert ch.status == "closed"
    assert StateChange.objects.filter(object_id=str(ch.pk), trigger="close", actor=issuer).exists()


def test_failed_indicator_leads_to_rectification_and_a_new_round(world: dict[str, Any], monkeypatch: Any,
                                                                 django_capture_on_commit_callbacks: Any) -> None:
    ch = to_acceptance(world, monkeypatch)
    issuer, team = world["users"]["issuer"], world["users"]["a"]
    panel = _panel(world, ch)
    first = str(ch.indicators.first().pk)
    with pytest.raises(ApplicationError, match="请写明理由"):
        acceptance.verdict_save(assignment=panel[0], actor=panel[0].expert.user,
                                met={line.key: "no" for line in acceptance.lines_of(ch)}, comments={})
    with pytest.raises(ApplicationError, match="只能填写分配给本人"):
        acceptance.verdict_save(assignment=panel[0], actor=panel[1].expert.user, met={}, comments={})
    for a in panel:
        _verdict(a, ch, failed=(first,))
    t = acceptance.tally(ch)
    assert not t.passed and t.failed_names() == ["识别准确率"]
    with pytest.raises(ApplicationError, match="未达到：识别准确率"):
        services.move(ch, "close", actor=issuer, data={"comment": "通过"})
    with django_capture_on_commit_callbacks(execute=True):
        services.move(ch, "rectify", actor=issuer, data={"comment": "识别准确率未达标，三个月内整改"})
    ch.refresh_from_db()
    assert ch.status == "rectifying"
    assert Notification.objects.filter(recipient=team, message__contains="限期整改").exists()
    services.move(ch, "resubmit", actor=team, data={"comment": "更换模型后实测 98.5%"})
    ch.refresh_from_db()
    assert ch.status == "acceptance" and ch.acceptance_round == 2
    assert acceptance.tally(ch).missing == 2  # the first round's verdicts no longer count
    for a in panel:
        _verdict(a, ch)
    services.move(ch, "close", actor=issuer, data={"comment": "整改后达到验收标准"})
    ch.refresh_from_db()
    assert ch.status == "closed"


def test_failed_acceptance_may_be_terminated_by_staff(world: dict[str, Any], monkeypatch: Any) -> None:
    ch = to_acceptance(world, monkeypatch)
    for a in _panel(world, ch):
        _verdict(a, ch, failed=("standard",))
    services.move(ch, "terminate", actor=world["users"]["staff"], data={"comment": "第三方检测不合格，终止"})
    ch.refresh_from_db()
    assert ch.status == "terminated"


def test_acceptance_page_is_for_the_assigned_expert_only(world: dict[str, Any], monkeypatch: Any,
                                                          outsider_client: Client) -> None:
    ch = to_acceptance(world, monkeypatch)
    panel = _panel(world, ch)
    url = reverse("challenges:acceptance", args=[ch.pk])
    page = _client(panel[0].expert.user).get(url)
    assert page.status_code == 200 and "验收方式与标准" in page.content.decode()
    excluded = ch.assignments.get(stage="acceptance", expert=world["experts"][2])
    assert "您已回避" in _client(excluded.expert.user).get(url).content.decode()
    assert outsider_client.get(url).status_code == 404
    assert _client(world["users"]["b"]).get(url).status_code == 404
    save = reverse("challenges:acceptance_save", args=[ch.pk])
    assert outsider_client.post(save, {"met_standard": "yes"}).status_code == 404
    keys = [line.key for line in acceptance.lines_of(ch)]
    _client(panel[0].expert.user).post(save, {**{f"met_{k}": "yes" for k in keys}, "summary": "达标"})
    assert acceptance.tally(ch).missing == 1


# --- 立题审核: edit and merge -------------------------------------------------------------------------------------


def _draft(issuer_user: Any, title: str) -> Challenge:
    ch = make_challenge(issuer_user, title=title)
    services.move(ch, "submit", actor=issuer_user)
    return ch


def _form(ch: Challenge, **over: Any) -> dict[str, Any]:
    from kechuang.challenges.forms import ChallengeForm

    data = {f: getattr(ch, f) for f in ("title", "source", "problem", "scenario", "total_investment",
                                        "fiscal_support", "period_months", "conditions", "acceptance",
                                        "ip_ownership", "ip_terms", "trl", "region_code")}
    data.update(ChallengeForm.lists_of(ch), deadline=str(ch.deadline), confidential="on", **over)
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_staff_refine_a_submitted_draft(db: Any, staff_user: Any, outsider_client: Client) -> None:
    issuer: Any = UserFactory(username="iss2", organisation=OrganisationFactory(name="测试出题公司"))
    ch = _draft(issuer, "储能电池热失控预警")
    url = reverse("challenges:edit", args=[ch.pk])
    assert outsider_client.get(url).status_code == 404  # a draft is not public
    assert _client(issuer).get(url).status_code == 403  # submitted: only staff refine it now
    page = _client(staff_user).get(url)
    assert "识别准确率｜≥ 98%" in page.content.decode()
    bad = _client(staff_user).post(url, _form(ch, indicators_text="只有名称"))
    assert "应为“指标名称｜目标值”" in bad.content.decode()
    resp = _client(staff_user).post(url, _form(ch, title="储能电池热失控早期预警",
                                               indicators_text="预警提前量｜≥ 10 分钟\n误报率｜≤ 1%"))
    assert resp.status_code == 302
    ch.refresh_from_db()
    assert ch.title == "储能电池热失控早期预警"
    assert [str(i) for i in ch.indicators.all()] == ["预警提前量：≥ 10 分钟", "误报率：≤ 1%"]
    from kechuang.core.models import AuditLog

    assert AuditLog.objects.filter(object_id=str(ch.pk), changes__has_key="indicators").exists()
    services.move(ch, "publish", actor=staff_user, data={"deadline": str(ch.deadline)})
    assert _client(staff_user).get(url).status_code == 403  # published: the 榜单 is fixed


def test_staff_merge_two_similar_drafts(db: Any, staff_user: Any, outsider_client: Client,
                                        django_capture_on_commit_callbacks: Any) -> None:
    u1: Any = UserFactory(username="iss-a", organisation=OrganisationFactory(name="测试甲出题公司"))
    u2: Any = UserFactory(username="iss-b", organisation=OrganisationFactory(name="测试乙出题局"))
    keep, gone = _draft(u1, "光伏巡检"), _draft(u2, "光伏电站巡检")
    gone.indicators.create(name="夜间识别率", target="≥ 90%")
    url = reverse("challenges:merge", args=[keep.pk])
    assert outsider_client.post(url, {"other": gone.pk}).status_code == 403
    assert _client(u1).post(url, {"other": gone.pk}).status_code == 403
    with pytest.raises(ApplicationError, match="另一份"):
        services.challenge_merge(survivor=keep, merged=keep, actor=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = _client(staff_user).post(url, {"other": gone.pk, "comment": "需求相近，统一立题"}, follow=True)
    assert "已将“光伏电站巡检”并入本榜单" in resp.content.decode()
    gone.refresh_from_db()
    assert gone.status == "merged" and gone.merged_into_id == keep.pk
    assert "夜间识别率" in set(keep.indicators.values_list("name", flat=True))
    assert Notification.objects.filter(recipient=u2, message__contains="已并入榜单“光伏巡检”").exists()
    assert Notification.objects.filter(recipient=u1, message__contains="合并了“光伏电站巡检”").exists()
    # the merged-away issuer follows its link to the surviving draft; nobody else sees it
    page = _client(u2).get(reverse("challenges:detail", args=[gone.pk])).content.decode()
    assert f"/challenges/{keep.pk}/" in page
    assert _client(u2).get(reverse("challenges:detail", args=[keep.pk])).status_code == 200
    assert outsider_client.get(reverse("challenges:detail", args=[keep.pk])).status_code == 404
    with pytest.raises(ApplicationError, match="不在立题审核中"):
        services.challenge_merge(survivor=keep, merged=gone, actor=staff_user)


# --- 揭榜报名截止 swept by the SYSTEM ----------------------------------------------------------------------------


def test_entries_close_when_the_published_deadline_passes(world: dict[str, Any], monkeypatch: Any) -> None:
    ch = world["ch"]
    day_after = ch.deadline + dt.timedelta(days=1)
    from django.utils import timezone

    def at(day: dt.date, hour: int) -> dt.datetime:  # local (bureau) time, as the deadline rows are
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))

    assert deadlines.sweep(at(ch.deadline, 23))["transitions"] == 0
    ch.refresh_from_db()
    assert ch.status == "published"  # the deadline day itself still takes entries
    monkeypatch.setattr(clock, "today", lambda: day_after)
    counts = deadlines.sweep(at(day_after, 1))
    ch.refresh_from_db()
    assert counts["transitions"] == 1 and ch.status == "screening"
    change = StateChange.objects.get(object_id=str(ch.pk), trigger="expire_entries")
    assert change.actor is None and "揭榜报名截止" in change.comment
    late: Any = UserFactory(username="late", organisation=OrganisationFactory(name="测试迟到公司"))
    with pytest.raises(ApplicationError, match="不在揭榜报名期内"):
        services.application_submit(challenge=ch, actor=late, team_name="迟到队", plan="方案", originality=True,
                                    answers={i.pk: "可" for i in ch.indicators.all()}, members=[("王", "负责人", None)])


def test_nobody_may_take_the_sweeps_step_on_a_page(world: dict[str, Any]) -> None:
    with pytest.raises(ApplicationError, match="没有权限"):
        services.move(world["ch"], "expire_entries", actor=world["users"]["staff"])


# --- self-declared conflicts ---------------------------------------------------------------------------------------


def test_expert_declares_a_conflict_and_staff_assign_a_replacement(world: dict[str, Any],
                                                                   django_capture_on_commit_callbacks: Any) -> None:
    ch, staff = world["ch"], world["users"]["staff"]
    services.move(ch, "close_entries", actor=staff)
    for app in world["apps"].values():
        services.move(app, "admit", actor=staff)
    services.assign_experts(challenge=ch, experts=world["experts"][:2], actor=staff)
    a = ch.assignments.get(expert=world["experts"][0])
    expert_user = a.expert.user
    app_url = reverse("challenges:application", args=[world["apps"]["a"].pk])
    assert _client(expert_user).get(app_url).status_code == 200
    with pytest.raises(ApplicationError, match="回避理由"):
        services.move(a, "declare", actor=expert_user, data={"comment": ""})
    other = ch.assignments.get(expert=world["experts"][1])
    with pytest.raises(ApplicationError, match="没有权限"):
        services.move(a, "declare", actor=other.expert.user, data={"comment": "代为申报"})
    with django_capture_on_commit_callbacks(execute=True):
        resp = _client(expert_user).post(reverse("challenges:assignment_transition", args=[a.pk]),
                                         {"trigger": "declare", "comment": "本人曾在测试甲团队公司兼职"})
    assert resp.status_code == 302
    a.refresh_from_db()
    assert a.status == "declared" and a.excluded_reason == "本人曾在测试甲团队公司兼职"
    assert _client(expert_user).get(app_url).status_code == 404  # the plan is hidden from the expert now
    assert "申报回避" in _client(expert_user).get(reverse("challenges:review", args=[ch.pk])).content.decode()
    assert Notification.objects.filter(recipient=staff, message__contains="请遴选替补专家").exists()
    page = _client(staff).get(reverse("challenges:detail", args=[ch.pk])).content.decode()
    assert "本人申报回避——本人曾在测试甲团队公司兼职" in page
    with pytest.raises(ApplicationError, match="已申报回避"):
        services.assign_experts(challenge=ch, experts=[world["experts"][0]], actor=staff)
    spare = make_expert("丁专家")
    services.assign_experts(challenge=ch, experts=[spare], actor=staff)
    assert ch.assignments.get(expert=spare).status == "assigned"


def test_outsider_cannot_declare_for_an_expert(world: dict[str, Any], outsider_client: Client) -> None:
    review_all(world, {"a": 9, "b": 6})
    a = world["ch"].assignments.filter(status="done").first()
    resp = outsider_client.post(reverse("challenges:assignment_transition", args=[a.pk]),
                                {"trigger": "declare", "comment": "x"})
    assert resp.status_code == 404
    a.refresh_from_db()
    assert a.status == "done"


# --- notices on publication -------------------------------------------------------------------------------------


def test_publication_notifies_invited_and_proposed_parties(db: Any, staff_user: Any, monkeypatch: Any,
                                                           django_capture_on_commit_callbacks: Any) -> None:
    from kechuang.directory.models import Person

    issuer: Any = UserFactory(username="iss3", organisation=OrganisationFactory(name="测试发榜公司"))
    holder_org = OrganisationFactory(name="测试成果大学")
    holder: Any = UserFactory(username="holder", organisation=holder_org)
    expert = make_expert("戊专家")
    bystander: Any = UserFactory(username="by", organisation=OrganisationFactory(name="测试无关公司"))

    class Rec:
        def __init__(self, kind: str, obj: Any, title: str) -> None:
            self.kind, self.obj, self.title = kind, obj, title

    recs = [Rec("enterprise", holder_org, "测试成果大学"), Rec("expert", Person.objects.get(pk=expert.person_id),
                                                              "戊专家")]
    monkeypatch.setattr(solvers, "proposals", lambda ch, user, k=8: (recs, ""))
    ch = _draft(issuer, "氢能储运安全监测")
    with django_capture_on_commit_callbacks(execute=True):
        services.move(ch, "publish", actor=staff_user, data={"deadline": str(ch.deadline)})
    assert Notification.objects.filter(recipient=holder, message__contains="新发榜单“氢能储运安全监测”").exists()
    assert Notification.objects.filter(recipient=expert.user, message__contains="专业领域相关").exists()
    assert not Notification.objects.filter(recipient=bystander).exists()
    assert Notification.objects.filter(recipient=issuer, message__contains="审核通过并发榜").count() == 1


# --- milestone files ---------------------------------------------------------------------------------------------


def test_milestone_files_validated_and_read_only_by_the_parties(world: dict[str, Any], monkeypatch: Any,
                                                               outsider_client: Client, settings: Any,
                                                               tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    review_all(world, {"a": 9, "b": 6})
    ch, staff = world["ch"], world["users"]["staff"]
    services.move(world["apps"]["a"], "select", actor=world["users"]["issuer"])
    ch.refresh_from_db()
    monkeypatch.setattr(clock, "today", lambda: ch.publicity_ends_on + dt.timedelta(days=1))
    services.move(ch, "contract", actor=staff)
    services.move(ch, "start", actor=staff)
    m = ch.milestones.first()
    up = reverse("challenges:milestone_file_upload", args=[m.pk])
    team = _client(world["users"]["a"])
    bad = team.post(up, {"file": SimpleUploadedFile("报告.exe", b"MZ")}, follow=True).content.decode()
    assert "只接受 PDF" in bad
    fake = team.post(up, {"file": SimpleUploadedFile("报告.pdf", b"not a pdf")}, follow=True).content.decode()
    assert "内容不是PDF" in fake
    monkeypatch.setattr("kechuang.challenges.models.MAX_FILE_BYTES", 10)
    big = team.post(up, {"file": SimpleUploadedFile("大.pdf", PDF)}, follow=True).content.decode()
    assert "不能超过 10 字节" in big  # the limit in force is the one named
    monkeypatch.undo()
    monkeypatch.setattr(clock, "today", lambda: ch.publicity_ends_on + dt.timedelta(days=1))
    assert outsider_client.post(up, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404
    assert _client(world["users"]["issuer"]).post(up, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 403
    assert not MilestoneFile.objects.exists()
    team.post(up, {"file": SimpleUploadedFile("第三方检测报告.pdf", PDF)})
    f = MilestoneFile.objects.get()
    assert f.name == "第三方检测报告.pdf"
    url = reverse("challenges:milestone_file", args=[f.pk])
    expert_user = ch.assignments.filter(status="done").first().expert.user
    for user in (world["users"]["a"], world["users"]["issuer"], staff, expert_user):
        resp: Any = _client(user).get(url)
        assert resp.status_code == 200 and b"".join(resp.streaming_content) == PDF
    excluded = ch.assignments.get(status="excluded").expert.user
    for client in (outsider_client, _client(world["users"]["b"]), _client(excluded)):
        assert client.get(url).status_code == 404
    assert "第三方检测报告.pdf" not in _client(world["users"]["b"]).get(
        reverse("challenges:detail", args=[ch.pk])).content.decode()


# --- workspace panels --------------------------------------------------------------------------------------------


def test_workspace_panels_list_the_users_work(world: dict[str, Any], monkeypatch: Any) -> None:
    ch = to_acceptance(world, monkeypatch)
    panels = selectors.workspace_panels(world["users"]["issuer"])
    assert all(isinstance(p, Panel) for p in panels)
    titles = {p.title: p for p in panels}
    assert titles["本单位发布的榜单"].count == 1 and titles["本单位发布的榜单"].items[0][0] == ch.title
    _panel(world, ch)
    expert = ch.assignments.filter(stage="acceptance", status="assigned").first().expert.user
    tasks = {p.title: p for p in selectors.workspace_panels(expert)}["待完成的评审与验收"]
    assert tasks.count == 1 and "验收评审" in tasks.items[0][0] and "/acceptance/" in tasks.items[0][1]
    team_panels = {p.title: p for p in selectors.workspace_panels(world["users"]["b"])}
    assert team_panels["本单位的揭榜报名"].items[0][2] == "未入选"
    staff_queue = [p for p in selectors.workspace_panels(world["users"]["staff"]) if p.queue]
    assert staff_queue and staff_queue[0].count == 0


def test_due_milestones_panel_shows_the_winner_what_is_due(world: dict[str, Any], monkeypatch: Any) -> None:
    review_all(world, {"a": 9, "b": 6})
    ch, staff = world["ch"], world["users"]["staff"]
    services.move(world["apps"]["a"], "select", actor=world["users"]["issuer"])
    ch.refresh_from_db()
    first = ch.milestones.first()
    monkeypatch.setattr(clock, "today", lambda: first.due_on - dt.timedelta(days=10))
    services.move(ch, "contract", actor=staff)
    services.move(ch, "start", actor=staff)
    due = {p.title: p for p in selectors.workspace_panels(world["users"]["a"])}["30 天内到期的里程碑"]
    assert due.count == 1 and first.title in due.items[0][0]
    assert "30 天内到期的里程碑" not in {p.title for p in selectors.workspace_panels(world["users"]["b"])}
    page = _client(world["users"]["a"]).get(reverse("accounts:workspace")).content.decode()
    assert "30 天内到期的里程碑" in page and first.title in page
    assert TODAY < first.due_on
