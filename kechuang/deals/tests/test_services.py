"""The deal pipeline: opening, stages through the workflow, the art. 18 pre-deal rule, registration through the
linked contract, disclosure on 签约, notes and files, the broker's queue and figures, the funnel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.contracts.choices import Status as ContractStatus
from kechuang.contracts.tests.factories import ContractFactory
from kechuang.core.exceptions import ApplicationError
from kechuang.deals import funnel, selectors, services
from kechuang.deals.choices import DisclosureKind, Origin, Stage
from kechuang.deals.disclosure import objection_create, objection_resolve, pre_deal_disclose
from kechuang.deals.models import Disclosure
from kechuang.deals.tests.factories import published_pair
from kechuang.market.models import MatchFeedback
from kechuang.tests_support.factories import OrganisationFactory
from kechuang.workflow.models import StateChange, WorkflowDeadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(enterprise_org, university_org):
    return published_pair(enterprise_org, university_org)


def _to_negotiating(deal, broker):
    services.deal_transition(deal=deal, trigger="contact", actor=broker)
    services.deal_transition(deal=deal, trigger="negotiate", actor=broker)


def test_broker_opens_from_match_and_moves_to_registered(pair, broker, enterprise_user, institution_user,
                                                         enterprise_org, university_org, outsider):
    demand, achievement = pair
    deal = services.deal_open(actor=broker, demand=demand, achievement=achievement, origin=Origin.MATCH,
                              match_rank=2)
    assert (deal.enterprise, deal.institute, deal.broker, deal.stage) == (enterprise_org, university_org, broker,
                                                                          Stage.INTENT)
    assert WorkflowDeadline.objects.filter(object_id=str(deal.pk), fired_at__isnull=True).count() == 1
    _to_negotiating(deal, broker)
    # A university pricing by negotiation must disclose first (art. 18): 签约 is refused until the period ends.
    with pytest.raises(ApplicationError, match="第十八条"):
        services.deal_transition(deal=deal, trigger="sign", actor=broker,
                                 data={"mode": "transfer", "pricing": "negotiated", "price_yuan": "300000"})
    deal.refresh_from_db()
    assert deal.stage == Stage.NEGOTIATING and deal.price_yuan is None
    pre = pre_deal_disclose(deal=deal, price_yuan=300000, mode="transfer", actor=institution_user)
    Disclosure.objects.filter(pk=pre.pk).update(starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 1, 16))
    services.deal_transition(deal=deal, trigger="sign", actor=broker,
                             data={"mode": "transfer", "pricing": "negotiated", "price_yuan": "300000"})
    deal.refresh_from_db()
    assert deal.stage == Stage.SIGNED and deal.price_yuan == 300000 and deal.signed_at
    result = Disclosure.objects.get(deal=deal, kind=DisclosureKind.RESULT)
    assert (result.seller_name, result.buyer_name, result.price_yuan) == (university_org.name, enterprise_org.name,
                                                                          300000)
    assert (result.ends_on - result.starts_on).days == 15
    # 已登记 only once the linked contract is registered.
    with pytest.raises(ApplicationError, match="尚未关联技术合同"):
        services.deal_transition(deal=deal, trigger="register", actor=enterprise_user)
    contract = ContractFactory(seller_organisation=university_org, buyer_organisation=enterprise_org,
                               status=ContractStatus.SUBMITTED, registered_on=None, registration_number=None)
    with pytest.raises(ApplicationError, match="当事方"):
        services.contract_link(deal=deal, contract=contract, actor=outsider)
    services.contract_link(deal=deal, contract=contract, actor=institution_user)
    with pytest.raises(ApplicationError, match="尚未认定登记"):
        services.deal_transition(deal=deal, trigger="register", actor=enterprise_user)
    contract.status = ContractStatus.REGISTERED
    contract.save()
    services.deal_transition(deal=deal, trigger="register", actor=enterprise_user)
    assert deal.stage == Stage.REGISTERED
    assert StateChange.objects.filter(object_id=str(deal.pk), content_type__model="deal").count() == 4
    rows = funnel.funnel("overall")
    assert rows[0]["deals"] == 1 and rows[0]["signed"] == 1 and rows[0]["registered"] == 1
    figures = selectors.broker_figures(selectors.visible(broker))
    assert (figures["opened"], figures["signed"], figures["registered"]) == (1, 1, 1)
    assert [label for label, _ in figures["medians"]] == ["意向", "对接中", "洽谈", "签约"]


def test_enterprise_company_sign_needs_no_pre_disclosure_and_terminate_needs_reason(enterprise_org, broker):
    seller = OrganisationFactory(kind="enterprise")
    demand, achievement = published_pair(enterprise_org, seller)
    deal = services.deal_open(actor=broker, demand=demand, achievement=achievement)
    _to_negotiating(deal, broker)
    other = services.deal_open(actor=broker, demand=demand, achievement=published_pair(enterprise_org, seller)[1])
    with pytest.raises(ApplicationError, match="终止原因"):
        services.deal_transition(deal=other, trigger="terminate", actor=broker, data={})
    services.deal_transition(deal=other, trigger="terminate", actor=broker, data={"termination_reason": "price"})
    assert dict(funnel.terminations())["价格"] == 1
    services.deal_transition(deal=deal, trigger="sign", actor=broker,
                             data={"mode": "licence", "pricing": "negotiated", "price_yuan": "50000"})
    assert deal.stage == Stage.SIGNED


def test_only_the_deals_broker_or_staff_moves_it(pair, broker, enterprise_user, outsider, staff_user):
    demand, achievement = pair
    deal = services.deal_open(actor=broker, demand=demand, achievement=achievement)
    for who in (enterprise_user, outsider):
        with pytest.raises(ApplicationError, match="没有权限"):
            services.deal_transition(deal=deal, trigger="contact", actor=who)
    services.deal_transition(deal=deal, trigger="contact", actor=staff_user)


def test_want_to_connect_opens_with_the_members_organisation(pair, outsider, institution_user, broker,
                                                             enterprise_user):
    demand, achievement = pair
    deal = services.deal_open(actor=outsider, achievement=achievement, origin=Origin.ACHIEVEMENT)
    assert deal.enterprise == outsider.organisation and deal.broker is None
    with pytest.raises(ApplicationError, match="本单位的成果"):
        services.deal_open(actor=institution_user, achievement=achievement)
    with pytest.raises(ApplicationError, match="进行中的商洽"):
        services.deal_open(actor=outsider, achievement=achievement)
    # The demand's broker is attached when an enterprise opens on its own demand.
    services.demand_claim(demand=demand, actor=broker)
    mine = services.deal_open(actor=enterprise_user, demand=demand,
                              achievement=achievement)
    assert mine.broker == broker


def test_notes_next_action_and_file_limits(pair, broker, enterprise_user, outsider):
    demand, achievement = pair
    deal = services.deal_open(actor=broker, demand=demand, achievement=achievement)
    services.note_add(deal=deal, actor=enterprise_user, text="双方电话沟通", next_action="实地考察",
                      next_action_on=dt.date(2026, 1, 5),
                      file=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4", content_type="application/pdf"))
    deal.refresh_from_db()
    assert deal.next_action == "实地考察"
    with pytest.raises(ApplicationError, match="PDF"):
        services.note_add(deal=deal, actor=broker, text="x", file=SimpleUploadedFile("a.exe", b"MZ"))
    with pytest.raises(ApplicationError, match="只有商洽双方"):
        services.note_add(deal=deal, actor=outsider, text="窥探")
    # Overdue next actions come first in the broker's pipeline.
    later = services.deal_open(actor=broker, demand=demand, achievement=published_pair(demand.organisation,
                                                                                        achievement.owner)[1])
    services.note_add(deal=later, actor=broker, text="约见", next_action="回访", next_action_on=dt.date(2099, 1, 1))
    assert list(selectors.pipeline(broker).values_list("pk", flat=True))[:2] == [deal.pk, later.pk]


def test_claim_and_assign(pair, broker, staff_user):
    from kechuang.tests_support.factories import UserFactory

    demand, _ = pair
    other = UserFactory(role="broker")
    services.demand_claim(demand=demand, actor=broker)
    with pytest.raises(ApplicationError, match="其他技术经理人"):
        services.demand_claim(demand=demand, actor=other)
    services.demand_assign(demand=demand, broker=other, actor=staff_user)
    assert list(selectors.assigned_demands(other)) and not list(selectors.assigned_demands(broker))
    with pytest.raises(ApplicationError):
        services.demand_assign(demand=demand, broker=other, actor=broker)
    services.broker_grade_set(broker=other, grade="senior", actor=staff_user)
    assert other.broker_profile.get_grade_display() == "高级"


def test_objection_is_recorded_and_resolved_through_the_workflow(pair, broker, outsider, staff_user, client):
    demand, achievement = pair
    deal = services.deal_open(actor=broker, demand=demand, achievement=achievement)
    _to_negotiating(deal, broker)
    d = pre_deal_disclose(deal=deal, price_yuan=100, mode="transfer", actor=broker)
    with pytest.raises(ApplicationError, match="异议内容"):
        objection_create(disclosure=d, text=" ", actor=outsider)
    o = objection_create(disclosure=d, text="价格明显偏低", actor=outsider)
    with pytest.raises(ApplicationError, match="没有权限"):
        objection_resolve(objection=o, trigger="uphold", data={"comment": "x"}, actor=outsider)
    objection_resolve(objection=o, trigger="dismiss", data={"comment": "价格经评估合理"}, actor=staff_user)
    o.refresh_from_db()
    assert o.status == "dismissed" and o.resolution == "价格经评估合理"


def test_feedback_labels_give_mrr(pair, broker):
    demand, achievement = pair
    MatchFeedback.objects.create(demand=demand, target_kind="achievement", target_id=str(achievement.pk),
                                 verdict="useful", rank=2, author=broker)
    mrr, n = funnel.mrr_at_10(funnel.labelled_pairs())
    assert (mrr, n) == (0.5, 1)
    assert funnel.mrr_at_10([{"query": "1", "doc": "a", "grade": 0, "rank": 1},
                             {"query": "1", "doc": "b", "grade": 1, "rank": 11}]) == (0.0, 1)


def test_deals_eval_command_writes_labels(pair, broker, tmp_path):
    import io
    import json

    from django.core.management import call_command

    demand, achievement = pair
    services.deal_open(actor=broker, demand=demand, achievement=achievement, match_rank=1)
    out = io.StringIO()
    call_command("deals_eval", out=str(tmp_path / "l.jsonl"), stdout=out)
    rows = [json.loads(line) for line in (tmp_path / "l.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows == [{"query": str(demand.pk), "doc": str(achievement.pk), "grade": 1, "rank": 1}]
    assert "MRR@10 = 1.000" in out.getvalue()


def test_a_deal_left_standing_reminds_its_broker(pair, broker, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from kechuang.workflow import deadlines
    from kechuang.workflow.models import Notification

    demand, achievement = pair
    deal = services.deal_open(actor=broker, demand=demand, achievement=achievement)
    with django_capture_on_commit_callbacks(execute=True):
        counts = deadlines.sweep(timezone.now() + dt.timedelta(days=40))
    assert counts["notices"] == 1
    note = Notification.objects.get(recipient=broker, url=deal.get_absolute_url(), message__contains="未推进")
    assert "10 个工作日" in note.message


def test_match_eval_feedback_without_a_file_exports_the_platforms_labels(pair, broker, enterprise_org,
                                                                         university_org, capsys):
    """`kechuang match eval --feedback`: the top-level command exports the labels from the database and the
    engine scores them (here: one 有用 at rank 2, one deal opened at rank 1 on another demand → MRR (½ + 1) / 2)."""
    from kechuang.cli import main

    demand, achievement = pair
    MatchFeedback.objects.create(demand=demand, target_kind="achievement", target_id=str(achievement.pk),
                                 verdict="useful", rank=2, author=broker)
    other_demand, _ = published_pair(enterprise_org, university_org)
    services.deal_open(actor=broker, demand=other_demand, achievement=achievement, match_rank=1)
    assert main(["match", "eval", "--feedback"]) == 0
    out = capsys.readouterr().out
    assert "标注 2 对，覆盖 2 条技术需求" in out and "MRR@10 = 0.750" in out and "nDCG@10 = " in out
