"""Backups: the container, refusals (truncated, bit-flipped, wrong password, not a backup, too new),
restore (with undo, of an older schema), rotation, automatic backups, free space, the lock, the CLI."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop import cli
from desktop.services import backup as service
from desktop.services.workspace import Workspace
from desktop.store import audit
from desktop.store import backup as store
from desktop.store.backup import BackupError, Problem
from desktop.store.database import StoreError, schema_version
from desktop.store.lock import DatabaseInUse, acquire, holder_of, lock_path, open_read_only
from tests.conftest import make_case

pytestmark = pytest.mark.sqlite_only  # the SQLite file, its copies and locks; server backups: test_server.py

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
PASSWORD = "正确的密码-2025"
FAST_KDF = 10  # scrypt 2**10 in tests; the product uses 2**17
INSERT_CASE = "INSERT INTO cases (case_number, notes, created_at, updated_at) VALUES (?, ?, '', '')"


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cases_in(db_path: Path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [r[0] for r in conn.execute("SELECT case_number FROM cases ORDER BY case_number")]
    finally:
        conn.close()


def integrity(db_path: Path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def own_forms_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Restores replace the forms folder: never the one other tests share."""
    monkeypatch.setenv("TRIBUNAL_DESK_FORMS", str(tmp_path / "shared-forms"))


@pytest.fixture
def filled(workspace: Workspace) -> Workspace:
    for seq in range(123, 128):
        workspace.save_case(make_case(f"（2025）黑0902民初{seq}号"))
    return workspace


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    (folder / "sub").mkdir(parents=True)
    (folder / "notice.toml").write_text('title = "本院通知"\n', encoding="utf-8")
    (folder / "sub" / "big.bin").write_bytes(bytes(range(256)) * 9000)  # spans a frame boundary
    return folder


@pytest.fixture
def encrypted(filled: Workspace, forms: Path, tmp_path: Path) -> Path:
    target = tmp_path / "usb" / "manual-test-20250613-120000.tdbak"
    store.create_backup(Path(filled.path), target, PASSWORD, forms_dir=forms, kdf_log_n=FAST_KDF)
    return target


# --------------------------------------------------------------------------------------------- round trip


def test_backup_round_trip_encrypted(filled: Workspace, forms: Path, encrypted: Path, tmp_path: Path) -> None:
    manifest = store.verify_backup(encrypted, PASSWORD)
    assert manifest.encrypted and manifest.counts["cases"] == 5
    assert manifest.schema_version == schema_version()
    assert manifest.court["court_name"] == "七台河市新兴区人民法院"
    assert manifest.check == "integrity_check"
    assert manifest.forms == ["notice.toml", "sub/big.bin"]
    assert store.read_manifest(encrypted, PASSWORD) == manifest
    assert store.read_header(encrypted).encrypted
    # no plaintext on the stick
    assert "七台河".encode() not in encrypted.read_bytes()
    assert b"SQLite format 3" not in encrypted.read_bytes()

    out = tmp_path / "out.sqlite3"
    store.extract_backup(encrypted, PASSWORD, out, tmp_path / "out-forms")
    assert cases_in(out) == cases_in(Path(filled.path))
    assert (tmp_path / "out-forms" / "sub" / "big.bin").read_bytes() == (
        forms / "sub" / "big.bin"
    ).read_bytes()
    # nothing but the backup in the target folder
    assert [p.name for p in encrypted.parent.iterdir()] == [encrypted.name]


def test_plain_backup_round_trip(filled: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "b.tdbak"
    manifest = store.create_backup(Path(filled.path), target, None)
    assert not manifest.encrypted
    assert store.verify_backup(target, None).payload_sha256 == manifest.payload_sha256
    out = tmp_path / "out.sqlite3"
    store.extract_backup(target, None, out)
    assert cases_in(out) == cases_in(Path(filled.path))


def direct_io_works(folder: Path) -> bool:
    """Whether this file system takes O_DIRECT (ext4 does; tmpfs did not before Linux 6.6)."""
    if not getattr(os, "O_DIRECT", 0):
        return False
    probe = folder / "probe"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_DIRECT))
        return True
    except OSError:
        return False
    finally:
        probe.unlink(missing_ok=True)


@pytest.fixture
def small_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """Frames, O_DIRECT blocks and read-back segments of a few KiB: a test database spans many of each."""
    monkeypatch.setattr(store, "CHUNK_SIZE", 8192)
    monkeypatch.setattr(store, "_STAGE", 16384)
    monkeypatch.setattr(store, "_STAGES", 2)
    monkeypatch.setattr(store, "READBACK_SEGMENT", 20000)


def refuse_with_einval(monkeypatch: pytest.MonkeyPatch, name: str, after: int) -> list[int]:
    """``os.<name>`` works ``after`` times, then says EINVAL (a file system that takes O_DIRECT at open
    but not for this transfer); the calls are counted."""
    real = getattr(os, name)
    calls: list[int] = []

    def call(*args: object) -> int:
        calls.append(1)
        if len(calls) > after:
            raise OSError(errno.EINVAL, "Invalid argument")
        return int(real(*args))

    monkeypatch.setattr(os, name, call)
    return calls


