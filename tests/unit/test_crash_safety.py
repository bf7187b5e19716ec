"""Crash safety: a child process is killed with SIGKILL at a random moment in a large write transaction,
in a backup and in a restore, again and again. Afterwards the live database passes integrity_check and
holds exactly the committed data, and no half-written backup is ever taken for a good one.

TRIBUNAL_CRASH_ITERATIONS (default 20) sets the kills per kind; e.g. 500 for a long soak.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from desktop.store import backup as store
from desktop.store.backup import BackupError

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

ITERATIONS = int(os.environ.get("TRIBUNAL_CRASH_ITERATIONS", "20"))
BATCH = 3000
PASSWORD = "crash-test-password"
ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import os
    import sys
    from pathlib import Path

    mode, db = sys.argv[1], Path(sys.argv[2])
    password = os.environ["CRASH_PASSWORD"]
    if mode == "write":
        from desktop.store.database import open_database, transaction

        database = open_database(db)
        batch, size = int(sys.argv[3]), int(os.environ["CRASH_BATCH"])
        sql = "INSERT INTO cases (case_number, notes, created_at, updated_at) VALUES (?, ?, '', '')"
        print("ready", flush=True)
        while True:
            rows = [(f"（2099）测{batch}-{i}号", f"batch-{batch}") for i in range(size)]
            with transaction(database) as conn:
                conn.executemany(sql, rows)
            print(f"committed {batch}", flush=True)
            batch += 1
    elif mode == "backup":
        from desktop.store.backup import create_backup

        print("ready", flush=True)
        create_backup(db, Path(sys.argv[3]), password, kdf_log_n=10)
        print("done", flush=True)
    elif mode == "restore":
        from desktop.services.backup import restore

        forms, safety = Path(sys.argv[4]), Path(sys.argv[5])
        print("ready", flush=True)
        restore(db, Path(sys.argv[3]), password, actor="crash", forms=forms, safety_dir=safety)
        print("done", flush=True)
    """
)
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "CRASH_BATCH": str(BATCH), "CRASH_PASSWORD": PASSWORD}


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop.services.demo import generate

    path = tmp_path_factory.mktemp("crash") / "base.sqlite3"
    generate(path, cases=4000, seed=6, today=date(2025, 6, 13))
    return path


@pytest.fixture
def child_script(tmp_path: Path) -> Path:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    return script


