"""Backup files: a consistent, verified, optionally encrypted copy of the database and the form overrides.

The container (``*.tdbak``) is described byte by byte in ``docs/backup-format.md``. In short: a magic, a
plaintext JSON header (what is inside and how it is encrypted, with its own SHA-256), the payload in 1 MiB
frames (each sealed with AES-256-GCM when a password is given, key from scrypt), and a last frame holding the
manifest (app and schema version, date, court, rows per table, SHA-256 of the whole plaintext payload).
The payload is the database snapshot followed by the form-override files, back to back.

Writing (:func:`create_backup`):

1. one committed state of the live database, however much the program keeps writing: the WAL is
   checkpointed and a read transaction pins the database *file* itself (:func:`pin_file_snapshot`), which is
   then read directly; if that cannot be had, SQLite's online backup API copies it to a hidden file;
2. ``PRAGMA integrity_check`` on that same state (``quick_check`` above :data:`FULL_CHECK_LIMIT`, see
   below) and the row counts, in a second thread while the main thread encrypts and writes;
3. the backup goes to ``.NAME.partial`` in the target folder (:class:`_Output`: O_DIRECT where the OS
   allows it) and is read back in full from the device while it is written (:class:`_ReadBack`, a 64 MiB
   segment behind: every frame is authenticated, a plain backup's payload hashed again); after the last
   fsync the header and the manifest are read back too;
4. only then ``os.replace`` gives it its final name, so a file with the final name is always complete
   and verified: a power cut, a full disk or a stick pulled out leaves at most a ``.partial`` file, which
   :func:`verify_backup` refuses as incomplete.

Above :data:`FULL_CHECK_LIMIT` (512 MiB, some 250,000 cases: far more than a tribunal keeps) the backup runs
``quick_check`` (every page and b-tree, NOT NULL and CHECK constraints) instead of the full check, whose
index cross-checks take some 25 s at a million cases; restore and ``verify --deep`` always run the full
check.

Reading: :func:`read_manifest` (quick: reads the header and the last frame), :func:`verify_backup` (every
byte), :func:`extract_backup` (verify while writing the database and the forms out, then integrity_check),
:func:`prepare_restored` (refuse a newer schema, migrate an older one), :func:`install_database` (swap
the file in atomically).
Each refusal is a :class:`BackupError` whose ``problem`` says which kind and whose text says it in Chinese.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import dataclasses
import errno
import getpass
import hashlib
import io
import json
import mmap
import os
import re
import shutil
import socket
import sqlite3
import struct
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop import __version__
from desktop.store.database import StoreError, explain, migrate, schema_version
from desktop.store.private_files import create_private, make_private

MAGIC = b"TDBAK\r\n\x1a"
FORMAT_VERSION = 1
SUFFIX = ".tdbak"
CHUNK_SIZE = 1 << 20
READBACK_SEGMENT = 64 << 20  # read back from the device while the next is written (see _ReadBack)
_O_DIRECT = getattr(os, "O_DIRECT", 0)
_ALIGN = 4096  # O_DIRECT offsets, lengths and buffers: a multiple of the device's block size
_STAGE = 8 << 20  # bytes gathered for one O_DIRECT write
_STAGES = 4  # ... of which all but one may be on their way to the device
DATABASE_ENTRY = "database.sqlite3"
FORMS_PREFIX = "forms/"
FULL_CHECK_LIMIT = 512 << 20
SCRYPT_LOG_N = 17  # 2**17 * 8 * 128 bytes = 128 MiB of memory, about 0.4 s: slow for guessing, fine once
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSWORD_LENGTH = 8

_DATA = 1
_MANIFEST = 2
_TAG = 16
_FRAME_HEAD = struct.Struct(">BI")
_MAX_HEADER = 1 << 20
_MAX_MANIFEST = 1 << 20
_MAX_FORM_FILE = 64 << 20
_STALE_SECONDS = 12 * 3600
_SNAPSHOT_MMAP = (1 << 31) - 1

# (stage text, share of the whole bar) — progress(stage, fraction of the whole operation)
Progress = Callable[[str, float], None]
STAGE_SNAPSHOT = "正在复制数据库快照"
STAGE_WRITE = "正在写入备份"
STAGE_CHECK = "正在检查数据库完整性"
STAGE_FLUSH = "正在等待数据写入磁盘"
STAGE_VERIFY = "正在读回并校验备份"
STAGE_EXTRACT = "正在解密并校验备份"


class Problem(StrEnum):
    NOT_A_BACKUP = "not-a-backup"
    TRUNCATED = "truncated"
    CORRUPT = "corrupt"
    WRONG_PASSWORD = "wrong-password"
    PASSWORD_NEEDED = "password-needed"
    TOO_NEW = "too-new"
    WEAK_PASSWORD = "weak-password"
    NO_SPACE = "no-space"
    IO_ERROR = "io-error"
    SOURCE_DAMAGED = "source-damaged"


class BackupError(StoreError):
    """A backup that cannot be made or used; ``problem`` says why, the text says it to people."""

    def __init__(self, problem: Problem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


class FormatTooNew(Exception):
    def __init__(self, format_version: int, app_version: str) -> None:
        super().__init__(format_version)
        self.format_version = format_version
        self.app_version = app_version


# --------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Entry:
    """One file in the payload: ``database.sqlite3`` first, then ``forms/…`` files."""

    name: str
    size: int


@dataclass(frozen=True)
class Encryption:
    salt: bytes
    log_n: int
    r: int
    p: int
    nonce_prefix: bytes
    key_check: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "cipher": "AES-256-GCM",
            "kdf": "scrypt",
            "salt": _b64(self.salt),
            "log_n": self.log_n,
            "r": self.r,
            "p": self.p,
            "nonce_prefix": _b64(self.nonce_prefix),
            "key_check": _b64(self.key_check),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Encryption:
        if data.get("cipher") != "AES-256-GCM" or data.get("kdf") != "scrypt":
            raise ValueError("unknown cipher or kdf")
        enc = cls(
            _unb64(data["salt"]),
            int(data["log_n"]),
            int(data["r"]),
            int(data["p"]),
            _unb64(data["nonce_prefix"]),
            _unb64(data["key_check"]),
        )
        # Bounds keep a crafted header from asking for gigabytes of memory.
        if not (10 <= enc.log_n <= 20 and 1 <= enc.r <= 16 and 1 <= enc.p <= 4):
            raise ValueError("scrypt parameters out of range")
        if len(enc.nonce_prefix) != 4 or len(enc.key_check) != 16 or len(enc.salt) < 16:
            raise ValueError("bad salt, nonce or key check")
        return enc


@dataclass(frozen=True)
class Header:
    format: int
    created: str
    app_version: str
    chunk_size: int
    payload_size: int
    entries: tuple[Entry, ...]
    encryption: Encryption | None

    def to_bytes(self) -> bytes:
        data = {
            "format": self.format,
            "created": self.created,
            "app_version": self.app_version,
            "chunk_size": self.chunk_size,
            "payload_size": self.payload_size,
            "entries": [{"name": e.name, "size": e.size} for e in self.entries],
            "encryption": self.encryption.to_json() if self.encryption else None,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> Header:
        """Parse and check a header; :class:`FormatTooNew` for a format this program does not know."""
        data = json.loads(raw.decode("utf-8"))
        if int(data["format"]) > FORMAT_VERSION:
            raise FormatTooNew(int(data["format"]), str(data.get("app_version", "")))
        entries = tuple(Entry(str(e["name"]), int(e["size"])) for e in data["entries"])
        header = cls(
            int(data["format"]),
            str(data["created"]),
            str(data["app_version"]),
            int(data["chunk_size"]),
            int(data["payload_size"]),
            entries,
            Encryption.from_json(data["encryption"]) if data["encryption"] is not None else None,
        )
        if not (4096 <= header.chunk_size <= 64 << 20):
            raise ValueError("chunk size out of range")
        if sum(e.size for e in entries) != header.payload_size or not entries:
            raise ValueError("entries do not add up to the payload")
        if entries[0].name != DATABASE_ENTRY or any(e.size < 0 for e in entries):
            raise ValueError("the database must come first")
        for e in entries[1:]:
            _check_entry_name(e.name)
        return header

    @property
    def encrypted(self) -> bool:
        return self.encryption is not None

    def frame_sizes(self) -> Iterator[int]:
        """The body length of every data frame, in order (the layout is fixed by the header)."""
        extra = _TAG if self.encrypted else 0
        full, rest = divmod(self.payload_size, self.chunk_size)
        for _ in range(full):
            yield self.chunk_size + extra
        if rest:
            yield rest + extra

    def frame_count(self) -> int:
        return -(-self.payload_size // self.chunk_size)


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, shown before a restore; stored encrypted in the backup's last frame."""

    app_version: str
    schema_version: int
    created: str  # ISO 8601 with offset
    kind: str  # "manual", "auto" or "before-restore"
    court: dict[str, str]
    counts: dict[str, int]
    check: str  # "integrity_check" or "quick_check": what ran on the snapshot and said "ok"
    fingerprint: str
    source: str
    user: str
    host: str
    entries: tuple[Entry, ...]
    payload_size: int
    payload_sha256: str
    encrypted: bool = False
    seconds: float = field(default=0.0, compare=False)

    def to_bytes(self) -> bytes:
        data = {
            "app_version": self.app_version,
            "schema_version": self.schema_version,
            "created": self.created,
            "kind": self.kind,
            "court": self.court,
            "counts": self.counts,
            "check": self.check,
            "fingerprint": self.fingerprint,
            "source": self.source,
            "user": self.user,
            "host": self.host,
            "entries": [{"name": e.name, "size": e.size} for e in self.entries],
            "payload_size": self.payload_size,
            "payload_sha256": self.payload_sha256,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes, encrypted: bool) -> Manifest:
        data = json.loads(raw.decode("utf-8"))
        return cls(
            app_version=str(data["app_version"]),
            schema_version=int(data["schema_version"]),
            created=str(data["created"]),
            kind=str(data["kind"]),
            court={str(k): str(v) for k, v in dict(data["court"]).items()},
            counts={str(k): int(v) for k, v in dict(data["counts"]).items()},
            check=str(data["check"]),
            fingerprint=str(data["fingerprint"]),
            source=str(data["source"]),
            user=str(data["user"]),
            host=str(data["host"]),
            entries=tuple(Entry(str(e["name"]), int(e["size"])) for e in data["entries"]),
            payload_size=int(data["payload_size"]),
            payload_sha256=str(data["payload_sha256"]),
            encrypted=encrypted,
        )

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.created)

    @property
    def forms(self) -> list[str]:
        return [e.name[len(FORMS_PREFIX) :] for e in self.entries if e.name.startswith(FORMS_PREFIX)]


