"""``tribunal-desk backup|verify|restore``: backups for scripts and Windows Task Scheduler.

tribunal-desk backup --to DIR [--db PATH] [--password-file F] [--no-password]
tribunal-desk verify FILE [--password-file F] [--deep]
tribunal-desk restore FILE [--db PATH] [--password-file F] [--yes]

A password file holds the password on its first line (UTF-8). A backup to a removable drive must be
encrypted unless ``--no-password`` says otherwise. Exit status 0 when done, 2 with a message on stderr
when refused (wrong password, damaged or incomplete file, disk full, database in use, …); ``verify``
exits 3 for an intact backup made by a newer version, which this program cannot restore.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import unicodedata
from pathlib import Path

import sqlite_utils

from desktop import paths
from desktop.services import operator
from desktop.store.backup import BackupError, Problem, read_header
from desktop.store.database import StoreError, connect


def _password_from_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise StoreError(f"无法读取密码文件 {path}（{exc.strerror or exc}）") from exc
    lines = text.splitlines()
    password = lines[0] if lines else ""
    if not password:
        raise StoreError(f"密码文件是空的：{path}（第一行应是密码）")
    return password


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _progress(stage: str, fraction: float) -> None:
    if sys.stderr.isatty():
        print(f"\r{stage} {fraction:4.0%}    ", end="", file=sys.stderr, flush=True)


def _end_progress() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def _db(args: argparse.Namespace) -> Path:
    db = getattr(args, "db", None)
    return Path(db) if db is not None else paths.default_database()


def _is_server(args: argparse.Namespace) -> bool:
    from desktop.store.engine import is_server_url

    return is_server_url(getattr(args, "db", None))


def _backup(args: argparse.Namespace) -> int:
    from desktop.services import backup as service

    if _is_server(args):
        return _backup_server(args)
    db = _db(args)
    if not db.is_file():
        raise StoreError(f"数据库文件不存在：{db}")
    target = Path(args.to)
    removable = service.is_removable(target)
    password: str | None = None
    if args.password_file is not None:
        password = _password_from_file(args.password_file)
    elif removable and not args.no_password:
        if not _interactive():
            raise StoreError(
                f"目标 {target} 在可移动磁盘上，备份必须加密：请用 --password-file 指定密码文件"
                "（或加 --no-password 明确不加密）。"
            )
        password = getpass.getpass("备份密码（至少 8 位；密码遗失则备份无法恢复）：")
        if getpass.getpass("再输入一次：") != password:
            raise StoreError("两次输入的密码不一致")
    try:
        done = service.make_backup(db, target, password, progress=_progress)
    finally:
        _end_progress()
    print(done.summary())
    try:
        audit = sqlite_utils.Database(connect(db))
        try:
            service.audit_backup(audit, operator.actor_for(str(db)), done)
        finally:
            audit.conn.close()
    except (StoreError, OSError) as exc:
        print(f"注意：备份已完成，但未能写入操作日志：{exc}", file=sys.stderr)
    return 0


def _backup_server(args: argparse.Namespace) -> int:
    """A server's backup: through a consistent snapshot, in the same format (docs/server-mode.md)."""
    from desktop.services import backup as service
    from desktop.services.server import backup_server

    target = Path(args.to)
    password = _password_from_file(args.password_file) if args.password_file is not None else None
    if password is None and service.is_removable(target) and not args.no_password:
        raise StoreError(f"目标 {target} 在可移动磁盘上，备份必须加密：请用 --password-file 指定密码文件。")
    try:
        done = backup_server(str(args.db), target, password, actor=getpass.getuser(), progress=_progress)
    finally:
        _end_progress()
    print(done.summary())
    return 0


