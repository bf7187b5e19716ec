"""Backup, verify and restore: the use cases behind the 备份 dialog, the exit backup and the CLI.

* :func:`make_backup` — a verified backup into a folder (a USB stick: encrypted; see :func:`is_removable`);
* :func:`auto_backup` — the automatic backup into the data directory, on exit and daily, rotated (7 daily,
  4 weekly, 12 monthly), skipped when nothing changed, and never below a free-space floor;
* :func:`read_manifest` / :func:`verify` — what a backup holds; every byte checked;
* :func:`restore` — verify and unpack, refuse a newer schema, migrate an older one, save the current
  database as a backup first, then swap the database and forms in and record it in the audit log (a crash
  part-way is finished on the next open: :mod:`desktop.store.restore_journal`);
* :func:`removable_drives` — Windows drive letters of removable drives, Linux mount points under /media,
  /run/media and /mnt.

Every refusal is a :class:`~desktop.store.backup.BackupError` (or StoreError) with a Chinese message.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import string
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop import paths
from desktop.i18n import _
from desktop.store import backup as store
from desktop.store.audit import record
from desktop.store.backup import BackupError, Manifest, Problem, Progress
from desktop.store.database import StoreError, schema_version, transaction
from desktop.store.engine import Database
from desktop.store.lock import DatabaseInUse, acquire
from desktop.store.restore_journal import finish_restore, install_restore, journal_path

log = logging.getLogger(__name__)

AUTO_FREE_FLOOR = 1 << 30  # automatic backups stop (and warn) rather than leave less than 1 GiB free
KEEP_BEFORE_RESTORE = 10

TABLE_LABELS = {
    "cases": _("案件"),
    "parties": _("当事人"),
    "obligations": _("履行义务"),
    "installments": _("分期"),
    "payments": _("履行记录"),
    "contacts": _("督促记录"),
    "documents": _("文书"),
    "handlers": _("承办人"),
    "audit_log": _("操作日志"),
    "settings": _("设置项"),
    "holidays": _("节假日"),
    "holiday_years": _("节假日年份"),
    "case_events": _("督促事项"),
    "reminder_state": _("提醒处理记录"),
    "case_flags": _("案件情形登记"),
    "fee_reliefs": _("诉讼费减免"),
    "schema_migrations": _("结构版本记录"),
    "enforcement_terminations": _("终本登记"),
    "screening_grounds": _("破产线索登记"),
    "whitelist_checks": _("诚信名单核查记录"),
    "whitelist_exclusions": _("诚信名单排除情形"),
    "whitelist_batches": _("诚信名单批次"),
    "whitelist_entries": _("诚信名单条目"),
    "whitelist_withdrawals": _("诚信名单撤回记录"),
    "whitelist_exports": _("诚信名单报送记录"),
}
# Derived caches the program rebuilds by itself: counted in the manifest, not shown to people.
INTERNAL_TABLES = frozenset(
    {
        "reminder_board",
        "reminder_board_meta",
        "reminder_board_days",
        "reminder_board_ahead",
        "reminder_board_ahead_meta",
    }
)
KIND_LABELS = {"manual": _("手动备份"), "auto": _("自动备份"), "before-restore": _("恢复前自动保存")}


def backups_dir() -> Path:
    """Where automatic and before-restore backups go: ``<data dir>/backups``."""
    return paths.user_data_dir() / "backups"


def forms_dir() -> Path:
    """The court's own form overrides: ``<data dir>/forms`` (may not exist), or ``TRIBUNAL_DESK_FORMS``
    (the same rule as :func:`desktop.services.documents.form_directories`)."""
    extra = os.environ.get("TRIBUNAL_DESK_FORMS")
    return Path(extra) if extra else paths.user_data_dir() / "forms"


# --------------------------------------------------------------------------------------------- drives


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str
    free: int
    total: int

    def describe(self) -> str:
        gb = 1 << 30
        return _("{0}（{1}，可用 {2:.1f} GB / 共 {3:.1f} GB）").format(
            self.label, self.path, self.free / gb, self.total / gb
        )


REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/")
_PSEUDO_FS = {"proc", "sysfs", "tmpfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "overlay", "autofs"}


def parse_mounts(text: str) -> list[Path]:
    """Mount points of removable media in the text of /proc/mounts (octal escapes such as \\040 decoded)."""
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 3 or fields[2] in _PSEUDO_FS:
            continue
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
        if point.startswith(REMOVABLE_ROOTS) and point.rstrip("/") not in ("/media", "/run/media", "/mnt"):
            found.append(Path(point))
    return found


def _windows_drives() -> list[Drive]:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel32.GetLogicalDrives()
    drives = []
    for i, letter in enumerate(string.ascii_uppercase):
        if not mask & (1 << i) or letter in "AB":
            continue
        root = f"{letter}:\\"
        if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) != 2:  # DRIVE_REMOVABLE
            continue
        name = ctypes.create_unicode_buffer(261)
        kernel32.GetVolumeInformationW(ctypes.c_wchar_p(root), name, 261, None, None, None, None, 0)
        try:
            usage = shutil.disk_usage(root)
        except OSError:
            continue  # a card reader with no card
        label = f"{name.value or _('可移动磁盘')} ({letter}:)"
        drives.append(Drive(Path(root), label, usage.free, usage.total))
    return drives


def removable_drives() -> list[Drive]:
    """USB sticks and other removable drives that are plugged in and readable."""
    if sys.platform == "win32":
        return _windows_drives()
    try:
        text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    drives = []
    for point in parse_mounts(text):
        try:
            usage = shutil.disk_usage(point)
        except OSError:
            continue
        drives.append(Drive(point, point.name, usage.free, usage.total))
    return drives


def is_removable(directory: Path, drives: list[Drive] | None = None) -> bool:
    """Whether ``directory`` is on one of the removable drives (then a backup must be encrypted)."""
    where = Path(os.path.abspath(directory))
    for drive in removable_drives() if drives is None else drives:
        if sys.platform == "win32":
            if where.drive.upper() == drive.path.drive.upper():
                return True
        elif where == drive.path or drive.path in where.parents:
            return True
    return False


# --------------------------------------------------------------------------------------------- backup


@dataclass(frozen=True)
class BackupDone:
    path: Path
    manifest: Manifest

    def summary(self) -> str:
        m = self.manifest
        return _("备份完成并已读回校验：{0}\n{1:,} 件案件，{2}，{3}，用时 {4:.1f} 秒").format(
            self.path,
            m.counts.get("cases", 0),
            _size(self.path.stat().st_size if self.path.exists() else m.payload_size),
            _("已加密") if m.encrypted else _("未加密"),
            m.seconds,
        )


def _size(size: int) -> str:
    if size >= 1 << 30:
        return f"{size / (1 << 30):.2f} GB"
    return f"{size / (1 << 20):.1f} MB"


def make_backup(
    db_path: Path,
    directory: Path,
    password: str | None,
    *,
    kind: str = "manual",
    progress: Progress | None = None,
    forms: Path | None = None,
    kdf_log_n: int = store.SCRYPT_LOG_N,
    free_floor: int = 16 << 20,
    now: datetime | None = None,
) -> BackupDone:
    """A verified backup of ``db_path`` into ``directory`` under a name made of kind, database and time."""
    when = now or datetime.now()
    # Absolute: the path is shown to people and written to the audit log (where the copy went).
    target = Path(os.path.abspath(directory)) / store.backup_name(kind, Path(db_path), when)
    manifest = store.create_backup(
        Path(db_path),
        target,
        password,
        forms_dir=forms_dir() if forms is None else forms,
        kind=kind,
        progress=progress,
        kdf_log_n=kdf_log_n,
        free_floor=free_floor,
    )
    return BackupDone(target, manifest)


def audit_backup(db: Database, actor: str, done: BackupDone) -> None:
    """Record in the audit log that a copy of the records left this computer (个人信息保护: log access)."""
    with transaction(db) as conn:
        record(
            conn,
            actor,
            "backup.create",
            "database",
            None,
            "",
            {
                "file": str(done.path),
                "encrypted": done.manifest.encrypted,
                "sha256": done.manifest.payload_sha256,
                "cases": done.manifest.counts.get("cases", 0),
            },
        )


@dataclass(frozen=True)
class AutoResult:
    path: Path | None  # the backup written, or None
    skipped: str = ""  # why none was written, for the log
    warning: str = ""  # a problem a person must hear about (disk nearly full, …)
    removed: tuple[Path, ...] = ()


def auto_backup(
    db_path: Path,
    *,
    directory: Path | None = None,
    floor: int = AUTO_FREE_FLOOR,
    force: bool = False,
    now: datetime | None = None,
    forms: Path | None = None,
    progress: Progress | None = None,
) -> AutoResult:
    """The automatic backup (on exit and daily): unencrypted, into the data directory, rotated.

    Skipped when the newest automatic backup holds the same data (same fingerprint). Never raises for a
    known problem: a full disk or a damaged database come back as ``warning`` for the caller to show.
    """
    db_path = Path(db_path).resolve()
    directory = directory or backups_dir()
    forms = forms_dir() if forms is None else forms
    try:
        directory.mkdir(parents=True, exist_ok=True)
        newest = [p for p, kind, _t in store.list_backups(directory, db_path.stem) if kind == "auto"]
        if newest and not force:
            try:
                last = store.read_manifest(newest[0], None)
                if last.fingerprint == store.live_fingerprint(db_path, forms):
                    return AutoResult(None, skipped=_("数据自上次自动备份以来没有变化"))
            except StoreError:
                pass  # an unreadable last backup: make a new one
        needed = db_path.stat().st_size + sum(len(b) for _n, b in store.read_forms(forms))
        try:
            store.check_free_space(directory, needed, floor)
        except BackupError as exc:
            return AutoResult(None, skipped=str(exc), warning=_("自动备份已暂停：{0}").format(exc))
        done = make_backup(
            db_path, directory, None, kind="auto", forms=forms, free_floor=floor, now=now, progress=progress
        )
        removed = store.rotate(directory, "auto", db_path.stem)
        return AutoResult(done.path, removed=tuple(removed))
    except BackupError as exc:
        log.warning("automatic backup failed: %s", exc)
        return AutoResult(None, skipped=str(exc), warning=_("自动备份失败：{0}").format(exc))
    except StoreError as exc:
        log.warning("automatic backup failed: %s", exc)
        return AutoResult(None, skipped=str(exc), warning=_("自动备份失败：{0}").format(exc))
    except OSError as exc:
        log.warning("automatic backup failed: %s", exc)
        return AutoResult(None, skipped=str(exc), warning=_("自动备份失败：{0}").format(exc))


def auto_backup_due(db_path: Path, now: datetime | None = None, directory: Path | None = None) -> bool:
    """True when the newest automatic backup of ``db_path`` is a day old or more (or there is none)."""
    last = store.newest_stamp(directory or backups_dir(), "auto", Path(db_path).stem)
    return store.due_daily(last, now or datetime.now())


def last_auto_backup(db_path: Path, directory: Path | None = None) -> datetime | None:
    return store.newest_stamp(directory or backups_dir(), "auto", Path(db_path).stem)


# --------------------------------------------------------------------------------------------- reading


def read_manifest(path: Path, password: str | None) -> Manifest:
    """What the backup holds (checks the password; refuses a backup of a newer schema right away)."""
    manifest = store.read_manifest(Path(path), password)
    _refuse_newer(manifest)
    return manifest


def too_new(manifest: Manifest) -> str:
    """Why this program cannot restore ``manifest``'s backup (a newer schema), or ""."""
    newest = schema_version()
    if manifest.schema_version <= newest:
        return ""
    return _(
        "该备份由较新版本的法庭自动履行工作台（{0}）创建，数据结构版本 {1}，本程序只支持到 {2}。"
        "请先升级本程序再恢复。"
    ).format(manifest.app_version, manifest.schema_version, newest)


