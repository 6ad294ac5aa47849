import pytest
from django.db import transaction

from kechuang.accounts.services import ORGANISATION_WORKFLOW
from kechuang.core.exceptions import ApplicationError
from kechuang.core.models import AuditLog
from kechuang.directory.choices import AccountStatus
from kechuang.directory.models import Organisation
from kechuang.tests_support.factories import OrganisationFactory
from kechuang.workflow.engine import transition
from kechuang.workflow.models import Notification, StateChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_org(enterprise_user):
    org = enterprise_user.organisation
    org.status = AccountStatus.PENDING
    org.save()
    return org


def test_transition_changes_one_row_and_logs_it(pending_org, staff_user):
    change = transition(pending_org, ORGANISATION_WORKFLOW, "approve", actor=staff_user, comment="同意")
    assert Organisation.objects.get(pk=pending_org.pk).status == "approved"
    assert (change.from_state, change.to_state, change.trigger, change.comment) == ("pending", "approved", "approve", "同意")
    assert AuditLog.objects.filter(action="transition", object_id=str(pending_org.pk)).exists()


def test_stale_object_loses_the_race(pending_org, staff_user):
    first = Organisation.objects.get(pk=pending_org.pk)
    second = Organisation.objects.get(pk=pending_org.pk)
    transition(first, ORGANISATION_WORKFLOW, "approve", actor=staff_user)
    with pytest.raises(ApplicationError, match="已被他人修改"):
        # `second` still believes it is pending: the conditional update matches no row.
        transition(second, ORGANISATION_WORKFLOW, "reject", actor=staff_user, comment="迟到的驳回")
    assert Organisation.objects.get(pk=pending_org.pk).status == "approved"
    assert StateChange.objects.filter(object_id=str(pending_org.pk)).count() == 1


def test_wrong_state_is_refused(pending_org, staff_user):
    with pytest.raises(ApplicationError, match="当前状态"):
        transition(pending_org, ORGANISATION_WORKFLOW, "resubmit", actor=staff_user)


def test_wrong_actor_is_refused(pending_org, outsider, enterprise_user):
    for actor in (outsider, enterprise_user):
        with pytest.raises(ApplicationError, match="没有权限"):
            transition(pending_org, ORGANISATION_WORKFLOW, "approve", actor=actor)
    assert Organisation.objects.get(pk=pending_org.pk).status == "pending"


def test_unknown_trigger(pending_org, staff_user):
    with pytest.raises(ApplicationError, match="未知的操作"):
        transition(pending_org, ORGANISATION_WORKFLOW, "teleport", actor=staff_user)


def test_notifications_wait_for_commit(pending_org, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(pending_org, ORGANISATION_WORKFLOW, "approve", actor=staff_user)
    assert Notification.objects.count() == 0 and len(callbacks) == 1
    callbacks[0]()
    assert Notification.objects.filter(recipient__organisation=pending_org).count() == 1


def test_rolled_back_transition_leaves_no_trace(pending_org, staff_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(pending_org, ORGANISATION_WORKFLOW, "approve", actor=staff_user)
        raise RuntimeError("boom")
    assert Organisation.objects.get(pk=pending_org.pk).status == "pending"
    assert not StateChange.objects.exists()


def test_member_may_resubmit_after_rejection(pending_org, staff_user, enterprise_user):
    transition(pending_org, ORGANISATION_WORKFLOW, "reject", actor=staff_user, comment="补充材料")
    transition(pending_org, ORGANISATION_WORKFLOW, "resubmit", actor=enterprise_user)
    assert pending_org.status == "pending"
    assert [t.trigger for t in ORGANISATION_WORKFLOW.available(pending_org, staff_user)] == ["approve", "reject"]
    other = OrganisationFactory(status=AccountStatus.REJECTED)
    assert ORGANISATION_WORKFLOW.available(other, enterprise_user) == []
