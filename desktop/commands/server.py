"""``tribunal-desk server init|migrate|export``: set up a tribunal's PostgreSQL server and move data
between it and an SQLite file (docs/server-mode.md). The password comes from libpq's ``PGPASSWORD`` or
``.pgpass``, or ``--password-file``; never from the command line, never into the log.

Exit codes: 0 done; 2 refused or failed (nothing changed on the target).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _password(args: argparse.Namespace) -> str | None:
    if args.password_file is None:
        return None
    return Path(args.password_file).read_text(encoding="utf-8").strip() or None


def _progress(table: str, done: int) -> None:
    if sys.stderr.isatty():  # a line that counts up; nothing in a log
        print(f"\r{table}：{done:,} 行    ", end="", file=sys.stderr, flush=True)


def _url(args: argparse.Namespace) -> str:
    from desktop.store.engine import is_server_url

    db = getattr(args, "db", None)
    if not is_server_url(db):
        raise SystemExit("请用 --db postgresql://用户@主机[:端口]/数据库 指定服务器")
    return str(db)


def _init(args: argparse.Namespace) -> int:
    from desktop.services.server import init_server
    from desktop.store.pg import describe

    version = init_server(_url(args), _password(args))
    print(f"{describe(_url(args))}已就绪（结构版本 {version}）")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from desktop.services.server import migrate_to_server

    moved = migrate_to_server(args.source, _url(args), _password(args), args.replace, _progress)
    print(file=sys.stderr)
    print("\n".join(moved.comparison.lines()))
    print(f"已复制到服务器并核对一致，用时 {moved.seconds:.1f} 秒")
    return 0


def _export(args: argparse.Namespace) -> int:
    from desktop.services.server import export_from_server

    moved = export_from_server(_url(args), args.to, _password(args), _progress)
    print(file=sys.stderr)
    print("\n".join(moved.comparison.lines()))
    print(f"已导出到 {args.to} 并核对一致，用时 {moved.seconds:.1f} 秒")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    server = sub.add_parser("server", help="服务器模式：建库、从本机数据库迁入、导出快照")
    actions = server.add_subparsers(title="actions", metavar="ACTION", required=True)
    password = argparse.ArgumentParser(add_help=False)
    password.add_argument("--password-file", type=Path, default=None, help="密码文件（也可用 PGPASSWORD）")
    init = actions.add_parser("init", parents=[common, password], help="在空数据库中建立本程序的数据表")
    init.set_defaults(func=_init)
    migrate = actions.add_parser("migrate", parents=[common, password], help="把本机数据库复制到服务器")
    migrate.add_argument("--from", dest="source", type=Path, required=True, help="本机数据库文件")
    migrate.add_argument("--replace", action="store_true", help="服务器已有数据时，用本机数据库替换它")
    migrate.set_defaults(func=_migrate)
    export = actions.add_parser("export", parents=[common, password], help="把服务器数据导出为本机数据库文件")
    export.add_argument("--to", type=Path, required=True, help="新的数据库文件（不能已存在）")
    export.set_defaults(func=_export)
