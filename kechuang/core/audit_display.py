"""The audit log as a clerk reads it: record types and fields by their Chinese names, choice values by their
labels, each change as 原值 → 新值, and a link to the record when it still exists and has a page.

The rows store English identifiers (``policies.Application``, ``status``, ``submitted``) because those are
stable across renames of the labels; this module translates them when the page is drawn.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch
from django.utils import timezone

from kechuang.core.links import object_url

EMPTY = "（空）"
MAX_TEXT = 120
# Keys that services write beside a model's fields (transitions, imports, payouts, logins).
EXTRA_LABELS = {
    "comment": "意见", "reason": "原因", "file": "文件", "created": "新增条数", "merged": "合并条数",
    "application": "申请编号", "ip_address": "登录地址", "username": "用户名", "unlocked_by": "解锁人",
}
# Records whose page is addressed by pk but whose model has no get_absolute_url.
DETAIL_URLS = {
    "directory.Organisation": "directory:organisation_detail", "directory.Person": "directory:person_detail",
    "directory.Platform": "directory:platform_detail", "directory.Instrument": "directory:instrument_detail",
    "policies.Application": "policies:application_detail",
}


def _transfer_modes() -> dict[str, str]:
    from kechuang.market.choices import TransferMode

    return dict(TransferMode.choices)


def _fact_types() -> dict[str, str]:
    from kechuang.rules import facts

    return {**facts.RECOGNITION_TYPES, **facts.PROJECT_TYPES, **facts.AWARD_TYPES, **facts.HIRE_TYPES,
            **facts.GRANT_TYPES, **facts.CULTIVATED_TYPES}


def _fact_levels() -> dict[str, str]:
    from kechuang.rules import facts

    return dict(facts.LEVELS)


# Fields that hold coded values without Django choices (JSON lists of choice values, rule-file codes).
VALUE_LABELS: dict[tuple[str, str], Callable[[], dict[str, str]]] = {
    ("market.Achievement", "transfer_modes"): _transfer_modes,
    ("policies.FactRecord", "type"): _fact_types,
    ("policies.FactRecord", "level"): _fact_levels,
}
# Keys that only repeat what the row already says (the trigger is the status change itself).
HIDDEN_KEYS = {"trigger", "entity", "merged_ids", "id"}


@dataclass
class Change:
    label: str
    before: str | None  # None: a value that has no "before" (a comment, an imported count)
    after: str


@dataclass
class Entry:
    log: Any
    type_label: str
    changes: list[Change] = field(default_factory=list)
    url: str = ""


def model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else "其他记录"


def type_choices(object_types: Iterable[str]) -> list[tuple[str, str]]:
    """(stored value, Chinese name) for the record-type filter, sorted by the Chinese name."""
    return sorted(((t, type_label(t)) for t in object_types if t), key=lambda pair: pair[1])


def _fields_by_attname(model: type[models.Model] | None) -> dict[str, models.Field[Any, Any]]:
    if model is None:
        return {}
    return {f.attname: f for f in model._meta.concrete_fields}  # type: ignore[misc]


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def _plain_value(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return _short("、".join(_plain_value(v) for v in value)) if value else EMPTY
    if isinstance(value, dict):
        return f"（明细数据，{len(value)} 项）" if value else EMPTY
    return _short(str(value))


def _datetime_value(value: Any, with_time: bool) -> str:
    try:
        parsed = dt.datetime.fromisoformat(str(value)) if with_time else dt.date.fromisoformat(str(value))
    except ValueError:
        return _plain_value(value)
    if isinstance(parsed, dt.datetime):
        if timezone.is_aware(parsed):
            parsed = timezone.localtime(parsed)
        return parsed.strftime("%Y-%m-%d %H:%M")
    return parsed.strftime("%Y-%m-%d")


class _Related:
    """Names of the rows that foreign keys point at, fetched once per model for a whole page."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], str], str] = {}

    def want(self, model: type[models.Model], pk: Any) -> None:
        if pk not in (None, ""):
            self.wanted[model].add(pk)

    def load(self) -> None:
        for model, pks in self.wanted.items():
            for pk, obj in model._default_manager.in_bulk(list(pks)).items():
                self.names[(model, str(pk))] = str(obj)

    def name(self, model: type[models.Model], pk: Any) -> str:
        if pk in (None, ""):
            return EMPTY
        return self.names.get((model, str(pk)), f"{model._meta.verbose_name}（编号 {pk}，已删除）")


