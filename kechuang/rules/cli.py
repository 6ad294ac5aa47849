"""`kechuang policy ...` — evaluate, batch, measures, what-if. Also runnable as `python -m kechuang.rules.cli`.

JSON goes to stdout, messages to stderr; the exit code is 0 on success, 2 for bad input (profile or rules).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from .batch import evaluate_batch
from .engine import evaluate
from .facts import Profile, ProfileError
from .loader import RuleLoadError, load_policies
from .model import RuleSet
from .whatif import what_if


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{s}") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kechuang policy", description="政策计算器：按政策条款评估组织可享受的奖补")
    p.add_argument("--rules", type=Path, default=None, help="政策文件目录（默认：内置 kechuang/rules/policies）")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("evaluate", help="评估一个组织档案（JSON），输出各措施结果")
    e.add_argument("--profile", required=True, type=Path, help="组织档案 JSON 文件（- 为标准输入）")
    e.add_argument("--as-of", type=_date, default=None, help="评估日期 YYYY-MM-DD（默认今天）")
    e.add_argument("--what-if", action="store_true", help="同时输出“再具备哪一项可多享受”的提示")
    e.add_argument("--indent", type=int, default=2)
    b = sub.add_parser("batch", help="批量评估（免申即享），每行一个档案，每行输出一个结果")
    b.add_argument("--profiles", required=True, type=Path, help="JSON lines 文件（- 为标准输入）")
    b.add_argument("--as-of", type=_date, default=None)
    b.add_argument("--eligible-only", action="store_true", help="只输出符合条件及待定的措施")
    sub.add_parser("measures", help="列出已编码的措施，每行一个 JSON")
    w = sub.add_parser("what-if", help="再具备哪一项事实/认定可多享受最多")
    w.add_argument("--profile", required=True, type=Path)
    w.add_argument("--as-of", type=_date, default=None)
    return p


def _read(path: Path) -> str:
    return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")


def _dump(obj: Any, indent: int | None = None) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=indent) + "\n")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        rules: RuleSet = load_policies(args.rules)
    except RuleLoadError as e:
        print(f"政策文件错误：{e}", file=sys.stderr)
        return 2
    try:
        if args.command == "measures":
            for m in rules.measures:
                _dump(m.to_json())
            return 0
        if args.command in ("evaluate", "what-if"):
            try:
                raw = json.loads(_read(args.profile))
            except json.JSONDecodeError as e:
                print(f"档案不是有效的 JSON：{e}", file=sys.stderr)
                return 2
            profile = Profile.from_dict(raw)
            as_of = args.as_of or dt.date.today()
            if args.command == "what-if":
                _dump([h.to_json() for h in what_if(profile, as_of, rules)], 2)
                return 0
            out = evaluate(profile, as_of, rules).to_dict()
            if args.what_if:
                out["what_if"] = [h.to_json() for h in what_if(profile, as_of, rules)]
            _dump(out, args.indent if args.indent > 0 else None)
            return 0
        # batch
        profiles = []
        for n, line in enumerate(_read(args.profiles).splitlines(), start=1):
            if not line.strip():
                continue
            try:
                profiles.append(Profile.from_dict(json.loads(line)))
            except json.JSONDecodeError as e:
                print(f"第 {n} 行不是有效的 JSON：{e}", file=sys.stderr)
                return 2
            except ProfileError as e:
                print(f"第 {n} 行：{e}", file=sys.stderr)
                return 2
        as_of = args.as_of or dt.date.today()
        for ev in evaluate_batch(profiles, as_of, rules):
            d = ev.to_dict()
            if args.eligible_only:
                d["results"] = [r for r in d["results"] if r["status"] != "ineligible"]
            _dump(d)
        return 0
    except ProfileError as e:
        print(f"档案错误：{e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"无法读取文件：{e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