def copy_db(source: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    conn.backup(dest)
    dest.close()
    conn.close()
    return target


def run_and_kill(script: Path, args: list[str], delay: float) -> list[str]:
    """Start the child, wait until it is ready, let it work ``delay`` seconds, SIGKILL it; its output."""
    child = subprocess.Popen(
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    try:
        first = child.stdout.readline().strip()
        assert first == "ready", child.stderr.read()
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        lines = child.stdout.read().splitlines()
        errors = child.stderr.read()
        assert "Traceback" not in errors, errors
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    return lines


def timed_run(script: Path, args: list[str]) -> float:
    """How long the work takes when not killed (after "ready")."""
    child = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, env=ENV, text=True)
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "ready"
        started = time.perf_counter()
        assert child.stdout.readline().strip() == "done"
        took = time.perf_counter() - started
        child.wait(timeout=60)
    finally:
        child.stdout.close()
    return took


def check(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return conn


def test_killed_during_large_write_transactions(base_db: Path, child_script: Path, tmp_path: Path) -> None:
    live = copy_db(base_db, tmp_path / "live.sqlite3")
    base_cases = sqlite3.connect(base_db).execute("SELECT count(*) FROM cases").fetchone()[0]
    search_sql = "SELECT count(*) FROM case_search WHERE case_search MATCH '2099'"
    base_found = sqlite3.connect(base_db).execute(search_sql).fetchone()[0]  # a demo phone may hold 2099
    rng = random.Random(61)
    committed = -1  # the highest batch known to be committed
    for _ in range(ITERATIONS):
        lines = run_and_kill(child_script, ["write", str(live), str(committed + 1)], rng.uniform(0, 0.4))
        reported = [int(line.split()[1]) for line in lines if line.startswith("committed")]
        conn = check(live)
        rows = conn.execute(
            "SELECT notes, count(*) FROM cases WHERE notes LIKE 'batch-%' GROUP BY notes"
        ).fetchall()
        total = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        search = conn.execute(search_sql).fetchone()[0]
        conn.close()
        batches = sorted(int(notes.split("-")[1]) for notes, _count in rows)
        assert all(count == BATCH for _notes, count in rows), "a batch was half written"
        assert batches == list(range(len(batches))), "a committed batch is missing"
        highest = batches[-1] if batches else -1
        known = max([committed, *reported])
        # Every reported commit is there; at most the one batch whose "committed" line the kill cut off more.
        assert known <= highest <= known + 1
        assert total == base_cases + BATCH * len(batches)
        assert search == base_found + BATCH * len(batches)  # the search index committed with its rows
        committed = highest


def test_killed_during_backup(base_db: Path, child_script: Path, tmp_path: Path) -> None:
    live = copy_db(base_db, tmp_path / "live.sqlite3")
    cases = sqlite3.connect(base_db).execute("SELECT count(*) FROM cases").fetchone()[0]
    usb = tmp_path / "usb"
    usb.mkdir()
    took = timed_run(child_script, ["backup", str(live), str(usb / "calibrate.tdbak")])
    (usb / "calibrate.tdbak").unlink()
    rng = random.Random(62)
    finished = interrupted = 0
    seen: set[Path] = set()
    for n in range(ITERATIONS):
        target = usb / f"backup-{n}.tdbak"
        lines = run_and_kill(child_script, ["backup", str(live), str(target)], rng.uniform(0, took * 1.2))
        check(live).close()
        if "done" in lines:
            assert target.exists()
        if target.exists():
            finished += 1
        else:
            interrupted += 1
        for path in set(usb.iterdir()) - seen:
            seen.add(path)  # a file left by a killed process never changes again
            try:
                manifest = store.verify_backup(path, PASSWORD)
            except BackupError as exc:
                assert not path.name.endswith(".tdbak"), f"a finished backup is refused: {exc}"
                continue
            # whatever is accepted is a complete copy of the database
            out = tmp_path / "out.sqlite3"
            store.extract_backup(path, PASSWORD, out)
            conn = check(out)
            assert (
                conn.execute("SELECT count(*) FROM cases").fetchone()[0] == cases == manifest.counts["cases"]
            )
            conn.close()
            out.unlink()
    assert interrupted > 0, "no kill landed inside a backup: the test proved nothing"
    leftovers = [p for p in live.parent.iterdir() if p.name.startswith(".tdsnap")]
    store.remove_stale_temporaries(live.parent, max_age=0)
    store.remove_stale_temporaries(usb, max_age=0)
    assert not [p for p in live.parent.iterdir() if p.name.startswith(".tdsnap")]
    assert all(p.suffix == ".tdbak" for p in usb.iterdir()), leftovers


def test_killed_during_restore(base_db: Path, child_script: Path, tmp_path: Path) -> None:
    state_a = copy_db(base_db, tmp_path / "a.sqlite3")
    state_b = copy_db(base_db, tmp_path / "b.sqlite3")
    conn = sqlite3.connect(state_b)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM cases WHERE id % 3 = 0")
    conn.commit()
    conn.close()
    counts = {
        name: sqlite3.connect(path).execute("SELECT count(*) FROM cases").fetchone()[0]
        for name, path in (("a", state_a), ("b", state_b))
    }
    backup = tmp_path / "b.tdbak"
    store.create_backup(state_b, backup, PASSWORD, kdf_log_n=10)
    live = tmp_path / "live" / "tribunal-desk.sqlite3"
    live.parent.mkdir()
    forms, safety = tmp_path / "forms", tmp_path / "safety"
    args = ["restore", str(live), str(backup), str(forms), str(safety)]
    copy_db(state_a, live)
    took = timed_run(child_script, args)
    rng = random.Random(63)
    outcomes = {"a": 0, "b": 0}
    for _ in range(ITERATIONS):
        copy_db(state_a, live)
        lines = run_and_kill(child_script, args, rng.uniform(0, took * 1.2))
        conn = check(live)
        count = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        conn.close()
        assert count in (counts["a"], counts["b"]), (
            "the live database is neither the old nor the restored one"
        )
        outcome = "a" if count == counts["a"] else "b"
        if "done" in lines:
            assert outcome == "b"
        outcomes[outcome] += 1
        from desktop.store.database import open_database

        open_database(live).conn.close()  # opens and migrates as the program would
        for path in safety.glob("*.tdbak"):
            store.verify_backup(path, None)  # every finished safety backup is good
    assert outcomes["a"] > 0, "no kill landed before the swap"
    shutil.rmtree(safety, ignore_errors=True)
