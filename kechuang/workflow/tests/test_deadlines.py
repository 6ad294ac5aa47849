"""Deadlines of workflow states: written on entering a state, shown as working days left, swept as reminders or
as a step the SYSTEM actor takes through the same guarded transition()."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from kechuang.core.exceptions import ApplicationError
from kechuang.directory.choices import AccountStatus
from kechuang.workflow import clock, deadlines
from kechuang.workflow.engine import SYSTEM, Deadline, Transition, Workflow, transition
from kechuang.workflow.models import Notification, StateChange, WorkflowDeadline

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def _notify_members(org, deadline):
    return [(m, f"机构账户待审核已满 {deadline.length()} 个工作日", "/accounts/workspace/") for m in org.members.all()]


# A small workflow of the test's own: a pending account expires after 3 working days, reminds after 1.
EXPIRY = Workflow(
    name="test_account_expiry",
    transitions=[
        Transition("expire", AccountStatus.PENDING, AccountStatus.REJECTED, "逾期未补全，退回",
                   allowed=lambda actor, org: False),
        Transition("approve", AccountStatus.PENDING, AccountStatus.APPROVED, "通过"),
    ],
    deadlines=[
        Deadline(AccountStatus.PENDING, 1, label="补全材料提醒", notify=_notify_members),
        Deadline(AccountStatus.PENDING, 3, action="transition", trigger="expire", label="补全材料期限"),
    ],
)


@pytest.fixture
def today(monkeypatch):
    def set_day(day):
        monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(day, dt.time(9), tzinfo=CST))
        return day
    return set_day


@pytest.fixture
def pending(enterprise_user, today):
    org = enterprise_user.organisation
    org.status = AccountStatus.PENDING
    org.save()
    today(dt.date(2026, 9, 29))  # a Tuesday before National Day
    deadlines.on_enter(org, EXPIRY, AccountStatus.PENDING)
    return org


def test_rows_are_written_with_working_day_due_dates(pending):
    rows = {r.action: r for r in deadlines.pending_for(pending)}
    assert rows["remind"].due_on == dt.date(2026, 9, 30)
    assert rows["transition"].due_on == dt.date(2026, 10, 9)  # 30 Sep, then the holiday week, 8 and 9 October
    assert rows["transition"].due_at == dt.datetime(2026, 10, 10, tzinfo=CST)


def test_page_text_counts_working_days_left(pending):
    left = {r.label: r for r in deadlines.remaining(pending, today=dt.date(2026, 9, 30))}
    assert left["补全材料期限"].working_days_left == 2
    assert left["补全材料期限"].text() == "补全材料期限至2026年10月9日，还剩 2 个工作日"
    assert left["补全材料提醒"].text() == "补全材料提醒至2026年9月30日，今天是最后一天"
    assert "已超过 1 个工作日" in deadlines.remaining(pending, today=dt.date(2026, 10, 8))[0].text()


def test_sweep_reminds_then_the_system_takes_the_step(pending, enterprise_user, today,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = deadlines.sweep(dt.datetime(2026, 10, 1, 8, tzinfo=CST))
    assert first["notices"] == 1 and first["transitions"] == 0
    assert Notification.objects.filter(recipient=enterprise_user, message__contains="已满 1 个工作日").exists()
    assert deadlines.sweep(dt.datetime(2026, 10, 1, 8, tzinfo=CST))["fired"] == 0  # fired once only

    second = deadlines.sweep(dt.datetime(2026, 10, 10, 0, 1, tzinfo=CST))
    assert second["transitions"] == 1
    pending.refresh_from_db()
    assert pending.status == AccountStatus.REJECTED
    change = StateChange.objects.get(object_id=str(pending.pk), trigger="expire")
    assert change.actor is None and change.actor_name == str(SYSTEM) and "已到期" in change.comment
    done = WorkflowDeadline.objects.get(object_id=str(pending.pk), action="transition")
    assert done.fired_at is not None and done.outcome.startswith("已自动办理")


def test_leaving_the_state_drops_its_deadlines(pending, staff_user):
    transition(pending, EXPIRY, "approve", actor=staff_user)
    assert not deadlines.pending_for(pending).exists()
    assert deadlines.sweep(dt.datetime(2026, 12, 1, tzinfo=CST))["fired"] == 0
    pending.refresh_from_db()
    assert pending.status == AccountStatus.APPROVED


def test_a_row_whose_object_moved_on_is_stale(pending):
    type(pending).objects.filter(pk=pending.pk).update(status=AccountStatus.APPROVED)
    assert deadlines.sweep(dt.datetime(2026, 12, 1, tzinfo=CST))["stale"] == 2
    assert not WorkflowDeadline.objects.exists()


def test_the_system_may_take_only_the_steps_deadlines_name(pending, staff_user):
    with pytest.raises(ApplicationError, match="系统只能办理期限到期后的操作"):
        transition(pending, EXPIRY, "approve", actor=SYSTEM)
    with pytest.raises(ApplicationError, match="没有权限"):
        transition(pending, EXPIRY, "expire", actor=staff_user)  # a person may not take the deadline's step


def test_unknown_year_leaves_a_reminder_undated_and_refuses_a_timed_step(enterprise_user, today):
    org = enterprise_user.organisation
    today(dt.date(2026, 12, 30))
    with pytest.raises(ApplicationError, match="2027 年"):
        deadlines.on_enter(org, EXPIRY, AccountStatus.PENDING)  # the automatic step must not be guessed
    reminder_only = Workflow(name="test_reminder_only", transitions=EXPIRY.transitions,
                             deadlines=[Deadline(AccountStatus.PENDING, 5, label="审核提醒")])
    deadlines.on_enter(org, reminder_only, AccountStatus.PENDING)
    row = WorkflowDeadline.objects.get(content_type=ContentType.objects.get_for_model(org), object_id=str(org.pk))
    assert row.due_on is None and row.due_at is None
    assert "尚未录入 2027 年" in deadlines.remaining(org)[0].text()


def test_management_command(pending, capsys):
    call_command("sweep_deadlines")
    assert "已处理到期期限" in capsys.readouterr().out


def test_a_table_naming_a_missing_step_is_refused():
    with pytest.raises(ValueError):
        Workflow(name="test_broken", transitions=[],
                 deadlines=[Deadline(AccountStatus.PENDING, 1, action="transition", trigger="nothing")])
