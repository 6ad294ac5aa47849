"""Pages of 揭榜挂帅. Views parse input, call one service or selector, render; who sees what is ``restrict``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.challenges import acceptance, selectors, services, solvers
from kechuang.challenges.choices import (
    ACTIVE_ASSIGNMENT_STATES,
    ApplicationStatus,
    AssignmentStage,
    AssignmentStatus,
    ChallengeStatus,
)
from kechuang.challenges.forms import ApplicationForm, ChallengeForm, QuestionForm
from kechuang.challenges.models import (
    Application,
    Assignment,
    Challenge,
    Expert,
    Milestone,
    MilestoneFile,
    Objection,
    Question,
)
from kechuang.challenges.workflow import (
    APPLICATION_WORKFLOW,
    ASSIGNMENT_WORKFLOW,
    CHALLENGE_WORKFLOW,
    MILESTONE_WORKFLOW,
    OBJECTION_WORKFLOW,
    issuer_member,
    winner_member,
)
from kechuang.core.exceptions import ApplicationError
from kechuang.core.updates import attempt, form_error

MAIN_STEPS = [(v, lbl) for v, lbl in ChallengeStatus.choices
              if v not in (ChallengeStatus.TERMINATED, ChallengeStatus.MERGED, ChallengeStatus.RECTIFYING)]
ACCEPTANCE_STATES = (ChallengeStatus.ACCEPTANCE, ChallengeStatus.RECTIFYING, ChallengeStatus.CLOSED)


def board(request: HttpRequest) -> HttpResponse:
    return render(request, "challenges/board.html", {"challenges": selectors.board()})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    challenges = Challenge.objects.restrict(user, "view").select_related("issuer")
    if not user.is_bureau:
        challenges = challenges.filter(issuer_id=user.organisation_id) if user.organisation_id else challenges.none()
    applications = (Application.objects.filter(lead_id=user.organisation_id).select_related("challenge")
                    if user.organisation_id else Application.objects.none())
    assignments = Assignment.objects.restrict(user, "view").filter(
        status__in=ACTIVE_ASSIGNMENT_STATES).select_related("challenge")
    if user.is_bureau:
        assignments = assignments.filter(expert__user_id=user.pk)
    return render(request, "challenges/mine.html", {"challenges": challenges, "applications": applications,
                                                    "assignments": assignments})


@login_required
def challenge_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.organisation_id:
        raise PermissionDenied("只有机构用户可以填报榜单需求")
    form = ChallengeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if not k.endswith("_text")}
            ch = services.challenge_create(actor=user, data=data, indicators=form.cleaned_data["indicators_text"],
                                           criteria=form.cleaned_data["criteria_text"],
                                           milestones=form.cleaned_data["milestones_text"])
            messages.success(request, "榜单需求已保存，提交立题审核后由科技局审核发榜")
            return redirect("challenges:detail", pk=ch.pk)
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "challenges/challenge_form.html", {"form": form})


@login_required
def challenge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """立题审核: staff refine the drafted 榜单 (fields, indicators, scorecard, milestones) before publishing it."""
    ch = get_object_or_404(Challenge.objects.restrict(request.user, "view"), pk=pk)
    if not services.can_edit(request.user, ch):
        raise PermissionDenied("只有科技局工作人员在立题审核中（或发榜单位在提交前）可以修改榜单")
    form = ChallengeForm(request.POST or None, instance=ch, initial=ChallengeForm.lists_of(ch))
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if not k.endswith("_text")}
            services.challenge_update(challenge=ch, actor=request.user, data=data,
                                      indicators=form.cleaned_data["indicators_text"],
                                      criteria=form.cleaned_data["criteria_text"],
                                      milestones=form.cleaned_data["milestones_text"])
            messages.success(request, "榜单已修改")
            return redirect("challenges:detail", pk=ch.pk)
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "challenges/challenge_form.html", {"form": form, "ch": ch})


@login_required
@require_POST
def challenge_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """立题审核: the chosen draft is merged into this one (it is closed with a link here)."""
    if not getattr(request.user, "is_bureau", False):
        raise PermissionDenied("仅科技局工作人员可以合并榜单")
    ch = get_object_or_404(Challenge, pk=pk)
    other = Challenge.objects.filter(pk=request.POST.get("other") or 0).first() \
        if (request.POST.get("other") or "").isdigit() else None
    if other is None:
        messages.error(request, "请选择要并入本榜单的榜单需求")
        return redirect("challenges:detail", pk=ch.pk)
    attempt(request, lambda: services.challenge_merge(survivor=ch, merged=other, actor=request.user,
                                                      comment=request.POST.get("comment", "")),
            f"已将“{other.title}”并入本榜单，双方发榜单位已收到通知")
    return redirect("challenges:detail", pk=ch.pk)


def _can_see_team(user: Any, ch: Challenge) -> bool:
    return bool(getattr(user, "is_bureau", False) or issuer_member(user, ch))


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    ch = get_object_or_404(Challenge.objects.restrict(request.user, "view").select_related("issuer",
                                                                                             "industry_chain"), pk=pk)
    user: Any = request.user
    manager = _can_see_team(user, ch)
    ctx: dict[str, Any] = {
        "ch": ch, "workflow": CHALLENGE_WORKFLOW, "app_workflow": APPLICATION_WORKFLOW,
        "milestone_workflow": MILESTONE_WORKFLOW, "objection_workflow": OBJECTION_WORKFLOW,
        "objections": ch.objections.select_related("raised_by") if getattr(user, "is_bureau", False) else [], "manager": manager, "steps": MAIN_STEPS,
        "indicators": ch.indicators.all(), "criteria": ch.criteria.all(),
        "milestones": ch.milestones.all(), "questions": ch.questions.all(), "question_form": QuestionForm(),
        "applicant_count": ch.applications.exclude(status=ApplicationStatus.WITHDRAWN).count(),
        "can_apply": (ch.status == ChallengeStatus.PUBLISHED and getattr(user, "organisation_id", None)
                      and user.organisation_id != ch.issuer_id),
        "own_application": (ch.applications.filter(lead_id=user.organisation_id).first()
                            if getattr(user, "organisation_id", None) else None),
    }
    staff = getattr(user, "is_bureau", False)
    ctx["can_edit"] = services.can_edit(user, ch)
    if staff and ch.status in (ChallengeStatus.DRAFT, ChallengeStatus.SUBMITTED):
        ctx["merge_candidates"] = services.merge_candidates(ch)
    winner = ch.winner
    team = winner is not None and getattr(user, "organisation_id", None) == winner.lead_id
    ctx["is_winner"] = team
    if manager or team or _on_panel(user, ch):
        ctx["files"] = {m.pk: list(m.files.all()) for m in ctx["milestones"]}
    if manager:
        ctx["applications"] = ch.applications.select_related("lead")
        if ch.status in selectors.RESULT_STATES:
            ctx["results"] = selectors.results(ch)
        both = ch.assignments.select_related("expert__person", "expert__person__organisation")
        ctx["assignments"] = [a for a in both if a.stage == AssignmentStage.REVIEW]
        ctx["acceptance_assignments"] = [a for a in both if a.stage == AssignmentStage.ACCEPTANCE]
        if ch.status in ACCEPTANCE_STATES:
            ctx["tally"] = acceptance.tally(ch)
    if staff and ch.status in (ChallengeStatus.SCREENING, ChallengeStatus.REVIEWING):
        taken = {a.expert_id for a in ctx["assignments"]}
        ctx["candidates"] = [e for e in services.candidates(ch) if e.pk not in taken]
    if staff and ch.status == ChallengeStatus.ACCEPTANCE:
        taken = {a.expert_id for a in ctx["acceptance_assignments"]}
        ctx["acceptance_candidates"] = [e for e in services.candidates(ch) if e.pk not in taken]
    if staff and ch.status == ChallengeStatus.PUBLISHED:
        ctx["proposals"], ctx["proposals_note"] = solvers.proposals(ch, user)
        ctx["invitations"] = ch.invitations.all()
    return render(request, "challenges/detail.html", ctx)


def _move(request: HttpRequest, obj: Any, workflow: Any, back: Any) -> HttpResponse:
    trigger = request.POST.get("trigger", "")
    attempt(request, lambda: services.move(obj, trigger, actor=request.user, data=request.POST),
            lambda _: f"已办理：{workflow.label_of(trigger)}")
    return back


@login_required
@require_POST
def challenge_transition(request: HttpRequest, pk: int) -> HttpResponse:
    ch = get_object_or_404(Challenge.objects.restrict(request.user, "view"), pk=pk)
    return _move(request, ch, CHALLENGE_WORKFLOW, redirect("challenges:detail", pk=ch.pk))


@login_required
@require_POST
def application_transition(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application.objects.restrict(request.user, "view"), pk=pk)
    back = (redirect("challenges:detail", pk=app.challenge_id) if _can_see_team(request.user, app.challenge)
            else redirect("challenges:application", pk=app.pk))
    return _move(request, app, APPLICATION_WORKFLOW, back)


@login_required
@require_POST
def milestone_transition(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(Milestone.objects.restrict(request.user, "view"), pk=pk)
    return _move(request, m, MILESTONE_WORKFLOW, redirect("challenges:detail", pk=m.challenge_id))


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    if not getattr(request.user, "is_bureau", False):
        raise PermissionDenied("仅科技局工作人员可以遴选评审专家")
    ch = get_object_or_404(Challenge, pk=pk)
    experts = list(Expert.objects.filter(pk__in=[p for p in request.POST.getlist("experts") if p.isdigit()])
                   .select_related("person"))
    if not experts:
        messages.error(request, "请至少选择一位专家")
        return redirect("challenges:detail", pk=ch.pk)

    def chosen(out: list[Assignment]) -> str:
        excluded = [f"{a.expert}（{a.excluded_reason}）" for a in out if a.status == AssignmentStatus.EXCLUDED]
        return f"已遴选 {len(out) - len(excluded)} 位专家" + (f"；自动回避：{'、'.join(excluded)}" if excluded else "")

    attempt(request, lambda: services.assign_experts(challenge=ch, experts=experts, actor=request.user,
                                                     stage=request.POST.get("stage") or AssignmentStage.REVIEW),
            chosen)
    return redirect("challenges:detail", pk=ch.pk)


@login_required
@require_POST
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    ch = get_object_or_404(Challenge.objects.restrict(request.user, "view"), pk=pk)
    attempt(request, lambda: services.question_ask(challenge=ch, actor=request.user,
                                                   text=request.POST.get("question", "")),
            "问题已提交，答复后所有人可见")
    return redirect("challenges:detail", pk=ch.pk)


@login_required
@require_POST
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    q = get_object_or_404(Question, pk=pk)
    if not _can_see_team(request.user, q.challenge):
        raise Http404
    attempt(request, lambda: services.question_answer(question=q, actor=request.user,
                                                      text=request.POST.get("answer", "")), "已答复")
    return redirect("challenges:detail", pk=q.challenge_id)


@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    ch = get_object_or_404(Challenge.objects.filter(status=ChallengeStatus.PUBLISHED), pk=pk)
    if not getattr(request.user, "organisation_id", None):
        raise PermissionDenied("只有机构用户可以代表团队揭榜")
    form = ApplicationForm(request.POST or None, challenge=ch)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_submit(
                challenge=ch, actor=request.user, team_name=form.cleaned_data["team_name"],
                plan=form.cleaned_data["plan"], originality=form.cleaned_data["originality"],
                answers=form.answers(), members=form.cleaned_data["members_text"],
                partners=form.cleaned_data["partners_text"])
            messages.success(request, "揭榜报名已提交")
            return redirect("challenges:application", pk=app.pk)
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "challenges/apply.html", {"ch": ch, "form": form})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application.objects.restrict(request.user, "view").select_related("challenge", "lead"),
                            pk=pk)
    user: Any = request.user
    own_team = user.organisation_id == app.lead_id
    blind = app.challenge.blind_review and not own_team and not _can_see_team(user, app.challenge)
    feedback, ranked = selectors.feedback_for(app) if (own_team or _can_see_team(user, app.challenge)) else (None, 0)
    return render(request, "challenges/application.html", {
        "app": app, "ch": app.challenge, "blind": blind, "own_team": own_team, "feedback": feedback,
        "ranked": ranked, "workflow": APPLICATION_WORKFLOW,
        "answers": app.answers.select_related("indicator"), "members": app.members.select_related("organisation"),
        "partners": app.partners.all()})


def _assignment(request: HttpRequest, pk: int, stage: str = AssignmentStage.REVIEW) -> Assignment:
    a = Assignment.objects.restrict(request.user, "view").filter(
        challenge_id=pk, expert__user_id=request.user.pk, stage=stage).select_related("challenge").first()
    if a is None:
        raise Http404("没有分配给您的评审")
    return a


def _on_panel(user: Any, ch: Challenge) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return ch.assignments.filter(expert__user_id=user.pk, status__in=ACTIVE_ASSIGNMENT_STATES).exists()


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assignment(request, pk)
    ch = a.challenge
    apps = list(ch.applications.filter(status=ApplicationStatus.ADMITTED)) \
        if a.status in ACTIVE_ASSIGNMENT_STATES else []
    done = {r.application_id: r for r in a.reviews.all()}
    criteria = list(ch.criteria.all())
    rows = []
    for i, app in enumerate(apps, 1):
        r = done.get(app.pk)
        rows.append({"app": app, "label": f"方案 {i}" if ch.blind_review else app.team_name, "review": r,
                     "lines": [(c, (r.scores.get(str(c.pk)) if r else None), (r.comments.get(str(c.pk), "") if r
                                                                             else "")) for c in criteria]})
    return render(request, "challenges/review.html", {"a": a, "ch": ch, "rows": rows,
                                                      "assignment_workflow": ASSIGNMENT_WORKFLOW,
                                                      "answers_of": {app.pk: app.answers.select_related("indicator")
                                                                     for app in apps}})


@login_required
@require_POST
def review_save(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    a = _assignment(request, pk)
    app = get_object_or_404(Application, pk=app_pk, challenge_id=pk)
    criteria = list(a.challenge.criteria.all())
    attempt(request, lambda: services.review_save(
        assignment=a, application=app, actor=request.user,
        scores={c.pk: request.POST.get(f"score_{c.pk}") for c in criteria},
        comments={c.pk: request.POST.get(f"comment_{c.pk}", "") for c in criteria},
        summary=request.POST.get("summary", "")), "评分已保存")
    return redirect("challenges:review", pk=pk)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    if not getattr(request.user, "is_bureau", False):
        raise PermissionDenied("仅科技局工作人员可以邀请揭榜")
    ch = get_object_or_404(Challenge, pk=pk)
    attempt(request, lambda: solvers.invite(challenge=ch, kind=request.POST.get("kind", ""),
                                            pk=request.POST.get("pk", ""), actor=request.user),
            lambda inv: f"已邀请“{inv.title}”" + ("，并通知其所在单位" if inv.organisation_id else ""))
    return redirect("challenges:detail", pk=ch.pk)


@login_required
@require_POST
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    ch = get_object_or_404(Challenge.objects.restrict(request.user, "view"), pk=pk)
    attempt(request, lambda: services.objection_raise(challenge=ch, actor=request.user,
                                                      text=request.POST.get("content", "")),
            "异议已提交，科技局处理后将通知您")
    return redirect("challenges:detail", pk=ch.pk)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    if not getattr(request.user, "is_bureau", False):
        raise PermissionDenied("仅科技局工作人员可以处理异议")
    obj = get_object_or_404(Objection, pk=pk)
    return _move(request, obj, OBJECTION_WORKFLOW, redirect("challenges:detail", pk=obj.challenge_id))


@login_required
def acceptance_page(request: HttpRequest, pk: int) -> HttpResponse:
    """验收: an acceptance expert judges each line of the 验收方式与标准 and each indicator (达到/未达到)."""
    a = _assignment(request, pk, AssignmentStage.ACCEPTANCE)
    ch = a.challenge
    active = a.status in ACTIVE_ASSIGNMENT_STATES
    own = a.acceptance_reviews.filter(round=ch.acceptance_round).first() if active else None
    lines = [(line, (own.verdicts.get(line.key) if own else None) or {}) for line in acceptance.lines_of(ch)]
    winner = ch.winner if active else None
    milestones = list(ch.milestones.prefetch_related("files")) if active else []
    return render(request, "challenges/acceptance.html", {
        "a": a, "ch": ch, "lines": lines, "own": own, "winner": winner, "milestones": milestones,
        "answers": winner.answers.select_related("indicator") if winner else [],
        "assignment_workflow": ASSIGNMENT_WORKFLOW})


@login_required
@require_POST
def acceptance_save(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assignment(request, pk, AssignmentStage.ACCEPTANCE)
    keys = [line.key for line in acceptance.lines_of(a.challenge)]
    attempt(request, lambda: acceptance.verdict_save(
        assignment=a, actor=request.user, met={k: request.POST.get(f"met_{k}") for k in keys},
        comments={k: request.POST.get(f"comment_{k}", "") for k in keys},
        summary=request.POST.get("summary", "")), "验收意见已提交")
    return redirect("challenges:acceptance", pk=pk)


@login_required
@require_POST
def assignment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """申报回避: the expert steps aside from one assignment (the workflow table says who and when)."""
    a = get_object_or_404(Assignment.objects.restrict(request.user, "view").select_related("challenge"), pk=pk)
    back = redirect("challenges:mine")
    return _move(request, a, ASSIGNMENT_WORKFLOW, back)


@login_required
@require_POST
def milestone_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(Milestone.objects.restrict(request.user, "view").select_related("challenge"), pk=pk)
    if not winner_member(request.user, m):
        raise PermissionDenied("只有揭榜方可以上传里程碑材料")
    attempt(request, lambda: services.milestone_file_add(milestone=m, actor=request.user,
                                                         upload=request.FILES.get("file")),
            lambda f: f"已上传“{f.name}”")
    return redirect("challenges:detail", pk=m.challenge_id)


@login_required
def milestone_file_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Only the issuer, the winning team, the challenge's assigned experts and staff; 404 for anyone else."""
    from django.http import FileResponse

    f = get_object_or_404(MilestoneFile.objects.restrict(request.user, "view"), pk=pk)
    try:
        handle = f.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不存在") from None
    return FileResponse(handle, as_attachment=True, filename=f.name)