def _refuse_newer(manifest: Manifest) -> None:
    reason = too_new(manifest)
    if reason:
        raise BackupError(Problem.TOO_NEW, reason + _("当前数据库没有任何改动。"))


def _current_facts(db_path: Path) -> tuple[dict[str, str] | None, str | None]:
    """The court settings and the identity of the database at ``db_path`` (read-only; None for what
    cannot be read)."""
    from desktop.store import settings as settings_store
    from desktop.store.lock import open_read_only

    try:
        db = open_read_only(db_path)
    except StoreError:
        return None, None
    try:
        court = settings_store.court_settings(db)
        identity = settings_store.database_identity(db.conn)
    except (StoreError, sqlite3.Error, ValueError):  # no settings table yet: nothing to compare with
        return None, None
    finally:
        db.conn.close()
    if court is None:
        return None, identity
    return {
        "court_name": court.court_name,
        "court_code": court.court_code,
        "tribunal_name": court.tribunal_name,
    }, identity


def server_identity(url: str) -> str | None:
    """The identity of the database on the server at ``url`` (None when it cannot be read)."""
    from desktop.store import settings as settings_store
    from desktop.store.database import open_reader

    try:
        conn = open_reader(url)
    except (StoreError, sqlite3.Error):
        return None
    try:
        return settings_store.database_identity(conn)
    except (StoreError, sqlite3.Error, ValueError):
        return None
    finally:
        conn.close()


