"""``tribunal-desk demo PATH [--cases N] [--seed S]``: write a database of realistic demo data."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _run(args: argparse.Namespace) -> int:
    from desktop.services.demo import generate

    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r已生成 {done:,}/{total:,} 件", end="", file=sys.stderr, flush=True)

    from desktop.store.engine import is_server_url

    if is_server_url(args.path):  # generated as a file, then moved onto the server and checked
        import tempfile

        from desktop.services.server import migrate_to_server

        with tempfile.TemporaryDirectory(prefix="tribunal-desk-demo-") as folder:
            local = Path(folder) / "demo.sqlite3"
            summary = generate(local, cases=args.cases, seed=args.seed, progress=progress)
            print(file=sys.stderr)
            migrate_to_server(local, args.path, replace=args.replace)
    else:
        summary = generate(Path(args.path), cases=args.cases, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    print(
        f"演示数据库已写入 {args.path}：{summary.cases:,} 件案件、{summary.parties:,} 名当事人、"
        f"{summary.payments:,} 笔履行记录，今日督促看板 {summary.reminders or 0:,} 条，"
        f"用时 {time.perf_counter() - started:.1f} 秒"
    )
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    demo = sub.add_parser("demo", help="生成演示数据库")
    demo.add_argument(
        "path", help="新数据库文件的路径（不能是已有数据的文件），或服务器 postgresql://用户@主机/数据库"
    )
    demo.add_argument("--replace", action="store_true", help="服务器上已有数据时替换它")
    demo.add_argument("--cases", type=int, default=2000, help="案件数（默认 2000）")
    demo.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
    demo.set_defaults(func=_run)
