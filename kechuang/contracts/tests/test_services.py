"""Models, services and the registration workflow: amounts, constraints, deadlines, permissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from kechuang.contracts import deadlines, services
from kechuang.contracts.checks import precheck
from kechuang.contracts.choices import RefusalReason, Status
from kechuang.contracts.models import Contract
from kechuang.contracts.tests.factories import ContractFactory, draft_for, registrar_user
from kechuang.core.exceptions import ApplicationError
from kechuang.workflow.engine import history

pytestmark = pytest.mark.django_db


def test_database_refuses_transaction_amount_above_contract_amount():
    c = ContractFactory(contract_amount=Decimal("100.00"), transaction_amount=Decimal("100.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=c.pk).update(transaction_amount=Decimal("100.01"))


def test_amounts_are_exact_decimals_with_two_places():
    c = ContractFactory(contract_amount=Decimal("12345678901.23"), transaction_amount=Decimal("0.01"))
    c.refresh_from_db()
    assert c.contract_amount == Decimal("12345678901.23") and c.transaction_amount == Decimal("0.01")


def test_working_day_deadline_skips_national_day_holiday():
    # 2026-09-30 (Wed) + 15 working days: 1–7 October are holidays, so the count resumes on the 8th.
    day, exact = deadlines.add_working_days(dt.date(2026, 9, 30), 15)
    assert exact
    expected, n = dt.date(2026, 9, 30), 0
    import chinese_calendar

    while n < 15:
        expected += dt.timedelta(days=1)
        n += chinese_calendar.is_workday(expected)
    assert day == expected and day > dt.date(2026, 10, 21)  # plain weekdays would end on 21 October
    assert deadlines.working_days_between(dt.date(2026, 9, 30), day) == 15


def test_unknown_year_is_estimated_not_refused():
    day, exact = deadlines.add_working_days(dt.date(2026, 12, 28), 15)
    assert not exact and day.year == 2027


def test_precheck_names_each_machine_checkable_problem(enterprise_org):
    c = draft_for(enterprise_org, contract_type="transfer", sub_type="commissioned", ip_type="",
                  declared_transaction_amount=Decimal("200000"), transaction_amount=Decimal("90000"),
                  buyer_credit_code="915301", signed_on=dt.date(2099, 1, 1))
    fields = {p.field for p in precheck(c)}
    assert {"sub_type", "ip_type", "expected_output", "declared_transaction_amount", "buyer_credit_code",
            "signed_on"} <= fields


def test_full_workflow_with_correction_and_deductions(enterprise_org, enterprise_user):
    registrar = registrar_user()
    c = draft_for(enterprise_org, contract_amount=Decimal("6000000.00"),
                  declared_transaction_amount=Decimal("5500000.00"), transaction_amount=Decimal("5500000.00"))
    services.contract_submit(contract=c, actor=enterprise_user)
    c.refresh_from_db()
    assert c.status == Status.SUBMITTED and c.expert_review  # ≥ ¥5 m: 30 working days
    assert deadlines.working_days_between(c.accepted_on, c.deadline_on) == 30
    with pytest.raises(ApplicationError):
        services.contract_register(contract=c, actor=enterprise_user)  # a seller cannot register itself
    services.contract_request_correction(contract=c, items=["补充买方签章页", "提供设备采购清单"], actor=registrar)
    c.refresh_from_db()
    assert c.status == Status.CORRECTION and c.correction_items == ["补充买方签章页", "提供设备采购清单"]
    services.contract_resubmit(contract=c, answer="已补充", actor=enterprise_user)
    deductions = services.parse_deductions([("外购设备", "800000"), ("原材料", "200000.5"), ("", "")])
    services.contract_register(contract=c, actor=registrar, deductions=deductions, contract_type="transfer",
                               sub_type="patent", note="核减设备和材料费")
    c.refresh_from_db()
    assert c.status == Status.REGISTERED
    assert c.transaction_amount == Decimal("6000000.00") - Decimal("800000") - Decimal("200000.50")
    assert c.contract_type == "transfer" and c.registration_number.startswith(f"{c.registered_on.year}530100")
    assert [h.to_state for h in history(c)] == ["submitted", "correction", "resubmitted", "registered"]


def test_deductions_above_contract_amount_are_refused(enterprise_org, enterprise_user):
    c = draft_for(enterprise_org)
    services.contract_submit(contract=c, actor=enterprise_user)
    with pytest.raises(ApplicationError, match="超过合同成交额"):
        services.contract_register(contract=c, actor=registrar_user(),
                                   deductions=services.parse_deductions([("设备", "100000.01")]))


def test_refusal_needs_a_listed_reason(enterprise_org, enterprise_user):
    registrar = registrar_user()
    c = draft_for(enterprise_org)
    services.contract_submit(contract=c, actor=enterprise_user)
    with pytest.raises(ApplicationError):
        services.contract_refuse(contract=c, reason="whatever", note="", actor=registrar)
    with pytest.raises(ApplicationError, match="说明"):
        services.contract_refuse(contract=c, reason=RefusalReason.OTHER, note="", actor=registrar)
    services.contract_refuse(contract=c, reason=RefusalReason.SEAL, note="", actor=registrar)
    c.refresh_from_db()
    assert c.status == Status.REFUSED and c.refusal_reason == RefusalReason.SEAL


def test_change_and_cancellation(enterprise_org, enterprise_user):
    registrar = registrar_user()
    c = ContractFactory(seller_organisation=enterprise_org)
    services.contract_request_change(contract=c, reason="补充协议增加价款", actor=enterprise_user,
                                     changes={"contract_amount": Decimal("150000.00"),
                                              "declared_transaction_amount": Decimal("120000.00")})
    services.contract_approve_change(contract=c, actor=registrar)
    c.refresh_from_db()
    assert c.status == Status.CHANGED and c.contract_amount == Decimal("150000.00")
    assert c.transaction_amount == Decimal("120000.00")
    services.contract_request_cancel(contract=c, reason="合同解除", actor=enterprise_user)
    services.contract_approve_cancel(contract=c, actor=registrar)
    c.refresh_from_db()
    assert c.status == Status.CANCELLED


@override_settings(CONTRACTS_NUMBER_PATTERN="KM{year}-{seq:05d}")
def test_registration_number_pattern_is_a_setting():
    ContractFactory(registration_number="KM2026-00001")
    assert services.next_registration_number(2026) == "KM2026-00002"


def test_outsider_sees_no_contract_and_buyer_sees_its_own(enterprise_org, university_org, outsider):
    from kechuang.tests_support.factories import UserFactory

    c = ContractFactory(seller_organisation=enterprise_org, buyer_organisation=university_org)
    buyer = UserFactory(role="institution", organisation=university_org)
    assert not Contract.objects.restrict(outsider, "view").filter(pk=c.pk).exists()
    assert Contract.objects.restrict(buyer, "view").filter(pk=c.pk).exists()
    assert not Contract.objects.restrict(buyer, "change").filter(pk=c.pk).exists()
    assert Contract.objects.restrict(registrar_user(), "view").filter(pk=c.pk).exists()


def test_deadline_uses_the_platform_calendar_rows_for_a_year_entered_in_the_admin():
    from kechuang.workflow import calendar
    from kechuang.workflow.models import HolidayDay, HolidayYear

    start = dt.date(2026, 12, 28)
    estimated, exact = deadlines.add_working_days(start, 15)
    assert not exact
    HolidayYear.objects.create(year=2027)
    HolidayDay.objects.create(date=dt.date(2027, 1, 1), kind=HolidayDay.Kind.HOLIDAY, name="元旦")
    calendar.clear_cache()
    known, exact = deadlines.add_working_days(start, 15)
    assert exact and known == estimated + dt.timedelta(days=1)  # 1 January (a Friday) no longer counts


def test_contract_file_type_and_size_limits():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kechuang.contracts.models import validate_contract_file
    from kechuang.contracts.tests.factories import PDF

    validate_contract_file(SimpleUploadedFile("合同.pdf", PDF))
    validate_contract_file(SimpleUploadedFile("扫描件.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20))
    with pytest.raises(ValidationError, match="只接受"):
        validate_contract_file(SimpleUploadedFile("合同.docx", b"PK"))
    with pytest.raises(ValidationError, match="不是PDF"):
        validate_contract_file(SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf"))
    big = SimpleUploadedFile("合同.pdf", PDF)
    big.size = 21 * 1024 * 1024
    with pytest.raises(ValidationError, match="20 MB"):
        validate_contract_file(big)


def test_registrars_are_told_of_submissions_and_sellers_of_decisions(enterprise_org, enterprise_user,
                                                                      django_capture_on_commit_callbacks):
    from kechuang.workflow.models import Notification

    registrar = registrar_user()
    c = draft_for(enterprise_org)
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_submit(contract=c, actor=enterprise_user)
    assert Notification.objects.filter(recipient=registrar, message__contains="新受理").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_request_correction(contract=c, items=["补充签章页"], actor=registrar)
    assert Notification.objects.filter(recipient=enterprise_user, message__contains="补正").exists()