def restore_warnings(manifest: Manifest, target: Path | str) -> list[str]:
    """:func:`warnings` against the database a restore would replace: an SQLite file, or a server's URL
    (whose identity is compared; its court is not)."""
    from desktop.store.engine import is_server_url

    if not is_server_url(target):
        return warnings(manifest, Path(target))
    said = warnings(manifest, None)
    about_identity = identity_warning(manifest, server_identity(str(target)))
    return [*said, about_identity] if about_identity else said


def identity_warning(manifest: Manifest, current: str | None) -> str:
    """What to say about the backup's database identity against the current database's (``current``,
    None when it is not known): "" when they are the same."""
    if not manifest.database_id:
        return _(
            "这份备份没有记录数据库标识（由较旧版本的程序创建），数据库标识未知，"
            "无法核对它是否来自当前数据库：请确认这是本庭的数据。"
        )
    if current is not None and manifest.database_id != current:
        return _(
            "备份来自另一个数据库（备份的数据库标识为 {0}，当前数据库为 {1}）："
            "恢复将用另一个数据库的数据替换当前数据库的全部数据，请确认这是本庭的数据。"
        ).format(manifest.database_id, current)
    return ""


def warnings(manifest: Manifest, db_path: Path | None) -> list[str]:
    """What the restore preview must say before anyone replaces a database with this backup: that it is
    not encrypted (its checksum is unkeyed: anyone who can write the file can forge one that restores),
    and, against the database at ``db_path``, that it comes from another database (its identity, or for an
    older backup without one its file's name) or court."""
    out: list[str] = []
    if not manifest.encrypted:
        out.append(
            _(
                "这份备份没有加密，也没有签名：只有不带密钥的 SHA-256 校验，"
                "能改动文件的人可以伪造一份能够恢复的备份。"
                "请只恢复来源可靠的备份（本机自动备份，或自己保管的 U 盘上的备份）。"
            )
        )
    if db_path is None:
        return out
    target = Path(db_path)
    court, identity = _current_facts(target) if target.exists() else (None, None)
    about_identity = identity_warning(manifest, identity)
    if about_identity:
        out.append(about_identity)
    source = manifest.source
    # the identity says which database a backup is of; without it the file's name is what is left
    known = bool(manifest.database_id) and identity is not None
    if not known and source and Path(source).name != target.name:
        out.append(
            _("备份来自另一个数据库文件（{0}），将替换的是 {1}：请确认这是本庭的数据。").format(
                source, target
            )
        )
    if court is not None:
        theirs, ours = manifest.court, court
        differs = [
            label
            for key, label in (
                ("court_code", _("法院代字")),
                ("court_name", _("法院名称")),
                ("tribunal_name", _("法庭")),
            )
            if theirs.get(key, "") and ours.get(key, "") and theirs.get(key) != ours.get(key)
        ]
        if differs:
            out.append(
                _(
                    "备份来自另一个法院或法庭（{0}不同：备份为 {1}，当前为 {2}）。"
                    "恢复将用它替换本庭的全部数据。"
                ).format(
                    "、".join(differs),
                    theirs.get("court_name", "") + theirs.get("tribunal_name", ""),
                    ours.get("court_name", "") + ours.get("tribunal_name", ""),
                )
            )
    return out


