"""`kechuang score ...` — evaluate, batch, model, schema. Also runnable as `python -m kechuang.scoring.cli`.

JSON goes to stdout, messages to stderr; the exit code is 0 on success, 2 for bad input (profile or model).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from .engine import Cohort, evaluate, evaluate_batch
from .loader import ModelLoadError, load_model
from .model import ScoreModel
from .profile import ProfileError, ScoreProfile, schema


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{s}") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kechuang score", description="企业创新积分：按积分模型计算企业积分并说明每一分的来历")
    p.add_argument("--model", type=Path, default=None, help="积分模型 YAML（默认：内置国家核心模型）")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("evaluate", help="计算一家企业的积分（JSON 档案），输出每项指标的得分与理由")
    e.add_argument("--profile", required=True, type=Path, help="企业档案 JSON 文件（- 为标准输入）")
    e.add_argument("--cohort", type=Path, default=None, help="比较群体：JSON lines 档案（应含该企业）")
    e.add_argument("--as-of", type=_date, default=None, help="评估日期 YYYY-MM-DD（默认今天）")
    e.add_argument("--indent", type=int, default=2)
    b = sub.add_parser("batch", help="批量计算（同一群体内排名、分档），每行一个档案，每行输出一个结果")
    b.add_argument("--profiles", required=True, type=Path, help="JSON lines 文件（- 为标准输入）")
    b.add_argument("--as-of", type=_date, default=None)
    b.add_argument("--what-if", action="store_true", help="同时输出“提高哪一项可多得分”的提示")
    sub.add_parser("model", help="输出积分模型：首行为模型说明，其后每行一个指标（JSON lines）")
    sub.add_parser("schema", help="输出企业档案的 JSON Schema")
    return p


def _read(path: Path) -> str:
    return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")


def _dump(obj: Any, indent: int | None = None) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=indent) + "\n")


def _lines(path: Path, model: ScoreModel) -> list[ScoreProfile]:
    out = []
    for n, line in enumerate(_read(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(ScoreProfile.from_dict(json.loads(line), model))
        except json.JSONDecodeError as e:
            raise ProfileError(f"第 {n} 行", f"不是有效的 JSON：{e}") from None
        except ProfileError as e:
            raise ProfileError(f"第 {n} 行 {e.field}", e.message) from None
    return out


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        model = load_model(args.model)
    except ModelLoadError as e:
        print(f"积分模型错误：{e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"无法读取模型文件：{e}", file=sys.stderr)
        return 2
    try:
        if args.command == "model":
            for line in model.json_lines():
                _dump(line)
            return 0
        if args.command == "schema":
            _dump(schema(model), 2)
            return 0
        as_of = args.as_of or dt.date.today()
        if args.command == "evaluate":
            try:
                raw = json.loads(_read(args.profile))
            except json.JSONDecodeError as e:
                print(f"档案不是有效的 JSON：{e}", file=sys.stderr)
                return 2
            profile = ScoreProfile.from_dict(raw, model)
            cohort = None
            if args.cohort is not None:
                members = _lines(args.cohort, model)
                if all(m.id != profile.id for m in members):
                    members.append(profile)
                cohort = Cohort.build(members, model, as_of)
            ev = evaluate(profile, model, as_of, cohort, what_if=True)
            _dump(ev.to_dict(), args.indent if args.indent > 0 else None)
            return 0
        for ev in evaluate_batch(_lines(args.profiles, model), model, as_of, what_if=args.what_if):
            _dump(ev.to_dict())
        return 0
    except ProfileError as e:
        print(f"档案错误：{e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"无法读取文件：{e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