def _password_for(path: Path, password_file: Path | None) -> str | None:
    if password_file is not None:
        return _password_from_file(password_file)
    if not read_header(path).encrypted:
        return None
    if not _interactive():
        raise BackupError(Problem.PASSWORD_NEEDED, f"该备份已加密，请用 --password-file 指定密码文件：{path}")
    return getpass.getpass("备份密码：")


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _print_manifest(rows: list[tuple[str, str]]) -> None:
    width = max(_width(label) for label, _value in rows)
    for label, value in rows:
        print(f"  {label}{' ' * (width - _width(label))}  {value}")


def _verify(args: argparse.Namespace) -> int:
    from desktop.services import backup as service

    path = Path(args.file)
    password = _password_for(path, args.password_file)
    try:
        manifest = service.verify(path, password, deep=args.deep, progress=_progress)
    finally:
        _end_progress()
    newer = service.too_new(manifest)
    if newer:  # intact, but not for this program: never "备份完好" without a word
        print(f"备份文件完整：{path}（每一块都已校验），但本程序不能恢复它：{newer}")
        _print_manifest(service.describe(manifest))
        return 3
    print(f"备份完好：{path}" + ("（已解开数据库并通过完整性检查）" if args.deep else "（每一块都已校验）"))
    _print_manifest(service.describe(manifest))
    for warning in service.warnings(manifest, None):
        print(f"注意：{warning}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from desktop.services import backup as service

    path = Path(args.file)
    server = _is_server(args)
    db = str(args.db) if server else _db(args)
    password = _password_for(path, args.password_file)
    manifest = service.read_manifest(path, password)
    print(f"备份文件：{path}")
    _print_manifest(service.describe(manifest))
    for warning in service.restore_warnings(manifest, db):
        print(f"注意：{warning}")
    print(f"将替换数据库：{db}（替换前自动另存一份备份）")
    if not args.yes:
        if not _interactive():
            raise StoreError("非交互运行时，请加 --yes 确认恢复。")
        if input("确认恢复？输入 yes 继续：").strip().lower() not in ("yes", "y", "是"):
            print("已取消，数据库没有改动。")
            return 1
    if server:
        from desktop.services.server import restore_server

        restored = restore_server(str(db), path, password, actor=getpass.getuser())
        print(f"已恢复到服务器（{restored.cases:,} 件案件），逐表核对一致。")
        print(f"恢复前服务器上的数据已保存为：{restored.safety}（可用它撤销这次恢复）")
        return 0
    assert isinstance(db, Path)
    try:
        done = service.restore_unopened(
            db, path, password, actor=operator.actor_for(str(db)), progress=_progress
        )
    except BackupError as exc:  # the backup cannot be used: refused before anything was replaced
        raise BackupError(exc.problem, f"{exc}\n没有恢复，当前数据库没有任何改动。") from exc
    finally:
        _end_progress()
    print(done.summary())
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    backup = sub.add_parser("backup", parents=[common], help="备份数据库（写完并读回校验后才出现备份文件）")
    backup.add_argument("--to", required=True, type=Path, help="目标文件夹（如 U 盘 E:\\ 或 /media/u盘）")
    backup.add_argument("--password-file", type=Path, help="密码文件（第一行是密码）；给出则加密")
    backup.add_argument("--no-password", action="store_true", help="目标在可移动磁盘上时也不加密")
    backup.set_defaults(func=_backup)

    verify = sub.add_parser("verify", help="校验备份文件（每一块解密校验，并核对 SHA-256）")
    verify.add_argument("file", type=Path, help="备份文件（.tdbak）")
    verify.add_argument("--password-file", type=Path, help="密码文件（加密的备份需要）")
    verify.add_argument("--deep", action="store_true", help="另解开其中的数据库做完整性检查")
    verify.set_defaults(func=_verify)

    restore = sub.add_parser("restore", parents=[common], help="从备份恢复数据库（替换前自动另存当前数据库）")
    restore.add_argument("file", type=Path, help="备份文件（.tdbak）")
    restore.add_argument("--password-file", type=Path, help="密码文件（加密的备份需要）")
    restore.add_argument("--yes", action="store_true", help="不再询问，直接恢复（脚本用）")
    restore.set_defaults(func=_restore)
