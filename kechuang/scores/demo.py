"""Demo data for 企业创新积分: the national model as the first version, every demo enterprise scored, two banks
and an insurer with their users (bank, bank2, insurer; password as the other demo accounts), consents and a
few loans. Idempotent: institutions and users are get-or-created; scoring runs only when no run exists;
consents and loans are seeded only while there are none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TextIO

from django.utils import timezone

from kechuang.accounts.choices import Role
from kechuang.accounts.demo import DEMO_PASSWORD
from kechuang.accounts.models import User
from kechuang.scores import services
from kechuang.scores.choices import InstitutionKind, LoanKind
from kechuang.scores.models import Consent, FinancialInstitution, Loan, ScoreRun

DEPENDS_ON = ("directory", "accounts", "market", "policies")  # their demo data loads first

# Fictional institutions.
INSTITUTIONS = [
    ("bank", "银行 周经理", Role.BANK, "滇池科创银行昆明分行", InstitutionKind.BANK),
    ("bank2", "银行 吴经理", Role.BANK, "春城农商银行科技支行", InstitutionKind.BANK),
    ("insurer", "保险机构 郑经理", Role.INSURER, "高原科技保险股份有限公司", InstitutionKind.INSURER),
]


def load(out: TextIO) -> None:
    institutions = {}
    for username, display, role, name, kind in INSTITUTIONS:
        inst, _ = FinancialInstitution.objects.get_or_create(name=name, defaults={"kind": kind})
        user, created = User.objects.get_or_create(username=username, defaults={"display_name": display,
                                                                                "role": role})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.email = f"{username}@demo.kechuang.local"
            user.save()
        inst.members.add(user)
        institutions[username] = (inst, user)
    services.active_model_version()
    if not ScoreRun.objects.exists():
        run = services.score_all(actor=None)
        out.write(f"创新积分：已为 {run.enterprise_count} 家企业计算积分\n")
    if Consent.objects.exists():
        return
    last = ScoreRun.objects.order_by("-id").first()
    if last is None:
        return
    results = list(last.results.select_related("organisation").order_by("-total"))
    demo_ent = User.objects.filter(username="enterprise").values_list("organisation_id", flat=True).first()
    bank_a, bank_user = institutions["bank"]
    bank_b, bank_b_user = institutions["bank2"]
    insurer, insurer_user = institutions["insurer"]
    today = timezone.localdate()
    # (result, institution, user, loans: [(kind, 万元, days ago, product)])
    plan: list[tuple[Any, FinancialInstitution, User, list[tuple[str, Decimal, int, str]]]] = []
    for n, r in enumerate(results[:6]):
        if r.organisation_id == demo_ent:
            continue  # the demo enterprise consents through the pages (the journey shows it)
        inst, user = (bank_a, bank_user) if n % 2 == 0 else (bank_b, bank_b_user)
        loans: list[tuple[str, Decimal, int, str]] = [
            (LoanKind.CREDIT.value, Decimal(500 + 100 * n), 60, "科创积分贷"),
            (LoanKind.DISBURSEMENT.value, Decimal(300 + 50 * n), 45 - 5 * n, "科创积分贷")] if n < 4 else []
        plan.append((r, inst, user, loans))
    others = [r for r in results if r.organisation_id != demo_ent]
    if others:
        plan.append((others[0], insurer, insurer_user,
                     [(LoanKind.INSURANCE.value, Decimal(200), 20, "研发费用损失保险")]))
    for r, inst, user, loans in plan:
        Consent.objects.create(organisation=r.organisation, institution=inst,
                               granted_on=today - dt.timedelta(days=90))
        for loan_kind, amount, days, product in loans:
            if not Loan.objects.filter(institution=inst, organisation=r.organisation, kind=loan_kind).exists():
                services.loan_record(institution=inst, organisation=r.organisation, kind=loan_kind, amount=amount,
                                     date=today - dt.timedelta(days=days), product=product, actor=user)
    out.write(f"积分贷演示：{len(plan)} 项授权，银行账户 bank、bank2，保险机构账户 insurer\n")
