"""Searches that match nothing say so, the unified search covers every kind, literature stays apart from the local
market, relevance is a calibrated band, broker feedback updates in place, and a GET on a POST-only address gets the
platform's own 405 page (issue 10, items 3-6, 8 and 11)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kechuang.directory.tests.factories import PersonFactory
from kechuang.market import indexing
from kechuang.market.choices import SOURCE_CSL, Status
from kechuang.market.tests.factories import AchievementFactory, DemandFactory
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def market(enterprise_org, university_org):
    for _ in range(12):
        AchievementFactory(owner=university_org, status=Status.PUBLISHED)
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title="抗肿瘤生物医药新药筛选平台技术",
                       abstract="面向生物医药企业的高通量药物筛选。", keywords=["生物医药", "药物筛选"], maturity=7)
    for i in range(5):
        AchievementFactory(owner=None, source=SOURCE_CSL, external_id=f"csl-t-{i}", status=Status.PUBLISHED,
                           title=f"生物医药产业集群发展研究{i}", abstract="生物医药 论文", keywords=["生物医药"],
                           maturity=None)
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title="三七总皂苷提取纯化工艺",
                       abstract="大孔树脂吸附与膜分离。", keywords=["三七", "提取"], industry="biomedicine")
    OrganisationFactory(name="昆明生物医药创新研究院", kind="institute", business_scope="生物医药研发")
    demand = DemandFactory(organisation=enterprise_org, status=Status.PUBLISHED, title="农产品冷链运输保鲜需求",
                           description="长途冷链运输后果蔬损耗高，寻求预冷和保鲜技术。", keywords=["冷链", "保鲜"])
    indexing.build_index()
    return demand


def test_a_search_that_matches_nothing_shows_an_empty_state(client, market):
    text = _text(client.get(reverse("market:achievement_list"), {"q": "zzqqxxw"}))
    assert "共 " not in text  # no "共 200 项" for a query that matches nothing
    assert "没有找到与“zzqqxxw”相关的科技成果" in text and "可以试试" in text
    text = _text(client.get(reverse("market:demand_list"), {"q": "zzqqxxw"}))
    assert "没有找到与“zzqqxxw”相关的技术需求" in text
    text = _text(client.get(reverse("market:search"), {"q": "zzqqxxw"}))
    assert "没有找到与“zzqqxxw”相关的记录" in text and "相关度" not in text


def test_literature_is_kept_apart_from_listed_achievements(client, market):
    listed = _text(client.get(reverse("market:achievement_list")))
    assert "共 14 项已发布成果" in listed and "生物医药产业集群发展研究" not in listed
    papers = _text(client.get(reverse("market:achievement_list"), {"source": "literature"}))
    assert "共 5 篇科技文献" in papers and "生物医药产业集群发展研究0" in papers
    from django.apps import apps

    from kechuang.market.apps import MarketConfig

    config = apps.get_app_config("market")
    assert isinstance(config, MarketConfig) and config.home_counts()["achievements"] == 14


def test_unified_search_groups_every_kind_local_first(client, market):
    html = client.get(reverse("market:search"), {"q": "生物医药"}).content.decode()
    order = [m for m in re.findall(r'id="group-(\w+)"', html)]
    assert order == ["organisations", "achievements", "demands", "people", "platforms", "instruments", "literature"]
    org_group = html.split('id="group-organisations"')[1].split("</section>")[0]
    assert "昆明生物医药创新研究院" in org_group
    achievements = html.split('id="group-achievements"')[1].split("</section>")[0]
    assert "抗肿瘤生物医药新药筛选平台技术" in achievements and "生物医药产业集群发展研究" not in achievements
    assert "三七总皂苷提取纯化工艺" in achievements  # filed under 生物医药与大健康, without the word in its text
    literature = html.split('id="group-literature"')[1].split("</section>")[0]
    assert "共 5 条" in literature and "source=literature" in literature
    # The home page's box leads to the same search.
    home = client.get("/").content.decode()
    assert f'action="{reverse("market:search")}"' in home


def test_unified_search_never_shows_contact_data(client, market):
    PersonFactory(name="李冷链", fields="冷链物流、保鲜", phone="13912345678", email="li@example.test", published=True)
    html = client.get(reverse("market:search"), {"q": "冷链"}).content.decode()
    people = html.split('id="group-people"')[1].split("</section>")[0]
    assert "李冷链" in people
    assert "13912345678" not in html and "li@example.test" not in html


def test_demand_page_shows_a_calibrated_relevance_band(client, market):
    html = client.get(market.get_absolute_url()).content.decode()
    assert re.search(r"相关度 [高中低] · \d+%", html)
    assert "匹配度" not in html and "语义关联" not in html
    assert not re.search(r"\d\.\d{3}", html.split("推荐匹配", 1)[1])  # no raw engine score anywhere


def test_trl_reads_the_same_in_lists_and_on_detail_pages(client, market):
    listed = _text(client.get(reverse("market:achievement_list"), {"q": "抗肿瘤"}))
    assert "成熟度7级" in listed and "TRL" not in listed
    from kechuang.market.models import Achievement

    a = Achievement.objects.get(title="抗肿瘤生物医药新药筛选平台技术")
    assert "7级" in _text(client.get(a.get_absolute_url()))


def test_feedback_answer_keeps_the_buttons(broker_client, market):
    r = broker_client.post(reverse("market:feedback"), {
        "source": "demand", "source_id": market.pk, "target_kind": "achievement", "target_id": "1",
        "verdict": "useful", "rank": "1", "score": "2.4"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and "已标记" in html and "有用" in html
    assert html.count("hx-post") == 3  # 已联系 / 有用 / 无用 stay usable after the click
    assert 'aria-pressed="true"' in html


def test_get_on_a_post_only_address_is_the_platforms_405_page(broker_client):
    r = broker_client.get(reverse("market:feedback"))
    assert r.status_code == 405 and r["Allow"] == "POST"
    assert "不能直接打开此地址" in r.content.decode() and "返回首页" in r.content.decode()


def test_the_api_keeps_its_own_405(staff_client):
    r = staff_client.delete("/api/demands/")
    assert r.status_code == 405 and r["Content-Type"].startswith("application/json")


def test_relevance_is_the_same_on_the_draft_and_the_published_demand(enterprise_client, enterprise_user, staff_user,
                                                                    enterprise_org, market,
                                                                    django_capture_on_commit_callbacks):
    """Issue 10, item 4: the same pair showed 匹配度 2.401 on the draft and 0.519 after publishing."""
    from kechuang.market import services

    indexing.get_index()
    demand = DemandFactory(organisation=enterprise_org, status=Status.DRAFT, title="抗肿瘤药物高通量筛选合作",
                           description="寻求生物医药高通量药物筛选平台技术，开展抗肿瘤新药筛选。", keywords=["药物筛选"])

    def shown() -> list[str]:
        html = enterprise_client.get(demand.get_absolute_url()).content.decode()
        return re.findall(r"相关度 [高中低] · \d+%", html)

    draft = shown()
    assert draft
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_transition(obj=demand, trigger="submit", actor=enterprise_user)
        services.listing_transition(obj=demand, trigger="publish", actor=staff_user)
    assert shown() == draft
