from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.accounts import services, throttling
from kechuang.accounts.forms import OrganisationRegistrationForm
from kechuang.accounts.services import ORGANISATION_WORKFLOW
from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import AuthenticatedHttpRequest, is_member_or_bureau, require_bureau
from kechuang.directory.choices import AccountStatus
from kechuang.directory.models import Organisation


def register(request: HttpRequest) -> HttpResponse:
    form = OrganisationRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = services.organisation_register(
            organisation_name=d["organisation_name"], kind=d["kind"], credit_code=d["credit_code"],
            region_code=d["region_code"], username=d["username"], display_name=d["display_name"],
            email=d["email"], password=d["password1"], phone=d.get("phone", ""),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "注册成功，机构账户正在等待科技局审核。")
        return redirect("accounts:workspace")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def workspace(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One workspace page whose panels depend on the role; each domain app adds its own panels."""
    from kechuang.core.panels import panels_for

    user = request.user
    panels = panels_for(user)
    pending = Organisation.objects.filter(status=AccountStatus.PENDING).count() if user.is_bureau else 0
    return render(request, "accounts/workspace.html", {"panels": panels, "pending_organisations": pending,
                                                       "workflow": ORGANISATION_WORKFLOW})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require_bureau(request.user, "仅科技局工作人员可以审核机构账户")
    pending = Organisation.objects.filter(status=AccountStatus.PENDING).order_by("created_at")
    return render(request, "accounts/review_queue.html", {"pending": pending, "workflow": ORGANISATION_WORKFLOW})


@login_required
@require_POST
def review_organisation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A step of the organisation's account workflow: staff 通过/驳回 from the review queue; a member of a rejected
    organisation 重新提交审核 from the workspace. The workflow table decides who may take which step."""
    user = request.user
    if not is_member_or_bureau(user, pk):
        raise PermissionDenied("仅科技局工作人员可以审核机构账户")
    org = get_object_or_404(Organisation, pk=pk)
    # The workflow include posts ``trigger``; ``decision=approve|reject`` is the older spelling, still accepted.
    trigger = request.POST.get("trigger") or ("approve" if request.POST.get("decision") == "approve" else "reject")
    try:
        services.organisation_transition(organisation=org, trigger=trigger, actor=user, data=request.POST)
        messages.success(request, f"已处理：{org.name}（{org.get_status_display()}）")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:review_queue" if user.is_bureau else "accounts:workspace")


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    """Accounts locked by too many failed logins; staff unlock one with a POST."""
    require_bureau(request.user, "仅科技局工作人员可以解除登录锁定")
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        if username:
            throttling.unlock(username=username, actor=request.user)
            messages.success(request, f"已解除账户“{username}”的登录锁定。")
        return redirect("accounts:lockouts")
    return render(request, "accounts/lockouts.html", {"locked": throttling.locked_accounts(),
                                                     "limit": settings.AXES_FAILURE_LIMIT,
                                                     "minutes": settings.AXES_COOLOFF_MINUTES})
