"""Kill import, backup, restore and publish at random moments, then open the database as the next start
does, and count what is wrong (issue 18, "must show"): corrupt databases, partial results (an import,
restore or batch half there, a backup that does not verify) and leftovers in the data folder.

Used by tests/unit/test_crash_harness.py (a few kills) and tests/bench/bench_crash.py (hundreds). Each
run works in a fresh copy of a prepared data folder (TRIBUNAL_DESK_HOME) holding the database, its
backups folder, a case list to import and a backup to restore; the child is the real program code.
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
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("import", "backup", "restore", "publish")
TODAY = date(2025, 6, 13)
PERIOD = ("2020-01-01", "2025-06-13")
LEFTOVER_MARKS = (".tdrestore-", ".tdsnap-", ".tdjournal-", ".tdwrite-", ".tribunal-export-")

CHILD = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path

    kind, home = sys.argv[1], Path(sys.argv[2])
    from desktop import paths
    from desktop.commands import open_workspace

    db = paths.default_database()
    if kind == "restore":
        from desktop.services.backup import restore

        print("ready", flush=True)
        restore(db, home / "to-restore.tdbak", None, actor="crash")
        print("done", flush=True)
        raise SystemExit
    ws = open_workspace(db)
    ws.today = lambda: date(2025, 6, 13)
    if kind == "import":
        from desktop.services import excel

        print("ready", flush=True)
        preview = excel.preview_import(ws, home / "list.csv")
        excel.apply_import(ws, preview)
    elif kind == "backup":
        from desktop.services.backup import auto_backup

        ws.close()
        print("ready", flush=True)
        auto_backup(db, force=True)
    elif kind == "publish":
        from desktop.services.whitelist import WhitelistService, one_per_party

        service = WhitelistService(ws)
        print("ready", flush=True)
        found = service.candidates(date(2020, 1, 1), date(2025, 6, 13))
        ids = [c.party_id for c in one_per_party(c for c in found if c.eligible)]
        service.publish(ids, 1, date(2025, 6, 13), "院长", (date(2020, 1, 1), date(2025, 6, 13)))
    print("done", flush=True)
    """
)


@dataclass
class Tally:
    kills: dict[str, int] = field(default_factory=dict)
    finished: dict[str, int] = field(default_factory=dict)  # the child was done before the kill
    corrupt: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    child_errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for k, v in other.kills.items():
            self.kills[k] = self.kills.get(k, 0) + v
        for k, v in other.finished.items():
            self.finished[k] = self.finished.get(k, 0) + v
        self.corrupt += other.corrupt
        self.partial += other.partial
        self.leftovers += other.leftovers
        self.child_errors += other.child_errors


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "TRIBUNAL_DESK_HOME": str(home)}


@dataclass
class Base:
    """A prepared data folder and what each kind of run would leave when it completes."""

    home: Path
    cases: int
    imported_cases: int
    restored_cases: int
    publish_entries: int


