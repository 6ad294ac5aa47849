"""Load policy files (YAML, one per policy document) into a `RuleSet`, refusing any mistake.

A file with a mistake is refused as a whole with `RuleLoadError` naming the file, the measure and the field:
a half-loaded policy would silently pay some measures and not others.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import yaml

from .facts import COLLECTIONS, KINDS, LEVELS, SCALAR_FACTS
from .model import (
    AMOUNT_FORMS,
    BENEFITS,
    OPS,
    POLICY_STATUSES,
    RATE_BOUNDS,
    Amount,
    AnyOf,
    Condition,
    Consecutive,
    ExclusiveGroup,
    Holds,
    Measure,
    ParameterVersion,
    Payout,
    Policy,
    RuleSet,
    Test,
    Trigger,
)

POLICY_DIR: Final = Path(__file__).parent / "policies"
# libyaml's safe loader when PyYAML was built with it (several times faster), else the pure-Python one.
_YAML_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CLAUSE_RE: Final = re.compile(r"^（[一二三四五六七八九十]+）$")
_ID_RE: Final = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class RuleLoadError(ValueError):
    """A policy file that cannot be loaded; names file, measure and field."""

    def __init__(self, file: str, measure: str | None, field: str, message: str) -> None:
        self.file = file
        self.measure = measure
        self.field = field
        self.message = message
        where = f"{file}" + (f" 措施 {measure}" if measure else "") + f" 字段 {field}"
        super().__init__(f"{where}：{message}")


class _Ctx:
    def __init__(self, file: str, measure: str | None = None) -> None:
        self.file = file
        self.measure = measure

    def err(self, field: str, message: str) -> RuleLoadError:
        return RuleLoadError(self.file, self.measure, field, message)


def load_policies(directory: Path | None = None) -> RuleSet:
    """Load every `*.yaml` in `directory` (default: the packaged `kechuang/rules/policies/`)."""
    d = directory if directory is not None else POLICY_DIR
    files = sorted(d.glob("*.yaml"))
    if not files:
        raise RuleLoadError(str(d), None, "(directory)", "目录中没有政策文件（*.yaml）")
    policies = [load_policy_file(f) for f in files]
    seen: dict[str, str] = {}
    for p, f in zip(policies, files, strict=True):
        if p.id in seen:
            raise RuleLoadError(f.name, None, "policy.id", f"政策标识 {p.id} 与 {seen[p.id]} 重复")
        seen[p.id] = f.name
        for m in p.measures:
            if m.id in seen:
                raise RuleLoadError(f.name, m.id, "id", f"措施标识与 {seen[m.id]} 重复")
            seen[m.id] = f.name
    return RuleSet(policies=tuple(policies))


def load_policy_file(path: Path) -> Policy:
    ctx = _Ctx(path.name)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as e:
        raise ctx.err("(yaml)", f"YAML 语法错误：{e}") from None
    return parse_policy(raw, ctx)


def parse_policy(raw: Any, ctx: _Ctx) -> Policy:
    top = _mapping(raw, ctx, "(file)", {"policy", "measures", "exclusive_groups"})
    pol = _mapping(top.get("policy"), ctx, "policy", {
        "id", "title", "issuer", "doc_number", "published", "effective_from", "effective_to",
        "status", "source", "notes",
    })
    pid = _id(pol.get("id"), ctx, "policy.id")
    status = _str(pol.get("status"), ctx, "policy.status")
    if status not in POLICY_STATUSES:
        raise ctx.err("policy.status", f"状态应为 {'/'.join(POLICY_STATUSES)}，而不是“{status}”")
    eff_from = _date(pol.get("effective_from"), ctx, "policy.effective_from")
    eff_to = _opt_date(pol.get("effective_to"), ctx, "policy.effective_to")
    if eff_to is not None and eff_to < eff_from:
        raise ctx.err("policy.effective_to", "失效日期早于生效日期")
    doc_number = pol.get("doc_number")
    if doc_number is not None and not isinstance(doc_number, str):
        raise ctx.err("policy.doc_number", "文号应为字符串或 null")
    raw_measures = top.get("measures")
    if not isinstance(raw_measures, list) or not raw_measures:
        raise ctx.err("measures", "应为非空列表")
    measures: list[Measure] = []
    ids: set[str] = set()
    for i, rm in enumerate(raw_measures):
        mid = rm.get("id") if isinstance(rm, Mapping) else None
        mctx = _Ctx(ctx.file, mid if isinstance(mid, str) else f"measures[{i}]")
        m = _measure(rm, mctx, pid, eff_from, eff_to, _str(pol.get("title"), ctx, "policy.title"))
        if m.id in ids:
            raise mctx.err("id", "措施标识重复")
        ids.add(m.id)
        measures.append(m)
    groups: list[ExclusiveGroup] = []
    for i, rg in enumerate(top.get("exclusive_groups") or []):
        g = _mapping(rg, ctx, f"exclusive_groups[{i}]", {"id", "rule", "measures", "clause_text"})
        gid = _id(g.get("id"), ctx, f"exclusive_groups[{i}].id")
        rule = g.get("rule")
        if rule not in ("highest",):
            raise ctx.err(f"exclusive_groups[{i}].rule", "规则应为 highest（就高）")
        members = g.get("measures")
        if not isinstance(members, list) or len(members) < 2 or not all(x in ids for x in members):
            raise ctx.err(f"exclusive_groups[{i}].measures", "应列出本文件中至少两个措施标识")
        groups.append(ExclusiveGroup(id=gid, rule=str(rule), measures=tuple(members),
                                     clause_text=str(g.get("clause_text") or "")))
    # A measure's `exclusive_group` must name a declared group, and the group must list it.
    declared = {g.id: g for g in groups}
    for m in measures:
        if m.exclusive_group is not None:
            g2 = declared.get(m.exclusive_group)
            if g2 is None or m.id not in g2.measures:
                raise _Ctx(ctx.file, m.id).err("exclusive_group", f"互斥组 {m.exclusive_group} 未声明或未列入本措施")
    for grp in groups:
        for mid2 in grp.measures:
            mm = next(x for x in measures if x.id == mid2)
            if mm.exclusive_group != grp.id:
                raise _Ctx(ctx.file, mid2).err("exclusive_group", f"应为 {grp.id}（该组列入了本措施）")
    return Policy(
        id=pid,
        title=_str(pol.get("title"), ctx, "policy.title"),
        issuer=_str(pol.get("issuer"), ctx, "policy.issuer"),
        doc_number=doc_number,
        published=_opt_date(pol.get("published"), ctx, "policy.published"),
        effective_from=eff_from,
        effective_to=eff_to,
        status=status,
        source=_str(pol.get("source"), ctx, "policy.source"),
        measures=tuple(measures),
        exclusive_groups=tuple(groups),
        notes=str(pol.get("notes") or ""),
    )


_MEASURE_KEYS: Final = {
    "id", "clause", "clause_text", "title", "amount", "beneficiary_kinds", "trigger", "conditions", "payout",
    "per", "benefit", "effective_from", "effective_to", "exclusive_group", "budget_line", "notes", "revisions",
}


def _measure(
    raw: Any, ctx: _Ctx, pid: str, pol_from: dt.date, pol_to: dt.date | None, pol_title: str
) -> Measure:
    m = _mapping(raw, ctx, "(measure)", _MEASURE_KEYS)
    mid = _id(m.get("id"), ctx, "id")
    clause = _str(m.get("clause"), ctx, "clause")
    if not _CLAUSE_RE.match(clause):
        raise ctx.err("clause", f"条款编号应形如“（三）”（全角括号），而不是“{clause}”")
    clause_text = _str(m.get("clause_text"), ctx, "clause_text")
    kinds_raw = m.get("beneficiary_kinds")
    kinds: tuple[str, ...] | None
    if kinds_raw == "any":
        kinds = None
    else:
        kinds = _str_list(kinds_raw, ctx, "beneficiary_kinds", KINDS)
    trig = _trigger(m.get("trigger"), ctx) if m.get("trigger") is not None else None
    conds = tuple(_condition(c, ctx, f"conditions[{i}]") for i, c in enumerate(m.get("conditions") or []))
    amount = _amount(m.get("amount"), ctx, trig)
    payout_raw = _mapping(m.get("payout", {"frequency": "once"}), ctx, "payout", {"frequency", "years"})
    freq = payout_raw.get("frequency", "once")
    if freq not in ("once", "yearly"):
        raise ctx.err("payout.frequency", "应为 once（一次性）或 yearly（按年）")
    years = payout_raw.get("years")
    if years is not None and (not isinstance(years, int) or isinstance(years, bool) or years < 1):
        raise ctx.err("payout.years", "应为正整数")
    if freq == "once" and years is not None:
        raise ctx.err("payout.years", "一次性兑现不应有年限")
    per = m.get("per", "beneficiary")
    if per not in ("beneficiary", "record"):
        raise ctx.err("per", "应为 beneficiary（每个主体一次，多条记录就高）或 record（每条记录各自计）")
    if per == "record" and trig is None:
        raise ctx.err("per", "按记录计发需要 trigger")
    benefit = m.get("benefit", "grant")
    if benefit not in BENEFITS:
        raise ctx.err("benefit", f"应为 {'/'.join(BENEFITS)}")
    if trig is None and amount.form in ("tiered", "per_unit"):
        raise ctx.err("amount.form", f"{amount.form} 需要 trigger 提供级别或个数")
    eff_from = _opt_date(m.get("effective_from"), ctx, "effective_from") or pol_from
    eff_to = _opt_date(m.get("effective_to"), ctx, "effective_to") or pol_to
    if eff_to is not None and eff_to < eff_from:
        raise ctx.err("effective_to", "失效日期早于生效日期")
    if eff_from < pol_from or (pol_to is not None and eff_to is not None and eff_to > pol_to):
        raise ctx.err("effective_from", "措施有效期超出政策有效期")
    group = m.get("exclusive_group")
    if group is not None and not isinstance(group, str):
        raise ctx.err("exclusive_group", "应为字符串")
    first = ParameterVersion(eff_from, f"《{pol_title}》{clause}", amount, trig.where if trig else ())
    versions = _revisions(m.get("revisions"), ctx, trig, first, eff_to)
    return Measure(
        id=mid,
        policy=pid,
        clause=clause,
        clause_text=clause_text,
        title=_str(m.get("title"), ctx, "title"),
        amount=amount,
        beneficiary_kinds=kinds,
        trigger=trig,
        conditions=conds,
        payout=Payout(frequency=str(freq), years=years),
        per=str(per),
        benefit=str(benefit),
        effective_from=eff_from,
        effective_to=eff_to,
        exclusive_group=group,
        budget_line=str(m.get("budget_line") or ""),
        notes=str(m.get("notes") or ""),
        versions=versions,
    )


def _revisions(
    raw: Any, ctx: _Ctx, trig: Trigger | None, first: ParameterVersion, eff_to: dt.date | None
) -> tuple[ParameterVersion, ...]:
    """`revisions: [{from, reference, amount?, thresholds?}]`: later texts superseding the parameters from a date.
    Each restates what it changes and inherits the rest from the version before; the base of a rate and the
    shape of the thresholds do not change (a different base is a different measure)."""
    if raw is None:
        return (first,)
    if not isinstance(raw, list) or not raw:
        raise ctx.err("revisions", "应为非空列表")
    out = [first]
    for i, rv in enumerate(raw):
        where = f"revisions[{i}]"
        r = _mapping(rv, ctx, where, {"from", "reference", "amount", "thresholds"})
        start = _date(r.get("from"), ctx, f"{where}.from")
        prev = out[-1]
        if start <= prev.start or (eff_to is not None and start > eff_to):
            raise ctx.err(f"{where}.from", "应晚于上一版本的起始日期，且在措施有效期内")
        reference = _str(r.get("reference"), ctx, f"{where}.reference")
        amount = prev.amount
        if r.get("amount") is not None:
            amount = _amount(r.get("amount"), ctx, trig)
            if amount.base != first.amount.base:
                raise ctx.err(f"{where}.amount.base", f"计算基数应与原版本一致（{first.amount.base}）")
        tests = prev.where
        if r.get("thresholds") is not None:
            th = _mapping(r.get("thresholds"), ctx, f"{where}.thresholds", {t.field for t in tests})
            tests = tuple(_replace_value(t, th, ctx, f"{where}.thresholds") for t in tests)
        if amount == prev.amount and tests == prev.where:
            raise ctx.err(where, "新版本没有改变任何参数")
        out.append(ParameterVersion(start, reference, amount, tests))
    return tuple(out)


def _replace_value(t: Test, th: Mapping[str, Any], ctx: _Ctx, where: str) -> Test:
    if t.field not in th:
        return t
    v = th[t.field]
    if not isinstance(v, int | float) or isinstance(v, bool) or not isinstance(t.value, int | float):
        raise ctx.err(f"{where}.{t.field}", "只能修改数值门槛，新值应为数值")
    # The label quotes the old figure; a changed figure is shown from the test itself.
    return Test(field=t.field, op=t.op, value=v, label="")


def _trigger(raw: Any, ctx: _Ctx) -> Trigger:
    t = _mapping(raw, ctx, "trigger", {"collection", "types", "levels", "new", "in_period", "where", "consecutive"})
    coll = t.get("collection")
    if coll not in COLLECTIONS:
        raise ctx.err("trigger.collection", f"未知的记录集合“{coll}”，应为 {'/'.join(COLLECTIONS)}")
    types_enum, fields = COLLECTIONS[coll].types, COLLECTIONS[coll].fields
    types = _str_list(t.get("types"), ctx, "trigger.types", types_enum)
    levels = None
    type_levels: dict[str, tuple[str, ...]] | None = None
    if t.get("levels") is not None:
        if "level" not in fields:
            raise ctx.err("trigger.levels", f"{coll} 记录没有级别字段")
        raw_levels = t.get("levels")
        if isinstance(raw_levels, Mapping):
            # per type: {digital_workshop: [national], lighthouse_factory: [national, provincial]}
            lv = _mapping(raw_levels, ctx, "trigger.levels", set(types))
            if set(lv) != set(types):
                raise ctx.err("trigger.levels", "按类型写级别时应列出每个类型")
            type_levels = {k: _str_list(v, ctx, f"trigger.levels.{k}", LEVELS) for k, v in lv.items()}
            levels = tuple(x for x in LEVELS if any(x in v for v in type_levels.values()))
        else:
            levels = _str_list(raw_levels, ctx, "trigger.levels", LEVELS)
    new = t.get("new", False)
    if not isinstance(new, bool):
        raise ctx.err("trigger.new", "应为 true/false")
    in_period = t.get("in_period", False)
    if not isinstance(in_period, bool):
        raise ctx.err("trigger.in_period", "应为 true/false")
    where = tuple(
        _test(w, ctx, f"trigger.where[{i}]", fields) for i, w in enumerate(t.get("where") or [])
    )
    cons = None
    if t.get("consecutive") is not None:
        c = _mapping(t.get("consecutive"), ctx, "trigger.consecutive", {"min_count", "validity_years"})
        mc, vy = c.get("min_count"), c.get("validity_years")
        if not isinstance(mc, int) or mc < 2:
            raise ctx.err("trigger.consecutive.min_count", "应为不小于2的整数")
        if not isinstance(vy, int) or vy < 1:
            raise ctx.err("trigger.consecutive.validity_years", "应为正整数（证书有效年限）")
        cons = Consecutive(min_count=mc, validity_years=vy)
    return Trigger(
        collection=str(coll), types=types, levels=levels, type_levels=type_levels, new=new, in_period=in_period, where=where, consecutive=cons
    )


def _test(raw: Any, ctx: _Ctx, where: str, fields: Mapping[str, Any]) -> Test:
    t = _mapping(raw, ctx, where, {"field", "fact", "op", "value", "label"})
    name = t.get("field", t.get("fact"))
    if name not in fields:
        raise ctx.err(f"{where}.field", f"未知字段“{name}”")
    op = t.get("op")
    if op not in OPS:
        raise ctx.err(f"{where}.op", f"未知比较词“{op}”，应为 {'、'.join(OPS)}")
    value = t.get("value")
    spec = fields[name]
    sym = OPS[op]
    if sym in ("is_true", "is_false"):
        if spec.type != "bool":
            raise ctx.err(f"{where}.op", f"“{op}”只用于是/否字段，而 {name} 不是")
    elif sym == "in":
        if not isinstance(value, list) or not value:
            raise ctx.err(f"{where}.value", "“属于”需要非空列表")
        if spec.values is not None and not all(v in spec.values for v in value):
            raise ctx.err(f"{where}.value", f"取值应在 {'/'.join(spec.values)} 中")
        value = tuple(value)
    elif spec.type in ("int", "number"):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ctx.err(f"{where}.value", "应为数值")
    elif sym != "==":
        raise ctx.err(f"{where}.op", f"字段 {name} 不能用“{op}”比较")
    return Test(field=str(name), op=str(op), value=value, label=str(t.get("label") or ""))


def _condition(raw: Any, ctx: _Ctx, where: str) -> Condition:
    if isinstance(raw, Mapping) and "any_of" in raw:
        c = _mapping(raw, ctx, where, {"any_of", "label"})
        alts = c.get("any_of")
        if not isinstance(alts, list) or len(alts) < 2:
            raise ctx.err(f"{where}.any_of", "应列出至少两个条件")
        parsed: list[Test | Holds] = []
        for i, a in enumerate(alts):
            p = _condition(a, ctx, f"{where}.any_of[{i}]")
            if isinstance(p, AnyOf):
                raise ctx.err(f"{where}.any_of[{i}]", "不支持嵌套 any_of")
            parsed.append(p)
        return AnyOf(alternatives=tuple(parsed), label=str(c.get("label") or ""))
    if isinstance(raw, Mapping) and "holds" in raw:
        c = _mapping(raw, ctx, where, {"holds", "label"})
        h = _mapping(c.get("holds"), ctx, f"{where}.holds", {"collection", "types"})
        coll = h.get("collection")
        if coll not in COLLECTIONS:
            raise ctx.err(f"{where}.holds.collection", f"未知的记录集合“{coll}”")
        types = _str_list(h.get("types"), ctx, f"{where}.holds.types", COLLECTIONS[coll][1])
        return Holds(collection=str(coll), types=types, label=str(c.get("label") or ""))
    return _test(raw, ctx, where, SCALAR_FACTS)


def _amount(raw: Any, ctx: _Ctx, trig: Trigger | None) -> Amount:
    a = _mapping(raw, ctx, "amount", {
        "form", "value", "tiers", "min", "max", "base", "base_label", "rate", "rates", "rate_bound", "cap",
        "unit", "description",
    })
    form = a.get("form")
    if form not in AMOUNT_FORMS:
        raise ctx.err("amount.form", f"未知金额形式“{form}”，应为 {'/'.join(AMOUNT_FORMS)}")
    kw: dict[str, Any] = {"form": form, "description": str(a.get("description") or "")}
    if form == "fixed":
        kw["value"] = _yuan(a.get("value"), ctx, "amount.value")
    elif form == "tiered":
        tiers = _mapping(a.get("tiers"), ctx, "amount.tiers", set(LEVELS))
        if not tiers:
            raise ctx.err("amount.tiers", "至少一个级别")
        kw["tiers"] = {k: _yuan(v, ctx, f"amount.tiers.{k}") for k, v in tiers.items()}
        if trig is None or trig.levels is None or set(trig.levels) != set(tiers):
            raise ctx.err("amount.tiers", "档次级别应与 trigger.levels 一致")
    elif form == "range":
        lo = _yuan(a.get("min"), ctx, "amount.min")
        hi = _yuan(a.get("max"), ctx, "amount.max")
        if lo > hi:
            raise ctx.err("amount.min", "下限大于上限")
        kw["min"], kw["max"] = lo, hi
    elif form in ("rate", "ratio_of_grant"):
        base = _str(a.get("base"), ctx, "amount.base")
        if base.startswith("fact."):
            spec = SCALAR_FACTS.get(base[5:])
        else:
            if trig is None:
                raise ctx.err("amount.base", "记录字段作为基数需要 trigger；标量事实请写 fact.<名称>")
            spec = COLLECTIONS[trig.collection][2].get(base)
        if spec is None or spec.type != "int":
            raise ctx.err("amount.base", f"基数“{base}”不是已知的金额字段")
        kw["base"] = base
        kw["base_label"] = spec.label
        if a.get("rates") is not None:
            rates = _mapping(a.get("rates"), ctx, "amount.rates", set(LEVELS))
            kw["rates"] = {k: _fraction(v, ctx, f"amount.rates.{k}") for k, v in rates.items()}
            if trig is None or trig.levels is None or set(trig.levels) != set(rates):
                raise ctx.err("amount.rates", "按级别比例需与 trigger.levels 一致")
        else:
            kw["rate"] = _fraction(a.get("rate"), ctx, "amount.rate")
        bound = a.get("rate_bound", "exact")
        if bound not in RATE_BOUNDS:
            raise ctx.err("amount.rate_bound", f"应为 {'/'.join(RATE_BOUNDS)}")
        kw["rate_bound"] = bound
        if a.get("cap") is not None:
            kw["cap"] = _yuan(a.get("cap"), ctx, "amount.cap")
    elif form == "per_unit":
        kw["unit"] = _yuan(a.get("unit"), ctx, "amount.unit")
    elif form in ("non_monetary", "unspecified"):
        if not kw["description"]:
            raise ctx.err("amount.description", "非资金/未定金额的措施需写明内容")
    return Amount(**kw)


# ---------------------------------------------------------------------------------------------------------
# small typed readers
# ---------------------------------------------------------------------------------------------------------


def _mapping(raw: Any, ctx: _Ctx, where: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ctx.err(where, "应为映射（键: 值）")
    for k in raw:
        if k not in allowed:
            raise ctx.err(f"{where}.{k}" if where != "(file)" and where != "(measure)" else str(k),
                          f"未知字段“{k}”")
    return raw


def _str(v: Any, ctx: _Ctx, where: str) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ctx.err(where, "缺少或不是非空字符串")
    return v


def _id(v: Any, ctx: _Ctx, where: str) -> str:
    s = _str(v, ctx, where)
    if not _ID_RE.match(s):
        raise ctx.err(where, f"标识“{s}”只能用小写字母、数字、点、连字符")
    return s


def _str_list(v: Any, ctx: _Ctx, where: str, allowed: Mapping[str, str]) -> tuple[str, ...]:
    if not isinstance(v, list) or not v:
        raise ctx.err(where, "应为非空列表")
    for x in v:
        if x not in allowed:
            raise ctx.err(where, f"未知取值“{x}”，应为 {'/'.join(allowed)}")
    return tuple(v)


def _yuan(v: Any, ctx: _Ctx, where: str) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise ctx.err(where, "金额应为非负整数（元）")
    return v


def _fraction(v: Any, ctx: _Ctx, where: str) -> Fraction:
    # Rates are written as strings ("0.2", "1/2") so that YAML never turns them into binary floats.
    if not isinstance(v, str | int) or isinstance(v, bool):
        raise ctx.err(where, "比例应写成字符串，如 \"0.2\" 或 \"1/2\"")
    try:
        f = Fraction(v)
    except (ValueError, ZeroDivisionError):
        raise ctx.err(where, f"无法解析的比例“{v}”") from None
    if f < 0 or f > 10:
        raise ctx.err(where, "比例应在 0 到 10 之间")
    return f


def _date(v: Any, ctx: _Ctx, where: str) -> dt.date:
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            pass
    raise ctx.err(where, f"应为 YYYY-MM-DD 日期，而不是“{v}”")


def _opt_date(v: Any, ctx: _Ctx, where: str) -> dt.date | None:
    return None if v is None else _date(v, ctx, where)
