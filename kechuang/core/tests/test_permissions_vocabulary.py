"""The one permission vocabulary (kechuang/core/permissions.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from kechuang.core.permissions import (
    bureau_required,
    get_restricted_or_404,
    is_bureau,
    is_member,
    member_q,
    permits,
)
from kechuang.directory.models import Person
from kechuang.directory.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_membership_and_bureau(enterprise_user, enterprise_org, outsider, staff_user, broker):
    assert is_member(enterprise_user, enterprise_org) and is_member(enterprise_user, enterprise_org.pk)
    assert not is_member(outsider, enterprise_org) and not is_member(staff_user, enterprise_org)
    assert not is_member(broker, None) and not is_member(AnonymousUser(), enterprise_org)
    assert is_bureau(staff_user) and not is_bureau(enterprise_user) and not is_bureau(AnonymousUser())


def test_permits_and_get_restricted_follow_the_models_rule(enterprise_user, enterprise_org, outsider, staff_user):
    hidden = PersonFactory(organisation=enterprise_org, published=False)
    assert permits(enterprise_user, "change", hidden) and permits(staff_user, "change", hidden)
    assert not permits(outsider, "change", hidden) and not permits(outsider, "view", hidden)
    assert get_restricted_or_404(Person, enterprise_user, "view", pk=hidden.pk) == hidden
    with pytest.raises(Http404):
        get_restricted_or_404(Person.objects.all(), outsider, "view", pk=hidden.pk)


def test_member_q_is_a_relationship_role(enterprise_user, enterprise_org, outsider):
    mine = PersonFactory(organisation=enterprise_org)
    assert list(Person.objects.filter(member_q(enterprise_user, "organisation"))) == [mine]
    assert not Person.objects.filter(member_q(outsider, "organisation")).exists()
    assert not Person.objects.filter(member_q(AnonymousUser(), "organisation")).exists()


def test_bureau_required_sends_anonymous_to_login_and_refuses_others(outsider, staff_user):
    @bureau_required("仅科技局工作人员可以查看")
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    request.user = outsider
    with pytest.raises(PermissionDenied, match="仅科技局工作人员可以查看"):
        view(request)
    request.user = staff_user
    assert view(request).status_code == 200
