"""The matching index in the platform: built by a recorded job, loaded, kept current, shown on the pages."""

from __future__ import annotations

import os
import re

import pytest

from kechuang.core.models import Job
from kechuang.market import indexing, services
from kechuang.market.choices import Status
from kechuang.market.tests.factories import AchievementFactory, DemandFactory
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _page(client, url):
    """The page's HTML with highlight tags removed, so highlighted titles still read as one string."""
    return re.sub(r"</?mark>", "", client.get(url).content.decode())


@pytest.fixture
def market(enterprise_org, university_org):
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title="果蔬冷链预冷保鲜技术",
                       abstract="差压预冷结合温湿度监控，延长果蔬货架期，降低冷链运输损耗。", keywords=["冷链", "预冷", "保鲜"])
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title="工业机器人减速器精密加工工艺",
                       abstract="摆线轮修形与装配回差控制。", keywords=["减速器", "机器人"])
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title="污水处理低碳脱氮工艺",
                       abstract="短程硝化与精准曝气。", keywords=["污水处理", "脱氮"])
    AchievementFactory(owner=university_org, status=Status.DRAFT, title="未发布的冷链保鲜草稿成果")
    demand = DemandFactory(organisation=enterprise_org, status=Status.PUBLISHED, title="农产品冷链运输保鲜需求",
                           description="长途冷链运输后果蔬损耗高，寻求预冷和保鲜技术。", keywords=["冷链", "保鲜"])
    return demand


def test_build_is_a_recorded_job_and_swaps_current(market, isolated_index):
    assert indexing.build_index_command(out=open(os.devnull, "w")) == 0
    job = Job.objects.get(kind=indexing.JOB_KIND)
    assert job.status == Job.Status.DONE and job.progress == 1.0
    assert job.result["by_kind"] == {"achievement": 3, "enterprise": 1}  # the draft is not indexed
    current = isolated_index / "matching" / "current"
    assert current.is_symlink() and (current / "meta.json").exists()
    first = indexing.get_index()
    assert first is indexing.get_index()  # loaded once per process
    indexing.build_index()
    assert indexing.get_index() is not first  # reloaded when `current` moves


def test_recommendations_appear_on_the_demand_page_with_highlights(client, market):
    r = client.get(market.get_absolute_url())
    assert "匹配索引尚未建立" in r.content.decode()
    indexing.build_index()
    raw = client.get(market.get_absolute_url()).content.decode()
    assert "<mark>" in raw
    html = _page(client, market.get_absolute_url())
    assert "推荐匹配" in html and "果蔬冷链预冷保鲜技术" in html.split("推荐匹配", 1)[1]
    assert "匹配依据" in html
    assert "未发布的冷链保鲜草稿成果" not in html


def test_achievement_page_names_enterprises_that_need_it(client, market, enterprise_org):
    indexing.build_index()
    from kechuang.market.models import Achievement

    a = Achievement.objects.get(title="果蔬冷链预冷保鲜技术")
    html = _page(client, a.get_absolute_url())
    assert "可能需要该成果的企业" in html and enterprise_org.name in html


def test_match_api_explains_each_hit(client, market):
    indexing.build_index()
    body = client.get(f"/api/demands/{market.pk}/matches/?k=2").json()
    assert set(body) >= {"count", "results"} and 1 <= body["count"] <= 2
    top = body["results"][0]
    assert top["title"] == "果蔬冷链预冷保鲜技术"
    assert any(t["term"] in ("冷链", "保鲜", "预冷") for t in top["explanation"]["shared_terms"])


def test_search_page_spans_kinds(client, market, enterprise_org):
    indexing.build_index()
    html = _page(client, "/market/search/?q=冷链保鲜")
    # One search, grouped by kind with counts: the achievement and the demand (with its enterprise) are found.
    achievements = html.split('id="group-achievements"', 1)[1].split("</section>", 1)[0]
    demands = html.split('id="group-demands"', 1)[1].split("</section>", 1)[0]
    assert "果蔬冷链预冷保鲜技术" in achievements and "共 1 条" in achievements
    assert "农产品冷链运输保鲜需求" in demands and enterprise_org.name in demands
    assert "没有找到与“冷链保鲜”相关的大型仪器" in html  # each kind says when it has nothing


def test_publishing_and_withdrawing_update_this_process_at_once(market, university_org, institution_user, staff_user,
                                                               django_capture_on_commit_callbacks, client):
    indexing.build_index()
    indexing.get_index()
    new = AchievementFactory(owner=university_org, status=Status.SUBMITTED, title="冷链运输车温控保鲜新装置",
                             abstract="冷链运输途中果蔬保鲜的温控装置。", keywords=["冷链", "保鲜"])
    with django_capture_on_commit_callbacks(execute=True):
        services.achievement_publish(achievement=new, actor=staff_user)
    html = _page(client, market.get_absolute_url())
    assert "冷链运输车温控保鲜新装置" in html
    with django_capture_on_commit_callbacks(execute=True):
        services.achievement_withdraw(achievement=new, actor=staff_user)
    html = _page(client, market.get_absolute_url())
    assert "冷链运输车温控保鲜新装置" not in html


def test_stale_hits_are_never_shown(client, market):
    indexing.build_index()
    from kechuang.market.models import Achievement

    # Withdrawn behind the index's back (no refresh): the page re-checks the database and drops it.
    Achievement.objects.filter(title="果蔬冷链预冷保鲜技术").update(status=Status.WITHDRAWN)
    html = _page(client, market.get_absolute_url())
    assert "果蔬冷链预冷保鲜技术" not in html


def test_an_empty_market_builds_nothing_and_says_so(db, isolated_index):
    OrganisationFactory()  # an approved enterprise with no business scope and no demand has nothing to match
    assert indexing.build_index()["documents"] == 0
    assert indexing.get_index() is None


def test_changes_queue_at_most_one_waiting_rebuild(market):
    indexing.queue_rebuild()
    indexing.queue_rebuild()
    assert Job.objects.filter(kind=indexing.JOB_KIND, status=Job.Status.QUEUED).count() == 1


def test_index_command_reports_an_empty_market(db):
    import io

    out = io.StringIO()
    assert indexing.build_index_command(out=out) == 0
    assert "没有" in out.getvalue()


def test_directory_experts_are_recommended_with_their_page(client, market, university_org):
    from kechuang.directory.models import Person

    Person.objects.create(name="林冷链", kind=Person._meta.get_field("kind").choices[0][0], title="教授",
                          fields="冷链物流、果蔬保鲜、预冷", organisation=university_org)
    indexing.build_index()
    html = _page(client, "/market/search/?q=冷链保鲜&kind=expert")
    assert "林冷链" in html and "/directory/people/" in html
    demand_html = _page(client, market.get_absolute_url())
    assert "专家、平台与仪器" in demand_html and "林冷链" in demand_html
