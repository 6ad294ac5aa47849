"""Demo data for the policy platform: the demo enterprise's own facts, budgets for this year, one run of the
免申即享 batch with a few lines pushed, and applications in every state of the workflow.

Idempotent: facts are get-or-created on natural keys; budgets only where none is set; the batch refreshes
lines without duplicating them; applications are seeded only while there are none. Every status change of an
application goes through the workflow service, so the demo's history and audit log look like real use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from kechuang.accounts.models import User
from kechuang.core import jobs
from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.directory.choices import AccountStatus
from kechuang.directory.models import Organisation
from kechuang.policies import rules, services
from kechuang.policies.choices import PushStatus
from kechuang.policies.models import Application, Budget, FactRecord, FactSheet, Push

DEPENDS_ON = ("directory", "accounts", "market")  # their demo data loads first

# The demo enterprise's facts the directory does not hold (fictional, like the rest of the demo data).
DEMO_RECORDS: list[dict[str, Any]] = [
    {"collection": "projects", "type": "ai_application_demo", "date": dt.date(2025, 8, 15),
     "values": {"investment": 3_200_000}, "note": "视觉质检大模型在装配产线的应用示范"},
    {"collection": "awards", "type": "intl_innovation_competition", "date": dt.date(2025, 10, 20),
     "values": {"organiser_level": "provincial", "rank": "二等奖"}, "note": "省科技厅国际创新创业大赛"},
    {"collection": "recognitions", "type": "enterprise_tech_center", "level": "municipal",
     "date": dt.date(2025, 9, 30), "note": "市级企业技术中心"},
]
# The demo university: a foreign principal officer hired (学校、医院引进外籍主要负责人), paid yearly for 3 years.
UNIVERSITY_RECORDS: list[dict[str, Any]] = [
    {"collection": "hires", "type": "foreign_principal_officer", "date": dt.date(2025, 3, 1),
     "values": {"annual_pay": 360_000, "months_in_kunming": 9}, "note": "国际合作学院外籍院长"},
]
DEFAULT_BUDGET = 2_000_000


def _demo_organisation(username: str = "enterprise") -> Organisation | None:
    user = User.objects.filter(username=username).select_related("organisation").first()
    return user.organisation if user is not None else None


def _facts(org: Organisation, out: TextIO, records: list[dict[str, Any]], enterprise: bool = True) -> None:
    sheet, created = FactSheet.objects.get_or_create(organisation=org)
    if created and enterprise:
        sheet.is_state_owned = False
        # 上级资助 left unconfirmed on purpose: the calculator then shows the 1:1 matching measures as 待定.
        sheet.complete_collections = ["hires", "cultivated"]
        sheet.save()
    for spec in records:
        FactRecord.objects.get_or_create(
            organisation=org, collection=spec["collection"], type=spec["type"], date=spec["date"],
            defaults={"level": spec.get("level", ""), "values": spec.get("values", {}), "note": spec["note"]})


def _budgets(year: int) -> None:
    for m in rules.measures():
        if m.benefit != "grant" or Budget.objects.filter(measure_id=m.id, year=year).exists():
            continue
        ceiling = rules.max_total(m)
        # Room for a handful of payouts; a deliberately tight budget on one measure shows the refusal.
        amount = ceiling * 5 if ceiling else DEFAULT_BUDGET
        if m.id == "kc001-06-high-tech-consecutive":
            amount = 100_000
        Budget.objects.create(measure_id=m.id, year=year, amount=amount)


def _applications(staff: User, org: Organisation, year: int, out: TextIO) -> None:
    if Application.objects.exists():
        return
    # The demo enterprise applies itself, from a line the bureau pushed to it.
    member = User.objects.filter(organisation=org).first()
    pushed = Push.objects.filter(organisation=org, status=PushStatus.APPROVED).order_by("measure_id")
    for push in pushed[:1]:
        if member is not None:
            services.application_submit(organisation=org, measure_id=push.measure_id, push=push, actor=member,
                                        amount_requested=push.amount_max or 0, year=year,
                                        description="根据免申即享推送申报")
    # Other organisations' applications, one per workflow state. They have no demo login, so the rows are
    # created as if submitted, then moved along by bureau staff through the workflow like any other.
    plan = [[], ["accept"], ["accept", "review"], ["accept", "review", "publicise"],
            ["accept", "review", "publicise", "pay"], ["accept", "reject"]]
    others = (Push.objects.exclude(organisation=org).filter(status=PushStatus.PENDING)
              .select_related("organisation").order_by("organisation__name", "measure_id"))
    used: set[int] = set()
    for push in others:
        if not plan:
            break
        if push.organisation_id in used:
            continue
        used.add(push.organisation_id)
        steps = plan.pop(0)
        app = Application.objects.create(
            organisation=push.organisation, measure_id=push.measure_id, measure_title=push.measure_title,
            year=year, amount_requested=push.amount_max or 0, push=push, description="（演示）按政策计算器结果申报",
            evaluation=services.evaluation_snapshot(push.organisation, push.measure_id))
        Push.objects.filter(pk=push.pk).update(status=PushStatus.APPLIED)
        for trigger in steps:
            if trigger == "pay":  # the demo's paid application was publicised long enough ago (公示期满)
                Application.objects.filter(pk=app.pk).update(
                    publicity_starts_on=services.today() - dt.timedelta(days=14),
                    publicity_ends_on=services.today() - dt.timedelta(days=1))
                app.refresh_from_db()
            try:
                services.application_transition(
                    application=app, trigger=trigger, actor=staff, amount_approved=app.amount_requested,
                    comment="申报材料中缺少认定证书复印件" if trigger == "reject" else "")
            except ApplicationError as exc:  # e.g. 公示 when the holiday calendar lacks next year: say so, go on
                out.write(f"演示申报“{app.measure_title}”停在“{app.get_status_display()}”：{exc.message}\n")
                break
    out.write(f"政策兑现申报：{Application.objects.count()} 件（覆盖申报、受理、审核、公示、兑现、驳回）\n")


def load(out: TextIO) -> None:
    staff = User.objects.filter(username="staff").first()
    org = _demo_organisation("enterprise")
    university = _demo_organisation("institution")
    year = services.today().year
    with acting_as(None):
        if org is not None:
            _facts(org, out, DEMO_RECORDS)
        if university is not None:
            _facts(university, out, UNIVERSITY_RECORDS, enterprise=False)
        _budgets(year)
    if staff is None:
        return
    with acting_as(staff):
        job = jobs.run_now(services.PUSH_JOB, actor=staff)
        out.write(f"免申即享批量计算：{job.get_status_display()}，{job.result.get('organisations', 0)} 家机构，"
                  f"{job.result.get('eligible', 0)} 项符合\n")
        decided = Push.objects.filter(organisation=org, status__in=[PushStatus.APPROVED, PushStatus.APPLIED])
        if org is not None and not decided.exists():
            for push in Push.objects.filter(organisation=org, status=PushStatus.PENDING).order_by("measure_id")[:2]:
                services.push_review(push=push, approve=True, actor=staff, comment="演示：已核实")
        if Organisation.objects.filter(status=AccountStatus.APPROVED).exists() and org is not None:
            _applications(staff, org, year, out)
