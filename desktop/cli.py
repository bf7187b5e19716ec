"""``tribunal-desk``: the GUI by default, and the same services headless for scripts.

tribunal-desk [--db PATH] [--demo]                open the window
tribunal-desk demo PATH [--cases N] [--seed S]    write a demo database
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from desktop import __version__, paths
from desktop.store.database import StoreError


def _setup_logging() -> None:
    try:
        handler: logging.Handler = logging.FileHandler(paths.log_file(), encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


DEMO_CASES = 2000


def _demo_database() -> Path:
    """The demo database in the data directory, generated on first use."""
    from desktop.services.demo import generate

    path = paths.user_data_dir() / "demo.sqlite3"
    if not path.exists():
        print(f"正在生成演示数据库（{DEMO_CASES} 件）：{path}", file=sys.stderr)
        generate(path, cases=DEMO_CASES)
    return path


def _cmd_gui(args: argparse.Namespace) -> int:
    from desktop.gui.app import run

    return run(_demo_database() if args.demo else args.db)


def _cmd_demo(args: argparse.Namespace) -> int:
    from desktop.services.demo import generate

    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r已生成 {done:,}/{total:,} 件", end="", file=sys.stderr, flush=True)

    summary = generate(Path(args.path), cases=args.cases, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    print(f"演示数据库已写入 {args.path}：{summary}，用时 {time.perf_counter() - started:.1f} 秒")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tribunal-desk", description="法庭自动履行工作台 Tribunal Desk")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", type=Path, default=None, help="数据库文件（默认在用户数据目录）")
    parser.add_argument("--demo", action="store_true", help="打开演示数据库（首次使用时生成）")
    parser.set_defaults(func=_cmd_gui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = sub.add_parser("demo", help="生成演示数据库")
    demo.add_argument("path", help="新数据库文件的路径（不能是已有数据的文件）")
    demo.add_argument("--cases", type=int, default=2000, help="案件数（默认 2000）")
    demo.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging()
    try:
        return int(args.func(args))
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