def _format(f: models.Field[Any, Any] | None, value: Any, related: _Related, labels: dict[str, str] | None = None) -> str:
    if labels is not None:
        if isinstance(value, list):
            value = [labels.get(str(v), v) for v in value]
        elif isinstance(value, str):
            value = labels.get(value, value)
    if f is None:
        return _plain_value(value)
    if value is None or value == "":
        return EMPTY
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.ForeignKey):
        return related.name(f.related_model, value)  # type: ignore[arg-type]
    if isinstance(f, models.BooleanField):
        return "是" if value else "否"
    if isinstance(f, models.DateTimeField):
        return _datetime_value(value, with_time=True)
    if isinstance(f, models.DateField):
        return _datetime_value(value, with_time=False)
    return _plain_value(value)


def _shown(f: models.Field[Any, Any] | None, key: str) -> bool:
    if key in HIDDEN_KEYS:
        return False
    if f is None:
        return True
    # Timestamps the database keeps and derived search columns are not what a person changed.
    return f.editable and not f.primary_key


def _pairs(log: Any) -> Iterable[tuple[str, Any, bool]]:
    """(key, value, is_pair) for every stored change; is_pair when the value is [before, after]."""
    changes = log.changes if isinstance(log.changes, dict) else {}
    for key, value in changes.items():
        is_pair = isinstance(value, list) and len(value) == 2 and key not in EXTRA_LABELS
        yield key, value, is_pair


def entries(logs: Iterable[Any]) -> list[Entry]:
    """The page's rows, translated; foreign keys and record links are looked up in one query per model."""
    logs = list(logs)
    related = _Related()
    for log in logs:
        fields = _fields_by_attname(model_for(log.object_type))
        for key, value, is_pair in _pairs(log):
            f = fields.get(key)
            if isinstance(f, models.ForeignKey):
                for v in (value if is_pair else [value]):
                    related.want(f.related_model, v)  # type: ignore[arg-type]
    related.load()
    urls = _record_urls(logs)
    result = []
    for log in logs:
        fields = _fields_by_attname(model_for(log.object_type))
        entry = Entry(log=log, type_label=type_label(log.object_type), url=urls.get((log.object_type, log.object_id), ""))
        for key, value, is_pair in _pairs(log):
            f = fields.get(key)
            if not _shown(f, key):
                continue
            label = str(f.verbose_name) if f is not None else EXTRA_LABELS.get(key, "其他信息")
            coded = VALUE_LABELS.get((log.object_type, key))
            labels = coded() if coded is not None else None
            if is_pair and log.action == "create":  # stored as [None, value]: the value it was created with
                entry.changes.append(Change(label, None, _format(f, value[1], related, labels)))
            elif is_pair and log.action == "delete":  # stored as [value, None]: the value it had
                entry.changes.append(Change(label, None, _format(f, value[0], related, labels)))
            elif is_pair:
                entry.changes.append(Change(label, _format(f, value[0], related, labels),
                                            _format(f, value[1], related, labels)))
            else:
                entry.changes.append(Change(label, None, _format(f, value, related, labels)))
        result.append(entry)
    return result


def _record_urls(logs: list[Any]) -> dict[tuple[str, str], str]:
    """Links to records that still exist and have a page of their own."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for log in logs:
        if log.object_id.isdigit():
            wanted[log.object_type].add(int(log.object_id))
    urls: dict[tuple[str, str], str] = {}
    for object_type, pks in wanted.items():
        model = model_for(object_type)
        if model is None or not (object_type in DETAIL_URLS or hasattr(model, "get_absolute_url")):
            continue
        for pk, obj in model._default_manager.in_bulk(list(pks)).items():
            try:
                url = (object_url(DETAIL_URLS[object_type], pk) if object_type in DETAIL_URLS
                       else obj.get_absolute_url())  # type: ignore[attr-defined]
            except NoReverseMatch:  # a record whose page cannot be addressed is shown without a link
                continue
            urls[(object_type, str(pk))] = url
    return urls
