"""Factories for the directory's models (organisations and users come from kechuang.tests_support)."""

from __future__ import annotations

import datetime as dt

import factory

from kechuang.directory.models import IndustryChain, Instrument, Person, Platform, Qualification, YearlyFigure
from kechuang.tests_support.factories import OrganisationFactory


class IndustryChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryChain
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"chain-{n}")
    name = factory.Sequence(lambda n: f"测试产业链{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"专家{n}")
    kind = "expert"
    title = "研究员"
    fields = "新材料、储能"
    organisation = factory.SubFactory(OrganisationFactory)
    phone = "13900000000"
    email = "expert@example.test"


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"测试重点实验室{n}")
    kind = "key_lab"
    level = "provincial"
    organisation = factory.SubFactory(OrganisationFactory)
    recognised_on = dt.date(2020, 6, 30)


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    name = factory.Sequence(lambda n: f"扫描电镜{n}")
    model_number = "SU-8220"
    original_value_yuan = 4_800_000
    organisation = factory.SubFactory(OrganisationFactory)
    contact_phone = "0871-60000000"


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "high_tech"
    level = "national"
    recognised_on = dt.date(2023, 11, 1)
    valid_until = dt.date(2026, 10, 31)


class YearlyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearlyFigure

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2024
    revenue_yuan = 50_000_000
    rnd_expense_yuan = 2_500_000
    rnd_staff = 30
