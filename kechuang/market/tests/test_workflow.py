"""The review workflow: every transition, wrong state, wrong actor, the concurrent conditional update."""

from __future__ import annotations

import pytest

from kechuang.core.exceptions import ApplicationError
from kechuang.market import services
from kechuang.market.choices import Status
from kechuang.market.models import Demand
from kechuang.market.tests.factories import AchievementFactory, DemandFactory
from kechuang.workflow.engine import history
from kechuang.workflow.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(enterprise_org):
    return DemandFactory(organisation=enterprise_org)


def test_it_walks_draft_submitted_published_closed(draft, enterprise_user, staff_user):
    services.demand_submit(demand=draft, actor=enterprise_user)
    assert draft.status == Status.SUBMITTED
    services.demand_publish(demand=draft, actor=staff_user)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.published_at is not None
    services.demand_close(demand=draft, actor=enterprise_user)
    draft.refresh_from_db()
    assert draft.status == Status.CLOSED
    assert [h.trigger for h in history(draft)] == ["submit", "publish", "close"]
    assert history(draft)[1].actor == staff_user


def test_it_rejects_back_to_draft_with_a_reason(draft, enterprise_user, staff_user,
                                                django_capture_on_commit_callbacks):
    services.demand_submit(demand=draft, actor=enterprise_user)
    with pytest.raises(ApplicationError):
        services.demand_reject(demand=draft, reason="  ", actor=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_reject(demand=draft, reason="预算口径不清，请补充", actor=staff_user)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.review_comment == "预算口径不清，请补充"
    assert history(draft).last().comment == "预算口径不清，请补充"
    # The owner is told why.
    assert Notification.objects.filter(recipient=enterprise_user, message__contains="预算口径不清").exists()


def test_it_withdraws_from_any_open_state(enterprise_org, enterprise_user, staff_user):
    for start in (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED):
        d = DemandFactory(organisation=enterprise_org, status=start)
        services.demand_withdraw(demand=d, actor=enterprise_user)
        d.refresh_from_db()
        assert d.status == Status.WITHDRAWN


def test_it_refuses_a_transition_from_the_wrong_state(draft, staff_user, enterprise_user):
    with pytest.raises(ApplicationError, match="当前状态"):
        services.demand_publish(demand=draft, actor=staff_user)  # not submitted yet
    with pytest.raises(ApplicationError, match="当前状态"):
        services.demand_close(demand=draft, actor=enterprise_user)


def test_it_refuses_the_wrong_actor(draft, outsider, enterprise_user, broker, institution_user):
    for actor in (outsider, broker, institution_user):
        with pytest.raises(ApplicationError, match="权限"):
            services.demand_submit(demand=draft, actor=actor)
    services.demand_submit(demand=draft, actor=enterprise_user)
    with pytest.raises(ApplicationError, match="权限"):
        services.demand_publish(demand=draft, actor=enterprise_user)  # owners cannot publish themselves
    with pytest.raises(ApplicationError, match="权限"):
        services.demand_publish(demand=draft, actor=outsider)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_the_conditional_update_lets_only_one_of_two_concurrent_reviewers_win(draft, enterprise_user, staff_user):
    services.demand_submit(demand=draft, actor=enterprise_user)
    first, second = Demand.objects.get(pk=draft.pk), Demand.objects.get(pk=draft.pk)
    services.demand_publish(demand=first, actor=staff_user)
    # The second clerk still holds the stale "submitted" copy: the UPDATE ... WHERE status='submitted' hits 0 rows.
    with pytest.raises(ApplicationError, match="已被他人修改"):
        services.demand_reject(demand=second, reason="重复", actor=staff_user)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert [h.trigger for h in history(draft)] == ["submit", "publish"]


def test_only_own_drafts_are_editable(draft, enterprise_user, outsider, staff_user):
    services.demand_update(demand=draft, actor=enterprise_user, title="更新后的需求名称")
    with pytest.raises(ApplicationError):
        services.demand_update(demand=draft, actor=outsider, title="篡改")
    services.demand_submit(demand=draft, actor=enterprise_user)
    with pytest.raises(ApplicationError):
        services.demand_update(demand=draft, actor=enterprise_user, title="审核中不能改")
    draft.refresh_from_db()
    assert draft.title == "更新后的需求名称"


def test_create_needs_an_organisation_and_validates(enterprise_user, broker):
    with pytest.raises(ApplicationError):
        services.demand_create(actor=broker, title="无机构", description="x")
    with pytest.raises(ApplicationError, match="区划"):
        services.demand_create(actor=enterprise_user, title="错误地区", description="x", region_code="999999")
    d = services.demand_create(actor=enterprise_user, title="新需求", description="描述", keywords="视觉、检测")
    assert d.status == Status.DRAFT and d.organisation_id == enterprise_user.organisation_id
    assert d.keywords == ["视觉", "检测"] and d.region_code == enterprise_user.organisation.region_code


def test_achievement_workflow_is_the_same_table(institution_user, staff_user, university_org):
    a = AchievementFactory(owner=university_org)
    services.achievement_submit(achievement=a, actor=institution_user)
    services.achievement_publish(achievement=a, actor=staff_user)
    a.refresh_from_db()
    assert a.status == Status.PUBLISHED
    services.achievement_withdraw(achievement=a, actor=staff_user)
    a.refresh_from_db()
    assert a.status == Status.WITHDRAWN
