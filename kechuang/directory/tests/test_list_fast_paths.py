"""The list page and the API list build their rows without model serializers or prefetches (for speed at
100,000 organisations, see docs/benchmarks.md); these tests hold them to what the slow, obvious code gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from kechuang.directory import selectors
from kechuang.directory.api import OrganisationSerializer
from kechuang.directory.models import Organisation
from kechuang.directory.tests.factories import IndustryChainFactory, QualificationFactory
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """Organisations with zero, one and several chains (added out of the chains' own order) and
    qualifications of different dates, plus one pending organisation the public must not see."""
    late = IndustryChainFactory(code="zz-late", name="后排产业链", sort_order=300)
    early = IndustryChainFactory(code="aa-early", name="前排产业链", sort_order=10)
    middle = IndustryChainFactory(code="mm-middle", name="中间产业链", sort_order=100)
    orgs = [OrganisationFactory(name=f"快速路径测试机构{i:02d}", region_code="530114", employees=10 + i)
            for i in range(6)]
    orgs[0].industry_chains.add(late, early, middle)
    orgs[1].industry_chains.add(middle)
    orgs[3].industry_chains.add(late, early)
    QualificationFactory(organisation=orgs[0], kind="high_tech", recognised_on=dt.date(2021, 5, 1), valid_until=None)
    QualificationFactory(organisation=orgs[0], kind="tech_sme", recognised_on=dt.date(2024, 3, 2),
                         certificate_no="GR2024530000")
    QualificationFactory(organisation=orgs[2], kind="specialised", level="provincial",
                         recognised_on=dt.date(2022, 7, 9))
    OrganisationFactory(name="快速路径测试机构待审", status="pending")
    return orgs


def test_chains_of_matches_the_relation_in_the_chains_order(catalogue):
    found = selectors.chains_of(Organisation, [o.pk for o in catalogue])
    for org in catalogue:
        assert found[org.pk] == [(c.code, c.name) for c in org.industry_chains.all()]
    assert [code for code, _ in found[catalogue[0].pk]] == ["aa-early", "mm-middle", "zz-late"]
    assert selectors.chains_of(Organisation, []) == {}


def test_chains_of_sees_a_chain_added_after_the_cache_was_filled(catalogue):
    selectors.chains_of(Organisation, [catalogue[0].pk])  # fills the cached chain rows
    fresh = IndustryChainFactory(code="new-chain", name="新设产业链", sort_order=1)
    catalogue[5].industry_chains.add(fresh)
    assert selectors.chains_of(Organisation, [catalogue[5].pk])[catalogue[5].pk] == [("new-chain", "新设产业链")]


@pytest.mark.parametrize("who", ["anonymous", "staff", "member"])
def test_api_fast_list_equals_the_serializer(who, catalogue, client, staff_user, enterprise_user):
    if who == "staff":
        client.force_login(staff_user)
    elif who == "member":
        client.force_login(enterprise_user)
    body = client.get("/api/organisations/", {"q": "快速路径测试机构", "page_size": 50}).json()
    fast = body["results"]
    request = RequestFactory().get("/api/organisations/")
    request.user = {"anonymous": AnonymousUser(), "staff": staff_user, "member": enterprise_user}[who]
    visible = Organisation.objects.restrict(request.user, "view").filter(name__startswith="快速路径测试机构")
    slow = OrganisationSerializer(visible.order_by("name", "id"), many=True, context={"request": request}).data
    assert body["count"] == len(slow)
    assert fast == [dict(row) for row in slow]
    assert any(row["qualifications"] for row in fast) and any(len(row["industry_chains"]) > 1 for row in fast)
    has_contacts = "contact_phone" in fast[0]
    assert has_contacts is (who != "anonymous")


def test_api_fast_list_keeps_ordering_and_pages(catalogue, client):
    by_staff = client.get("/api/organisations/", {"q": "快速路径测试机构", "ordering": "-employees",
                                                  "page_size": 2, "page": 2}).json()
    assert [r["name"] for r in by_staff["results"]] == ["快速路径测试机构03", "快速路径测试机构02"]
    assert by_staff["count"] == 6


def test_list_page_shows_each_rows_chains_in_order(catalogue, client):
    html = client.get("/directory/organisations/", {"q": "快速路径测试机构"}).content.decode()
    row = html[html.index("快速路径测试机构00"):]
    row = row[:row.index("</tr>")]
    assert row.index("前排产业链") < row.index("中间产业链") < row.index("后排产业链")
    assert "快速路径测试机构待审" not in html


def test_options_tag_marks_the_selected_value_and_escapes():
    tpl = Template("{% load ui %}{% options choices selected %}")
    html = tpl.render(Context({"choices": [("a", "甲"), ("<b>", "乙&丙"), (3, "三")], "selected": "<b>"}))
    assert html == ('<option value="a">甲</option><option value="&lt;b&gt;" selected>乙&amp;丙</option>'
                    '<option value="3">三</option>')
    assert 'value="3" selected' in tpl.render(Context({"choices": [(3, "三")], "selected": 3}))
