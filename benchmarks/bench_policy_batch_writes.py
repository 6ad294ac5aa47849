"""`make bench` entry for the 免申即享 batch-write timing. The timing itself is a pytest-django module
(timing_policy_batch_writes.py) because it needs the throwaway test database that pytest-django sets up; it lives
here, outside the test paths, so the test suite neither runs nor skips it.

    KECHUANG_BENCH_ORGS=2000 .venv/bin/python benchmarks/bench_policy_batch_writes.py
"""

import sys
from pathlib import Path

import pytest

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    sys.exit(pytest.main([str(here / "timing_policy_batch_writes.py"), "-q", "-s", "-p", "no:cacheprovider",
                          "--rootdir", str(here.parent)]))