def verify(
    path: Path, password: str | None, *, deep: bool = False, progress: Progress | None = None
) -> Manifest:
    """Check every byte of a backup; ``deep`` also unpacks its database and runs integrity_check."""
    if deep:
        return store.deep_verify(Path(path), password, paths.user_data_dir(), progress)
    return store.verify_backup(Path(path), password, progress)


def describe(manifest: Manifest) -> list[tuple[str, str]]:
    """The manifest as (label, value) rows in Chinese, for the restore dialog and the CLI."""
    created = manifest.created_at
    court = manifest.court
    court_text = court.get("court_name", "") or _("（未设置）")
    if court.get("tribunal_name"):
        court_text += "·" + court["tribunal_name"]
    if court.get("court_code"):
        court_text += _("（代字 {0}）").format(court["court_code"])
    ours = schema_version()
    if manifest.schema_version < ours:
        schema = _("{0}（较旧，恢复时自动升级到 {1}）").format(manifest.schema_version, ours)
    elif manifest.schema_version > ours:
        schema = _("{0}（比本程序的 {1} 新，不能恢复）").format(manifest.schema_version, ours)
    else:
        schema = _("{0}（与本程序相同）").format(manifest.schema_version)
    rows = [
        (_("备份时间"), f"{created:%Y年%m月%d日 %H:%M:%S}"),
        (_("类型"), KIND_LABELS.get(manifest.kind, manifest.kind)),
        (_("法院"), court_text),
        (_("数据库标识"), manifest.database_id or _("未知（较旧版本的备份没有记录）")),
        (_("程序版本"), manifest.app_version),
        (_("数据结构版本"), schema),
    ]
    for table, label in TABLE_LABELS.items():
        if table in manifest.counts:
            rows.append((label, f"{manifest.counts[table]:,}"))
    others = sorted(set(manifest.counts) - set(TABLE_LABELS) - INTERNAL_TABLES)
    for table in others:
        rows.append((table, f"{manifest.counts[table]:,}"))
    rows += [
        (_("文书模板"), _("{0} 个自定义模板").format(len(manifest.forms)) if manifest.forms else _("无")),
        (_("数据大小"), _size(manifest.payload_size)),
        (_("加密"), _("是（AES-256-GCM）") if manifest.encrypted else _("否")),
        (_("完整性检查"), _("通过（{0}）").format(manifest.check)),
        (_("来源"), f"{manifest.user}@{manifest.host}  {manifest.source}"),
    ]
    return rows


