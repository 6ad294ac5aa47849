"""Log formatting and filtering for the console.

- One time zone: every line carries the bureau's local time with its offset (Asia/Shanghai, +08:00), whatever
  the server's own zone is — gunicorn, Django and the jobs worker otherwise mix UTC and local stamps.
- A routine refusal (PermissionDenied → 403) is an expected answer, not a fault: it is logged as one Chinese
  line without a traceback. Real errors keep theirs.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings


class LocalTimeFormatter(logging.Formatter):
    """``2026-12-02 09:15:03+08:00 WARNING django.request 拒绝访问（403）：/audit/``"""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        zone = ZoneInfo(getattr(settings, "TIME_ZONE", None) or "Asia/Shanghai")
        stamp = dt.datetime.fromtimestamp(record.created, tz=zone)
        return stamp.isoformat(sep=" ", timespec="seconds")


# Expected refusals: one Chinese line each, no traceback.
ROUTINE = {403: "拒绝访问（403）：%s", 429: "登录失败次数过多，已拒绝（429）：%s"}


class QuietForbidden(logging.Filter):
    """Turn django.request's "Forbidden (Permission denied)" warning with its traceback into one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status in ROUTINE:
            request = getattr(record, "request", None)
            path = getattr(request, "path", "") if request is not None else ""
            record.msg, record.args = ROUTINE[status], (path,)
            record.exc_info, record.exc_text = None, None
        return True