@pytest.mark.parametrize("password", [PASSWORD, None], ids=["encrypted", "plain"])
@pytest.mark.parametrize("way", ["o-direct", "no-o-direct", "write-refused", "read-refused"])
def test_every_way_of_writing_and_reading_back_gives_the_same_backup(
    filled: Workspace,
    forms: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    small_frames: None,
    way: str,
    password: str | None,
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    direct = direct_io_works(usb)
    writes = refuse_with_einval(monkeypatch, "pwrite", 3 if way == "write-refused" else 1 << 30)
    reads = refuse_with_einval(monkeypatch, "preadv", 2 if way == "read-refused" else 1 << 30)
    if way == "no-o-direct":
        monkeypatch.setattr(store, "_O_DIRECT", 0)
    target = usb / "b.tdbak"
    manifest = store.create_backup(Path(filled.path), target, password, forms_dir=forms, kdf_log_n=FAST_KDF)
    if direct and way != "no-o-direct":
        assert len(writes) > 3 if way != "write-refused" else len(writes) >= 4
        assert len(reads) > 2 if way != "read-refused" else len(reads) >= 3
    else:
        assert not writes and not reads
    monkeypatch.undo()
    assert store.read_header(target).chunk_size == 8192
    assert store.read_header(target).frame_count() > 20
    assert store.verify_backup(target, password) == store.read_manifest(target, password)
    out = tmp_path / "out.sqlite3"
    store.extract_backup(target, password, out, tmp_path / "out-forms")
    assert cases_in(out) == cases_in(Path(filled.path))
    assert (tmp_path / "out-forms" / "sub" / "big.bin").read_bytes() == (
        forms / "sub" / "big.bin"
    ).read_bytes()
    assert (
        manifest.payload_sha256
        == hashlib.sha256(
            Path(filled.path).read_bytes()[: manifest.entries[0].size]
            + (forms / "notice.toml").read_bytes()
            + (forms / "sub" / "big.bin").read_bytes()
        ).hexdigest()
    )
    assert [p.name for p in usb.iterdir()] == ["b.tdbak"]


@pytest.mark.parametrize("password", [PASSWORD, None], ids=["encrypted", "plain"])
@pytest.mark.parametrize("direct", [True, False], ids=["o-direct", "no-o-direct"])
def test_a_stick_that_keeps_wrong_bytes_is_caught_by_the_read_back(
    filled: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    small_frames: None,
    direct: bool,
    password: str | None,
) -> None:
    """The device keeps one byte wrong (in a data frame or in the header): the backup is not renamed."""
    usb = tmp_path / "usb"
    usb.mkdir()
    if not direct:
        monkeypatch.setattr(store, "_O_DIRECT", 0)
    real_pwrite, real_write_at = os.pwrite, store._write_at
    for spot in (100, 30_000):  # in the header; in the data frames

        def damaged(data: bytes | memoryview, offset: int, spot: int = spot) -> bytes | memoryview:
            if offset <= spot < offset + len(data):
                copy = bytearray(data)
                copy[spot - offset] ^= 0x10
                return copy
            return data

        monkeypatch.setattr(os, "pwrite", lambda fd, data, at: real_pwrite(fd, damaged(data, at), at))
        monkeypatch.setattr(
            store, "_write_at", lambda fh, data, offset: real_write_at(fh, damaged(data, offset), offset)
        )
        with pytest.raises(BackupError) as exc:
            store.create_backup(Path(filled.path), usb / "b.tdbak", password, kdf_log_n=FAST_KDF)
        assert exc.value.problem is Problem.CORRUPT
        assert "读回" in str(exc.value)
        assert list(usb.iterdir()) == []


@pytest.mark.parametrize("direct", [True, False], ids=["file-pinned", "backup-api"])
def test_backup_is_one_committed_state_while_another_program_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    """A writer commits batches and checkpoints (passive and truncate) all through a slowed-down backup:
    the backup holds every batch whole or not at all, passes integrity_check, and equals its manifest."""
    from datetime import date

    from desktop.services.demo import generate

    db_path = tmp_path / "live.sqlite3"
    generate(db_path, cases=1500, seed=3, today=date(2025, 6, 13))  # some 3 MB: several frames
    sources: list[store._Source] = []
    real_source, real_chunks = store._Source, store._chunks
    real_checkpoint, real_pin = store.checkpoint_all, store.pin_file_snapshot
    gate = threading.Lock()  # held by the backup from its checkpoint until its read has begun

    def slow_chunks(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        for chunk in real_chunks(*args, **kwargs):  # type: ignore[arg-type]
            time.sleep(0.05)  # room for commits and checkpoints between the reads
            yield chunk

    def source(*args: object) -> store._Source:
        made = real_source(*args)  # type: ignore[arg-type]
        sources.append(made)
        return made

    monkeypatch.setattr(store, "_chunks", slow_chunks)
    monkeypatch.setattr(store, "_Source", source)
    if direct:
        # Between checkpoint and read the writer waits (a commit or a checkpoint of its own there sends the
        # backup down the other path); from then on it commits and checkpoints while the file is read.
        def checkpoint(path: Path) -> bool:
            gate.acquire()
            done = real_checkpoint(path)
            if not done:
                gate.release()
            return done

        def pin(conn: sqlite3.Connection, path: Path) -> int | None:
            try:
                return real_pin(conn, path)
            finally:
                gate.release()

        monkeypatch.setattr(store, "checkpoint_all", checkpoint)
        monkeypatch.setattr(store, "pin_file_snapshot", pin)
    else:
        monkeypatch.setattr(store, "pin_file_snapshot", lambda *_a: None)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        conn = sqlite3.connect(db_path, isolation_level=None, timeout=10)
        batch = 0
        while not stop.is_set():
            with gate:
                # A commit waits for the backup's own checkpoint (which holds the write lock a moment) as
                # any program with a busy timeout does; the checkpoints below give up at once instead.
                conn.execute("PRAGMA busy_timeout = 5000")
                conn.execute("BEGIN IMMEDIATE")
                for i in range(300):
                    conn.execute(INSERT_CASE, (f"（2099）测{batch}-{i}号", f"batch-{batch}"))
                conn.execute("COMMIT")
                written.append(batch)
                batch += 1
                conn.execute("PRAGMA busy_timeout = 10")
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()  # busy while the backup reads
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for n in range(3):
            target = tmp_path / f"b{n}.tdbak"
            manifest = store.create_backup(db_path, target, None)
            out = tmp_path / f"out{n}.sqlite3"
            store.extract_backup(target, None, out)  # runs the full integrity_check
            conn = sqlite3.connect(out)
            counts = conn.execute(
                "SELECT notes, count(*) FROM cases WHERE notes LIKE 'batch-%' GROUP BY notes"
            ).fetchall()
            total = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
            conn.close()
            assert all(count == 300 for _notes, count in counts)
            assert total == manifest.counts["cases"] == 1500 + 300 * len(counts)
            assert (sources[-1].snap is None) is direct
    finally:
        stop.set()
        thread.join()
    assert len(written) > 6, "the writer never got going: the test proved nothing"
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 1500 + 300 * len(written)
    conn.close()


def test_chunks_are_exact() -> None:
    data = Path(__file__).read_bytes()
    tmp = Path(__file__)
    pieces = list(store._chunks(tmp, len(data), [b"abc", b"", b"x" * 5000], 4096))
    assert b"".join(pieces) == data + b"abc" + b"x" * 5000
    assert all(len(p) == 4096 for p in pieces[:-1])


# --------------------------------------------------------------------------------------------- refusals


def refused(path: Path, password: str | None) -> BackupError:
    with pytest.raises(BackupError) as verify_error:
        store.verify_backup(path, password)
    return verify_error.value


def test_wrong_or_missing_password(encrypted: Path) -> None:
    error = refused(encrypted, "wrong-password")
    assert error.problem is Problem.WRONG_PASSWORD and "密码不正确" in str(error)
    assert refused(encrypted, None).problem is Problem.PASSWORD_NEEDED
    with pytest.raises(BackupError) as exc:
        store.read_manifest(encrypted, "正确的密码-2024")
    assert exc.value.problem is Problem.WRONG_PASSWORD


def test_truncated_anywhere_is_refused(encrypted: Path, tmp_path: Path) -> None:
    data = encrypted.read_bytes()
    rng = random.Random(6)
    cuts = {0, 1, 7, 8, 11, 12, 200, len(data) - 1, len(data) - 17} | {
        rng.randrange(len(data)) for _ in range(25)
    }
    for cut in sorted(cuts):
        bad = tmp_path / "cut.tdbak"
        bad.write_bytes(data[:cut])
        error = refused(bad, PASSWORD)
        assert error.problem is Problem.TRUNCATED, (cut, error)
        assert "不完整" in str(error)


def test_bit_flips_anywhere_are_refused(encrypted: Path, tmp_path: Path) -> None:
    data = encrypted.read_bytes()
    header = store.read_header(encrypted)
    head_len = int.from_bytes(data[8:12], "big")
    data_start = 12 + head_len + 32
    manifest_at = data_start + sum(5 + n for n in header.frame_sizes())
    # A flipped *length* may read as a shorter file; everything else must read as damage.
    length_fields = set(range(8, 12)) | set(range(manifest_at + 1, manifest_at + 5))
    rng = random.Random(7)
    positions = {0, 9, 20, data_start, data_start + 3, data_start + 5, manifest_at, len(data) - 1} | {
        rng.randrange(len(data)) for _ in range(40)
    }
    for pos in sorted(positions):
        flipped = bytearray(data)
        flipped[pos] ^= 1 << rng.randrange(8)
        bad = tmp_path / "flip.tdbak"
        bad.write_bytes(bytes(flipped))
        error = refused(bad, PASSWORD)
        allowed = {Problem.CORRUPT, Problem.TRUNCATED} if pos in length_fields else {Problem.CORRUPT}
        assert error.problem in allowed, (pos, error)
        assert "损坏" in str(error) or "不完整" in str(error)


def test_bit_flip_in_a_plain_backup_is_refused(filled: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "plain.tdbak"
    store.create_backup(Path(filled.path), target, None)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x10
    target.write_bytes(bytes(data))
    error = refused(target, None)
    assert error.problem is Problem.CORRUPT and "SHA-256" in str(error)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", Problem.TRUNCATED),
        (b"PK\x03\x04 a zip file, not ours" * 10, Problem.NOT_A_BACKUP),
        (b"SQLite format 3\x00" + bytes(100), Problem.NOT_A_BACKUP),
    ],
)
def test_not_a_backup(tmp_path: Path, content: bytes, problem: Problem) -> None:
    path = tmp_path / "x.tdbak"
    path.write_bytes(content)
    assert refused(path, PASSWORD).problem is problem
    assert refused(tmp_path, PASSWORD).problem is Problem.NOT_A_BACKUP
    assert refused(tmp_path / "missing.tdbak", None).problem is Problem.NOT_A_BACKUP


def test_refused_restores_leave_the_live_database_untouched(
    filled: Workspace, encrypted: Path, tmp_path: Path
) -> None:
    live = Path(filled.path)
    filled.close()
    before = file_sha(live)
    data = encrypted.read_bytes()
    bad_files = {
        "truncated": data[: len(data) // 2],
        "flipped": data[:-100] + bytes([data[-100] ^ 4]) + data[-99:],
        "not a backup": b"hello" * 100,
    }
    for name, content in bad_files.items():
        bad = tmp_path / f"{name}.tdbak"
        bad.write_bytes(content)
        with pytest.raises(BackupError):
            service.restore(live, bad, PASSWORD, actor="测试员", safety_dir=tmp_path / "safety")
    with pytest.raises(BackupError) as exc:
        service.restore(live, encrypted, "not-the-password", actor="测试员", safety_dir=tmp_path / "safety")
    assert exc.value.problem is Problem.WRONG_PASSWORD
    assert file_sha(live) == before
    assert integrity(live) == "ok"
    assert not list((tmp_path / "safety").glob("*")) if (tmp_path / "safety").exists() else True
    assert not [p for p in live.parent.iterdir() if p.name.startswith(".tdrestore")]


# --------------------------------------------------------------------------------------------- restore


def test_restore_replaces_and_can_be_undone(
    filled: Workspace, forms: Path, encrypted: Path, tmp_path: Path
) -> None:
    live = Path(filled.path)
    original = cases_in(live)
    filled.delete_case(filled.db.execute("SELECT id FROM cases LIMIT 1").fetchone()[0])
    (forms / "notice.toml").write_text("changed", encoding="utf-8")
    changed = cases_in(live)
    filled.close()

    done = service.restore(
        live, encrypted, PASSWORD, actor="测试员", forms=forms, safety_dir=tmp_path / "safety"
    )
    assert cases_in(live) == original
    assert (forms / "notice.toml").read_text(encoding="utf-8") == 'title = "本院通知"\n'
    assert integrity(live) == "ok"
    assert done.safety is not None and done.safety.parent == tmp_path / "safety"
    ws = Workspace.open(live)
    actions = [e["action"] for e in audit.entries(ws.db)]
    ws.close()
    assert actions[-1] == "backup.restore"

    # the undo: restoring the safety backup brings back the state before the restore
    service.restore(live, done.safety, None, actor="测试员", forms=forms, safety_dir=tmp_path / "safety")
    assert cases_in(live) == changed
    assert (forms / "notice.toml").read_text(encoding="utf-8") == "changed"


def test_restore_of_the_released_schema_v1_database(workspace: Workspace, tmp_path: Path) -> None:
    """A backup made by the first release (schema 1) is migrated to today's schema on restore."""
    old = tmp_path / "old" / "tribunal-desk.sqlite3"
    old.parent.mkdir()
    shutil.copy(FIXTURES / "schema-v1.sqlite3", old)
    assert sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0] == 1
    backup = tmp_path / "v1.tdbak"
    store.create_backup(old, backup, None)

    live = Path(workspace.path)
    workspace.close()
    done = service.restore(live, backup, None, actor="测试员", safety_dir=tmp_path / "safety")
    assert (done.from_version, done.to_version) == (1, schema_version())
    ws = Workspace.open(live)
    try:
        assert ws.db.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        ids = [r[0] for r in ws.db.execute("SELECT id FROM cases ORDER BY id")]
        assert len(ids) == 3
        case = ws.load_case(ids[0])
        assert case.case_number == "（2025）黑0902民初123号"
        assert case.parties[0].name == "张三丰"
        assert ws.court() is not None and ws.court().court_code == "黑0902"
    finally:
        ws.close()
    assert integrity(live) == "ok"


def test_backup_file_of_format_1_still_restores(workspace: Workspace, tmp_path: Path) -> None:
    """``backup-v1.tdbak`` was written by the first release: this program must keep reading it."""
    live = Path(workspace.path)
    workspace.close()
    forms = tmp_path / "forms"
    manifest = service.read_manifest(FIXTURES / "backup-v1.tdbak", "fixture-password")
    assert manifest.schema_version == 1 and manifest.counts["cases"] == 3
    service.restore(
        live,
        FIXTURES / "backup-v1.tdbak",
        "fixture-password",
        actor="测试员",
        forms=forms,
        safety_dir=tmp_path,
    )
    assert len(cases_in(live)) == 3
    assert "本院自定义通知" in (forms / "court" / "notice.toml").read_text(encoding="utf-8")


def test_newer_schema_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(Path(workspace.path), newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    conn.close()
    backup = tmp_path / "newer.tdbak"
    store.create_backup(newer, backup, None)
    live = Path(workspace.path)
    workspace.close()
    before = file_sha(live)
    with pytest.raises(BackupError) as exc:
        service.restore(live, backup, None, actor="测试员", safety_dir=tmp_path / "safety")
    assert exc.value.problem is Problem.TOO_NEW and "升级" in str(exc.value)
    assert file_sha(live) == before


def test_newer_backup_format_is_refused(encrypted: Path, tmp_path: Path) -> None:
    data = encrypted.read_bytes()
    head_len = int.from_bytes(data[8:12], "big")
    header = json.loads(data[12 : 12 + head_len])
    header["format"] = store.FORMAT_VERSION + 1
    head = json.dumps(header).encode()
    future = tmp_path / "future.tdbak"
    future.write_bytes(
        data[:8]
        + len(head).to_bytes(4, "big")
        + head
        + hashlib.sha256(head).digest()
        + data[12 + head_len + 32 :]
    )
    assert refused(future, PASSWORD).problem is Problem.TOO_NEW


def test_restore_refuses_while_another_connection_is_open(
    filled: Workspace, encrypted: Path, tmp_path: Path
) -> None:
    live = Path(filled.path)
    prepared = service.prepare_restore(live, encrypted, PASSWORD, safety_dir=tmp_path / "safety")
    try:
        with pytest.raises(StoreError, match="其他程序"):
            prepared.install("测试员")
    finally:
        prepared.discard()
    assert filled.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 5


# A crash part-way through installing a restore (restore_journal): every point of it.


class Crash(BaseException):
    """The process dying: nothing after it runs, no ``finally`` of the install cleans up."""


def _crash_at(monkeypatch: pytest.MonkeyPatch, point: int) -> list[str]:
    """Make the install "die" just before its ``point``-th file operation (counted from 0) and return the
    names of the operations done before it."""
    from desktop.store import restore_journal

    done: list[str] = []

    def step(name: str) -> None:
        if len(done) == point:
            raise Crash(name)
        done.append(name)

    def counted(name: str, real: object) -> object:
        def call(*args: object, **kwargs: object) -> object:
            step(name)
            return real(*args, **kwargs)  # type: ignore[operator]

        return call

    class Os:
        def __getattr__(self, name: str) -> object:
            return getattr(os, name)

        replace = staticmethod(counted("os.replace", os.replace))
        fsync = staticmethod(counted("os.fsync", os.fsync))

    class Shutil:
        rmtree = staticmethod(counted("shutil.rmtree", shutil.rmtree))

    monkeypatch.setattr(restore_journal, "os", Os())
    monkeypatch.setattr(restore_journal, "shutil", Shutil())
    for name in ("_write_journal", "install_database", "_fsync_dir", "_record_once", "_remove_journal"):
        monkeypatch.setattr(restore_journal, name, counted(name, getattr(restore_journal, name)))
    return done


def _leftovers(*folders: Path) -> list[str]:
    return sorted(
        p.name for f in set(folders) for p in f.iterdir() if p.name.startswith((".tdrestore", ".tdjournal"))
    )


def test_a_crash_at_any_point_of_the_install_is_finished_on_the_next_open(
    filled: Workspace, forms: Path, encrypted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the journal is written the old database and forms stay; from then on the next open puts the
    restored database and its forms in place and records the restore once, whatever was done before."""
    from desktop.store.restore_journal import journal_path

    live = Path(filled.path)
    filled.delete_case(filled.db.execute("SELECT id FROM cases LIMIT 1").fetchone()[0])
    filled.close()
    restored_cases = sorted(f"（2025）黑0902民初{seq}号" for seq in range(123, 128))
    restored_forms = store.read_forms(forms)
    (forms / "notice.toml").write_text("changed", encoding="utf-8")
    (forms / "local-only.toml").write_text("本地新增", encoding="utf-8")
    old_cases, old_forms = cases_in(live), store.read_forms(forms)
    assert old_cases != restored_cases and old_forms != restored_forms

    points, outcomes = 0, set()
    while True:
        prepared = service.prepare_restore(live, encrypted, PASSWORD, forms=forms, safety_dir=tmp_path / "s")
        with monkeypatch.context() as patch:
            done = _crash_at(patch, points)
            try:
                prepared.install("测试员")
                crashed = False
            except Crash:
                crashed = True
        begun = journal_path(live).exists() or "_remove_journal" in done  # else died before it was in place
        ws = Workspace.open(live)  # the next start
        restores = [e for e in audit.entries(ws.db) if e["action"] == "backup.restore"]
        ws.close()
        if crashed and not begun:
            assert (cases_in(live), store.read_forms(forms)) == (old_cases, old_forms), done
            assert restores == []
            prepared.discard()  # the unpacked files a dead process left (a later run removes them)
            outcomes.add("old")
        else:
            assert cases_in(live) == restored_cases, done
            assert store.read_forms(forms) == restored_forms, done
            assert len(restores) == 1, done
            assert integrity(live) == "ok"
            outcomes.add("restored")
        assert _leftovers(live.parent, forms.parent) == [], done
        if not crashed:
            break
        # back to the state before the restore, for the next crash point
        service.restore(live, prepared.safety, None, actor="测试员", forms=forms, safety_dir=tmp_path / "u")
        assert (cases_in(live), store.read_forms(forms)) == (old_cases, old_forms)
        ws = Workspace.open(live)
        with ws.db.conn:
            ws.db.conn.execute("DELETE FROM audit_log WHERE action = 'backup.restore'")
        ws.close()
        points += 1
    assert outcomes == {"old", "restored"}
    assert points >= 8  # journal (write, fsync, rename, folder), database, forms aside and in, audit, journal


def test_an_unreadable_restore_journal_is_refused_with_the_database_untouched(filled: Workspace) -> None:
    from desktop.store.restore_journal import journal_path

    live = Path(filled.path)
    filled.close()
    before = cases_in(live)
    journal_path(live).write_text('{"version": 1, "database": ', encoding="utf-8")
    with pytest.raises(StoreError, match=r"上次恢复备份没有完成.*数据库没有被改动"):
        Workspace.open(live)
    assert cases_in(live) == before and journal_path(live).exists()


def test_forms_folders_a_killed_restore_unpacked_are_removed_by_the_next_restore(
    filled: Workspace, forms: Path, encrypted: Path, tmp_path: Path
) -> None:
    """A restore killed while unpacking (before its journal) leaves an unpacked forms folder; one killed
    by an older release could leave one moved aside. A later restore removes those half a day old."""
    live = Path(filled.path)
    filled.close()
    forms = shutil.copytree(forms, tmp_path / "program" / "forms")  # not beside the database
    day_old = time.time() - 13 * 3600
    stale = [forms.with_name(".tdrestore-forms-999-0badc0de"), forms.with_name(".tdrestore-forms-old-1-2")]
    fresh = forms.with_name(".tdrestore-forms-998-00000000")  # may belong to a restore running right now
    for folder in (*stale, fresh):
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "a.toml").write_text("x", encoding="utf-8")
    for folder in stale:
        os.utime(folder, (day_old, day_old))
    service.restore(live, encrypted, PASSWORD, actor="测试员", forms=forms, safety_dir=tmp_path / "s")
    assert not any(folder.exists() for folder in stale)
    assert fresh.exists() and (forms / "notice.toml").exists()


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_a_restore_killed_between_the_database_and_the_forms_is_finished_on_the_next_open(
    filled: Workspace, forms: Path, encrypted: Path, tmp_path: Path
) -> None:
    """A real death (SIGKILL) right after the database was swapped: the forms follow on the next open."""
    live = Path(filled.path)
    filled.close()
    restored_forms = store.read_forms(forms)
    (forms / "notice.toml").write_text("changed", encoding="utf-8")
    script = (
        "import os, signal\n"
        "from pathlib import Path\n"
        "from desktop.services import backup as service\n"
        "from desktop.store import restore_journal\n"
        "real = restore_journal.install_database\n"
        "def then_die(*args):\n"
        "    real(*args)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "restore_journal.install_database = then_die\n"
        f"service.restore(Path({str(live)!r}), Path({str(encrypted)!r}), {PASSWORD!r}, actor='测试员', "
        f"forms=Path({str(forms)!r}), safety_dir=Path({str(tmp_path / 's')!r}))\n"
    )
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr
    assert (forms / "notice.toml").read_text(encoding="utf-8") == "changed"  # the window: old forms
    ws = Workspace.open(live)
    restores = [e for e in audit.entries(ws.db) if e["action"] == "backup.restore"]
    ws.close()
    assert store.read_forms(forms) == restored_forms
    assert len(restores) == 1 and json.loads(restores[0]["detail"])["file"] == str(encrypted)
    assert _leftovers(live.parent, forms.parent) == []


# --------------------------------------------------------------------------------------------- rotation


def test_rotation_keeps_7_daily_4_weekly_12_monthly() -> None:
    start = datetime(2025, 6, 13, 18, 0)
    stamps = [start - timedelta(hours=12 * i) for i in range(800)]  # two a day for 400 days
    keep = store.keep_for_rotation(stamps)
    days = sorted({s.date() for s in keep}, reverse=True)
    assert max(stamps) in keep
    assert days[:7] == [start.date() - timedelta(days=i) for i in range(7)]
    assert len({(s.year, s.month) for s in keep}) == 12
    assert len(keep) <= 7 + 4 + 12
    assert all(s == max(x for x in stamps if x.date() == s.date()) for s in keep)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)), max_size=80))
def test_rotation_properties(stamps: list[datetime]) -> None:
    keep = store.keep_for_rotation(stamps)
    assert keep <= set(stamps)
    assert len(keep) <= 23
    if stamps:
        assert max(stamps) in keep
    assert keep == store.keep_for_rotation(sorted(keep))  # rotating again removes nothing more


def test_backup_names_round_trip() -> None:
    when = datetime(2025, 6, 13, 15, 30, 0)
    for kind in store.KINDS:
        name = store.backup_name(kind, Path("C:/x/tribunal-desk.sqlite3"), when)
        assert store.parse_backup_name(name) == (kind, "tribunal-desk", when)
    assert store.parse_backup_name("notes.txt") is None


# --------------------------------------------------------------------------------------------- automatic


def test_auto_backup_skips_unchanged_rotates_and_stops_at_the_floor(
    filled: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = Path(filled.path)
    folder = tmp_path / "auto"
    first = service.auto_backup(live, directory=folder, floor=0, now=datetime(2025, 6, 1, 9))
    assert first.path is not None and store.verify_backup(first.path, None).kind == "auto"
    again = service.auto_backup(live, directory=folder, floor=0, now=datetime(2025, 6, 1, 10))
    assert again.path is None and "没有变化" in again.skipped
    for day in range(2, 40):
        filled.save_case(make_case(f"（2025）黑0902民初{1000 + day}号"))
        service.auto_backup(
            live, directory=folder, floor=0, now=datetime(2025, 6, 1, 9) + timedelta(days=day)
        )
    names = sorted(p.name for p in folder.glob("auto-*.tdbak"))
    assert len(names) <= 7 + 4 + 12 and names[-1].endswith("20250710-090000.tdbak")
    assert not service.auto_backup_due(live, datetime(2025, 7, 10, 20), folder)
    assert service.auto_backup_due(live, datetime(2025, 7, 11, 10), folder)

    filled.save_case(make_case("（2025）黑0902民初9999号"))
    count = len(names)
    low = service.auto_backup(live, directory=folder, floor=1 << 60)
    assert low.path is None and "空间不足" in low.warning
    assert len(list(folder.glob("auto-*.tdbak"))) == count


def test_no_space_leaves_nothing(filled: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(store.shutil, "disk_usage", lambda _p: usage._replace(free=200_000))
    target = tmp_path / "usb" / "b.tdbak"
    with pytest.raises(BackupError) as exc:
        store.create_backup(Path(filled.path), target, PASSWORD, kdf_log_n=FAST_KDF)
    assert exc.value.problem is Problem.NO_SPACE and "空间不足" in str(exc.value)
    assert not list(target.parent.glob("*")) if target.parent.exists() else True


def test_disk_full_while_writing_is_reported_and_cleaned(
    filled: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    real_seal = store._Seal.seal
    calls = []

    def seal(self: store._Seal, kind: int, index: int, data: bytes) -> bytes:
        calls.append(index)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_seal(self, kind, index, data)

    monkeypatch.setattr(store._Seal, "seal", seal)
    target = tmp_path / "usb" / "b.tdbak"
    with pytest.raises(BackupError) as exc:
        store.create_backup(Path(filled.path), target, PASSWORD, kdf_log_n=FAST_KDF)
    assert exc.value.problem is Problem.NO_SPACE
    assert list(target.parent.iterdir()) == []
    assert not [p for p in Path(filled.path).parent.iterdir() if p.name.startswith(".tdsnap")]


def test_weak_password_refused(filled: Workspace, tmp_path: Path) -> None:
    with pytest.raises(BackupError) as exc:
        store.create_backup(Path(filled.path), tmp_path / "b.tdbak", "short")
    assert exc.value.problem is Problem.WEAK_PASSWORD


# --------------------------------------------------------------------------------------------- drives


def test_parse_mounts() -> None:
    text = (
        "/dev/sda1 / ext4 rw 0 0\n"
        "proc /proc proc rw 0 0\n"
        "/dev/sdb1 /media/clerk/KINGSTON vfat rw 0 0\n"
        "/dev/sdc1 /run/media/clerk/U\\040盘 exfat rw 0 0\n"
        "/dev/sdd1 /mnt/usb ntfs3 rw 0 0\n"
        "tmpfs /run/media tmpfs rw 0 0\n"
    )
    assert service.parse_mounts(text) == [
        Path("/media/clerk/KINGSTON"),
        Path("/run/media/clerk/U 盘"),
        Path("/mnt/usb"),
    ]


def test_is_removable(tmp_path: Path) -> None:
    drive = service.Drive(tmp_path / "usb", "U", 1, 2)
    assert service.is_removable(tmp_path / "usb" / "backups", [drive])
    assert service.is_removable(tmp_path / "usb", [drive])
    assert not service.is_removable(tmp_path / "usb2", [drive])


# --------------------------------------------------------------------------------------------- lock


def test_second_lock_is_refused_and_says_who(db_path: Path) -> None:
    first = acquire(db_path)
    try:
        with pytest.raises(DatabaseInUse) as exc:
            acquire(db_path)
        holder = exc.value.holder
        assert holder is not None and holder.pid == first.holder.pid
        assert "正在被" in str(exc.value) and str(holder.pid) in str(exc.value)
        assert holder_of(db_path) == first.holder
    finally:
        first.release()
    assert holder_of(db_path) is None
    acquire(db_path).release()


def test_lock_dies_with_the_process(db_path: Path, tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from desktop.store.lock import acquire\n"
        f"lock = acquire({str(db_path)!r})\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseInUse) as exc:
            acquire(db_path)
        assert exc.value.holder is not None and exc.value.holder.pid == child.pid
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    acquire(db_path).release()  # the OS let go of it with the process
    assert lock_path(db_path).exists()


def test_read_only_open_refuses_writes(workspace: Workspace) -> None:
    db = open_read_only(Path(workspace.path))
    try:
        assert db.execute("SELECT count(*) FROM settings").fetchone()[0] >= 1
        ro = Workspace(db)
        with pytest.raises(StoreError) as exc:
            ro.save_case(make_case("（2025）黑0902民初777号"))
        assert "只读" in str(exc.value)
    finally:
        db.conn.close()


# --------------------------------------------------------------------------------------------- CLI


@pytest.fixture
def no_log_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.cli._setup_logging", lambda: None)  # no log file handler left open


@pytest.mark.usefixtures("no_log_file")
def test_cli_backup_verify_restore(
    filled: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = Path(filled.path)
    original = cases_in(live)
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    out = tmp_path / "usb"
    assert cli.main(["backup", "--to", str(out), "--db", str(live), "--password-file", str(pw)]) == 0
    (backup,) = out.glob("*.tdbak")
    assert "备份完成" in capsys.readouterr().out
    assert cli.main(["verify", str(backup), "--password-file", str(pw)]) == 0
    assert "备份完好" in capsys.readouterr().out

    bad = tmp_path / "bad.txt"
    bad.write_text("wrong-password", encoding="utf-8")
    assert cli.main(["verify", str(backup), "--password-file", str(bad)]) == 2
    assert "密码不正确" in capsys.readouterr().err

    filled.delete_case(filled.db.execute("SELECT id FROM cases LIMIT 1").fetchone()[0])
    # refused while this "program" still holds the database
    lock = acquire(live)
    try:
        assert cli.main(["restore", str(backup), "--db", str(live), "--password-file", str(pw), "--yes"]) == 2
        assert "正在被" in capsys.readouterr().err
    finally:
        lock.release()
    filled.close()
    assert cli.main(["restore", str(backup), "--db", str(live), "--password-file", str(pw), "--yes"]) == 0
    assert "已恢复" in capsys.readouterr().out
    assert cases_in(live) == original


@pytest.mark.usefixtures("no_log_file")
def test_cli_backup_to_removable_needs_a_password(
    filled: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(service, "removable_drives", lambda: [service.Drive(usb, "U", 1 << 40, 1 << 40)])
    assert cli.main(["backup", "--to", str(usb), "--db", filled.path]) == 2
    assert "必须加密" in capsys.readouterr().err
    assert list(usb.iterdir()) == []


# ------------------------------------------------------------------------------------- review additions


def test_every_table_is_shown_in_chinese(workspace: Workspace) -> None:
    """The restore dialog and ``verify`` list rows per table: none under its SQL name (a new table needs
    a label in TABLE_LABELS, or to be one of the program's own caches)."""
    tables = store._user_tables(workspace.db.conn)
    assert set(tables) <= set(service.TABLE_LABELS) | service.INTERNAL_TABLES, (
        set(tables) - set(service.TABLE_LABELS) - service.INTERNAL_TABLES
    )
    manifest = store.Manifest(
        "0.1.0", schema_version(), "2025-06-13T15:30:00+08:00", "manual", {}, dict.fromkeys(tables, 1),
        "integrity_check", "", "", "", "", (), 0, "",
    )  # fmt: skip
    labels = [label for label, _value in service.describe(manifest)]
    assert not [label for label in labels if label.isascii()], labels


@pytest.mark.usefixtures("no_log_file")
def test_cli_restore_of_a_damaged_backup_says_nothing_changed(
    filled: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    live = Path(filled.path)
    filled.close()
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["backup", "--to", "usb", "--db", str(live), "--password-file", str(pw)]) == 0
    (backup,) = (tmp_path / "usb").glob("*.tdbak")
    assert str(backup) in capsys.readouterr().out  # the full path, not "usb/…"
    conn = sqlite3.connect(live)
    (detail,) = conn.execute("SELECT detail FROM audit_log WHERE action = 'backup.create'").fetchone()
    conn.close()
    assert json.loads(detail)["file"] == str(backup)

    data = bytearray(backup.read_bytes())
    data[len(data) // 3] ^= 0x20  # in a data frame: the manifest reads, the damage shows on restore
    backup.write_bytes(bytes(data))
    before = file_sha(live)
    args = ["restore", str(backup), "--db", str(live), "--password-file", str(pw), "--yes"]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "已损坏" in err and "当前数据库没有任何改动" in err
    assert file_sha(live) == before
    assert not [p for p in live.parent.iterdir() if p.name.startswith(".tdrestore")]


def test_manifest_columns_line_up_in_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.commands.backup import _print_manifest, _width

    _print_manifest([("案件", "1"), ("whitelist_x", "2"), ("数据结构版本", "4")])
    lines = capsys.readouterr().out.splitlines()
    starts = {_width(line[: line.rindex(" ") + 1]) for line in lines}
    assert len(starts) == 1, lines
