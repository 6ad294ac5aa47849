"""Who may reach each URL of the scores app (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

ACCESS_MATRIX: dict[str, str] = {
    "scores:home": "login",  # redirects by role; users with no organisation and no institution: 403
    "scores:enterprise": OBJECT,  # members of the enterprise and bureau; others 403
    "scores:flag_new": OBJECT,  # POST, members of the enterprise only
    "scores:consent_new": OBJECT,  # POST, members of the enterprise only
    "scores:consent_revoke": OBJECT,  # POST, members of the enterprise only; others 404
    "scores:flag_list": "bureau",
    "scores:flag_resolve": OBJECT,  # POST, bureau
    "scores:ranking": "bureau",
    "scores:run": "post-bureau",
    "scores:model_list": "bureau",
    "scores:model_new": "bureau",
    "scores:bank_list": OBJECT,  # members of a bank or insurer; everyone else 403
    "scores:bank_export": OBJECT,
    "scores:bank_enterprise": OBJECT,  # only enterprises consenting to the bank; others 404
    "scores:lending": "bureau",
    "score-result-list": "login",  # own organisation's results; a bank's consenting enterprises; bureau all
    "score-result-detail": OBJECT,  # own result, a consenting bank, bureau; others 404
    "score-model-list": "public",  # the model itself (indicators, weights) is public
}



def _scored(world: Any) -> Any:
    """The enterprise's result of one scoring run (every approved enterprise is scored)."""
    import datetime as dt

    from kechuang.scores import services

    org = world.enterprise_org
    world.user("outsider")  # the outsider's enterprise is scored too, and never consents to the bank
    services.score_all(actor=None, as_of=dt.date(2026, 6, 30))
    return org.score_results.get()


def _consent(world: Any) -> Any:
    """The enterprise scored and consenting to the bank persona's institution."""
    from kechuang.scores import services
    from kechuang.scores.models import FinancialInstitution

    result = _scored(world)
    bank = FinancialInstitution.objects.create(name="测试甲银行科技支行", kind="bank")
    bank.members.add(world.user("bank"))
    return services.consent_grant(organisation=result.organisation, institution=bank,
                                  actor=world.user("enterprise"))


def _flag(world: Any) -> Any:
    from kechuang.scores import services

    result = _scored(world)
    return services.fact_flag_raise(result=result, fact="revenue", comment="营业收入应为1,600万元",
                                    actor=world.user("enterprise"))


ACCESS_CASES = [
    Case("scores:enterprise", {"anonymous": LOGIN, "outsider": 403, "broker": 403, "bank": 403},
         obj=lambda w: w.enterprise_org),
    Case("scores:flag_new", {"anonymous": LOGIN, "outsider": 404}, obj=lambda w: w.enterprise_org, method="post",
         data={"fact": "revenue", "comment": "数据有误"}),
    Case("scores:consent_new", {"anonymous": LOGIN, "outsider": 403}, obj=lambda w: w.enterprise_org,
         method="post"),
    *(Case(f"scores:{name}", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "broker": 403})
      for name in ("bank_list", "bank_export")),
    Case("scores:consent_revoke", {"anonymous": LOGIN, "outsider": 404, "bank": 404, "broker": 404,
                                   "enterprise": 302}, obj=_consent, method="post"),
    Case("scores:flag_resolve", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "bank": 403,
                                 "staff": 302}, obj=_flag, method="post",
         data={"trigger": "reject", "resolution": "与审计报告一致"}),
    # The bank sees an enterprise only while it consents; everyone else, the enterprise included, is refused.
    Case("scores:bank_enterprise", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "staff": 403,
                                    "bank": 200}, obj=_consent, args=lambda c: [c.organisation_id]),
    Case("scores:bank_enterprise", {"outsider": 403, "bank": 404}, obj=lambda w: (_consent(w), w.outsider_org)[1],
         note="an enterprise that never consented"),
    Case("score-result-detail", {"anonymous": (401, 403), "outsider": 404, "broker": 404, "enterprise": 200,
                                 "bank": 200, "staff": 200},
         obj=lambda w: (_consent(w), w.enterprise_org.score_results.get())[1]),
]