# --------------------------------------------------------------------------------------------- helpers


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: object) -> bytes:
    return base64.b64decode(str(text), validate=True)


def _check_entry_name(name: str) -> None:
    """Only ``forms/relative/path`` entries after the database: a crafted file cannot write elsewhere."""
    if not name.startswith(FORMS_PREFIX):
        raise ValueError(f"unexpected entry {name!r}")
    rel = PurePosixPath(name[len(FORMS_PREFIX) :])
    if (
        not rel.parts
        or rel.is_absolute()
        or any(p in ("", ".", "..") or ":" in p or "\\" in p for p in rel.parts)
    ):
        raise ValueError(f"unsafe entry name {name!r}")


def _now() -> datetime:
    return datetime.now().astimezone()


def _fsync_dir(directory: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a directory for fsync; NTFS journals the rename itself
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _drop_cache(fh: IO[bytes], offset: int = 0, length: int = 0) -> None:
    """Forget the file's cached pages (``length`` 0: to the end) so reading them back reads the device
    (Linux; a no-op elsewhere). Pages not yet written to the device stay."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        with contextlib.suppress(OSError):
            advise(fh.fileno(), offset, length, os.POSIX_FADV_DONTNEED)


def _flush(fd: int) -> None:
    """Write the file's data to the device (fdatasync where there is one: the size is fsynced last)."""
    getattr(os, "fdatasync", os.fsync)(fd)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass  # best effort: a leftover hidden temporary is removed by the next run


def remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        _remove(path.with_name(path.name + suffix))


def remove_stale_temporaries(directory: Path, max_age: float = _STALE_SECONDS) -> list[Path]:
    """Remove what a killed run left in ``directory``: hidden temporaries older than ``max_age``, files
    and the forms folders a restore unpacks or moves aside (``.tdrestore-forms-…``). A restore's journal
    never names a stale one: every open of the database finishes a journal first."""
    removed = []
    cutoff = time.time() - max_age
    try:
        candidates = list(directory.iterdir())
    except OSError:
        return []
    for path in candidates:
        name = path.name
        if not (name.endswith(".partial") or name.startswith((".tdsnap-", ".tdrestore-"))):
            continue
        try:
            if path.stat().st_mtime >= cutoff:
                continue
            if path.is_file():
                path.unlink()
            elif path.is_dir() and name.startswith(".tdrestore-forms-"):
                shutil.rmtree(path)
            else:
                continue
            removed.append(path)
        except OSError:
            continue
    return removed


# Temporaries that carry the id of the process that made them (see remove_dead_leftovers).
_WITH_PID = re.compile(
    r"^\.(?:tdrestore-forms-(?:old-)?|tdrestore-|tdsnap-)(\d+)-[0-9a-f]+(?:\.sqlite3(?:-wal|-shm|-journal)?)?$"
    r"|^\..+\.(\d+)\.partial$"
)


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs now (this one counts as alive)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_dead_leftovers(directory: Path) -> list[Path]:
    """Remove the temporaries in ``directory`` that a dead process left: an unpacked or half-unpacked
    restore (``.tdrestore-PID-….sqlite3``, a plaintext copy of a whole database, with its -wal/-shm),
    the forms folders a restore unpacked or moved aside, snapshots (``.tdsnap-PID-…``) and half-written
    backups (``.NAME.PID.partial``, e.g. a before-restore backup). Each names the process that made it;
    one whose process is gone belongs to a finished or dead operation (a live operation's files are
    left alone, and ones naming no process to :func:`remove_stale_temporaries`' age rule). Called when a
    database is opened, after :func:`desktop.store.restore_journal.finish_restore` has finished or
    ruled out an interrupted restore, so no journal can still need them."""
    removed: list[Path] = []
    try:
        candidates = list(directory.iterdir())
    except OSError:
        return removed
    for path in candidates:
        match = _WITH_PID.match(path.name)
        if match is None or process_alive(int(match.group(1) or match.group(2))):
            continue
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


def _os_error(exc: OSError, path: Path, writing: bool) -> BackupError:
    """A known file-system problem (full, read-only, stick pulled out) in words, kept apart from bugs."""
    code = exc.errno
    winerror = getattr(exc, "winerror", None)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or winerror in (39, 112):
        return BackupError(Problem.NO_SPACE, f"磁盘空间不足，备份没有写完（已删除未写完的文件）：{path}")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or winerror in (5, 19):
        what = "写入" if writing else "读取"
        return BackupError(
            Problem.IO_ERROR,
            f"没有权限{what}，或磁盘是只读的（U盘可能打开了写保护开关）：{path}",
        )
    if code in (errno.EIO, errno.ENXIO, errno.ENODEV, errno.ENOENT) or winerror in (21, 55, 1117, 1167):
        return BackupError(
            Problem.IO_ERROR, f"读写出错：U盘或磁盘可能已被拔出或损坏（{exc.strerror or exc}）：{path}"
        )
    return BackupError(Problem.IO_ERROR, f"文件读写失败（{exc.strerror or exc}）：{path}")


def check_free_space(directory: Path, needed: int, floor: int = 16 << 20) -> int:
    """Free bytes in ``directory``; NO_SPACE when writing ``needed`` would leave less than ``floor``."""
    free = shutil.disk_usage(directory).free
    if free - needed < floor:
        raise BackupError(
            Problem.NO_SPACE,
            f"磁盘空间不足：备份约需 {_mb(needed)}，另需保留 {_mb(floor)}，"
            f"目标位置只剩 {_mb(free)}：{directory}",
        )
    return free


def _mb(size: int) -> str:
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GB"
    return f"{max(size, 0) / (1 << 20):.1f} MB"


def normalise_password(password: str) -> bytes:
    """The same password typed through different input methods gives the same key (Unicode NFC)."""
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _derive(password: str, enc: Encryption) -> tuple[AESGCM, bytes]:
    n = 1 << enc.log_n
    key = hashlib.scrypt(
        normalise_password(password),
        salt=enc.salt,
        n=n,
        r=enc.r,
        p=enc.p,
        maxmem=256 * enc.r * (n + enc.p + 2) + (32 << 20),
        dklen=48,
    )
    return AESGCM(key[:32]), key[32:48]


def new_encryption(password: str, log_n: int = SCRYPT_LOG_N) -> tuple[Encryption, AESGCM]:
    salt = os.urandom(16)
    probe = Encryption(salt, log_n, SCRYPT_R, SCRYPT_P, os.urandom(4), b"\0" * 16)
    aead, check = _derive(password, probe)
    return Encryption(salt, log_n, SCRYPT_R, SCRYPT_P, probe.nonce_prefix, check), aead


class _Seal:
    """Seals and opens frames. Encrypted: AES-256-GCM, nonce = prefix ‖ frame index, AAD = header digest ‖
    frame kind ‖ frame index (a frame cannot be moved, dropped or passed off as the last). Plain: data frames
    as they are, the manifest frame with a SHA-256 over the same AAD and the text."""

    def __init__(self, header_digest: bytes, aead: AESGCM | None, nonce_prefix: bytes = b"") -> None:
        self.digest = header_digest
        self.aead = aead
        self.prefix = nonce_prefix

    def _aad(self, kind: int, index: int) -> bytes:
        return self.digest + struct.pack(">BQ", kind, index)

    def seal(self, kind: int, index: int, data: bytes | memoryview) -> bytes | memoryview:
        if self.aead is not None:
            return self.aead.encrypt(self.prefix + index.to_bytes(8, "big"), data, self._aad(kind, index))
        if kind == _MANIFEST:
            return bytes(data) + hashlib.sha256(self._aad(kind, index) + data).digest()
        return data

    def open(self, kind: int, index: int, body: bytes | memoryview) -> bytes | memoryview:
        if self.aead is not None:
            return self.aead.decrypt(self.prefix + index.to_bytes(8, "big"), body, self._aad(kind, index))
        if kind == _MANIFEST:
            data, tag = bytes(body[:-32]), bytes(body[-32:])
            if len(body) < 32 or hashlib.sha256(self._aad(kind, index) + data).digest() != tag:
                raise InvalidTag()
            return data
        return body


# --------------------------------------------------------------------------------------------- names


KINDS = ("manual", "auto", "before-restore")
_NAME = re.compile(
    r"^(?P<kind>" + "|".join(KINDS) + r")-(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})" + re.escape(SUFFIX) + "$"
)


def backup_name(kind: str, db_path: Path, when: datetime) -> str:
    """``manual-tribunal-desk-20250613-153000.tdbak``: sortable, ASCII-safe on FAT32 sticks."""
    return f"{kind}-{db_path.stem}-{when:%Y%m%d-%H%M%S}{SUFFIX}"


def parse_backup_name(name: str) -> tuple[str, str, datetime] | None:
    """(kind, database stem, time) from a name made by :func:`backup_name`, or None."""
    match = _NAME.match(name)
    if not match:
        return None
    try:
        when = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    return match["kind"], match["stem"], when


def keep_for_rotation(
    stamps: Sequence[datetime], daily: int = 7, weekly: int = 4, monthly: int = 12
) -> set[datetime]:
    """Which backups a rotation keeps: the newest of each of the last ``daily`` days that have a backup,
    of the last ``weekly`` ISO weeks and of the last ``monthly`` months (Anki's scheme)."""
    keep: set[datetime] = set()
    newest = sorted(set(stamps), reverse=True)

    def pick(key: Callable[[datetime], object], limit: int) -> None:
        seen: set[object] = set()
        for stamp in newest:
            k = key(stamp)
            if k in seen:
                continue
            if len(seen) == limit:
                break
            seen.add(k)
            keep.add(stamp)

    pick(lambda s: s.date(), daily)
    pick(lambda s: s.isocalendar()[:2], weekly)
    pick(lambda s: (s.year, s.month), monthly)
    return keep


def rotate(directory: Path, kind: str, db_stem: str, **limits: int) -> list[Path]:
    """Delete the ``kind`` backups of ``db_stem`` in ``directory`` that :func:`keep_for_rotation` drops."""
    found: dict[datetime, list[Path]] = {}
    for path in directory.glob(f"{kind}-*{SUFFIX}"):
        parsed = parse_backup_name(path.name)
        if parsed and parsed[0] == kind and parsed[1] == db_stem:
            found.setdefault(parsed[2], []).append(path)
    keep = keep_for_rotation(list(found), **limits)
    removed = []
    for stamp, paths in found.items():
        if stamp not in keep:
            for path in paths:
                _remove(path)
                removed.append(path)
    return removed


def list_backups(directory: Path, db_stem: str | None = None) -> list[tuple[Path, str, datetime]]:
    """Backups in ``directory`` named by :func:`backup_name`, newest first."""
    out = []
    try:
        paths = list(directory.glob(f"*{SUFFIX}"))
    except OSError:
        return []
    for path in paths:
        parsed = parse_backup_name(path.name)
        if parsed and (db_stem is None or parsed[1] == db_stem):
            out.append((path, parsed[0], parsed[2]))
    return sorted(out, key=lambda t: t[2], reverse=True)


# --------------------------------------------------------------------------------------------- writing


def sqlite_uri(path: Path, params: str) -> str:
    """``file:/abs/path?params`` (``file:/C:/…`` on Windows), with everything but ``/`` and ``:`` escaped."""
    posix = Path(path).resolve().as_posix()
    if not posix.startswith("/"):
        posix = "/" + posix
    return "file:" + quote(posix, safe="/:") + "?" + params


def _connect_uri(path: Path, params: str) -> sqlite3.Connection:
    uri = sqlite_uri(path, params)
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)


