from __future__ import annotations

import factory

from kechuang.market.choices import CooperationMode, Status
from kechuang.market.models import Achievement, Demand
from kechuang.tests_support.factories import OrganisationFactory


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    title = factory.Sequence(lambda n: f"测试成果{n}：高原果蔬冷链保鲜技术")
    abstract = "以差压预冷和温湿度监控延长果蔬货架期，降低运输损耗。"
    keywords = ["冷链", "保鲜"]
    discipline = "食品科学与工程"
    maturity = 6
    transfer_modes = ["transfer", "licence"]
    owner = factory.SubFactory(OrganisationFactory, kind="university")
    status = Status.DRAFT


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    title = factory.Sequence(lambda n: f"测试需求{n}：农产品冷链运输保鲜")
    description = "长途运输后果蔬损耗率高，寻求预冷与保鲜技术。"
    keywords = ["冷链", "保鲜"]
    organisation = factory.SubFactory(OrganisationFactory)
    cooperation_mode = CooperationMode.TRANSFER
    budget_yuan = 500_000
    region_code = "530111"
    status = Status.DRAFT
