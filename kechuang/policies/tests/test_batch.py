"""免申即享: the recorded batch job, the push list staff review, notifications, one-click application."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kechuang.core.exceptions import ApplicationError
from kechuang.core.models import Job
from kechuang.directory.choices import AccountStatus
from kechuang.policies import services
from kechuang.policies.choices import ApplicationStatus, PushStatus
from kechuang.policies.models import Push
from kechuang.tests_support.factories import OrganisationFactory
from kechuang.workflow.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


def _run(staff: Any) -> Job:
    return services.push_batch_start(actor=staff, as_of=None, background=False)


def test_batch_job_is_recorded_and_builds_the_push_list(rich_org: Any, staff_user: Any) -> None:
    pending: Any = OrganisationFactory(name="待审核企业", status=AccountStatus.PENDING)
    from kechuang.directory.models import Qualification

    Qualification.objects.create(organisation=pending, kind="unicorn", level="national",
                                 recognised_on=services.today())
    job = _run(staff_user)
    assert job.status == Job.Status.DONE, job.error
    assert job.progress == 1.0 and job.result["organisations"] >= 1 and job.created_by == staff_user
    pushes = {p.measure_id: p for p in Push.objects.filter(organisation=rich_org)}
    assert pushes["kc001-03-enterprise-tech-center"].amount_max == 200_000
    assert pushes["kc001-06-high-tech-consecutive"].amount_min == 50_000
    assert pushes["kc001-03-enterprise-tech-center"].trace[0].startswith("（三）")
    # Only cash grants, and only approved organisations.
    assert "kc001-07-soe-innovation-increase" not in pushes
    assert not Push.objects.filter(organisation=pending).exists()
    # A re-run refreshes pending lines and never duplicates.
    n = Push.objects.count()
    job2 = _run(staff_user)
    assert Push.objects.count() == n and job2.result["refreshed"] == n


def test_staff_approve_notifies_members_and_member_applies(rich_org: Any, staff_user: Any, enterprise_user: Any,
                                                          enterprise_client: Any) -> None:
    _run(staff_user)
    push = Push.objects.get(organisation=rich_org, measure_id="kc001-03-enterprise-tech-center")
    dismiss = Push.objects.get(organisation=rich_org, measure_id="kc001-06-high-tech-consecutive")
    services.push_review(push=push, approve=True, actor=staff_user)
    services.push_review(push=dismiss, approve=False, actor=staff_user, comment="已另行兑现")
    assert Notification.objects.filter(recipient=enterprise_user, message__contains="免申即享").count() == 1
    with pytest.raises(ApplicationError):  # decided lines cannot be decided again
        services.push_review(push=push, approve=False, actor=staff_user)
    # A decided line survives a re-run as decided.
    _run(staff_user)
    push.refresh_from_db()
    assert push.status == PushStatus.APPROVED
    # The member sees it on the calculator and turns it into an application in one click.
    html = enterprise_client.get(reverse("policies:calculator", args=[rich_org.pk])).content.decode()
    assert "免申即享 · 科技局已推送" in html and "一键申报" in html
    r = enterprise_client.post(reverse("policies:push_apply", args=[push.pk]))
    assert r.status_code == 302
    push.refresh_from_db()
    assert push.status == PushStatus.APPLIED
    app = push.applications.get()
    assert app.status == ApplicationStatus.SUBMITTED and app.amount_requested == 200_000


def test_only_staff_run_and_review(rich_org: Any, staff_user: Any, enterprise_user: Any, outsider: Any) -> None:
    for actor in (enterprise_user, outsider):
        with pytest.raises(ApplicationError):
            services.push_batch_start(actor=actor, background=False)
    _run(staff_user)
    push: Any = Push.objects.filter(organisation=rich_org).first()
    for actor in (enterprise_user, outsider):
        with pytest.raises(ApplicationError):
            services.push_review(push=push, approve=True, actor=actor)


def test_staff_pages_run_and_review(staff_client: Any, rich_org: Any, staff_user: Any, monkeypatch: Any) -> None:
    # The page starts the job in a background thread; run it inline so the test does not depend on timing.
    start = services.push_batch_start
    monkeypatch.setattr(services, "push_batch_start", lambda **kw: start(**{**kw, "background": False}))
    r = staff_client.post(reverse("policies:push_run"))
    assert r.status_code == 302
    assert Job.objects.get(kind=services.PUSH_JOB).status == Job.Status.DONE
    html = staff_client.get(reverse("policies:push_list")).content.decode()
    assert rich_org.name in html and "20万元" in html
    push = Push.objects.get(organisation=rich_org, measure_id="kc001-03-enterprise-tech-center")
    r = staff_client.post(reverse("policies:push_review", args=[push.pk]), {"decision": "approve"})
    assert r.status_code == 302
    push.refresh_from_db()
    assert push.status == PushStatus.APPROVED and push.reviewed_by == staff_user


def test_pushes_flag_self_declared_facts_for_staff(rich_org: Any, enterprise_user: Any, staff_user: Any,
                                                   staff_client: Any) -> None:
    import datetime as dt

    services.fact_record_add(organisation=rich_org, actor=enterprise_user, collection="projects",
                             type="ai_application_demo", date=dt.date(2025, 9, 1), values={"investment": 3_000_000})
    _run(staff_user)
    ai = Push.objects.get(organisation=rich_org, measure_id="kc001-02-ai-application-demo")
    assert ai.amount_max == 600_000
    assert len(ai.self_declared) == 1 and "人工智能典型应用示范项目" in ai.self_declared[0]
    assert "300万元" in ai.self_declared[0]
    # Recognitions the directory holds are not flagged.
    assert Push.objects.get(organisation=rich_org, measure_id="kc001-03-enterprise-tech-center").self_declared == []
    assert "需核实（本单位自报）" in staff_client.get(reverse("policies:push_list")).content.decode()


def test_a_bad_stored_fact_is_reported_not_fatal(rich_org: Any, staff_user: Any, enterprise_client: Any) -> None:
    """A record the engine no longer understands (e.g. its vocabulary changed) is named, never guessed at."""
    import datetime as dt

    from kechuang.policies.models import FactRecord

    FactRecord.objects.create(organisation=rich_org, collection="projects", type="renamed_type",
                              date=dt.date(2025, 1, 1))
    other: Any = OrganisationFactory(name="另一家企业")
    job = _run(staff_user)
    assert job.status == Job.Status.DONE
    assert any(rich_org.name in e and "projects[0].type" in e for e in job.result["errors"])
    assert not Push.objects.filter(organisation=rich_org).exists()
    assert job.result["organisations"] >= 2 and other.pk
    html = enterprise_client.get(reverse("policies:calculator", args=[rich_org.pk])).content.decode()
    assert "事实数据有误，无法计算" in html and "projects[0].type" in html


def test_bulk_review(staff_client: Any, outsider_client: Any, rich_org: Any, staff_user: Any,
                     enterprise_user: Any) -> None:
    _run(staff_user)
    ids = list(Push.objects.filter(organisation=rich_org).values_list("pk", flat=True))
    assert len(ids) >= 2
    url = reverse("policies:push_bulk_review")
    assert outsider_client.post(url, {"ids": ids, "decision": "approve"}).status_code == 403
    assert not Push.objects.exclude(status=PushStatus.PENDING).exists()
    r = staff_client.post(url, {"ids": [*ids, 999999], "decision": "approve"})
    assert r.status_code == 302
    assert Push.objects.filter(pk__in=ids, status=PushStatus.APPROVED).count() == len(ids)
    assert Notification.objects.filter(recipient=enterprise_user, message__contains="免申即享").count() == len(ids)


def test_batch_writes_push_lines_in_bulk(rich_org: Any, staff_user: Any) -> None:
    """Push lines are written with one INSERT (new) or one UPDATE (pending) per chunk, not a query or two per
    line; decided lines are kept as decided and counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kechuang.directory.models import Qualification

    for i in range(3):
        other: Any = OrganisationFactory(name=f"批量企业{i}")
        Qualification.objects.create(organisation=other, kind="unicorn", level="national",
                                     recognised_on=services.today())
    with CaptureQueriesContext(connection) as first:
        job = _run(staff_user)
    lines = Push.objects.count()
    assert lines >= 5 and job.result["created"] == lines and job.result["eligible"] == lines
    push_writes = [q["sql"] for q in first.captured_queries if 'INTO "policies_push"' in q["sql"]
                   or q["sql"].startswith('UPDATE "policies_push"')]
    assert len(push_writes) == 1 and push_writes[0].startswith("INSERT")
    assert all(p.created_at and p.updated_at and p.job_id == job.pk for p in Push.objects.all())
    decided = Push.objects.get(organisation=rich_org, measure_id="kc001-03-enterprise-tech-center")
    services.push_review(push=decided, approve=False, actor=staff_user)
    Push.objects.exclude(pk=decided.pk).update(amount_max=1)
    with CaptureQueriesContext(connection) as second:
        job2 = _run(staff_user)
    push_writes = [q["sql"] for q in second.captured_queries if 'INTO "policies_push"' in q["sql"]
                   or q["sql"].startswith('UPDATE "policies_push"')]
    # One bulk_update for the lines whose amounts changed, one UPDATE stamping every refreshed line.
    assert len(push_writes) == 2 and all(w.startswith("UPDATE") for w in push_writes)
    assert (job2.result["created"], job2.result["refreshed"], job2.result["kept"]) == (0, lines - 1, 1)
    assert not Push.objects.filter(amount_max=1).exists()  # pending lines refreshed with the new amounts
    decided.refresh_from_db()
    assert decided.status == PushStatus.DISMISSED and job2.pk != job.pk
    assert Push.objects.exclude(pk=decided.pk).filter(job=job2).count() == lines - 1
    # Nothing changed: a re-run only stamps the lines with its date and job.
    with CaptureQueriesContext(connection) as third:
        job3 = _run(staff_user)
    push_writes = [q["sql"] for q in third.captured_queries if 'INTO "policies_push"' in q["sql"]
                   or q["sql"].startswith('UPDATE "policies_push"')]
    assert len(push_writes) == 1 and job3.result["refreshed"] == lines - 1
    assert Push.objects.filter(job=job3).count() == lines - 1