def _user_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    return sorted(
        name
        for name, _sql in rows
        if not name.startswith("sqlite_")
        and name not in virtual
        and not any(name.startswith(v + "_") for v in virtual)
    )


@dataclass(frozen=True)
class DatabaseFacts:
    schema_version: int
    counts: dict[str, int]
    court: dict[str, str]
    fingerprint: str
    check: str
    check_result: str


def database_facts(
    conn: sqlite3.Connection, check: str | None, forms: Sequence[tuple[str, bytes]] = ()
) -> DatabaseFacts:
    """Schema version, rows per table, the court, a change fingerprint and (if asked) a check result."""
    result = "ok"
    if check is not None:
        rows = conn.execute(f"PRAGMA {check}(20)").fetchall()
        result = "\n".join(str(r[0]) for r in rows)
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    counts: dict[str, int] = {}
    tops: dict[str, int] = {}
    for table in _user_tables(conn):
        counts[table] = int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        try:
            tops[table] = int(conn.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()[0])
        except sqlite3.Error:
            tops[table] = -1
    court: dict[str, str] = {}
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'court'").fetchone()
        if row:
            value = json.loads(row[0])
            if isinstance(value, dict):
                court = {k: str(value.get(k, "")) for k in ("court_name", "court_code", "tribunal_name")}
    except (sqlite3.Error, ValueError):
        pass
    seed = json.dumps(
        [version, counts, tops, [(n, hashlib.sha256(b).hexdigest()) for n, b in forms]], sort_keys=True
    )
    return DatabaseFacts(
        version, counts, court, hashlib.sha256(seed.encode()).hexdigest()[:32], check or "", result
    )


def live_fingerprint(db_path: Path, forms_dir: Path | None) -> str:
    """The fingerprint a backup of the database as it is now would record (to skip unchanged backups)."""
    conn = _connect_uri(db_path, "mode=ro")
    try:
        conn.execute("BEGIN")
        return database_facts(conn, None, read_forms(forms_dir)).fingerprint
    except sqlite3.Error as exc:
        raise explain(exc, db_path) from exc
    finally:
        conn.close()


