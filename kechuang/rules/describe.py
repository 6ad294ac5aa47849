"""A measure in words, for people: its number in the document, its conditions and the materials to prepare.

Everything is derived from the rule file and the fact vocabulary (`facts.py`), so the page cannot drift from
what the engine checks: a condition shown here is a condition evaluated there.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from .engine import measure_as_of
from .facts import COLLECTIONS, KINDS, LEVELS, SCALAR_FACTS
from .model import OPS, AnyOf, Holds, Measure, Policy, Test

# What an applicant shows for each kind of record the measure is triggered by or conditioned on.
_RECORD_EVIDENCE: Final[dict[str, str]] = {
    "recognitions": "认定文件或证书（写明级别和认定日期）：{types}",
    "projects": "项目立项或遴选文件：{types}",
    "awards": "获奖证书及主办部门的获奖名单文件：{types}",
    "hires": "引进人才的劳动合同、薪酬发放证明和在昆工作时间证明：{types}",
    "grants": "上级部门的立项或资金拨付文件（写明资助金额）：{types}",
    "cultivated": "被培育企业的高新技术企业证书及入驻（孵化）协议：{types}",
}

# Record fields that need their own proof when a threshold or the amount is computed from them.
_FIELD_EVIDENCE: Final[dict[str, str]] = {
    "investment": "实际投资额的凭证（审计报告或投资决算、发票等）",
    "rd_investment": "计入当期损益的研发投入明细（专项审计报告）",
    "meets_guideline": "符合“国家综合货运枢纽补链强链技术指引”有关要求的说明材料",
    "annual_pay": "年度薪酬发放证明（个人所得税完税记录）",
    "months_in_kunming": "每年在昆工作时间证明（考勤或出入境记录）",
    "amount": "上级资金到账凭证",
}

_FACT_EVIDENCE: Final[dict[str, str]] = {
    "is_tech_sme": "科技型中小企业入库登记编号（当年度）",
    "is_state_owned": "国有企业的出资人（国资监管机构）证明",
    "public_welfare_class": "事业单位公益类别的批复文件",
    "innovation_spending_increase": "科技创新支出年度增量的专项审计报告",
    "non_fiscal_construction_expenditure": "当年非财政投入机构建设经费支出的专项审计报告",
    "horizontal_contract_net_income": "横向项目技术合同及净收入的财务证明",
}


def measure_number(policy: Policy, m: Measure) -> str:
    """"（一）第2项": the clause and the measure's place among the encoded measures of that clause."""
    same = [x.id for x in policy.measures if x.clause == m.clause]
    return f"{m.clause}第{same.index(m.id) + 1}项" if len(same) > 1 else m.clause


def _test_text(t: Test) -> str:
    if t.label:
        return t.label
    spec = SCALAR_FACTS.get(t.field)
    name = spec.label if spec else t.field
    sym = OPS[t.op]
    if sym == "is_true":
        return name.removeprefix("是否")
    if sym == "is_false":
        return "不是" + name.removeprefix("是否")
    if sym == "in":
        values = spec.values if spec and spec.values else {}
        return f"{name}为" + "、".join(str(values.get(v, v)) for v in t.value)
    value = f"{t.value:,}" if isinstance(t.value, int) else str(t.value)
    return f"{name}{t.op}{value}"


def _holds_text(h: Holds) -> str:
    return h.label or "持有" + "或".join(COLLECTIONS[h.collection].types[t] for t in h.types)


def conditions(m: Measure, as_of: dt.date | None = None) -> list[str]:
    """The measure's conditions as sentences, in the order the engine checks them."""
    m = measure_as_of(m, as_of or dt.date.today())[0]
    out: list[str] = []
    if m.beneficiary_kinds:
        out.append("申报主体为：" + "、".join(KINDS[k] for k in m.beneficiary_kinds))
    for c in m.conditions:
        if isinstance(c, AnyOf):
            alts = [_holds_text(a) if isinstance(a, Holds) else _test_text(a) for a in c.alternatives]
            out.append((c.label + "：" if c.label else "") + "满足其一即可——" + "；".join(alts))
        elif isinstance(c, Holds):
            out.append(_holds_text(c))
        else:
            out.append(_test_text(c))
    trig = m.trigger
    if trig is not None:
        coll = COLLECTIONS[trig.collection]
        kinds = []
        for t in trig.types:
            levels = trig.levels_for(t)
            lv = "或".join(LEVELS[x] for x in levels) if levels else ""
            kinds.append(f"{lv}{coll.types[t]}")
        head = "获得" if trig.collection in ("recognitions", "awards") else "具有"
        out.append(f"{head}以下任一{coll.noun}：" + "、".join(kinds))
        if trig.new:
            out.append(f"属新认定（首次认定）：认定日期在政策有效期（{m.effective_from} 至 {m.effective_to or '长期'}）内，"
                       "且此前未获得同级别的同类认定")
        if trig.in_period:
            out.append(f"日期在政策有效期（{m.effective_from} 至 {m.effective_to or '长期'}）内")
        for w in trig.where:
            spec = coll.fields[w.field]
            if w.label:
                out.append(w.label)
            elif OPS[w.op] == "is_true":
                out.append(spec.label.removeprefix("是否"))
            else:
                value = f"{w.value:,}" if isinstance(w.value, int) else str(w.value)
                out.append(f"{spec.label.replace('（元）', '')}{w.op}{value}{'元' if spec.type == 'int' else ''}")
        if trig.consecutive is not None:
            c2 = trig.consecutive
            out.append(f"连续{c2.min_count}次以上（含{c2.min_count}次）认定，每次均在上一证书 {c2.validity_years} 年有效期内续认")
    if m.exclusive_group:
        out.append("与同组措施不重复享受，按就高原则")
    return out


def materials(m: Measure) -> list[str]:
    """What to prepare: always the application form and the licence, then proof of each fact the engine reads."""
    out = ["政策兑现申报书（平台在线填写）", "营业执照或法人登记证书（统一社会信用代码）"]
    colls: dict[str, list[str]] = {}
    fields: list[str] = []
    facts: list[str] = []
    trig = m.trigger
    if trig is not None:
        colls.setdefault(trig.collection, []).extend(trig.types)
        fields.extend(w.field for w in trig.where)
    for c in m.conditions:
        for a in c.alternatives if isinstance(c, AnyOf) else (c,):
            if isinstance(a, Holds):
                colls.setdefault(a.collection, []).extend(a.types)
            elif a.field != "kind":
                facts.append(a.field)
    base = m.amount.base
    if base is not None:
        (facts if base.startswith("fact.") else fields).append(base.removeprefix("fact."))
    for name, types in colls.items():
        shown = "、".join(dict.fromkeys(COLLECTIONS[name].types[t] for t in types))
        out.append(_RECORD_EVIDENCE[name].format(types=shown))
    out.extend(_FIELD_EVIDENCE[f] for f in dict.fromkeys(fields) if f in _FIELD_EVIDENCE)
    out.extend(_FACT_EVIDENCE[f] for f in dict.fromkeys(facts) if f in _FACT_EVIDENCE)
    return out
