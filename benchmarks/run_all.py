"""`make bench`: run every benchmark script in this folder, one after another, each in its own process so
peak-memory figures are per benchmark. Extra arguments for a script come from BENCH_<NAME>_ARGS."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["bench_matching.py", "bench_matching_scale.py", "bench_policy.py", "bench_directory.py"]


def main() -> int:
    scripts = [HERE / name for name in ORDER if (HERE / name).exists()]
    scripts += sorted(p for p in HERE.glob("bench_*.py") if p.name not in ORDER)
    failed = []
    for script in scripts:
        key = "BENCH_" + script.stem.removeprefix("bench_").upper() + "_ARGS"
        args = shlex.split(os.environ.get(key, ""))
        print(f"\n===== {script.name} {' '.join(args)}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script), *args], cwd=HERE.parent)
        print(f"===== {script.name}: exit {code}, {time.perf_counter() - started:.1f} s", flush=True)
        if code:
            failed.append(script.name)
    if failed:
        print("失败的基准测试：" + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
