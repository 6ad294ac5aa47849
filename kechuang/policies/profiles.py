"""Turn an organisation's directory record and its own policy facts into the policy engine's profile dict.

Sources, in order:
1. the directory (创新资源库): the organisation's kind, its qualifications (高新技术企业, 单项冠军 …) and the
   platforms it hosts (孵化器, 众创空间, 星创天地, 企业技术中心 …) — the bureau's register of recognitions;
2. the organisation's ``FactSheet`` (scalar facts it states itself; a stated value wins over an inferred one);
3. its ``FactRecord`` rows (projects with investment, awards, hires, grants, recognitions the directory lacks).

The engine reads a missing key as "unknown" and a present list as "complete". So a record collection is put in
the profile only when it has at least one record or the organisation has confirmed it complete; otherwise
the benefits that depend on it stay 待定 with the collection named as the missing fact — never a silent "no".

Directory values the engine has no use for (专精特新, 瞪羚 …) are listed as ``unused`` so the calculator can say
so instead of dropping them silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from kechuang.rules.facts import COLLECTIONS, KINDS, LEVELS, SCALAR_FACTS

# Directory organisation kind -> engine kind. Kinds that can be either an enterprise or a public institution
# (科技服务机构, 新型研发机构) are left out: the organisation states its kind on the calculator page instead.
ORG_KIND_MAP: dict[str, str] = {
    "enterprise": "enterprise",
    "university": "university",
    "institute": "research_institute",
    "hospital": "hospital",
    "incubator": "incubator",
    "investor": "enterprise",
}

# Directory qualification kind -> engine recognition type. tech_sme is a scalar fact (is_tech_sme), not a record.
QUALIFICATION_MAP: dict[str, str] = {
    "high_tech": "high_tech_enterprise",
    "high_tech_cultivation": "high_tech_cultivation",
    "single_champion": "single_champion",
    "unicorn": "unicorn",
    "enterprise_tech_center": "enterprise_tech_center",
    "enterprise_innovation_center": "enterprise_innovation_center",
}

# Directory platform kind -> engine recognition type of the host organisation.
PLATFORM_MAP: dict[str, str] = {
    "incubator": "incubator",
    "makerspace": "maker_space",
    "star_space": "star_innovation",
    "enterprise_tech_center": "enterprise_tech_center",
    "enterprise_innovation_center": "enterprise_innovation_center",
}
# A provincial 新型研发机构 platform is the one "纳入省级清单管理" (the province keeps the list); other levels are not.
PLATFORM_LEVEL_MAP: dict[tuple[str, str], str] = {("new_rnd", "provincial"): "new_rd_institution_listed"}

SCALAR_FIELDS = ("is_tech_sme", "is_state_owned", "public_welfare_class", "innovation_spending_increase",
                 "non_fiscal_construction_expenditure", "horizontal_contract_net_income")


@dataclass
class SourcedRecord:
    collection: str
    record: dict[str, Any]
    source: str  # "directory" | "own"
    label: str
    pk: int | None = None  # FactRecord pk for the organisation's own records (editable)

    @property
    def extras(self) -> list[tuple[str, str]]:
        """The record's other fields as (Chinese label, shown value), e.g. ("实际投资额（元）", "300万元")."""
        from kechuang.policies.rules import format_yuan

        fields = COLLECTIONS[self.collection][2]
        out = []
        for k, v in self.record.items():
            if k in ("type", "date", "level", "note", "expires") or k not in fields:
                continue
            spec = fields[k]
            if v is True or v is False:
                shown = "是" if v else "否"
            elif spec.type == "int" and "元" in spec.label:
                shown = format_yuan(v)
            elif spec.values and v in spec.values:
                shown = str(spec.values[v])
            else:
                shown = str(v)
            out.append((spec.label.replace("（元）", ""), shown))
        if self.record.get("note"):
            out.append(("备注", str(self.record["note"])))
        return out


@dataclass
class SourcedFact:
    name: str
    label: str
    value: Any
    shown: str
    source: str  # "directory" | "own" | "unknown"


