"""Spreadsheet formula injection (OWASP "CSV Injection"): a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is run as a formula by Excel and LibreOffice when the file is opened, e.g.
``=HYPERLINK("http://evil.example/…","点击查看详情")`` typed by an enterprise into a demand title.

Every export writes its cells through ``neutralise`` (OWASP's advice: prefix such a cell with an apostrophe,
so it is shown as text); imports warn about such cells (``formula_like``) but keep them, since the text itself
is harmless inside the platform.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Only digits, spaces and + - . , ( ) / : cannot call a function or reference a cell: a phone number
# (+86 871-6512 3456), a negative amount or a date range stays as it is.
_PLAIN_NUMBER = re.compile(r"^[+\-]?[\d\s.,()/:+\-]*$")


def formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(TRIGGERS) and not _PLAIN_NUMBER.match(value)


def neutralise(value: Any) -> Any:
    """The cell as it may go into a CSV or XLSX file: formula-like text gets a leading apostrophe."""
    return "'" + value if formula_like(value) else value


def neutralise_row(values: list[Any]) -> list[Any]:
    return [neutralise(v) for v in values]
