"""Applications: every step through transition() and logged, wrong actors refused, budgets never exceeded."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from kechuang.core.exceptions import ApplicationError
from kechuang.core.models import AuditLog
from kechuang.policies import services
from kechuang.policies.choices import ApplicationStatus as S
from kechuang.policies.models import Application, Budget, Payout
from kechuang.policies.tests.conftest import end_publicity, move_to_publicised
from kechuang.workflow.engine import history
from kechuang.workflow.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


def test_full_workflow_each_step_logged(application: Any, budget: Any, staff_user: Any,
                                        enterprise_user: Any) -> None:
    app = application
    assert app.status == S.SUBMITTED and app.evaluation["status"] == "eligible"
    assert app.evaluation["amount_max"] == 200_000
    services.application_transition(application=app, trigger="accept", actor=staff_user)
    assert app.status == S.ACCEPTED
    services.application_transition(application=app, trigger="review", actor=staff_user, amount_approved=180_000)
    assert app.status == S.REVIEWED and app.amount_approved == 180_000
    services.application_transition(application=app, trigger="publicise", actor=staff_user)
    assert app.status == S.PUBLICISED
    end_publicity(app)
    services.application_pay(application=app, actor=staff_user)
    app.refresh_from_db()
    assert app.status == S.PAID and app.amount_approved == 180_000
    budget.refresh_from_db()
    assert budget.paid_total == 180_000 and budget.remaining == 120_000
    assert Payout.objects.get(application=app).amount == 180_000
    assert AuditLog.objects.filter(object_type="policies.Budget", object_id=str(budget.pk), action="update",
                                   changes__paid_total=[0, 180_000]).exists()
    steps = [(h.trigger, h.from_state, h.to_state) for h in history(app)]
    assert steps == [("accept", "submitted", "accepted"), ("review", "accepted", "reviewed"),
                     ("publicise", "reviewed", "publicised"), ("pay", "publicised", "paid")]
    assert AuditLog.objects.filter(object_type="policies.Application", object_id=str(app.pk),
                                   action="transition").count() == 4
    assert Notification.objects.filter(recipient=enterprise_user, message__contains="已兑现").exists()


def test_reject_needs_reason_and_is_final(application: Any, staff_user: Any) -> None:
    with pytest.raises(ApplicationError):
        services.application_transition(application=application, trigger="reject", actor=staff_user)
    services.application_transition(application=application, trigger="reject", actor=staff_user,
                                    comment="材料不全")
    application.refresh_from_db()
    assert application.status == S.REJECTED and application.reject_reason == "材料不全"
    with pytest.raises(ApplicationError):
        services.application_transition(application=application, trigger="accept", actor=staff_user)


@pytest.mark.parametrize("who", ["enterprise_user", "outsider", "broker", "reviewer"])
def test_wrong_actor_cannot_move_or_pay(application: Any, budget: Any, staff_user: Any, who: str,
                                        request: Any) -> None:
    actor = request.getfixturevalue(who)
    for trigger in ("accept", "reject"):
        with pytest.raises(ApplicationError):
            services.application_transition(application=application, trigger=trigger, actor=actor, comment="x")
    move_to_publicised(application, staff_user)
    with pytest.raises(ApplicationError):
        services.application_pay(application=application, actor=actor)
    application.refresh_from_db()
    assert application.status == S.PUBLICISED


def test_steps_cannot_be_skipped(application: Any, staff_user: Any, budget: Any) -> None:
    with pytest.raises(ApplicationError):
        services.application_transition(application=application, trigger="publicise", actor=staff_user)
    with pytest.raises(ApplicationError):
        services.application_pay(application=application, actor=staff_user)
    services.application_transition(application=application, trigger="accept", actor=staff_user)
    with pytest.raises(ApplicationError):  # review needs the approved amount
        services.application_transition(application=application, trigger="review", actor=staff_user)
    with pytest.raises(ApplicationError):  # not above the measure's ceiling (省级 20万 at most 50万 national)
        services.application_transition(application=application, trigger="review", actor=staff_user,
                                        amount_approved=900_000)


def test_pay_through_plain_transition_is_refused(application: Any, staff_user: Any) -> None:
    from kechuang.policies.workflow import APPLICATION_WORKFLOW
    from kechuang.workflow.engine import transition

    move_to_publicised(application, staff_user)
    with pytest.raises(ApplicationError):
        transition(application, APPLICATION_WORKFLOW, "pay", actor=staff_user)


def test_submission_rules(rich_org: Any, enterprise_user: Any, outsider: Any, application: Any) -> None:
    with pytest.raises(ApplicationError):  # not a member
        services.application_submit(organisation=rich_org, measure_id="kc001-06-unicorn", amount_requested=1,
                                    actor=outsider)
    with pytest.raises(ApplicationError):  # duplicate open application
        services.application_submit(organisation=rich_org, measure_id="kc001-03-enterprise-tech-center",
                                    amount_requested=100_000, actor=enterprise_user, year=2026)
    with pytest.raises(ApplicationError):  # above the ceiling
        services.application_submit(organisation=rich_org, measure_id="kc001-06-high-tech-consecutive",
                                    amount_requested=60_000, actor=enterprise_user)
    with pytest.raises(ApplicationError):  # unknown measure
        services.application_submit(organisation=rich_org, measure_id="nope", amount_requested=1,
                                    actor=enterprise_user)


def _second_application(rich_org: Any, staff_user: Any) -> Application:
    from kechuang.accounts.choices import Role
    from kechuang.tests_support.factories import OrganisationFactory, UserFactory

    other: Any = OrganisationFactory(name="第二家企业有限公司")
    member = UserFactory(username="second", role=Role.ENTERPRISE, organisation=other)
    app = services.application_submit(organisation=other, measure_id="kc001-03-enterprise-tech-center",
                                      amount_requested=200_000, actor=member, year=2026,
                                      description="省级企业技术中心认定文件附后（平台尚未登记）")
    return move_to_publicised(app, staff_user)


def test_budget_cannot_be_exceeded_second_payout_refused(application: Any, budget: Any, staff_user: Any,
                                                         rich_org: Any) -> None:
    """Two payouts racing for a 30万 budget, each 20万: served one after the other, the second is refused."""
    first = move_to_publicised(application, staff_user)
    second = _second_application(rich_org, staff_user)
    services.application_pay(application=first, actor=staff_user)
    with pytest.raises(ApplicationError) as e:
        services.application_pay(application=second, actor=staff_user)
    assert "预算不足" in e.value.message and "剩余 100,000 元" in e.value.message
    second.refresh_from_db()
    budget.refresh_from_db()
    assert second.status == S.PUBLICISED and budget.paid_total == 200_000
    assert not Payout.objects.filter(application=second).exists()
    # After the bureau raises the budget, the second can be paid; lowering below what is paid is refused.
    with pytest.raises(ApplicationError):
        services.budget_set(measure_id=budget.measure_id, year=2026, amount=100_000, actor=staff_user)
    services.budget_set(measure_id=budget.measure_id, year=2026, amount=400_000, actor=staff_user)
    services.application_pay(application=second, actor=staff_user)
    budget.refresh_from_db()
    assert budget.paid_total == 400_000 and budget.remaining == 0


def test_no_budget_no_payout(application: Any, staff_user: Any) -> None:
    move_to_publicised(application, staff_user)
    with pytest.raises(ApplicationError) as e:
        services.application_pay(application=application, actor=staff_user)
    assert "尚未设立预算" in e.value.message


def test_database_refuses_overspending_even_without_the_service(budget: Budget) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.filter(pk=budget.pk).update(paid_total=budget.amount + 1)


def test_concurrent_payouts_in_threads(application: Any, budget: Any, staff_user: Any, rich_org: Any) -> None:
    """Real threads on the real database: whichever wins, exactly one 20万 payout fits in the 30万 budget.

    On PostgreSQL the loser waits on the budget row lock and is then refused with 预算不足; on the in-memory
    SQLite of the test run it may instead be refused by the database lock itself. Either way, never both paid.
    """
    import threading

    from django.db import DatabaseError, connection

    first = move_to_publicised(application, staff_user)
    second = _second_application(rich_org, staff_user)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def pay(app: Application) -> None:
        try:
            barrier.wait(timeout=10)
            services.application_pay(application=Application.objects.get(pk=app.pk), actor=staff_user)
            outcomes.append("paid")
        except ApplicationError as exc:
            outcomes.append(exc.message)
        except DatabaseError as exc:
            outcomes.append(f"database: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(a,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(outcomes) == 2 and outcomes.count("paid") == 1, outcomes
    budget.refresh_from_db()
    assert budget.paid_total == 200_000


def test_yearly_measure_is_applied_for_one_year_at_a_time(university_org: Any, institution_user: Any,
                                                          staff_user: Any) -> None:
    """50% of the pay, at most 10万 a year, for 3 years: each application and payout is one year's amount."""
    import datetime as dt

    services.fact_record_add(organisation=university_org, actor=institution_user, collection="hires",
                             type="foreign_principal_officer", date=dt.date(2025, 7, 1),
                             values={"annual_pay": 400_000, "months_in_kunming": 10})
    with pytest.raises(ApplicationError):
        services.application_submit(organisation=university_org, measure_id="kc001-11-foreign-principal-salary",
                                    amount_requested=300_000, actor=institution_user)
    app = services.application_submit(organisation=university_org, measure_id="kc001-11-foreign-principal-salary",
                                       amount_requested=100_000, actor=institution_user)
    assert app.evaluation["status"] == "eligible" and app.evaluation["total_max"] == 300_000
    services.push_batch_start(actor=staff_user, background=False)
    from kechuang.policies.models import Push

    push = Push.objects.get(organisation=university_org, measure_id="kc001-11-foreign-principal-salary")
    assert (push.amount_max, push.payout_years) == (100_000, 3)


def test_database_allows_one_open_application_per_measure_and_year(application: Application) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(organisation=application.organisation, measure_id=application.measure_id,
                                   measure_title="x", year=application.year, amount_requested=1)
