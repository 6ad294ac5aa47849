"""The demo: every demo enterprise scored, two banks and an insurer, consents and a few loans; idempotent."""

from __future__ import annotations

import io

import pytest

from kechuang.scores import services
from kechuang.scores.models import Consent, FinancialInstitution, Loan, ScoreResult, ScoreRun

pytestmark = pytest.mark.django_db


def test_demo_scores_every_enterprise_and_seeds_lending() -> None:
    from kechuang.accounts import demo as accounts_demo
    from kechuang.directory import demo as directory_demo
    from kechuang.scores import demo

    out = io.StringIO()
    directory_demo.load(out)
    accounts_demo.load(out)
    demo.load(out)
    demo.load(out)  # twice: nothing doubles
    assert ScoreRun.objects.count() == 1
    assert ScoreResult.objects.count() == services.enterprises().count() > 5
    assert FinancialInstitution.objects.filter(kind="bank").count() == 2
    assert Consent.objects.values("institution").distinct().count() == 3
    assert Loan.objects.filter(kind="disbursement").count() >= 3
    # the demo enterprise consents through the pages in the journey, not here
    from kechuang.accounts.models import User

    demo_org = User.objects.get(username="enterprise").organisation_id
    assert demo_org is not None
    assert not Consent.objects.filter(organisation_id=demo_org).exists()
