"""The demo data set: fictional organisations, people, achievements and demands written for Kechuang.

Each domain app that has demo data provides ``<app>.demo.load(out)``; they run in dependency order (each module's
``DEPENDS_ON``, see ``kechuang.core.discovery``) and are idempotent (get-or-create on natural keys), so
``kechuang demo`` can run any number of times.
"""

from __future__ import annotations

from typing import TextIO

from kechuang.core.audit import acting_as
from kechuang.core.discovery import demo_modules


def load_demo(out: TextIO) -> None:
    with acting_as(None):
        for module in demo_modules():
            module.load(out)
    out.write("演示数据已就绪。\n")