# --------------------------------------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreDone:
    manifest: Manifest
    safety: Path | None  # the backup of the database as it was before the restore
    from_version: int
    to_version: int

    def summary(self) -> str:
        text = _("已恢复 {0} 的备份（{1:,} 件案件）。").format(
            f"{self.manifest.created_at:%Y-%m-%d %H:%M}", self.manifest.counts.get("cases", 0)
        )
        if self.from_version != self.to_version:
            text += _("数据结构已从版本 {0} 升级到 {1}。").format(self.from_version, self.to_version)
        if self.safety is not None:
            text += "\n" + _("恢复前的数据库已保存为：{0}（可用它撤销这次恢复）").format(self.safety)
        return text


@dataclass
class PreparedRestore:
    """A restore that has done all its slow, checked work and only needs the swap (:meth:`install`).

    Until then the live database is untouched; :meth:`discard` removes the unpacked files."""

    db_path: Path
    backup: Path
    manifest: Manifest
    new_db: Path
    new_forms: Path
    forms: Path
    safety: Path | None
    from_version: int
    to_version: int
    restore_id: str

    def install(self, actor: str) -> RestoreDone:
        """Swap the restored database and forms in (no connection to the database may be open) and record
        it in the audit log. Once begun it is finished even after a crash: on the next open."""
        detail = {
            "file": os.path.abspath(self.backup),
            "backup_created": self.manifest.created,
            "sha256": self.manifest.payload_sha256,
            "safety_backup": str(self.safety) if self.safety else "",
            "schema": [self.from_version, self.to_version],
        }
        install_restore(self.db_path, self.new_db, self.forms, self.new_forms, self.restore_id, actor, detail)
        return self.done()

    def begun(self) -> bool:
        """True once the install has started changing files: from then on the next open finishes it."""
        return journal_path(self.db_path).exists()

    def done(self) -> RestoreDone:
        return RestoreDone(self.manifest, self.safety, self.from_version, self.to_version)

    def discard(self) -> None:
        """Remove the unpacked files, unless an install has begun (its journal finishes it)."""
        if self.begun():
            return
        store.remove_sqlite_files(self.new_db)
        shutil.rmtree(self.new_forms, ignore_errors=True)