@dataclass
class ProfileData:
    profile: dict[str, Any]
    facts: list[SourcedFact] = field(default_factory=list)
    records: list[SourcedRecord] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    absent_collections: list[tuple[str, str]] = field(default_factory=list)

    def self_declared(self, refs: list[str]) -> list[str]:
        """Of the facts that decided a result (the engine's ``decided_by`` refs such as "projects[0]" or
        "projects[0].investment" or "is_state_owned"), those the organisation stated itself rather than the
        directory holding them: staff verify these before pushing or paying."""
        by_collection: dict[str, list[SourcedRecord]] = {}
        for r in self.records:
            by_collection.setdefault(r.collection, []).append(r)  # same order as the profile's lists
        own_facts = {f.name: f for f in self.facts if f.source == "own"}
        out: list[str] = []
        for ref in refs:
            head = ref.split(".")[0]
            coll, _, idx = head.partition("[")
            if idx and coll in by_collection and idx.rstrip("]").isdigit():
                i = int(idx.rstrip("]"))
                if i < len(by_collection[coll]) and by_collection[coll][i].source == "own":
                    text = by_collection[coll][i].label
                    extras = "，".join(f"{k}{v}" for k, v in by_collection[coll][i].extras)
                    text = f"{text}（{extras}）" if extras else text
                    if text not in out:
                        out.append(text)
            elif ref in own_facts and ref != "kind":
                text = f"{own_facts[ref].label}：{own_facts[ref].shown}"
                if text not in out:
                    out.append(text)
        return out


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "未知（待补充）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    spec = SCALAR_FACTS.get(name)
    if spec is not None and spec.values and value in spec.values:
        return str(spec.values[value])
    if isinstance(value, int):
        return f"{value:,} 元"
    return str(value)


def record_label(collection: str, rec: dict[str, Any]) -> str:
    types = COLLECTIONS[collection].types
    level = LEVELS.get(rec.get("level") or "", "")
    return f"{level}{types.get(rec['type'], rec['type'])}（{rec['date']}）"


def _qualifications(org: models.Model) -> list[Any]:
    manager = getattr(org, "qualifications", None)
    return list(manager.all()) if manager is not None else []


def _platforms(org: models.Model) -> list[Any]:
    """Platforms hosted by the organisation (``Platform.organisation``, related name ``platforms``)."""
    manager = getattr(org, "platforms", None)
    if manager is None or not hasattr(manager, "all"):
        return []
    return list(manager.all())


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def _rnd_increase(org: Any, day: dt.date) -> int | None:
    """科技创新支出年度增量 from the last two complete years of R&D expense in the directory (never negative)."""
    manager = getattr(org, "yearly_figures", None)
    if manager is None:
        return None
    figures = {f.year: f.rnd_expense_yuan for f in manager.all() if getattr(f, "rnd_expense_yuan", None) is not None}
    last = max((y for y in figures if y < day.year), default=None)
    if last is None or last - 1 not in figures:
        return None
    return max(0, int(figures[last]) - int(figures[last - 1]))


def yearly_figures(org: Any) -> list[Any]:
    manager = getattr(org, "yearly_figures", None)
    return list(manager.order_by("-year")[:5]) if manager is not None else []


# What build_profile reads, for the batch to load in a handful of queries instead of several per organisation.
PREFETCH = ("qualifications", "platforms", "yearly_figures", "policy_records")
SELECT = ("policy_facts",)


def _score_tier(org: Any) -> str | None:
    from django.apps import apps

    if not apps.is_installed("kechuang.scores"):
        return None
    from kechuang.scores.selectors import score_tier_fact

    return score_tier_fact(org)


