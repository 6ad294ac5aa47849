"""Account services: organisation registration and its review by bureau staff."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kechuang.accounts.choices import Role
from kechuang.accounts.models import User
from kechuang.core.audit import acting_as
from kechuang.core.permissions import is_member
from kechuang.directory.choices import INSTITUTION_KINDS, AccountStatus
from kechuang.directory.models import Organisation
from kechuang.workflow.engine import Transition, Workflow, bureau, transition
from kechuang.workflow.forms import StepForm


def _notify_members(org: Organisation, step: Transition, actor: Any) -> list[tuple[Any, str, str]]:
    text = {"approve": "您的机构账户已通过审核", "reject": f"您的机构账户未通过审核：{org.review_comment or ''}"}
    return [(m, text.get(step.trigger, step.label), "/accounts/workspace/") for m in org.members.all()]


class ReviewStepForm(StepForm):
    """通过 / 驳回: the opinion is kept on the organisation (``review_comment``), where its members read it."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["review_comment"] = (data.get("comment") or "").strip()
        return data


ORGANISATION_WORKFLOW = Workflow(
    name="organisation_account",
    transitions=[
        Transition("approve", AccountStatus.PENDING, AccountStatus.APPROVED, "通过", allowed=bureau,
                   form=ReviewStepForm, effects=("review_comment",), comment_label="审核意见（可不填）"),
        Transition("reject", AccountStatus.PENDING, AccountStatus.REJECTED, "驳回", allowed=bureau,
                   comment_required=True, comment_label="驳回理由", form=ReviewStepForm,
                   effects=("review_comment",), danger=True),
        Transition("resubmit", AccountStatus.REJECTED, AccountStatus.PENDING, "重新提交审核", allowed=is_member,
                   comment_label="补充说明（可不填）"),
    ],
    notify=_notify_members,
)


@transaction.atomic
def organisation_register(*, organisation_name: str, kind: str, credit_code: str, region_code: str, username: str,
                          display_name: str, email: str, password: str, phone: str = "") -> User:
    """Create a pending organisation and its first user; bureau staff approve it before it is public."""
    role = Role.INSTITUTION if kind in INSTITUTION_KINDS else Role.ENTERPRISE
    org = Organisation(name=organisation_name, kind=kind, credit_code=credit_code, region_code=region_code,
                       status=AccountStatus.PENDING, contact_name=display_name, contact_phone=phone)
    org.full_clean()
    user = User(username=username, email=email, display_name=display_name, phone=phone, role=role)
    user.set_password(password)
    with acting_as(None):
        org.save()
        user.organisation = org
        user.save()
    return user


def organisation_review(*, organisation: Organisation, approve: bool, comment: str, actor: User) -> Organisation:
    return organisation_transition(organisation=organisation, trigger="approve" if approve else "reject",
                                   actor=actor, data={"comment": comment})


def organisation_transition(*, organisation: Organisation, trigger: str, actor: Any, data: Any = None) -> Organisation:
    """A step of the account workflow from a page: staff 通过/驳回, the organisation's own member 重新提交审核."""
    transition(organisation, ORGANISATION_WORKFLOW, trigger, actor=actor, data=data)
    return organisation
