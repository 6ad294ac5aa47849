from __future__ import annotations

from typing import TextIO

DEPENDS_ON = ("directory", "accounts")  # their demo data loads first


def load(out: TextIO) -> None:
    out.write("示例申请：无演示数据。\n")
