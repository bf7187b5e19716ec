"""``tribunal-desk``: the GUI by default, and the same services headless for scripts.

tribunal-desk [--db PATH] [--demo]                open the window
tribunal-desk demo PATH [--cases N] [--seed S]    write a demo database
tribunal-desk COMMAND --help                      every other command (see desktop/commands/)
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from desktop import __version__, paths
from desktop.store.database import StoreError
from desktop.store.private_files import restrict_umask

# Feature modules under desktop/commands/, each with register(sub, common).
COMMANDS: tuple[str, ...] = (
    "demo",
    "documents",
    "whitelist",
    "reminders",
    "statistics",
    "backup",
    "excel",
    "server",
    "screening",
    "doctor",  # what this PC lacks to run the program (issue 17)
)
# The commands each of them registers: a command line naming one imports that module alone (a clerk's
# script running `reminders --json` does not wait for the backup and white-list machinery to load).
COMMAND_MODULES: dict[str, str] = {
    "demo": "demo",
    "forms": "documents",
    "render": "documents",
    "batch": "documents",
    "reprint": "documents",
    "whitelist": "whitelist",
    "reminders": "reminders",
    "stats": "statistics",
    "backup": "backup",
    "verify": "backup",
    "restore": "backup",
    "import": "excel",
    "export": "excel",
    "server": "server",
    "screening": "screening",
    "doctor": "doctor",
}
DEMO_CASES = 2000
# The pure-Python modules the first window needs (the database, the reminder board, the settings), imported
# before Qt (issue 23): once PySide6 is loaded, it reads the source of every module imported after it
# (looking for ``from __feature__ import``), some 20 ms for these and the standard modules they use.
WINDOW_SERVICES: tuple[str, ...] = (
    "desktop.i18n",
    "desktop.services.workspace",
    "desktop.services.reminders",
    "desktop.services.operator",
    "desktop.services.connection",
    "desktop.store.lock",
    "desktop.store.leftovers",  # these two by open_database
    "desktop.store.restore_journal",
)


def _setup_logging() -> None:
    if logging.getLogger().handlers:  # already set up (main called again in one process)
        return
    try:
        handler: logging.Handler = logging.FileHandler(paths.log_file(), encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


def _demo_database() -> Path:
    """The demo database in the data directory, generated on first use."""
    from desktop.services.demo import generate

    path = paths.user_data_dir() / "demo.sqlite3"
    if not path.exists():
        print(f"正在生成演示数据库（{DEMO_CASES} 件）：{path}", file=sys.stderr)
        # Under another name until complete: a run killed half-way must not leave a half demo that
        # every later --demo would open.
        partial = path.with_name("demo.generating.sqlite3")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        generate(partial, cases=DEMO_CASES)
        partial.replace(path)
    return path


def _smoke_home() -> Path | None:
    """The smoke test's data folder: TRIBUNAL_DESK_HOME when given, else a new one (returned, to remove)."""
    if os.environ.get("TRIBUNAL_DESK_HOME"):
        return None
    home = Path(tempfile.mkdtemp(prefix="tribunal-desk-smoke-"))
    os.environ["TRIBUNAL_DESK_HOME"] = str(home)
    return home


def _cmd_gui(args: argparse.Namespace) -> int:
    from desktop.commands.doctor import missing_libraries, missing_message, wants_xcb

    if wants_xcb():  # Qt aborts (exit 134) without its X libraries: say which, and how to install them
        missing = missing_libraries()
        if missing:
            print(missing_message(missing), file=sys.stderr)
            return 3
    if args.smoke_test:
        from desktop.gui import smoke

        return smoke.run(args.db)
    for name in WINDOW_SERVICES:
        importlib.import_module(name)
    from desktop.gui.app import run

    return run(_demo_database() if args.demo else args.db)


DB_HELP = (
    "数据库文件（默认在用户数据目录），或服务器 postgresql://用户@主机[:端口]/数据库"
    "（密码取自 PGPASSWORD 或 .pgpass）"
)


def database_arg(value: str) -> Path | str:
    """``--db``: a file's path, or a server's URL kept as written (a Path would fold its ``//``)."""
    from desktop.store.engine import is_server_url

    return value if is_server_url(value) else Path(value)


def build_parser(modules: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """The command line with the commands of ``modules`` (of :data:`COMMANDS`); with none, only the
    window's options (opening the window imports no command module: it opens faster, issue 23)."""
    parser = argparse.ArgumentParser(prog="tribunal-desk", description="法庭自动履行工作台 Tribunal Desk")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", type=database_arg, default=None, help=DB_HELP)
    parser.add_argument("--demo", action="store_true", help="打开演示数据库（首次使用时生成）")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="自检：在新数据目录（或 TRIBUNAL_DESK_HOME）打开演示库和看板、生成文书 PDF、备份校验后退出",
    )
    parser.set_defaults(func=_cmd_gui)
    if not modules:
        return parser
    # --db after the command too; SUPPRESS keeps a value given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=database_arg, default=argparse.SUPPRESS, help=DB_HELP)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in modules:
        importlib.import_module(f"desktop.commands.{name}").register(sub, common)
    return parser


def _console() -> None:
    """Chinese output never stops the CLI: a Windows console on code page 936 (GBK) cannot show every
    character (✓, rare surnames); those are replaced instead of raising UnicodeEncodeError. On UTF-8
    consoles (chcp 65001, Linux) nothing changes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # one that cannot be: left as it is
                reconfigure(errors="replace")


def _command_modules(words: list[str]) -> Sequence[str]:
    """The command modules a command line needs: none to open the window (options alone, and --db's
    value), the named command's alone, every one for help or an unknown word (argparse lists them)."""
    after_db = False
    for word in words:
        if after_db:
            after_db = False
        elif word == "--db":
            after_db = True
        elif word in ("-h", "--help"):
            return COMMANDS
        elif not word.startswith("-"):
            module = COMMAND_MODULES.get(word)
            return (module,) if module else COMMANDS
    return ()


def main(argv: Sequence[str] | None = None) -> int:
    _console()
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_modules(words)).parse_args(argv)
    restrict_umask()  # every file the program creates is its user's alone (personal data, PIPL)
    fresh_home = _smoke_home() if getattr(args, "smoke_test", False) else None
    _setup_logging()
    try:
        code = int(args.func(args))
        if fresh_home is not None and code == 0:
            logging.shutdown()  # the log file must be closed before its folder goes (Windows)
            logging.getLogger().handlers.clear()
            shutil.rmtree(fresh_home, ignore_errors=True)
        return code
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head or more, which stopped reading: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that flushing stdout at exit raises nothing
        return 0
