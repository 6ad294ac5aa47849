"""factory_boy factories for the core models; each app adds its own in ``<app>/tests/factories.py``."""

from __future__ import annotations

import factory

from kechuang.accounts.choices import Role
from kechuang.accounts.models import User
from kechuang.core.validators import make_credit_code
from kechuang.directory.choices import AccountStatus
from kechuang.directory.models import Organisation

TEST_PASSWORD = "Test@pass-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = "enterprise"
    name = factory.Sequence(lambda n: f"测试机构{n:04d}有限公司")
    # 17-character body with a varying serial; the check digit is computed, so every code is valid.
    credit_code = factory.Sequence(lambda n: make_credit_code(f"91530111MA6K{n:05d}"))
    region_code = "530111"
    status = AccountStatus.APPROVED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: f"测试{o.username}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    role = Role.ENTERPRISE
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()
