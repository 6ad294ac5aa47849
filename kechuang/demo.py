"""The demo data set: fictional organisations, people, achievements and demands written for Kechuang.

Each domain app that has demo data provides ``<app>.demo.load(out)``; they run in dependency order and are
idempotent (get-or-create on natural keys), so ``kechuang demo`` can run any number of times.
"""

from __future__ import annotations

from importlib import import_module
from typing import TextIO

from kechuang.core.audit import acting_as

# Order matters: accounts need organisations; the market needs organisations and people; policies read both.
DEMO_MODULES = ["kechuang.directory.demo", "kechuang.accounts.demo", "kechuang.market.demo",
                "kechuang.policies.demo", "kechuang.contracts.demo",
                "kechuang.scores.demo", "kechuang.deals.demo",
                "kechuang.challenges.demo", "kechuang.instruments.demo",
                "kechuang.indicators.demo"]


def load_demo(out: TextIO) -> None:
    with acting_as(None):
        for name in DEMO_MODULES:
            try:
                module = import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            module.load(out)
    out.write("演示数据已就绪。\n")
