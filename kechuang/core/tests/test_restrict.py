import pytest

from kechuang.directory.choices import AccountStatus
from kechuang.directory.models import Organisation
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_public_sees_only_approved(enterprise_org):
    pending = OrganisationFactory(status=AccountStatus.PENDING)
    visible = Organisation.objects.restrict(None, "view")
    assert enterprise_org in visible and pending not in visible


def test_members_see_their_own_pending_organisation(enterprise_user):
    org = enterprise_user.organisation
    org.status = AccountStatus.PENDING
    org.save()
    assert org in Organisation.objects.restrict(enterprise_user, "view")


def test_change_is_limited_to_members(enterprise_user, outsider):
    org = enterprise_user.organisation
    assert list(Organisation.objects.restrict(enterprise_user, "change")) == [org]
    assert org not in Organisation.objects.restrict(outsider, "change")


def test_bureau_sees_everything(staff_user):
    pending = OrganisationFactory(status=AccountStatus.PENDING)
    assert pending in Organisation.objects.restrict(staff_user, "change")