def prepare_restore(
    db_path: Path,
    backup: Path,
    password: str | None,
    *,
    progress: Progress | None = None,
    forms: Path | None = None,
    safety_dir: Path | None = None,
) -> PreparedRestore:
    """Everything before the swap: password, every byte verified while unpacking beside the database,
    integrity_check, schema not newer, migration of an older one, and a backup of the current database
    and forms (the undo). The live database is only read."""
    db_path = Path(db_path).resolve()
    backup = Path(backup)
    forms = forms_dir() if forms is None else forms
    safety_dir = safety_dir or backups_dir()
    report = progress or (lambda _stage, _fraction: None)
    manifest = read_manifest(backup, password)
    tag = f"{os.getpid()}-{os.urandom(4).hex()}"
    new_db = db_path.with_name(f".tdrestore-{tag}.sqlite3")
    new_forms = forms.with_name(f".tdrestore-forms-{tag}")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    store.remove_stale_temporaries(db_path.parent)
    store.remove_stale_temporaries(forms.parent)  # forms folders a killed restore unpacked
    prepared = PreparedRestore(db_path, backup, manifest, new_db, new_forms, forms, None, 0, 0, tag)
    try:
        needed = manifest.payload_size + (db_path.stat().st_size if db_path.exists() else 0)
        store.check_free_space(db_path.parent, needed)
        store.extract_backup(backup, password, new_db, new_forms, lambda s, f: report(s, 0.6 * f))
        report(_("正在升级数据结构"), 0.6)
        prepared.from_version, prepared.to_version = store.prepare_restored(new_db)
        if db_path.exists():
            report(_("正在保存当前数据库"), 0.65)
            prepared.safety = make_backup(
                db_path,
                safety_dir,
                None,
                kind="before-restore",
                forms=forms,
                progress=lambda s, f: report(s, 0.65 + 0.35 * f),
            ).path
            _prune_before_restore(safety_dir, db_path.stem)
        report(_("准备完成"), 1.0)
        return prepared
    except BaseException:
        prepared.discard()
        raise


def restore(
    db_path: Path,
    backup: Path,
    password: str | None,
    *,
    actor: str,
    progress: Progress | None = None,
    forms: Path | None = None,
    safety_dir: Path | None = None,
) -> RestoreDone:
    """:func:`prepare_restore` then install, for a database no connection has open. A crash before the
    install leaves the old database and forms; once it has begun, the next open finishes it."""
    prepared = prepare_restore(
        db_path, backup, password, progress=progress, forms=forms, safety_dir=safety_dir
    )
    try:
        return prepared.install(actor)
    finally:
        prepared.discard()


def _prune_before_restore(directory: Path, stem: str) -> None:
    found = [p for p, kind, _t in store.list_backups(directory, stem) if kind == "before-restore"]
    for path in found[KEEP_BEFORE_RESTORE:]:
        path.unlink(missing_ok=True)


def restore_unopened(
    db_path: Path,
    backup: Path,
    password: str | None,
    *,
    actor: str,
    progress: Progress | None = None,
    forms: Path | None = None,
    safety_dir: Path | None = None,
) -> RestoreDone:
    """:func:`restore` for the CLI: takes the database's single-instance lock first (refused while the
    program has it open)."""
    try:
        lock = acquire(db_path)
    except DatabaseInUse as exc:
        raise StoreError(_("{0}请先关闭它再恢复。").format(exc)) from exc
    try:
        finish_restore(db_path)  # an earlier restore a crash interrupted comes first
        return restore(
            db_path, backup, password, actor=actor, progress=progress, forms=forms, safety_dir=safety_dir
        )
    finally:
        lock.release()