def build_profile(org: Any, *, as_of: dt.date | None = None) -> ProfileData:
    """The engine's profile for ``org`` plus where each fact came from (for the calculator's review table)."""
    from kechuang.policies.models import FactSheet

    day = as_of or dt.date.today()
    try:  # reads the select_related/prefetched value when the batch loaded it, else one query
        sheet: FactSheet | None = org.policy_facts
    except FactSheet.DoesNotExist:
        sheet = None
    profile: dict[str, Any] = {"id": str(org.pk), "name": org.name, "credit_code": org.credit_code,
                               "region": org.region_code}
    data = ProfileData(profile=profile)

    # --- kind ---------------------------------------------------------------------------------------------
    kind = sheet.kind if sheet is not None and sheet.kind in KINDS else None
    kind_source = "own" if kind else "unknown"
    if kind is None and org.kind in ORG_KIND_MAP:
        kind, kind_source = ORG_KIND_MAP[org.kind], "directory"
    if kind is not None:
        profile["kind"] = kind
    data.facts.append(SourcedFact("kind", "主体类型", kind, KINDS.get(kind or "", "未知（待补充）"), kind_source))
    tier = _score_tier(org)  # 企业创新积分档次 from the scores app, when installed and the firm is scored
    if tier is not None:
        profile["score_tier"] = tier

    # --- recognitions from the directory -----------------------------------------------------------------
    recs: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, str | None, str]] = set()

    def add_directory(rtype: str, level: str | None, date: str, expires: str | None, origin: str,
                      name: str = "") -> None:
        key = (rtype, level, date)
        if key in seen:  # the same recognition held both as a qualification and as a platform
            return
        seen.add(key)
        rec: dict[str, Any] = {"type": rtype, "date": date}
        if level in LEVELS:
            rec["level"] = level
        if expires:
            rec["expires"] = expires
        if name:  # traces name the record by it: 第3项认定/称号「滇中精密省级企业技术中心」
            rec["name"] = name
        recs.setdefault("recognitions", []).append(rec)
        data.records.append(SourcedRecord("recognitions", rec, "directory", f"{record_label('recognitions', rec)}"
                                          f" · 来自创新资源库{origin}"))

    tech_sme_from_directory: bool | None = None
    for q in _qualifications(org):
        qkind = getattr(q, "kind", "")
        date = _date(getattr(q, "recognised_on", None))
        expires = _date(getattr(q, "valid_until", None))
        label = q.get_kind_display() if hasattr(q, "get_kind_display") else qkind
        if qkind == "tech_sme":
            # 科技型中小企业 is evaluated yearly: only a record valid on the evaluation date says "yes".
            valid = getattr(q, "valid_until", None)
            if date is not None and (valid is None or valid >= day):
                tech_sme_from_directory = True
            continue
        rtype = QUALIFICATION_MAP.get(qkind)
        if rtype is None or date is None:
            data.unused.append(f"{label}（{date or '日期未知'}）：已编码的政策措施不涉及该资质")
            continue
        add_directory(rtype, getattr(q, "level", None) or None, date, expires, "（资质）")
    for p in _platforms(org):
        pkind = getattr(p, "kind", "")
        level = getattr(p, "level", None) or None
        date = _date(getattr(p, "recognised_on", None))
        label = p.get_kind_display() if hasattr(p, "get_kind_display") else pkind
        rtype = PLATFORM_MAP.get(pkind) or PLATFORM_LEVEL_MAP.get((pkind, level or ""))
        if rtype is None or date is None:
            data.unused.append(f"{getattr(p, 'name', label)}（{label}）：已编码的政策措施不涉及该平台"
                               if date else f"{getattr(p, 'name', label)}：缺少认定日期，无法用于政策计算")
            continue
        add_directory(rtype, level, date, None, f"（平台：{getattr(p, 'name', label)}）", getattr(p, "name", ""))

    # --- the organisation's own records ------------------------------------------------------------------
    for r in sorted(org.policy_records.all(), key=lambda x: (x.collection, x.date, x.pk)):
        rec = {"type": r.type, "date": r.date.isoformat(), **(r.values or {})}
        if r.level:
            rec["level"] = r.level
        if r.note:
            rec["note"] = r.note
        recs.setdefault(r.collection, []).append(rec)
        data.records.append(SourcedRecord(r.collection, rec, "own", record_label(r.collection, rec), pk=r.pk))

    confirmed = set(sheet.complete_collections or []) if sheet is not None else set()
    for name, label in ((n, c.label) for n, c in COLLECTIONS.items()):
        if name in recs or name in confirmed:
            profile[name] = recs.get(name, [])
        else:
            data.absent_collections.append((name, label))

    # --- scalar facts ------------------------------------------------------------------------------------
    increase = _rnd_increase(org, day)
    for name in SCALAR_FIELDS:
        value = getattr(sheet, name, None) if sheet is not None else None
        if value == "":
            value = None
        source = "own" if value is not None else "unknown"
        if name == "is_tech_sme" and value is None and tech_sme_from_directory is not None:
            value, source = tech_sme_from_directory, "directory"
        if name == "innovation_spending_increase" and value is None and increase is not None:
            # Inferred from the directory's yearly R&D expense; the organisation can state the exact figure.
            value, source = increase, "directory"
        if value is not None:
            profile[name] = value
        shown = _shown(name, value)
        if name == "innovation_spending_increase" and source == "directory":
            shown += "（按年度研发费用增量推算，可填报准确数）"
        data.facts.append(SourcedFact(name, SCALAR_FACTS[name].label, value, shown, source))
    return data
