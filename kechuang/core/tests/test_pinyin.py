"""Chinese names sort by pinyin (issue 10, item 12): the key, its upkeep on save and import, and the lists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kechuang.core.pinyin import MAX_LENGTH, sort_key

NAMES = ["昆明理工大学", "安宁化工有限公司", "北京科技有限公司", "呈贡花卉研究所", "嵩明精密制造有限公司"]
IN_PINYIN_ORDER = ["安宁化工有限公司", "北京科技有限公司", "呈贡花卉研究所", "昆明理工大学", "嵩明精密制造有限公司"]


def test_names_sort_by_pinyin_not_by_code_point():
    assert sorted(NAMES) != IN_PINYIN_ORDER  # code-point order is what the lists did before
    assert sorted(NAMES, key=sort_key) == IN_PINYIN_ORDER
    assert sort_key("昆明ABC公司") == "kun1 ming2 abc gong1 si1"


@given(st.text(max_size=400))
def test_the_key_is_bounded_lower_case_and_stable(text):
    key = sort_key(text)
    assert len(key) <= MAX_LENGTH
    assert key == sort_key(text)
    assert key == key.lower()


@pytest.mark.django_db
def test_the_organisation_list_sorts_by_pinyin_and_keeps_keys_on_save(client):
    from kechuang.tests_support.factories import OrganisationFactory

    orgs = [OrganisationFactory(name=n) for n in NAMES]
    orgs[0].name = "云南理工大学"  # a rename moves the row: the key follows the name on save
    orgs[0].save()
    orgs[0].refresh_from_db()
    assert orgs[0].name_pinyin.startswith("yun2 nan2")
    orgs[1].name = "滇中化工有限公司"  # a save of the name column alone still refreshes the key
    orgs[1].save(update_fields=["name"])
    orgs[1].refresh_from_db()
    assert orgs[1].name_pinyin.startswith("dian1 zhong1")
    orgs[1].name = "安宁化工有限公司"
    orgs[1].save(update_fields=["name"])
    page = client.get("/directory/organisations/", {"sort": "name"}).content.decode()
    expected = ["安宁化工有限公司", "北京科技有限公司", "呈贡花卉研究所", "嵩明精密制造有限公司", "云南理工大学"]
    positions = [page.index(n) for n in expected]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_people_imported_in_bulk_get_their_sort_keys():
    from kechuang.directory.importing import run_import
    from kechuang.directory.models import Person

    data = "姓名,人员类别\n张三,专家\n艾丽,专家\n".encode()
    report = run_import("people", data, file_name="people.csv")
    assert report.ok, report.as_text()
    assert list(Person.objects.order_by("name_pinyin").values_list("name", flat=True)) == ["艾丽", "张三"]


@pytest.mark.django_db
def test_achievements_sort_by_title_in_pinyin(client):
    from kechuang.market.choices import Status
    from kechuang.market.tests.factories import AchievementFactory

    for title in ("智能灌溉控制系统", "北斗定位农机", "高原果蔬冷链"):
        AchievementFactory(title=title, status=Status.PUBLISHED)
    page = client.get("/market/achievements/", {"sort": "title"}).content.decode()
    positions = [page.index(t) for t in ("北斗定位农机", "高原果蔬冷链", "智能灌溉控制系统")]
    assert positions == sorted(positions)
