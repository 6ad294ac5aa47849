"""The ``kechuang`` console command.

Engine subcommands (``match``, ``policy``) import no Django: they are the stable command-line contracts of
architecture.md and run without a database. The platform subcommands set Django up first.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _serve(port: int, workers: int) -> int:
    """Serve with gunicorn (a real WSGI server, not the development server)."""
    args = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", "4", "--access-logfile", "-", "--chdir", str(ROOT),
            "--config", "python:kechuang.core.gunicorn_conf"]
    print(f"科创服务平台已启动：http://127.0.0.1:{port}/  （按 Ctrl+C 停止）", flush=True)
    os.execv(sys.executable, args)
    return 0  # pragma: no cover - execv does not return


def _quiet_progress_logs() -> None:
    """The demo and index commands print their own Chinese progress lines; the modules' INFO log lines (in
    English, for operators' log files) would print a twin before each of them."""
    import logging

    logging.getLogger("kechuang").setLevel(logging.WARNING)


def cmd_demo(ns: argparse.Namespace) -> int:
    _django()
    _quiet_progress_logs()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from kechuang.demo import load_demo

    load_demo(out=sys.stdout)
    if ns.no_serve:
        return 0
    return _serve(ns.port, ns.workers)


def cmd_serve(ns: argparse.Namespace) -> int:
    _django()
    return _serve(ns.port, ns.workers)


def cmd_import(ns: argparse.Namespace) -> int:
    _django()
    from kechuang.core.tabular import run_import_command

    return run_import_command(ns.entity, Path(ns.file), dry_run=ns.dry_run, out=sys.stdout,
                              err=sys.stderr, existing=ns.existing)


def cmd_index(ns: argparse.Namespace) -> int:
    _django()
    _quiet_progress_logs()
    from kechuang.market.indexing import build_index_command

    return build_index_command(out=sys.stderr)


def cmd_backup(ns: argparse.Namespace) -> int:
    _django()
    from kechuang.ops.backup import backup_command

    return backup_command(ns.to, out=sys.stdout)


def cmd_restore(ns: argparse.Namespace) -> int:
    _django()
    from kechuang.ops.backup import restore_command

    return restore_command(ns.source, ns.force, out=sys.stdout)


def cmd_match(argv: list[str]) -> int:
    """The engine CLI, untouched — except ``match eval --feedback`` without a file: the labels live in the
    platform's database, so set Django up, export them to a temporary file (the deals app's format) and hand
    that file to the engine, which stays Django-free."""
    from kechuang.matching.cli import main as match_main

    if argv[:1] == ["eval"] and "--feedback" in argv:
        at = argv.index("--feedback")
        given = at + 1 < len(argv) and not argv[at + 1].startswith("-")
        if not given:
            import tempfile

            _django()
            from kechuang.deals.funnel import export_labels

            with tempfile.TemporaryDirectory(prefix="kechuang-labels-") as tmp:
                path = Path(tmp) / "labels.jsonl"
                export_labels(path)
                return match_main([*argv[:at + 1], str(path), *argv[at + 1:]])
    return match_main(argv)


def cmd_manage(argv: Sequence[str]) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kechuang manage", *argv])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kechuang", description="科创服务平台命令行")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="迁移数据库、载入演示数据、构建索引并启动服务")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--workers", type=int, default=2)
    demo.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="启动 Web 服务（gunicorn）")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(func=cmd_serve)

    imp = sub.add_parser("import", help="导入 CSV / XLSX / JSON lines 文件")
    imp.add_argument("entity", help="organisations, people, platforms, instruments, achievements, demands, papers")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
    # The same three as core.tabular.EXISTING_MODES, written out because parsing must not set up Django.
    imp.add_argument("--existing", choices=["error", "skip", "update"], default="error",
                     help="与已有记录相同的行：error 报错且不写入（默认），skip 跳过，update 用文件内容更新")
    imp.set_defaults(func=cmd_import)

    index = sub.add_parser("index", help="从数据库重建匹配索引")
    index.add_argument("action", choices=["build"])
    index.set_defaults(func=cmd_index)

    backup = sub.add_parser("backup", help="备份数据库、上传文件和匹配索引（附行数与校验和清单）")
    backup.add_argument("--to", help="备份存放目录（默认 var/backups）")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="从备份恢复并核对每张数据表的行数与校验和")
    restore.add_argument("source", metavar="FROM", help="备份目录（kechuang-<时间>）")
    restore.add_argument("--force", action="store_true", help="目标数据库已有数据时仍然覆盖")
    restore.set_defaults(func=cmd_restore)

    # Passed through untouched: the engines own their argument parsing (and their contracts).
    sub.add_parser("match", help="匹配引擎：batch / eval（eval --feedback：用平台的反馈与商洽标注评测）", add_help=False)
    sub.add_parser("policy", help="政策引擎：evaluate / batch / measures", add_help=False)
    sub.add_parser("score", help="创新积分引擎：evaluate / batch / model", add_help=False)
    sub.add_parser("manage", help="Django 管理命令", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "match":
        return cmd_match(args[1:])
    if args and args[0] == "policy":
        from kechuang.rules.cli import main as policy_main

        return policy_main(args[1:])
    if args and args[0] == "score":
        from kechuang.scoring.cli import main as score_main

        return score_main(args[1:])
    if args and args[0] == "manage":
        return cmd_manage(args[1:])
    ns = build_parser().parse_args(args)
    return int(ns.func(ns) or 0)


if __name__ == "__main__":
    sys.exit(main())
