"""The engine imports nothing from Django, and runs as a module from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_no_django_import() -> None:
    code = (
        "import sys, kechuang.rules, kechuang.rules.cli, kechuang.rules.batch;"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')];"
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_python_m_cli() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "kechuang.rules.cli", "evaluate", "--profile",
         str(ROOT / "docs" / "examples" / "profile-enterprise.json"), "--as-of", "2025-12-31"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["summary"]["eligible"] >= 1
