"""Installing a restore so that a crash part-way is finished on the next open (a roll-forward journal).

A restore swaps two things, the database file and the folder of form overrides, and records itself in
the audit log. No file system swaps two things at once, so before the first swap a small journal beside
the database names everything the swaps need (written whole: temporary file, fsync, rename). Every step
can be told done or not from the files themselves, so finishing is just doing the steps again:

1. the database: not swapped while the unpacked ``.tdrestore-….sqlite3`` still exists;
2. the forms: not swapped while the unpacked forms folder still exists (the current one is moved aside
   first, then the unpacked one takes its name, then the old one is removed);
3. the audit entry: looked up by the restore's id;
4. the journal removed: the restore is complete.

:func:`finish_restore` runs when a database is opened (``open_database``, under the single-instance
lock), before any connection to it: after a crash (power cut, killed process) the restored database
and its forms are both in place, recorded once, and nothing half-done is left behind.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from desktop.store.audit import record
from desktop.store.database import StoreError, connect, transaction
from desktop.store.engine import SqliteDatabase

JOURNAL_VERSION = 1
AUDIT_ACTION = "backup.restore"


# desktop.store.backup's file helpers, loaded only when a restore is installed or rolled forward: every
# start finishes an interrupted restore first, and that must not load the backup machinery (issue 23).
def install_database(new_db: Path, db_path: Path) -> None:
    from desktop.store import backup

    backup.install_database(new_db, db_path)


def _quiesce(db_path: Path) -> None:
    from desktop.store import backup

    backup._quiesce(db_path)


def _fsync_dir(directory: Path) -> None:
    from desktop.store import backup

    backup._fsync_dir(directory)


def journal_path(db_path: Path) -> Path:
    """Where the journal of a restore of ``db_path`` lives (beside it; never a stale temporary)."""
    db_path = Path(db_path)
    return db_path.with_name(f".tdjournal-restore-{db_path.name}.json")


def install_restore(
    db_path: Path,
    new_db: Path,
    forms_dir: Path,
    new_forms: Path,
    restore_id: str,
    actor: str,
    detail: dict[str, Any],
) -> None:
    """Put the unpacked ``new_db`` and ``new_forms`` in place of ``db_path`` and ``forms_dir``, and
    record the restore (``detail``) in the restored database's audit log.

    Refused with nothing changed while another connection has ``db_path`` open. From the moment the
    journal is written the restore is finished even if this process dies: by :func:`finish_restore`.
    """
    db_path, new_db = Path(db_path), Path(new_db)
    forms_dir, new_forms = Path(forms_dir), Path(new_forms)
    new_forms.mkdir(parents=True, exist_ok=True)  # a backup without forms restores an empty folder
    if db_path.exists():
        _quiesce(db_path)  # the refusal comes before anything is changed
    journal = {
        "version": JOURNAL_VERSION,
        "restore_id": restore_id,
        "database": str(db_path.resolve()),
        "new_database": str(new_db.resolve()),
        "forms": str(forms_dir.resolve()),
        "new_forms": str(new_forms.resolve()),
        "old_forms": str(forms_dir.resolve().with_name(f".tdrestore-forms-old-{restore_id}")),
        "actor": actor,
        "detail": {**detail, "restore_id": restore_id},
    }
    _write_journal(journal_path(db_path), journal)
    _roll_forward(journal)
    _remove_journal(journal_path(db_path))


def finish_restore(db_path: Path) -> bool:
    """Finish a restore of ``db_path`` that a crash interrupted; False when there was none.

    To be called with no connection to ``db_path`` open, by the holder of its single-instance lock."""
    path = journal_path(Path(db_path))
    if not path.exists():
        _partial(path).unlink(missing_ok=True)  # died writing the journal: the install never began
        return False
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        if journal.get("version") != JOURNAL_VERSION or not isinstance(journal.get("detail"), dict):
            raise ValueError("unknown journal")
        if Path(journal["database"]) != Path(db_path).resolve():
            raise ValueError("the journal names another database")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(
            f"上次恢复备份没有完成，其记录文件无法读取（{exc}）：{path}。"
            "请把该文件和数据库所在文件夹一并交给管理员处理；数据库没有被改动。"
        ) from exc
    _roll_forward(journal)
    _remove_journal(path)
    return True


def _roll_forward(journal: dict[str, Any]) -> None:
    """Do whatever of the swaps is not done yet (each step is skipped once done)."""
    db_path, new_db = Path(journal["database"]), Path(journal["new_database"])
    forms, new_forms, old = Path(journal["forms"]), Path(journal["new_forms"]), Path(journal["old_forms"])
    try:
        if new_db.exists():
            install_database(new_db, db_path)
        if new_forms.exists():
            if forms.exists():
                os.replace(forms, old)
            os.replace(new_forms, forms)
            _fsync_dir(forms.parent)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise StoreError(
            f"恢复备份时替换文件失败（{exc.strerror or exc}）：{exc.filename or db_path}。"
            "恢复尚未完成，下次打开数据库时会继续完成。"
        ) from exc
    _record_once(db_path, journal["restore_id"], journal["actor"], journal["detail"])


def _record_once(db_path: Path, restore_id: str, actor: str, detail: dict[str, Any]) -> None:
    db = SqliteDatabase(connect(db_path))
    try:
        with transaction(db) as conn:
            done = conn.execute(
                "SELECT 1 FROM audit_log WHERE action = ? AND json_extract(detail, '$.restore_id') = ?",
                (AUDIT_ACTION, restore_id),
            ).fetchone()
            if done is None:
                record(conn, actor, AUDIT_ACTION, "database", None, "", detail)
    finally:
        db.conn.close()


def _write_journal(path: Path, journal: dict[str, Any]) -> None:
    temporary = _partial(path)
    try:
        with temporary.open("w", encoding="utf-8") as fh:
            json.dump(journal, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"无法写入恢复记录（{exc.strerror or exc}），没有进行恢复：{path}") from exc
    _fsync_dir(path.parent)


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


def _remove_journal(path: Path) -> None:
    path.unlink(missing_ok=True)
    _fsync_dir(path.parent)
