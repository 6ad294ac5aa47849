"""Issue 10 items 8 and 9: what a person reads on the measure page and the calculator is Chinese and complete."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from kechuang.policies import services


def _text(html: str) -> str:
    """The words a reader sees: no tags, no attributes (links and ids may carry measure ids)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_measure_page_shows_conditions_materials_clause_and_amount(client: Any) -> None:
    html = client.get(reverse("policies:measure_detail", args=["kc001-10-ip-pledge-interest-match"])).content.decode()
    text = _text(html)
    assert "申报条件" in text and "科技型企业（科技型中小企业或高新技术企业）" in text
    assert "省级知识产权质押贷款贴息补助" in text
    assert "需准备的材料" in text and "上级部门的立项或资金拨付文件" in text and "科技型中小企业入库登记编号" in text
    assert "对科技型企业知识产权质押贷款贴息补助,市级财政按照省级补贴标准1∶1进行配套" in text  # verbatim
    assert "与上级资助金额相同（1:1配套）" in text
    assert "条款序号" in text and "（十）" in text
    assert "kc001" not in text and "措施编号" not in text


def test_measure_number_counts_within_the_clause(client: Any) -> None:
    text = _text(client.get(reverse("policies:measure_detail", args=["kc001-01-smart-factory"])).content.decode())
    assert "（一）第2项" in text and "国家级数字化车间" in text and "国家级或省级灯塔工厂" in text


def test_library_keeps_the_clause_number_on_one_line(client: Any) -> None:
    html = client.get(reverse("policies:library")).content.decode()
    assert '<td style="white-space: nowrap">（十一）</td>' in html


def test_calculator_reads_in_chinese_and_marks_applications(enterprise_client: Any, rich_org: Any,
                                                            enterprise_user: Any) -> None:
    url = reverse("policies:calculator_home")
    text = _text(enterprise_client.get(url).content.decode())
    assert "判断依据" in text and "认定/称号「滇中精密省级企业技术中心」" in text
    assert not re.search(r"\[\d+\]", text), "no projects[0]-style paths"
    assert "kc001" not in text and "recognitions" not in text and "（kind）" not in text
    app = services.application_submit(organisation=rich_org, measure_id="kc001-03-enterprise-tech-center",
                                      amount_requested=200_000, actor=enterprise_user)
    html = enterprise_client.get(url).content.decode()
    assert "已申报" in _text(html) and "当前状态：申报" in _text(html)
    assert reverse("policies:application_detail", args=[app.pk]) in html
