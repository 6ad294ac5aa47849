"""One filter definition per list (issue 11, item 6): the page, the API and the export of each directory list
narrow the rows through the same FilterSet, so the same query gives the same rows in all three."""

from __future__ import annotations

import pytest

from kechuang.directory.filters import FILTERSETS
from kechuang.directory.tests.factories import (
    IndustryChainFactory,
    InstrumentFactory,
    PersonFactory,
    PlatformFactory,
    QualificationFactory,
)
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
NAME = {"organisations": "名称", "people": "姓名", "platforms": "平台名称", "instruments": "仪器名称"}
PAGE = {"organisations": "/directory/organisations/", "people": "/directory/people/",
        "platforms": "/directory/platforms/", "instruments": "/directory/instruments/"}


@pytest.fixture
def data():
    chain = IndustryChainFactory(code="biomed", name="生物医药")
    a = OrganisationFactory(name="甲生物有限公司", region_code="530102")
    b = OrganisationFactory(name="乙装备有限公司", region_code="530111", kind="university")
    a.industry_chains.add(chain)
    a.save()
    QualificationFactory(organisation=b, kind="little_giant")
    PersonFactory(organisation=a, name="张专家", kind="tech_manager", grade="senior", region_code="530102")
    PersonFactory(organisation=b, name="李人才", kind="talent", region_code="530111")
    p = PlatformFactory(organisation=a, name="甲重点实验室", kind="key_lab", level="provincial")
    p.industry_chains.add(chain)
    PlatformFactory(organisation=b, name="乙工程中心", kind="engineering_center", level="municipal")
    InstrumentFactory(organisation=a, name="甲质谱仪")
    InstrumentFactory(organisation=b, name="乙电镜")


def _three_ways(client, entity, params):
    page = sorted(o.name for o in client.get(PAGE[entity], params).context["page"])
    api = sorted(r["name"] for r in client.get(f"/api/{entity}/", params).json()["results"])
    csv = client.get(f"/directory/export/{entity}/", {**params, "format": "csv"}).content.decode("utf-8-sig")
    lines = csv.splitlines()
    col = lines[0].split(",").index(NAME[entity])
    export = sorted(line.split(",")[col] for line in lines[1:])
    return page, api, export


CASES = [
    ("organisations", {"kind": "university"}), ("organisations", {"region": "530102"}),
    ("organisations", {"chain": "biomed"}), ("organisations", {"qualification": "little_giant"}),
    ("organisations", {"q": "装备"}), ("people", {"kind": "tech_manager"}), ("people", {"grade": "senior"}),
    ("people", {"region": "530111"}), ("platforms", {"kind": "key_lab"}), ("platforms", {"level": "municipal"}),
    ("platforms", {"chain": "biomed"}), ("platforms", {"region": "530111"}), ("instruments", {"region": "530102"}),
]


@pytest.mark.parametrize("entity,params", CASES)
def test_page_api_and_export_give_the_same_rows(client, data, entity, params):
    page, api, export = _three_ways(client, entity, params)
    assert page and page == api == export, (page, api, export)
    everything = _three_ways(client, entity, {})[0]
    assert len(page) < len(everything)  # the filter did narrow the list


def test_every_page_control_is_a_filter_of_the_api(client, data):
    for entity, fs in FILTERSETS.items():
        controls = fs.controls({})
        assert [c["name"] for c in controls] == list(fs.page_filters)
        assert all(c["label"] and c["options"] for c in controls), entity


def test_an_impossible_value_gives_an_empty_page_not_everything(client, data):
    assert list(client.get("/directory/organisations/", {"kind": "spaceship"}).context["page"]) == []
    assert client.get("/api/organisations/", {"kind": "spaceship"}).status_code == 400
