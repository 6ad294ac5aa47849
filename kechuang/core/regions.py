"""Administrative region codes (GB/T 2260).

The code table is python-stdnum's ``cn/loc`` database, installed from PyPI: a real, maintained table with the
years in which each code was valid, rather than a hand-typed excerpt. A code is *current* when its newest
name carries no end year (``[1983-]官渡区`` is current, ``[-2011]呈贡县`` is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum import numdb

_SPAN = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")


@dataclass(frozen=True)
class Region:
    code: str
    name: str  # county-level name, e.g. 官渡区
    province: str
    city: str  # prefecture name, e.g. 昆明市 ('' for a province or city itself)
    current: bool

    @property
    def full_name(self) -> str:
        parts = [self.province]
        if self.city and self.city != self.province:
            parts.append(self.city)
        if self.name not in parts:
            parts.append(self.name)
        return "".join(parts)


def _newest(raw: str) -> tuple[str, bool]:
    """Return the newest name in a ``[1983-1997]A,[1998-]B`` history and whether it is still valid."""
    last = raw.split(",")[-1]
    match = _SPAN.match(last)
    if not match:
        return last, True
    return match.group(3), match.group(2) is None


@lru_cache(maxsize=1)
def _table() -> dict[str, Region]:
    db = numdb.get("cn/loc")
    table: dict[str, Region] = {}
    # numdb keeps a prefix tree: province (2 digits) -> county (4 digits). Prefecture-level codes end in 00.
    for _len, province_prefix, _high, province_props, counties in db.prefixes:
        province = province_props.get("province", "")
        prefectures: dict[str, str] = {}
        for _clen, county_suffix, _chigh, county_props, _children in counties:
            code = f"{province_prefix}{county_suffix}"
            name, current = _newest(county_props.get("county", ""))
            if code.endswith("00"):
                prefectures[code[:4]] = name
            city = prefectures.get(code[:4], "")
            table[code] = Region(code=code, name=name, province=province, city=city, current=current)
    return table


def lookup(code: str) -> Region | None:
    return _table().get(code)


def is_valid(code: str) -> bool:
    region = lookup(code)
    return region is not None and region.current


def children(prefix: str) -> list[Region]:
    """Current regions under a prefix, e.g. ``children('5301')`` for Kunming's districts and counties."""
    return sorted(
        (r for code, r in _table().items() if code.startswith(prefix) and r.current and code != prefix + "00"),
        key=lambda r: r.code,
    )


def name_of(code: str) -> str:
    region = lookup(code)
    return region.name if region else code


def choices(prefix: str = "5301") -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in children(prefix) if not r.name.startswith("市辖区")]