def read_forms(forms_dir: Path | None) -> list[tuple[str, bytes]]:
    """The court's form overrides as (``forms/relative/path``, content), sorted; none without the folder."""
    if forms_dir is None or not forms_dir.is_dir():
        return []
    out = []
    for path in sorted(forms_dir.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(forms_dir).as_posix()
        name = FORMS_PREFIX + rel
        try:
            _check_entry_name(name)
        except ValueError:
            continue
        if path.stat().st_size > _MAX_FORM_FILE:
            raise BackupError(Problem.IO_ERROR, f"文书模板文件过大（超过 64 MB），不能备份：{path}")
        try:
            out.append((name, path.read_bytes()))
        except OSError as exc:
            raise _os_error(exc, path, writing=False) from exc
    return out


def snapshot(db_path: Path, target: Path, progress: Callable[[float], None] | None = None) -> None:
    """A consistent copy of ``db_path`` at ``target`` (rollback-journal mode, no -wal) via the backup API.

    The source connection holds one read transaction for the whole copy, so the copy is one committed
    state of the database however much the program writes meanwhile (WAL readers never block writers).
    """
    try:
        src = _read_connection(db_path)
    except sqlite3.Error as exc:
        raise explain(exc, db_path) from exc
    dst: sqlite3.Connection | None = None
    try:
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        dst = sqlite3.connect(str(target), isolation_level=None)
        dst.execute("PRAGMA journal_mode = OFF")
        dst.execute("PRAGMA synchronous = OFF")
        dst.execute("PRAGMA cache_size = -65536")

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None and total:
                progress((total - remaining) / total)

        src.backup(dst, pages=16384, progress=step)
        dst.close()
        # The copied header still says WAL; make the snapshot a self-contained rollback-journal file.
        dst = sqlite3.connect(str(target), isolation_level=None)
        dst.execute("PRAGMA journal_mode = DELETE").fetchone()
        dst.close()
        dst = None
    except sqlite3.Error as exc:
        raise explain(exc, db_path) from exc
    finally:
        if dst is not None:
            dst.close()
        src.close()


def _read_connection(path: Path, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection tuned for reading everything once (checks of a read-write connection run
    several times slower; a memory map halves the time again, and is left off on Windows, where a map
    held here could stop another connection from truncating the file)."""
    conn = _connect_uri(path, "mode=ro&immutable=1" if immutable else "mode=ro")
    conn.execute("PRAGMA busy_timeout = 1000")
    if os.name != "nt":
        conn.execute(f"PRAGMA mmap_size = {_SNAPSHOT_MMAP}")
    return conn


def checkpoint_all(db_path: Path) -> bool:
    """Copy the whole WAL into the database file and empty it; False if that had to wait (or no WAL)."""
    conn = sqlite3.connect(str(db_path), isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 1000")
        if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            return True
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy
    finally:
        conn.close()


def pin_file_snapshot(conn: sqlite3.Connection, db_path: Path) -> int | None:
    """Begin a read transaction in which the database *file* is exactly the committed state; its size.

    Call after :func:`checkpoint_all`. A reader that starts with nothing in the WAL reads the file alone
    and holds WAL read-lock 0, and while anyone holds that lock no checkpoint may write into the file
    (SQLite's wal.c takes read-lock 0 exclusively before backfilling): new commits pile up in the WAL and
    the file stays as it was. If a commit slipped in between the checkpoint and this read (the WAL is not
    empty), None, and the caller copies through the backup API instead. In rollback-journal mode the
    shared lock keeps writers out. The caller ends the transaction when it has read the file.
    """
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    wal_file = db_path.with_name(db_path.name + "-wal")
    size = page_size * pages
    if (wal_file.exists() and wal_file.stat().st_size > 0) or db_path.stat().st_size < size:
        conn.execute("ROLLBACK")
        return None
    return size


class _Source:
    """The bytes of one committed state of the database, and what to check them with.

    Usually the live file itself, read inside :func:`pin_file_snapshot`'s transaction (no copy is written;
    the check runs on that very transaction, so it checks exactly the bytes that are backed up). Otherwise
    a snapshot file made with the backup API beside the database, checked on its own connection.
    """

    def __init__(self, db_path: Path, work: Path, progress: Callable[[float], None]) -> None:
        self.snap: Path | None = None
        self.conn: sqlite3.Connection | None = None
        size = None
        try:
            if checkpoint_all(db_path):
                self.conn = _read_connection(db_path)
                size = pin_file_snapshot(self.conn, db_path)
        except sqlite3.Error as exc:
            self.close()
            raise explain(exc, db_path) from exc
        except OSError as exc:
            self.close()
            raise _os_error(exc, db_path, writing=False) from exc
        if size is not None:
            self.path, self.size = db_path, size
            return
        self.close()
        self.snap = work / f".tdsnap-{os.getpid()}-{os.urandom(4).hex()}.sqlite3"
        try:
            check_free_space(work, db_path.stat().st_size)
            create_private(self.snap)  # a plaintext copy of the database: private from its first byte
            snapshot(db_path, self.snap, progress)
            self.path, self.size = self.snap, self.snap.stat().st_size
        except OSError as exc:
            self.close()
            raise _os_error(exc, self.snap, writing=True) from exc
        except BaseException:
            self.close()
            raise

    def checker(self) -> tuple[sqlite3.Connection, bool]:
        """A connection reading the same state (and whether the caller must close it)."""
        if self.conn is not None:
            return self.conn, False
        assert self.snap is not None
        return _read_connection(self.snap, immutable=True), True

    def release(self) -> None:
        """End the read transaction (the file has been read): checkpoints may run again."""
        if self.conn is not None:
            conn, self.conn = self.conn, None
            with contextlib.suppress(sqlite3.Error):
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            conn.close()

    def close(self) -> None:
        self.release()
        if self.snap is not None:
            remove_sqlite_files(self.snap)


def _chunks(source: Path, length: int, blobs: Sequence[bytes], size: int) -> Iterator[bytes | memoryview]:
    """The payload (``length`` bytes of ``source``, then each blob) in ``size``-byte pieces but the last.

    The database is read through a memory map: the pieces are views of the OS cache, hashed and encrypted
    where they lie, without a copy (a third less CPU than reading). The map closes when the last view is
    dropped."""
    pending = bytearray()
    if length:
        with open(source, "rb") as fh:
            if os.fstat(fh.fileno()).st_size < length:
                raise BackupError(Problem.IO_ERROR, f"数据库文件在备份过程中变短了：{source}")
            mapped = mmap.mmap(fh.fileno(), length, access=mmap.ACCESS_READ)
        if hasattr(mapped, "madvise") and hasattr(mmap, "MADV_SEQUENTIAL"):
            mapped.madvise(mmap.MADV_SEQUENTIAL)
        view = memoryview(mapped)
        whole = length - length % size
        for offset in range(0, whole, size):
            yield view[offset : offset + size]
        pending += view[whole:length]
        del view, mapped
    for blob in blobs:
        rest = memoryview(blob)
        while rest:
            take = size - len(pending)
            pending += rest[:take]
            rest = rest[take:]
            if len(pending) == size:
                yield bytes(pending)
                pending.clear()
    if pending:
        yield bytes(pending)


class _Hasher:
    """SHA-256 in a second thread (hashlib releases the GIL), up to ``depth`` chunks behind the caller.

    A chunk must stay unchanged until it is hashed: views of the source's memory map, or buffers the
    caller does not reuse within ``depth`` chunks."""

    def __init__(self, depth: int = 16) -> None:
        self.sha = hashlib.sha256()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="backup-sha256")
        self._pending: collections.deque[Future[None]] = collections.deque()
        self._depth = depth

    def update(self, data: bytes | memoryview) -> None:
        while len(self._pending) >= self._depth:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(self.sha.update, data))

    def hexdigest(self) -> str:
        while self._pending:
            self._pending.popleft().result()
        self._pool.shutdown()
        return self.sha.hexdigest()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _write_at(fh: IO[bytes], data: bytes | memoryview, offset: int) -> None:
    fh.seek(offset)
    view = memoryview(data)
    while view:
        view = view[fh.write(view) or 0 :]


class _Output:
    """The backup file as it is written: :meth:`write` hands bytes in; :attr:`done` says how much of the
    file the OS already holds, in order.

    Where the OS and file system allow it (Linux), whole aligned 8 MiB blocks go out with O_DIRECT, straight
    to the device, from a second thread while the next blocks are filled: the OS cache is neither used nor
    filled (a backup of 2 GiB would push the program's own pages out, and copying through the cache costs
    more CPU than the encryption). The unaligned tail, and everything where O_DIRECT is refused, goes
    through an ordinary descriptor.
    """

    def __init__(self, path: Path) -> None:
        self.fh = open(path, "wb", buffering=0)  # noqa: SIM115 - closed in close()
        make_private(path)  # a backup holds every ID number (a no-op on a FAT stick)
        self.done = 0  # the file holds everything before this
        self.queued = 0  # ... once the blocks being written are written
        self.fill = 0  # bytes in the current stage
        self.direct = -1
        if _O_DIRECT:
            with contextlib.suppress(OSError):
                self.direct = os.open(path, os.O_WRONLY | _O_DIRECT)
        self.stage: mmap.mmap | None = None
        self.free: list[mmap.mmap] = []
        self.flight: collections.deque[tuple[Future[int], mmap.mmap, int, int]] = collections.deque()
        self._pool: ThreadPoolExecutor | None = None
        if self.direct >= 0:
            self.stage = mmap.mmap(-1, _STAGE)
            self.free = [mmap.mmap(-1, _STAGE) for _ in range(_STAGES - 1)]
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="backup-write")

    @property
    def position(self) -> int:
        """Bytes handed in so far."""
        return self.queued + self.fill

    def write(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        while view and self.stage is not None:
            take = min(len(view), _STAGE - self.fill)
            self.stage[self.fill : self.fill + take] = view[:take]
            self.fill += take
            view = view[take:]
            if self.fill == _STAGE:
                self._drain()
        if view:
            _write_at(self.fh, view, self.queued)
            self.done = self.queued = self.queued + len(view)

    def _drain(self) -> None:
        """Hand the aligned part of the stage to the writing thread; carry the rest over to a free stage."""
        whole = self.fill - self.fill % _ALIGN
        if not whole:
            return
        if not self.free:
            self._retire()
        if self.stage is None:  # O_DIRECT was refused: everything went out plainly
            return
        stage, spare = self.stage, self.free.pop()
        rest = self.fill - whole
        spare[:rest] = stage[whole : self.fill]
        assert self._pool is not None
        self.flight.append(
            (self._pool.submit(self._put, stage, whole, self.queued), stage, self.queued, whole)
        )
        self.queued += whole
        self.stage, self.fill = spare, rest

    def _put(self, stage: mmap.mmap, length: int, offset: int) -> int:
        with memoryview(stage) as view:
            written = 0
            while written < length:
                written += os.pwrite(self.direct, view[written:length], offset + written)
        return offset + length

    def _retire(self) -> None:
        """Wait for the oldest block being written; its stage is free again."""
        future, stage, offset, length = self.flight.popleft()
        try:
            self.done = future.result()
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            self._fall_back([(stage, offset, length)])
            return
        self.free.append(stage)

    def _fall_back(self, refused: list[tuple[mmap.mmap, int, int]]) -> None:
        """This file system takes no O_DIRECT after all: the refused block, those behind it and what is
        staged go through the ordinary descriptor, and so does everything from now on."""
        assert self.stage is not None
        for future, stage, offset, length in self.flight:
            with contextlib.suppress(OSError):
                future.result()
            refused.append((stage, offset, length))
        self.flight.clear()
        refused.append((self.stage, self.queued, self.fill))
        for stage, offset, length in refused:
            with memoryview(stage) as view:
                _write_at(self.fh, view[:length], offset)
        self.done = self.queued = self.queued + self.fill
        self.fill = 0
        self._close_direct()

    def finish(self) -> None:
        """Write out what is staged and fsync: the whole file is on the device (and out of the OS cache,
        where the OS allows, so that reading it back reads the device)."""
        if self.stage is not None:
            self._drain()
            while self.flight:
                self._retire()
        if self.stage is not None and self.fill:
            with memoryview(self.stage) as view:
                _write_at(self.fh, view[: self.fill], self.queued)
            self.done = self.queued = self.queued + self.fill
            self.fill = 0
        os.fsync(self.fh.fileno())
        _drop_cache(self.fh)

    def _close_direct(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        for stage in [*self.free, *(f[1] for f in self.flight), *([self.stage] if self.stage else [])]:
            with contextlib.suppress(BufferError):  # as in _DeviceReader.close
                stage.close()
        self.stage, self.free = None, []
        self.flight.clear()
        if self.direct >= 0:
            os.close(self.direct)
            self.direct = -1

    def close(self) -> None:
        self._close_direct()
        self.fh.close()


class _DeviceReader:
    """Reads ranges of a file as the device holds them: with O_DIRECT where the OS allows it (Linux; no OS
    cache in the way, at no cost in CPU); elsewhere the file is flushed, the range dropped from the cache
    where the OS allows it (:func:`_drop_cache`) and read."""

    def __init__(self, path: Path, span: int) -> None:
        self.fh = open(path, "r+b", buffering=0)  # noqa: SIM115 - closed in close(); writable: Windows flushes only so
        self.direct = -1
        if _O_DIRECT:
            with contextlib.suppress(OSError):
                self.direct = os.open(path, os.O_RDONLY | _O_DIRECT)
        self.buffer = mmap.mmap(-1, span + 2 * _ALIGN)  # page-aligned, as O_DIRECT needs

    def read(self, start: int, end: int) -> memoryview:
        """The bytes ``start:end`` (fewer if the file is shorter). Release the view before the next read."""
        if self.direct >= 0:
            base = start - start % _ALIGN
            want = -(-(end - base) // _ALIGN) * _ALIGN
            try:
                got = self._read_direct(base, want)
            except OSError as exc:
                if exc.errno != errno.EINVAL:
                    raise
                os.close(self.direct)
                self.direct = -1
            else:
                return memoryview(self.buffer)[start - base : max(start - base, min(got, end - base))]
        _flush(self.fh.fileno())
        _drop_cache(self.fh, start, end - start)
        got = 0
        with memoryview(self.buffer) as whole:
            view = whole[: end - start]
            self.fh.seek(start)
            while got < len(view):
                n = self.fh.readinto(view[got:])
                if not n:
                    break
                got += n
            view.release()
        return memoryview(self.buffer)[:got]

    def _read_direct(self, base: int, want: int) -> int:
        got = 0
        with memoryview(self.buffer) as whole:
            while got < want:
                n = os.preadv(self.direct, [whole[got:want]], base + got)
                got += n
                if n == 0 or got % _ALIGN:
                    break  # the end of the file
        return got

    def close(self) -> None:
        if self.direct >= 0:
            os.close(self.direct)
            self.direct = -1
        with contextlib.suppress(BufferError):  # a view kept by an exception's traceback: the GC frees it
            self.buffer.close()
        self.fh.close()


class _ReadBack:
    """Reads the data frames back from the device while the writer is still writing, a segment behind it.

    Whenever the writer is :data:`READBACK_SEGMENT` ahead, this thread reads the new frames back from the
    device (:class:`_DeviceReader`): each must have its kind and length and pass its GCM tag (a plain
    backup's payload is hashed again instead). A stick that loses writes is caught, and the read-back costs
    little more than the device's reading time. The header and the manifest frame are read back by the
    caller after the last fsync.
    """

    def __init__(self, path: Path, header: Header, seal: _Seal, start: int) -> None:
        self.path = path
        self.seal = seal
        self.sizes = list(header.frame_sizes())
        self.frames = len(self.sizes)
        self.span = 16 * (_FRAME_HEAD.size + max(self.sizes, default=0))
        self.reader = _DeviceReader(path, self.span)
        self.offset = start  # everything before this has been read back
        self.index = 0  # the next frame to read back
        self.sha = None if header.encrypted else hashlib.sha256()
        self._written = start
        self._last = False
        self._stop = False
        self._error: BaseException | None = None
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="backup-readback", daemon=True)
        self._thread.start()

    def wrote(self, end: int) -> None:
        """The file holds everything before ``end``; raises what the read-back found."""
        with self._cond:
            if self._error is not None:
                raise self._error
            self._written = end
            if end - self.offset >= READBACK_SEGMENT:
                self._cond.notify()

    def finish(self, end: int) -> str | None:
        """Wait until every data frame (all before ``end``) has been read back; a plain backup's SHA-256."""
        with self._cond:
            self._written = end
            self._last = True
            self._cond.notify()
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self.index != self.frames:
            raise _truncated(self.path)
        return self.sha.hexdigest() if self.sha is not None else None

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join()
        self.reader.close()

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    while not (self._stop or self._last or self._written - self.offset >= READBACK_SEGMENT):
                        self._cond.wait()
                    if self._stop:
                        return
                    end, last = self._written, self._last
                while self.index < self.frames and end > self.offset and self._check(end):
                    pass
                if last:
                    return
        except BaseException as exc:  # handed to the writer
            with self._cond:
                self._error = exc

    def _check(self, end: int) -> bool:
        """Read back the whole frames before ``end`` (at most :attr:`span` bytes); whether there were any."""
        view = self.reader.read(self.offset, min(end, self.offset + self.span))
        try:
            used = 0
            while self.index < self.frames:
                length = _FRAME_HEAD.size + self.sizes[self.index]
                if used + length > len(view):
                    break
                kind, size = _FRAME_HEAD.unpack(view[used : used + _FRAME_HEAD.size])
                if kind != _DATA or size != self.sizes[self.index]:
                    raise _corrupt(self.path, f"第 {self.index + 1} 块的类型或长度不对")
                body = view[used + _FRAME_HEAD.size : used + length]
                data = _open_data(self.seal, self.path, self.index, self.frames, body)
                if self.sha is not None:
                    self.sha.update(data)
                used += length
                self.index += 1
            self.offset += used
            return used > 0
        finally:
            view.release()


def create_backup(
    db_path: Path,
    target: Path,
    password: str | None = None,
    *,
    forms_dir: Path | None = None,
    kind: str = "manual",
    progress: Progress | None = None,
    kdf_log_n: int = SCRYPT_LOG_N,
    full_check: bool | None = None,
    free_floor: int = 16 << 20,
    work_dir: Path | None = None,
) -> Manifest:
    """Write a verified backup of the database at ``db_path`` (and the files in ``forms_dir``) to ``target``.

    ``target`` is the final file name; it appears only when the backup is complete and has been read back
    and verified. ``full_check`` None: integrity_check up to :data:`FULL_CHECK_LIMIT`, quick_check above.
    Raises :class:`BackupError` (or :class:`StoreError` for a database that cannot be read).
    """
    started = time.perf_counter()
    db_path = Path(db_path).resolve()
    target = Path(target)
    if not db_path.is_file():
        raise StoreError(f"数据库文件不存在：{db_path}")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise BackupError(Problem.WEAK_PASSWORD, f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    report = progress or (lambda _stage, _fraction: None)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    work = Path(work_dir) if work_dir is not None else db_path.parent
    remove_stale_temporaries(work)
    remove_stale_temporaries(target.parent)
    remove_dead_leftovers(target.parent)  # a killed backup's .partial on this stick: its process is gone
    hasher: _Hasher | None = None
    readback: _ReadBack | None = None
    inspector: threading.Thread | None = None
    checking: list[sqlite3.Connection] = []
    source: _Source | None = None
    try:
        report(STAGE_SNAPSHOT, 0.0)
        source = _Source(db_path, work, lambda f: report(STAGE_SNAPSHOT, 0.35 * f))
        begin = 0.35 if source.snap is not None else 0.0
        forms = read_forms(forms_dir)
        entries = (Entry(DATABASE_ENTRY, source.size), *(Entry(n, len(b)) for n, b in forms))
        payload_size = sum(e.size for e in entries)
        if full_check is None:
            full_check = entries[0].size <= FULL_CHECK_LIMIT
        check = "integrity_check" if full_check else "quick_check"

        facts: list[DatabaseFacts] = []
        failure: list[BaseException] = []
        conn, close_conn = source.checker()
        checking.append(conn)

        def inspect() -> None:
            try:
                facts.append(database_facts(conn, check, forms))
            except BaseException as exc:  # handed to the main thread
                failure.append(exc)
            finally:
                if close_conn:
                    conn.close()

        inspector = threading.Thread(target=inspect, name="backup-check", daemon=True)
        inspector.start()

        created = _now()
        encryption: Encryption | None = None
        aead: AESGCM | None = None
        if password is not None:
            encryption, aead = new_encryption(password, kdf_log_n)
        header = Header(
            FORMAT_VERSION,
            created.isoformat(timespec="seconds"),
            __version__,
            CHUNK_SIZE,
            payload_size,
            entries,
            encryption,
        )
        head = header.to_bytes()
        digest = hashlib.sha256(head).digest()
        seal = _Seal(digest, aead, encryption.nonce_prefix if encryption else b"")
        frames = header.frame_count()
        needed = len(MAGIC) + 4 + len(head) + 32 + payload_size + frames * (_FRAME_HEAD.size + _TAG) + 4096
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            check_free_space(target.parent, needed, free_floor)
        except OSError as exc:
            raise _os_error(exc, target.parent, writing=True) from exc

        hasher = _Hasher()
        try:
            out = _Output(partial)
            with contextlib.closing(out):
                out.write(MAGIC + struct.pack(">I", len(head)) + head + digest)
                readback = _ReadBack(partial, header, seal, out.position)
                blobs = [b for _n, b in forms]
                for index, chunk in enumerate(_chunks(source.path, source.size, blobs, CHUNK_SIZE)):
                    hasher.update(chunk)
                    body = seal.seal(_DATA, index, chunk)
                    out.write(_FRAME_HEAD.pack(_DATA, len(body)))
                    out.write(body)
                    readback.wrote(out.done)
                    report(STAGE_WRITE, begin + (0.85 - begin) * (index + 1) / frames)
                sha = hasher.hexdigest()
                if inspector.is_alive():
                    report(STAGE_CHECK, 0.85)
                inspector.join()
                source.release()  # the file has been read and checked: let checkpoints run again
                if failure:
                    error = failure[0]
                    if isinstance(error, sqlite3.Error):
                        raise BackupError(
                            Problem.SOURCE_DAMAGED,
                            f"数据库快照无法检查，备份已取消：{explain(error, db_path)}",
                        ) from error
                    raise error
                fact = facts[0]
                if fact.check_result != "ok":
                    raise BackupError(
                        Problem.SOURCE_DAMAGED,
                        "当前数据库未通过完整性检查，备份已取消（请保留现有备份，并联系技术人员）："
                        + fact.check_result[:500],
                    )
                manifest = Manifest(
                    app_version=__version__,
                    schema_version=fact.schema_version,
                    created=header.created,
                    kind=kind,
                    court=fact.court,
                    counts=fact.counts,
                    check=check,
                    fingerprint=fact.fingerprint,
                    source=str(db_path),
                    user=_user(),
                    host=socket.gethostname(),
                    entries=entries,
                    payload_size=payload_size,
                    payload_sha256=sha,
                    encrypted=aead is not None,
                )
                body = seal.seal(_MANIFEST, frames, manifest.to_bytes())
                manifest_at = out.position
                out.write(_FRAME_HEAD.pack(_MANIFEST, len(body)))
                out.write(body)
                report(STAGE_FLUSH, 0.88)
                out.finish()
                read_sha = readback.finish(manifest_at)
            source.close()
            report(STAGE_VERIFY, 0.95)
            back = _read_ends(partial, password, aead, digest)
        except OSError as exc:
            raise _os_error(exc, partial, writing=True) from exc
        except BackupError as exc:
            if exc.problem not in (Problem.CORRUPT, Problem.TRUNCATED):
                raise
            raise BackupError(
                exc.problem, f"备份写入后读回校验失败，已删除该文件（U盘可能有问题）：{exc}"
            ) from exc
        if back.to_bytes() != manifest.to_bytes() or read_sha not in (None, sha):
            raise BackupError(
                Problem.CORRUPT, "备份写入后读回的内容与原数据不一致，已删除该文件（U盘可能有问题）"
            )
        try:
            os.replace(partial, target)
        except OSError as exc:
            raise _os_error(exc, target, writing=True) from exc
        _fsync_dir(target.parent)
        report(STAGE_VERIFY, 1.0)
        return dataclasses.replace(manifest, seconds=time.perf_counter() - started)
    finally:
        if hasher is not None:
            hasher.close()
        if readback is not None:
            readback.close()
        if inspector is not None and inspector.is_alive():
            for conn in checking:
                conn.interrupt()  # the one call that may cross threads: stop the check, then remove its file
            inspector.join()
        if source is not None:
            source.close()
        _remove(partial)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment
        return ""


# --------------------------------------------------------------------------------------------- reading


@dataclass
class _Opened:
    path: Path
    fh: io.BufferedReader
    header: Header
    digest: bytes
    data_start: int
    manifest_at: int
    size: int


def _truncated(path: Path, detail: str = "") -> BackupError:
    return BackupError(
        Problem.TRUNCATED,
        "备份文件不完整（复制可能被中断，或U盘在写入时被拔出），不能使用"
        + (f"：{detail}" if detail else "")
        + f"：{path}",
    )


def _corrupt(path: Path, detail: str) -> BackupError:
    return BackupError(Problem.CORRUPT, f"备份文件已损坏（{detail}），不能使用：{path}")


def _open(path: Path) -> _Opened:
    path = Path(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except FileNotFoundError as exc:
        raise BackupError(Problem.NOT_A_BACKUP, f"找不到备份文件：{path}") from exc
    except IsADirectoryError as exc:
        raise BackupError(Problem.NOT_A_BACKUP, f"这是一个文件夹，不是备份文件：{path}") from exc
    except OSError as exc:
        raise _os_error(exc, path, writing=False) from exc
    try:
        size = os.fstat(fh.fileno()).st_size
        magic = fh.read(len(MAGIC))
        if magic != MAGIC:
            if not magic:
                raise _truncated(path, "文件是空的")
            if MAGIC.startswith(magic):
                raise _truncated(path)
            if len(magic) == len(MAGIC) and sum(a == b for a, b in zip(magic, MAGIC, strict=True)) >= 6:
                raise _corrupt(path, "文件标识已损坏")
            hint = "（这是一个 SQLite 数据库文件，不是备份文件）" if magic.startswith(b"SQLite f") else ""
            raise BackupError(Problem.NOT_A_BACKUP, f"这不是法庭自动履行工作台的备份文件{hint}：{path}")
        raw_len = fh.read(4)
        if len(raw_len) < 4:
            raise _truncated(path)
        (head_len,) = struct.unpack(">I", raw_len)
        if head_len > _MAX_HEADER:
            raise _corrupt(path, "文件头长度不合理")
        head = fh.read(head_len)
        digest = fh.read(32)
        if len(head) < head_len or len(digest) < 32:
            raise _truncated(path)
        if hashlib.sha256(head).digest() != digest:
            raise _corrupt(path, "文件头校验失败")
        try:
            header = Header.from_bytes(head)
        except FormatTooNew as exc:
            raise BackupError(
                Problem.TOO_NEW,
                f"该备份由较新版本的法庭自动履行工作台（{exc.app_version}）"
                f"以新的格式 {exc.format_version} 写成，本程序只能读格式 {FORMAT_VERSION}，"
                f"请升级本程序后再恢复：{path}",
            ) from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise _corrupt(path, f"文件头内容无效：{exc}") from exc
        data_start = fh.tell()
        manifest_at = data_start + sum(_FRAME_HEAD.size + n for n in header.frame_sizes())
        if size < manifest_at + _FRAME_HEAD.size + (_TAG if header.encrypted else 32):
            raise _truncated(path, f"应至少 {manifest_at + _FRAME_HEAD.size:,} 字节，实际只有 {size:,} 字节")
        return _Opened(path, fh, header, digest, data_start, manifest_at, size)
    except BaseException:
        fh.close()
        raise


def read_header(path: Path) -> Header:
    """The plaintext header (no password needed): whether the backup is encrypted, its size and date."""
    opened = _open(path)
    opened.fh.close()
    return opened.header


def _unlock(opened: _Opened, password: str | None, aead: AESGCM | None = None) -> _Seal:
    enc = opened.header.encryption
    if enc is None:
        return _Seal(opened.digest, None)
    if aead is None:
        if password is None or password == "":
            raise BackupError(Problem.PASSWORD_NEEDED, f"该备份已加密，请输入备份时设置的密码：{opened.path}")
        aead, check = _derive(password, enc)
        if check != enc.key_check:
            raise BackupError(
                Problem.WRONG_PASSWORD,
                f"密码不正确，无法解开该备份（注意区分大小写和全角/半角；密码遗失则备份无法恢复）：{opened.path}",
            )
    return _Seal(opened.digest, aead, enc.nonce_prefix)


def _read_frame(
    opened: _Opened, kind: int, index: int, expected: int | None, buffer: bytearray | None = None
) -> bytes | memoryview:
    """The body of the next frame (read into ``buffer`` when given: no allocation per frame)."""
    head = opened.fh.read(_FRAME_HEAD.size)
    if len(head) < _FRAME_HEAD.size:
        raise _truncated(opened.path)
    got_kind, length = _FRAME_HEAD.unpack(head)
    if got_kind != kind:
        raise _corrupt(opened.path, f"第 {index + 1} 块的类型不对")
    if length != expected if expected is not None else length > _MAX_MANIFEST:
        raise _corrupt(opened.path, f"第 {index + 1} 块的长度不对")
    if buffer is None:
        body = opened.fh.read(length)
        if len(body) < length:
            raise _truncated(opened.path)
        return body
    view = memoryview(buffer)[:length]
    got = opened.fh.readinto(view)
    if got < length:
        raise _truncated(opened.path)
    return view


def _open_data(
    seal: _Seal, path: Path, index: int, frames: int, body: bytes | memoryview
) -> bytes | memoryview:
    """Data frame ``index``'s plaintext; refused as corrupt when it fails its check."""
    try:
        return seal.open(_DATA, index, body)
    except InvalidTag as exc:
        raise _corrupt(path, f"第 {index + 1}/{frames} 块数据校验失败") from exc


def _read_manifest_frame(opened: _Opened, seal: _Seal) -> Manifest:
    opened.fh.seek(opened.manifest_at)
    index = opened.header.frame_count()
    body = _read_frame(opened, _MANIFEST, index, None)
    if opened.fh.read(1):
        raise _corrupt(opened.path, "文件末尾有多余的数据")
    try:
        raw = seal.open(_MANIFEST, index, body)
    except InvalidTag as exc:
        raise _corrupt(opened.path, "备份清单校验失败") from exc
    try:
        manifest = Manifest.from_bytes(bytes(raw), opened.header.encrypted)
    except (ValueError, KeyError, TypeError) as exc:
        raise _corrupt(opened.path, f"备份清单内容无效：{exc}") from exc
    if manifest.entries != opened.header.entries or manifest.payload_size != opened.header.payload_size:
        raise _corrupt(opened.path, "备份清单与文件头不一致")
    return manifest


def _read_ends(
    path: Path, password: str | None, aead: AESGCM | None = None, digest: bytes | None = None
) -> Manifest:
    """The manifest, read from the end of the file after the header; with ``digest`` (a backup just
    written, its data frames read back by :class:`_ReadBack`) the header must be the one written."""
    opened = _open(path)
    try:
        if digest is not None and opened.digest != digest:
            raise _corrupt(path, "文件头与写入的不一致")
        return _read_manifest_frame(opened, _unlock(opened, password, aead))
    except OSError as exc:
        raise _os_error(exc, opened.path, writing=False) from exc
    finally:
        opened.fh.close()


def read_manifest(path: Path, password: str | None) -> Manifest:
    """The manifest, read from the end of the file (quick; :func:`verify_backup` checks every byte)."""
    return _read_ends(path, password)


MAX_FORM_BYTES = 16 << 20  # one form override (a JSON file of a few KiB): anything larger is not ours


class _Sink:
    """Receives the verified plaintext in order; splits it into the database file and the form files.

    Streamed: the database and each form file are written as their bytes arrive, never held in memory,
    and every entry is checked against the size the backup declares (a form over :data:`MAX_FORM_BYTES`
    is refused before anything is read; bytes beyond the declared entries are refused as they come).
    Without ``forms_out`` (a deep verify) the forms' bytes are only counted."""

    def __init__(
        self, entries: Sequence[Entry], db_out: Path, forms_out: Path | None, source: Path | None = None
    ) -> None:
        self.entries = list(entries)
        self.db_out = db_out
        self.forms_out = forms_out
        self.source = source or db_out
        for entry in self.entries[1:]:
            if entry.size < 0 or entry.size > MAX_FORM_BYTES:
                raise _corrupt(
                    self.source,
                    f"文书模板“{entry.name}”声明的大小为 {entry.size:,} 字节，超过 {MAX_FORM_BYTES >> 20} MB",
                )
        create_private(db_out)  # the restored plaintext is never readable by others, not for a moment
        self.db = open(db_out, "wb")  # noqa: SIM115 - closed in finish()/abort()
        self.left = entries[0].size
        self.form_index = 0  # the entry being written (0: the database)
        self.form_left = 0
        self.form_file: IO[bytes] | None = None

    def write(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        if self.left:
            take = min(self.left, len(view))
            try:
                self.db.write(view[:take])
            except OSError as exc:
                raise _os_error(exc, self.db_out, writing=True) from exc
            self.left -= take
            view = view[take:]
        while len(view):
            if not self.form_left:
                self._next_form()
            take = min(self.form_left, len(view))
            if self.form_file is not None:
                try:
                    self.form_file.write(view[:take])
                except OSError as exc:
                    raise _os_error(exc, self.db_out, writing=True) from exc
            self.form_left -= take
            view = view[take:]

    def _next_form(self) -> None:
        """Close the form file being written and start the next entry (refused past the last one)."""
        self._close_form()
        while True:
            self.form_index += 1
            if self.form_index >= len(self.entries):
                raise _corrupt(self.source, "数据比备份声明的内容多")
            entry = self.entries[self.form_index]
            if entry.size:
                break
            self._open_form(entry).close()  # an empty file
        self.form_left = entry.size
        self.form_file = self._open_form(entry) if self.forms_out is not None else None

    def _open_form(self, entry: Entry) -> IO[bytes]:
        if self.forms_out is None:
            return io.BytesIO()
        target = self.forms_out / entry.name[len(FORMS_PREFIX) :]
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            return open(target, "wb")
        except OSError as exc:
            raise _os_error(exc, target, writing=True) from exc

    def _close_form(self) -> None:
        if self.form_file is not None:
            self.form_file.close()
            self.form_file = None

    def finish(self) -> None:
        try:
            self.db.flush()
            os.fsync(self.db.fileno())
            self.db.close()
            self._close_form()
            if self.left or self.form_left or any(e.size for e in self.entries[self.form_index + 1 :]):
                raise _corrupt(self.source, "数据比备份声明的内容少")
            if self.forms_out is None:
                return
            self.forms_out.mkdir(parents=True, exist_ok=True)
            for entry in self.entries[self.form_index + 1 :]:  # empty files after the last data
                self._open_form(entry).close()
        except OSError as exc:
            raise _os_error(exc, self.db_out, writing=True) from exc

    def abort(self) -> None:
        self._close_form()
        self.db.close()
        _remove(self.db_out)
        if self.forms_out is not None:
            shutil.rmtree(self.forms_out, ignore_errors=True)


def _verify(
    path: Path,
    password: str | None,
    *,
    progress: Callable[[float], None] | None = None,
    sink: _Sink | None = None,
) -> Manifest:
    """Read every frame in order, authenticate it (GCM) and compare the payload's SHA-256."""
    opened = _open(path)
    try:
        seal = _unlock(opened, password)
        manifest = _read_manifest_frame(opened, seal)
        opened.fh.seek(opened.data_start)
        header = opened.header
        frames = header.frame_count()
        hasher = _Hasher(depth=1)
        try:
            # Two buffers in turn: the hasher may still be reading the previous frame's plaintext.
            largest = header.chunk_size + (_TAG if header.encrypted else 0)
            buffers = (bytearray(largest), bytearray(largest))
            for index, expected in enumerate(header.frame_sizes()):
                body = _read_frame(opened, _DATA, index, expected, buffers[index % 2])
                data = _open_data(seal, path, index, frames, body)
                hasher.update(data)
                if sink is not None:
                    sink.write(data)
                if progress is not None:
                    progress((index + 1) / frames)
            sha = hasher.hexdigest()
        finally:
            hasher.close()
        if sha != manifest.payload_sha256:
            raise _corrupt(path, "内容的 SHA-256 与备份清单不符")
        return manifest
    except OSError as exc:
        raise _os_error(exc, opened.path, writing=False) from exc
    finally:
        opened.fh.close()


def verify_backup(path: Path, password: str | None, progress: Progress | None = None) -> Manifest:
    """Read every byte: decrypt and authenticate each frame, compare the payload's SHA-256."""
    report = progress or (lambda _stage, _fraction: None)
    return _verify(Path(path), password, progress=lambda f: report(STAGE_VERIFY, f))


def extract_backup(
    path: Path,
    password: str | None,
    db_out: Path,
    forms_out: Path | None = None,
    progress: Progress | None = None,
) -> Manifest:
    """Verify the backup while writing its database to ``db_out`` (and its forms under ``forms_out``), then
    run the full integrity_check on the database written. Nothing is left behind on failure."""
    report = progress or (lambda _stage, _fraction: None)
    opened = _open(Path(path))
    entries = opened.header.entries
    opened.fh.close()
    sink = _Sink(entries, Path(db_out), forms_out, Path(path))
    try:
        manifest = _verify(
            Path(path), password, progress=lambda f: report(STAGE_EXTRACT, 0.85 * f), sink=sink
        )
        sink.finish()
        report(STAGE_CHECK, 0.85)
        conn = _read_connection(Path(db_out), immutable=True)
        try:
            rows = conn.execute("PRAGMA integrity_check(20)").fetchall()
        except sqlite3.Error as exc:
            raise _corrupt(Path(path), f"其中的数据库无法打开：{exc}") from exc
        finally:
            conn.close()
        result = "\n".join(str(r[0]) for r in rows)
        if result != "ok":
            raise _corrupt(Path(path), f"其中的数据库未通过完整性检查：{result[:300]}")
        report(STAGE_CHECK, 1.0)
        return manifest
    except BaseException:
        sink.abort()
        raise


def deep_verify(
    path: Path, password: str | None, work_dir: Path, progress: Progress | None = None
) -> Manifest:
    """:func:`verify_backup` plus the full integrity_check of the database inside (in a temporary file)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    tmp = work_dir / f".tdrestore-{os.getpid()}-{os.urandom(4).hex()}.sqlite3"
    try:
        return extract_backup(path, password, tmp, None, progress)
    finally:
        remove_sqlite_files(tmp)


# --------------------------------------------------------------------------------------------- installing


def prepare_restored(db_file: Path) -> tuple[int, int]:
    """Bring an extracted database to this program's schema: (version it had, version it has now).

    A database from a newer program is refused (:class:`BackupError` TOO_NEW); an older one is migrated in
    place (the backup file itself is the copy from before the migration).
    """
    newest = schema_version()
    conn = sqlite3.connect(str(db_file), isolation_level=None)
    try:
        before = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if before > newest:
            raise BackupError(
                Problem.TOO_NEW,
                f"该备份由较新版本的法庭自动履行工作台创建（结构版本 {before}，本程序支持到 {newest}），"
                "请升级本程序后再恢复。",
            )
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        conn.execute("PRAGMA foreign_keys = ON")
        after = migrate(conn, None)
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlite3.Error as exc:
        raise explain(exc, db_file) from exc
    finally:
        conn.close()
    with open(db_file, "rb+") as fh:
        os.fsync(fh.fileno())
    return before, after


def _quiesce(db_path: Path) -> None:
    """Fold the WAL into the database file and leave WAL mode, so no -wal file can outlive the swap.

    Fails (StoreError) while any other connection has the database open."""
    conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=5)
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if busy or str(mode).lower() != "delete":
            raise StoreError(f"数据库正被其他程序使用，无法替换。请关闭其他使用它的程序后再恢复：{db_path}")
    except sqlite3.Error as exc:
        raise explain(exc, db_path) from exc
    finally:
        conn.close()
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(f"数据库的日志文件仍在使用中，无法替换：{wal}")


def install_database(new_db: Path, db_path: Path) -> None:
    """Atomically replace ``db_path`` by ``new_db`` (same folder, already prepared). No connection to
    ``db_path`` may be open. A crash leaves either the old or the new database, each complete."""
    db_path = Path(db_path)
    if db_path.exists():
        _quiesce(db_path)
    for suffix in ("-wal", "-shm", "-journal"):
        _remove(db_path.with_name(db_path.name + suffix))
    try:
        os.replace(new_db, db_path)
    except OSError as exc:
        raise _os_error(exc, db_path, writing=True) from exc
    _fsync_dir(db_path.parent)


def newest_stamp(directory: Path, kind: str, db_stem: str) -> datetime | None:
    found = [stamp for _p, k, stamp in list_backups(directory, db_stem) if k == kind]
    return max(found) if found else None


def due_daily(last: datetime | None, now: datetime) -> bool:
    return last is None or now - last >= timedelta(days=1) or last.date() > now.date()