def prepare(folder: Path, cases: int = 1500, import_rows: int = 1500) -> Base:
    """The data folder every run copies: a demo database whose debtors of the period are checked and
    consenting (so that publish has a batch to write), a case list of new cases, and a backup of a
    smaller database to restore."""
    from desktop.services.backup import make_backup
    from desktop.services.demo import generate
    from desktop.services.whitelist import WhitelistService, one_per_party
    from desktop.services.workspace import Workspace

    home = folder / "home"
    home.mkdir(parents=True)
    db = home / "tribunal-desk.sqlite3"
    other = folder / "other.sqlite3"
    generate(other, cases=300, seed=3, today=TODAY)
    backup = make_backup(other, folder / "usb", None, forms=folder / "no-forms").path
    shutil.copy(backup, home / "to-restore.tdbak")
    generate(db, cases=cases, seed=5, today=TODAY)
    ws = Workspace.open(db, actor="准备")
    ws.today = lambda: TODAY  # type: ignore[method-assign]
    service = WhitelistService(ws)
    found = service.candidates(date(2020, 1, 1), TODAY)
    ids = [c.party_id for c in found]
    if ids:
        service.record_check(ids, TODAY, "查询员")
        service.record_consent(ids, TODAY)
    found = service.candidates(date(2020, 1, 1), TODAY)
    entries = len(one_per_party(c for c in found if c.eligible))
    ws.close()
    rows = ["案号,案由,原告,被告,标的额,裁判日期,生效日期,履行期限"]
    rows += [
        f"（2025）黑0902民初{50000 + i}号,民间借贷纠纷,张三丰,李{i % 97}四,{1000 + i},"
        "2025-05-06,2025-05-06,2025-06-30"
        for i in range(import_rows)
    ]
    (home / "list.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    restored = int(sqlite3.connect(other).execute("SELECT count(*) FROM cases").fetchone()[0])
    return Base(home, cases, cases + import_rows, restored, entries)


def _copy(base: Base, target: Path) -> Path:
    shutil.copytree(base.home, target)
    return target


def _run(script: Path, kind: str, home: Path, delay: float | None) -> tuple[bool, str, float]:
    """Run the child; kill it ``delay`` seconds after it is ready (None: let it finish). Whether it
    finished before the kill, its stderr, and the seconds from "ready" to its end."""
    child = subprocess.Popen(
        [sys.executable, str(script), kind, str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(home),
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    try:
        if child.stdout.readline().strip() != "ready":
            return False, child.stderr.read(), 0.0
        ready = time.perf_counter()
        if delay is None:
            done = child.stdout.readline().strip() == "done"
            took = time.perf_counter() - ready
            child.wait(timeout=300)
            return done, child.stderr.read(), took
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        done = "done" in child.stdout.read()
        return done, child.stderr.read(), time.perf_counter() - ready
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()


def time_runs(base: Base, folder: Path) -> dict[str, float]:
    """How long each kind takes uncrashed (after "ready"), to spread the kills over it."""
    script = folder / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    took: dict[str, float] = {}
    for kind in KINDS:
        home = _copy(base, folder / f"timed-{kind}")
        done, errors, took[kind] = _run(script, kind, home, None)
        assert done, errors
        shutil.rmtree(home)
    return took


def _next_open(home: Path) -> None:
    """Open the database as the next start does (finishing a restore, removing leftovers), and close."""
    code = (
        "from desktop import paths; from desktop.commands import open_workspace; "
        "open_workspace(paths.default_database()).close()"
    )
    subprocess.run([sys.executable, "-c", code], env=_env(home), check=True, capture_output=True, timeout=120)


def _leftovers(home: Path) -> list[str]:
    found = []
    for root, dirs, files in os.walk(home):
        for name in dirs + files:
            if name.startswith(LEFTOVER_MARKS) or name.endswith(".partial"):
                found.append(str(Path(root, name).relative_to(home)))
    return found


def _check(kind: str, base: Base, home: Path, tally: Tally) -> None:
    db = home / "tribunal-desk.sqlite3"
    conn = sqlite3.connect(db)
    try:
        if (
            conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
            or conn.execute("PRAGMA foreign_key_check").fetchall()
        ):
            tally.corrupt.append(f"{kind} {home.name}")
            return
        cases = int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
        if kind == "import" and cases not in (base.cases, base.imported_cases):
            tally.partial.append(f"import {home.name}: {cases} cases")
        if kind == "restore" and cases not in (base.cases, base.restored_cases):
            tally.partial.append(f"restore {home.name}: {cases} cases")
        if kind == "publish":
            batches = conn.execute(
                "SELECT b.id, count(e.id) FROM whitelist_batches b LEFT JOIN whitelist_entries e "
                "ON e.batch_id = b.id GROUP BY b.id"
            ).fetchall()
            if batches and (len(batches) != 1 or batches[0][1] != base.publish_entries):
                tally.partial.append(f"publish {home.name}: {batches}")
    finally:
        conn.close()
    if kind == "backup":
        from desktop.store.backup import BackupError, verify_backup

        for path in (home / "backups").glob("*.tdbak"):
            try:
                verify_backup(path, None)
            except BackupError as exc:
                tally.partial.append(f"backup {path.name}: {exc}")
    tally.leftovers += [f"{kind} {home.name}: {p}" for p in _leftovers(home)]


def kill_runs(
    base: Base, folder: Path, per_kind: int, seed: int = 18, took: dict[str, float] | None = None
) -> Tally:
    """``per_kind`` kills of each kind at random moments of its run; every result checked after the next
    open."""
    rng = random.Random(seed)
    script = folder / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    took = took or time_runs(base, folder)
    tally = Tally()
    for n in range(per_kind):
        for kind in KINDS:
            home = _copy(base, folder / f"{kind}-{n}")
            delay = rng.uniform(0, took[kind] * 1.1)
            done, errors, _took = _run(script, kind, home, delay)
            if "Traceback" in errors:
                tally.child_errors.append(f"{kind} {n}: {errors[-2000:]}")
            tally.kills[kind] = tally.kills.get(kind, 0) + 1
            if done:
                tally.finished[kind] = tally.finished.get(kind, 0) + 1
            _next_open(home)
            _check(kind, base, home, tally)
            shutil.rmtree(home, ignore_errors=True)
    return tally
