"""The vocabulary of facts a profile may carry, and `Profile`, the validated organisation.

Why a closed vocabulary: a misspelt fact name ("is_tech_sem") silently read as "absent" would turn a benefit
into "undetermined" or, worse, into a wrong "ineligible". So every fact name, record type and enumerated value
is declared here, with its Chinese label, and `Profile.from_dict` refuses anything else with a `ProfileError`
that names the field in Chinese.

A profile has scalar facts (kind, flags, yearly figures) and dated record collections (recognitions, projects,
awards, hires, grants, cultivated). Missing key = unknown; a present list = complete (so an empty list means
"has none"). This is what lets the engine say "undetermined, missing: recognitions" instead of a silent zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

# ---------------------------------------------------------------------------------------------------------
# Enumerations (value -> Chinese label). One place, used by validation, traces, what-if and the JSON schema.
# ---------------------------------------------------------------------------------------------------------

KINDS: Final[dict[str, str]] = {
    "enterprise": "企业",
    "university": "高等学校",
    "research_institute": "科研院所",
    "hospital": "医院",
    "school": "学校（高等学校以外）",
    "public_institution": "事业单位（其他）",
    "social_organization": "社会组织",
    # Carriers (创新载体) are usually run by an enterprise; a profile may name the carrier itself as the kind.
    "incubator": "科技企业孵化器（运营主体）",
    "maker_space": "众创空间（运营主体）",
    "star_innovation": "星创天地（运营主体）",
    "person": "个人",
    "other": "其他",
}

LEVELS: Final[dict[str, str]] = {
    "national": "国家级",
    "provincial": "省级",
    "municipal": "市级",
    "district": "县区级",
}

# 企业创新积分档次 (kechuang.scoring's national model tiers; filled by the scores app when the firm is scored).
SCORE_TIERS: Final[dict[str, str]] = {"A": "A档", "B": "B档", "C": "C档", "D": "D档"}

PUBLIC_WELFARE_CLASSES: Final[dict[str, str]] = {
    "class1": "公益一类",
    "class2": "公益二类",
    "none": "非公益类",
}

RECOGNITION_TYPES: Final[dict[str, str]] = {
    "little_lighthouse": "“小灯塔”企业",
    "digital_workshop": "数字化车间",
    "smart_factory": "智能工厂",
    "lighthouse_factory": "灯塔工厂",
    "digital_intelligent_factory": "数智工厂",
    "equivalent_smart_title": "与数字化车间/智能工厂/灯塔工厂/数智工厂同级别同范畴的称号",
    "flower_ecommerce_direct_reporting": "新纳入国家统计局联网直报平台统计的服务业花卉电商企业",
    "empowerment_center": "低空经济、人工智能产业赋能中心等创新创业载体（经综合评定）",
    "enterprise_innovation_center": "企业科技创新中心",
    "incubator": "科技企业孵化器",
    "maker_space": "众创空间",
    "star_innovation": "星创天地",
    "enterprise_tech_center": "企业技术中心",
    "tech_transfer_demo_agency": "昆明市重点科技成果转移转化示范服务机构",
    "single_champion": "制造业单项冠军企业",
    "high_tech_cultivation": "昆明市高新技术培育企业",
    "high_tech_enterprise": "高新技术企业",
    "unicorn": "独角兽企业",
    "new_rd_startup_cultivation": "新型研发机构省级初创型培育对象（已完成实体化登记注册）",
    "new_rd_institution_listed": "纳入省级清单管理的新型研发机构",
    "horizontal_income_pilot": "横向项目净收入奖励试点单位（市级公益一类、二类事业单位）",
    "intl_rd_center": "国际（对外）科技研发中心",
    "intl_tech_transfer_center": "国际技术转移中心（国际科技企业孵化器）",
    "intl_cooperation_demo_enterprise": "国际（对外）科技合作示范企业",
    "introduced_rd_center": "引进企业（知名高校院所）研发中心",
    "talent_intro_demo_base": "引智成果示范推广基地",
    "talent_intro_demo_unit": "引智成果示范单位",
    "skill_master_studio": "技能大师工作室",
}

# Record types that exist at one level only (their name says it: 昆明市高新技术培育企业 is municipal, 纳入省级清单
#管理的新型研发机构 is provincial). A record of such a type without a level gets it, so that a measure asking
# for that level is not left undetermined for want of something the type already says.
IMPLIED_LEVELS: Final[dict[str, str]] = {
    "enterprise_innovation_center": "municipal",
    "high_tech_cultivation": "municipal",
    "tech_transfer_demo_agency": "municipal",
    "horizontal_income_pilot": "municipal",
    "new_rd_startup_cultivation": "provincial",
    "new_rd_institution_listed": "provincial",
}

PROJECT_TYPES: Final[dict[str, str]] = {
    "ai_application_demo": "人工智能典型应用示范项目（经综合评选遴选）",
    "multimodal_info_platform": "多式联运信息平台（新建或续建）",
    "talent_intro_pilot": "产业化前景较好的引智实验推广项目",
    "sci_tech_plan": "科技计划项目（国有企业承担）",
}

AWARD_TYPES: Final[dict[str, str]] = {
    "intl_innovation_competition": "国际创新创业大赛获奖",
    "chuncheng_friendship_award": "春城友谊奖",
    "skills_competition": "技能竞赛获奖",
}

HIRE_TYPES: Final[dict[str, str]] = {
    "foreign_principal_officer": "引进的外籍主要负责人（高端国际化管理人才）",
}

GRANT_TYPES: Final[dict[str, str]] = {
    "foreign_expert_project": "外国专家项目立项",
    "ip_pledge_interest_subsidy": "知识产权质押贷款贴息补助",
}

CULTIVATED_TYPES: Final[dict[str, str]] = {
    "high_tech_enterprise": "自主培育的高新技术企业",
}

# ---------------------------------------------------------------------------------------------------------
# Field specifications
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One fact or record field: its type ('str', 'bool', 'int', 'number', 'date', 'enum'), label, values."""

    name: str
    type: str
    label: str
    values: Mapping[str, str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False


def _f(name: str, type_: str, label: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, type=type_, label=label, **kw)


SCALAR_FACTS: Final[dict[str, FieldSpec]] = {
    s.name: s
    for s in (
        _f("id", "str", "标识"),
        _f("name", "str", "名称"),
        _f("credit_code", "str", "统一社会信用代码"),
        _f("region", "str", "行政区划代码"),
        _f("kind", "enum", "主体类型", values=KINDS),
        _f("is_tech_sme", "bool", "是否科技型中小企业"),
        _f("is_state_owned", "bool", "是否国有企业"),
        _f("public_welfare_class", "enum", "事业单位公益类别", values=PUBLIC_WELFARE_CLASSES),
        _f("innovation_spending_increase", "int", "科技创新支出年度增量（元）", minimum=0),
        _f("non_fiscal_construction_expenditure", "int", "当年非财政投入机构建设经费支出（元）", minimum=0),
        _f("horizontal_contract_net_income", "int", "横向项目技术合同净收入（元）", minimum=0),
        _f("score_tier", "enum", "企业创新积分档次", values=SCORE_TIERS),
    )
}

_COMMON_RECORD = (
    _f("name", "str", "名称"),
    _f("note", "str", "备注"),
)

class Collection(NamedTuple):
    """A dated record collection: its Chinese label, record types, fields, and how a reader counts its records
    ("第2项认定/称号", "第1个项目"): traces and 判断依据 name records that way, never as `projects[0]`."""

    label: str
    types: Mapping[str, str]
    fields: dict[str, FieldSpec]
    noun: str
    counter: str

    def nth(self, index: int) -> str:
        return f"第{index + 1}{self.counter}{self.noun}"


COLLECTIONS: Final[dict[str, Collection]] = {
    # collection -> Collection(label, record types, fields, noun, counter). `type` and `date` are required in
    # every record: every condition in the rules is over dated facts.
    "recognitions": Collection(
        "认定/称号记录",
        RECOGNITION_TYPES,
        {
            s.name: s
            for s in (
                _f("type", "enum", "认定类型", values=RECOGNITION_TYPES, required=True),
                _f("level", "enum", "级别", values=LEVELS),
                _f("date", "date", "认定日期", required=True),
                _f("expires", "date", "有效期至"),
                *_COMMON_RECORD,
            )
        },
        "认定/称号",
        "项",
    ),
    "projects": Collection(
        "项目记录",
        PROJECT_TYPES,
        {
            s.name: s
            for s in (
                _f("type", "enum", "项目类型", values=PROJECT_TYPES, required=True),
                _f("level", "enum", "级别", values=LEVELS),
                _f("date", "date", "立项/遴选日期", required=True),
                _f("investment", "int", "实际投资额（元）", minimum=0),
                _f("rd_investment", "int", "计入当期损益的研发投入（元）", minimum=0),
                _f("meets_guideline", "bool", "是否符合“国家综合货运枢纽补链强链技术指引”要求"),
                *_COMMON_RECORD,
            )
        },
        "项目",
        "个",
    ),
    "awards": Collection(
        "获奖记录",
        AWARD_TYPES,
        {
            s.name: s
            for s in (
                _f("type", "enum", "奖项类型", values=AWARD_TYPES, required=True),
                _f("organiser_level", "enum", "主办部门级别", values=LEVELS),
                _f("date", "date", "获奖日期", required=True),
                _f("rank", "str", "名次/等次"),
                *_COMMON_RECORD,
            )
        },
        "获奖",
        "项",
    ),
    "hires": Collection(
        "引进人才记录",
        HIRE_TYPES,
        {
            s.name: s
            for s in (
                _f("type", "enum", "引进类型", values=HIRE_TYPES, required=True),
                _f("date", "date", "引进日期", required=True),
                _f("annual_pay", "int", "引进人才年报酬（元）", minimum=0),
                _f("months_in_kunming", "number", "每年在昆工作月数", minimum=0, maximum=12),
                *_COMMON_RECORD,
            )
        },
        "引进人才",
        "位",
    ),
    "grants": Collection(
        "上级资助/立项记录",
        GRANT_TYPES,
        {
            s.name: s
            for s in (
                _f("type", "enum", "资助类型", values=GRANT_TYPES, required=True),
                _f("level", "enum", "立项/补贴级别", values=LEVELS),
                _f("date", "date", "立项/拨付日期", required=True),
                _f("amount", "int", "上级资助金额（元）", minimum=0),
                *_COMMON_RECORD,
            )
        },
        "上级资助/立项",
        "项",
    ),
    "cultivated": Collection(
        "自主培育记录",
        CULTIVATED_TYPES,
        {
            s.name: s
            for s in (
                _f("type", "enum", "培育对象类型", values=CULTIVATED_TYPES, required=True),
                _f("date", "date", "被培育企业认定日期", required=True),
                _f("count", "int", "家数（缺省为1）", minimum=1),
                *_COMMON_RECORD,
            )
        },
        "自主培育记录",
        "条",
    ),
}

ALL_FIELD_NAMES: Final[frozenset[str]] = frozenset(SCALAR_FACTS) | frozenset(COLLECTIONS)

# Dates before this are taken as typing mistakes (the policies concern organisations of the reform era).
_MIN_DATE: Final = dt.date(1949, 10, 1)
_MAX_DATE: Final = dt.date(2100, 12, 31)


# Chinese names accepted for enum values, so a bureau's spreadsheet wording ("国家级", "高新技术企业", "企业")
# can be used as is. Every Chinese label above is accepted too; these are the usual short forms.
_EXTRA_ALIASES: Final[dict[str, str]] = {
    "国家": "national", "省": "provincial", "市": "municipal", "县级": "district", "区级": "district",
    "高校": "university", "大学": "university", "科研机构": "research_institute", "研究院": "research_institute",
    "事业单位": "public_institution", "孵化器": "incubator", "小灯塔": "little_lighthouse",
    "高企": "high_tech_enterprise", "单项冠军": "single_champion", "独角兽": "unicorn",
    "公益一类": "class1", "公益二类": "class2", "人工智能典型应用示范项目": "ai_application_demo",
    "多式联运信息平台": "multimodal_info_platform", "外国专家项目": "foreign_expert_project",
    "外籍主要负责人": "foreign_principal_officer", "国际创新创业大赛": "intl_innovation_competition",
    "高新技术培育企业": "high_tech_cultivation", "昆明市高新技术培育企业": "high_tech_cultivation",
}


def _alias(values: Mapping[str, str], v: str) -> str:
    for code, label in values.items():
        if v == label or v == label.replace("“", "").replace("”", ""):
            return code
    short = _EXTRA_ALIASES.get(v.strip())
    return short if short is not None and short in values else v


class ProfileError(ValueError):
    """A profile that cannot be evaluated. `field` names the offending field (e.g. "recognitions[2].date")."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}：{message}")


@dataclass(frozen=True, slots=True)
class Record:
    """One dated fact: a recognition, project, award, hire, grant or cultivated enterprise."""

    collection: str
    index: int
    type: str
    date: dt.date
    level: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    # "recognitions[2]": how missing facts and decided_by name the record in JSON (stable ids for programs).
    ref: str = field(default="", compare=False)
    # "第3项认定/称号「…」": how a person reads it (traces, 判断依据). Both computed once: traces use them a lot.
    title: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.ref:
            object.__setattr__(self, "ref", f"{self.collection}[{self.index}]")
        if not self.title:
            name = self.values.get("name")
            shown = f"「{name}」" if isinstance(name, str) and name.strip() else ""
            object.__setattr__(self, "title", COLLECTIONS[self.collection].nth(self.index) + shown)

    def get(self, name: str) -> Any:
        if name == "level":
            return self.level
        if name == "date":
            return self.date
        if name == "type":
            return self.type
        return self.values.get(name)

    def label(self) -> str:
        """Chinese description, e.g. "国家级 科技企业孵化器（2025-03-01）"."""
        types = COLLECTIONS[self.collection].types
        lvl = f"{LEVELS[self.level]}" if self.level else ""
        return f"{lvl}{types[self.type]}（{self.date.isoformat()}）"


@dataclass(frozen=True, slots=True)
class Profile:
    """A validated organisation profile. Build it with `Profile.from_dict`; it is immutable."""

    facts: Mapping[str, Any]
    collections: Mapping[str, tuple[Record, ...]]

    @property
    def id(self) -> str | None:
        v = self.facts.get("id")
        return v if isinstance(v, str) else None

    def has(self, name: str) -> bool:
        return name in self.facts or name in self.collections

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Profile:
        if not isinstance(d, Mapping):
            raise ProfileError("(profile)", "档案应为 JSON 对象")
        facts: dict[str, Any] = {}
        colls: dict[str, tuple[Record, ...]] = {}
        for key, value in d.items():
            if not isinstance(key, str) or key not in ALL_FIELD_NAMES:
                raise ProfileError(str(key), "未知的事实名称（请对照 kechuang/rules/profile.schema.json）")
            if key in SCALAR_FACTS:
                if value is None:
                    continue  # null = unknown, same as leaving the key out
                facts[key] = _check_value(SCALAR_FACTS[key], value, key)
            else:
                if value is None:
                    continue
                colls[key] = _parse_collection(key, value)
        return cls(facts=facts, collections=colls)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.facts)
        for name, recs in self.collections.items():
            items = []
            for r in recs:
                item: dict[str, Any] = {"type": r.type, "date": r.date.isoformat()}
                if r.level is not None:
                    item["level"] = r.level
                for k, v in r.values.items():
                    item[k] = v.isoformat() if isinstance(v, dt.date) else v
                items.append(item)
            out[name] = items
        return out

    def with_record(self, collection: str, values: Mapping[str, Any]) -> Profile:
        """A copy with one more record (used by what-if). Validated like any input."""
        d = self.to_dict()
        d[collection] = [*d.get(collection, []), dict(values)]
        return Profile.from_dict(d)

    def with_fact(self, name: str, value: Any) -> Profile:
        d = self.to_dict()
        d[name] = value
        return Profile.from_dict(d)


def ref_label(ref: str, profile: Profile | None = None) -> str:
    """The Chinese name of a fact path used in `missing_facts` / `decided_by`: "kind" -> 主体类型,
    "projects" -> 项目记录, "projects[0]" -> 第1个项目「…」, "projects[0].investment" -> 第1个项目「…」的实际投资额（元）.
    With the profile the record's own name is given; an unknown path is returned unchanged."""
    if ref in SCALAR_FACTS:
        return SCALAR_FACTS[ref].label
    if ref in COLLECTIONS:
        return COLLECTIONS[ref].label
    head, _, fname = ref.partition(".")
    coll, _, idx = head.partition("[")
    spec = COLLECTIONS.get(coll)
    if spec is None or not idx.endswith("]") or not idx[:-1].isdigit():
        return ref
    i = int(idx[:-1])
    recs = profile.collections.get(coll) if profile is not None else None
    text = recs[i].title if recs is not None and i < len(recs) else spec.nth(i)
    if fname:
        text += "的" + (spec.fields[fname].label if fname in spec.fields else fname)
    return text


def _parse_collection(name: str, value: Any) -> tuple[Record, ...]:
    if not isinstance(value, list):
        raise ProfileError(name, "应为列表（数组）")
    specs = COLLECTIONS[name].fields
    out: list[Record] = []
    for i, item in enumerate(value):
        where = f"{name}[{i}]"
        if not isinstance(item, Mapping):
            raise ProfileError(where, "应为 JSON 对象")
        vals: dict[str, Any] = {}
        for k, v in item.items():
            spec = specs.get(k) if isinstance(k, str) else None
            if spec is None:
                raise ProfileError(f"{where}.{k}", "未知的字段名称")
            if v is None:
                continue
            vals[k] = _check_value(spec, v, f"{where}.{k}")
        for spec in specs.values():
            if spec.required and spec.name not in vals:
                raise ProfileError(f"{where}.{spec.name}", f"缺少必填字段“{spec.label}”")
        rtype = vals.pop("type")
        rdate = vals.pop("date")
        level = vals.pop("level", None)
        if level is None and name == "recognitions":
            level = IMPLIED_LEVELS.get(rtype)
        out.append(Record(collection=name, index=i, type=rtype, date=rdate, level=level, values=vals))
    return tuple(out)


def _check_value(spec: FieldSpec, v: Any, where: str) -> Any:
    t = spec.type
    if t == "str":
        if not isinstance(v, str):
            raise ProfileError(where, f"“{spec.label}”应为字符串")
        return v
    if t == "bool":
        if not isinstance(v, bool):
            raise ProfileError(where, f"“{spec.label}”应为 true 或 false")
        return v
    if t == "enum":
        assert spec.values is not None
        if isinstance(v, str) and v not in spec.values:
            v = _alias(spec.values, v)
        if not isinstance(v, str) or v not in spec.values:
            allowed = "、".join(spec.values)
            raise ProfileError(where, f"“{spec.label}”的取值“{v}”无效，应为：{allowed}")
        return v
    if t in ("int", "number"):
        # bool is an int subclass in Python; true as an amount is a mistake, not 1 yuan.
        ok_int = isinstance(v, int) and not isinstance(v, bool)
        ok_num = ok_int or (t == "number" and isinstance(v, float) and v == v)
        if not ok_num:
            what = "整数（元）" if t == "int" else "数值"
            raise ProfileError(where, f"“{spec.label}”应为{what}")
        if spec.minimum is not None and v < spec.minimum:
            raise ProfileError(where, f"“{spec.label}”不能小于 {spec.minimum:g}")
        if spec.maximum is not None and v > spec.maximum:
            raise ProfileError(where, f"“{spec.label}”不能大于 {spec.maximum:g}")
        return v
    if t == "date":
        if not isinstance(v, str):
            raise ProfileError(where, f"“{spec.label}”应为 YYYY-MM-DD 格式的日期字符串")
        try:
            d = dt.date.fromisoformat(v)
        except ValueError:
            raise ProfileError(where, f"“{spec.label}”不是有效日期：“{v}”（应为 YYYY-MM-DD）") from None
        if len(v) != 10:
            raise ProfileError(where, f"“{spec.label}”应为 YYYY-MM-DD 格式：“{v}”")
        if not (_MIN_DATE <= d <= _MAX_DATE):
            raise ProfileError(where, f"“{spec.label}”超出合理范围（{_MIN_DATE} 至 {_MAX_DATE}）：“{v}”")
        return d
    raise AssertionError(f"unknown field type {t}")  # pragma: no cover - registry bug
