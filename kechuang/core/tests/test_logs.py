"""Console logs: one time zone (+08:00) and no traceback for a routine 403 (issue 10, item 12)."""

from __future__ import annotations

import io
import logging

import pytest


@pytest.fixture
def console():
    """The configured console handler of django.request, writing into a buffer for the test."""
    handler = logging.getLogger("django.request").handlers[0]
    buffer = io.StringIO()
    # Swap the stream directly: setStream() flushes the old one, which an earlier test's captured stderr may
    # have closed already in a full run ("I/O operation on closed file").
    old = handler.stream  # type: ignore[attr-defined]
    handler.stream = buffer  # type: ignore[attr-defined]
    yield buffer
    handler.stream = old  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_routine_403_is_one_chinese_line_without_traceback(outsider_client, console):
    assert outsider_client.get("/audit/").status_code == 403
    text = console.getvalue()
    assert "拒绝访问（403）：/audit/" in text
    assert "Traceback" not in text and "PermissionDenied" not in text
    assert len(text.strip().splitlines()) == 1


def test_log_lines_carry_shanghai_time_with_its_offset():
    from kechuang.core.logs import LocalTimeFormatter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "消息", None, None)
    record.created = 0.0  # 1970-01-01 00:00 UTC
    line = LocalTimeFormatter("%(asctime)s %(message)s").format(record)
    assert line == "1970-01-01 08:00:00+08:00 消息"


def test_demo_and_index_commands_silence_the_english_progress_twins():
    from kechuang.cli import _quiet_progress_logs

    logger = logging.getLogger("kechuang.market.indexing")
    before = logging.getLogger("kechuang").level
    try:
        _quiet_progress_logs()
        assert not logger.isEnabledFor(logging.INFO)
        assert logger.isEnabledFor(logging.WARNING)
    finally:
        logging.getLogger("kechuang").setLevel(before)
