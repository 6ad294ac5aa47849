from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.core.files.base import ContentFile

from kechuang.accounts.choices import Role
from kechuang.contracts.choices import ContractType, Source, Status, SubType, TechField
from kechuang.contracts.models import Contract
from kechuang.core.validators import make_credit_code
from kechuang.tests_support.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ContractFactory(factory.django.DjangoModelFactory):
    """A registered contract by default; pass status/registered_on/registration_number=None for a draft."""

    class Meta:
        model = Contract

    title = factory.Sequence(lambda n: f"测试技术合同{n:05d}")
    contract_type = ContractType.DEVELOPMENT
    sub_type = SubType.COMMISSIONED
    technology_field = TechField.ELECTRONIC_INFORMATION
    signed_on = dt.date(2026, 3, 1)
    seller_name = "测试卖方有限公司"
    seller_credit_code = factory.Sequence(lambda n: make_credit_code(f"91530102MA7T{n:05d}"))
    seller_region_code = "530102"
    seller_nature = "07"
    buyer_name = "测试买方有限公司"
    buyer_credit_code = factory.Sequence(lambda n: make_credit_code(f"91530111MA7B{n:05d}"))
    buyer_region_code = "530111"
    buyer_nature = "06"
    contract_amount = Decimal("100000.00")
    declared_transaction_amount = factory.LazyAttribute(lambda o: o.transaction_amount)
    transaction_amount = Decimal("90000.00")
    status = Status.REGISTERED
    registered_on = dt.date(2026, 4, 1)
    registration_number = factory.Sequence(lambda n: f"2026530100T{n:06d}")
    source = Source.PLATFORM


def draft_for(org: Any, **kwargs: Any) -> Contract:
    """A complete draft that passes every pre-check, sold by ``org``."""
    values = {"seller_organisation": org, "seller_name": org.name, "seller_credit_code": org.credit_code,
              "seller_region_code": org.region_code, "status": Status.DRAFT, "registered_on": None,
              "registration_number": None, "signed_on": dt.date(2026, 6, 1), "valid_from": dt.date(2026, 6, 1),
              "valid_to": dt.date(2027, 6, 1)}
    c: Contract = ContractFactory(**{**values, **kwargs})  # type: ignore[assignment]
    c.file.save("contract.pdf", ContentFile(PDF), save=True)
    return c


def registrar_user(**kwargs: Any) -> Any:
    return UserFactory(username="registrar", role=Role.REGISTRAR, **kwargs)
