"""Benchmark: an encrypted, verified backup of the 1,000,000-case demo database against a plain file copy.

    python tests/bench/bench_backup.py [--db demo.sqlite3] [--cases 1000000] [--full-check]

The database: ``--db`` if given; else /tmp/bench1m.sqlite3 when it exists and is complete (1,000,000 cases,
integrity of the header and no rollback journal beside it); else a new demo database is generated in a
temporary folder. The source is only read: it is first copied into the working folder (that copy is the
"plain file copy" measured), and the backup is made of that copy, on the same disk.

Prints the plain copy (``shutil.copyfile``, and the same with ``fsync``), the backup (one committed state of
the database, quick_check and row counts, SHA-256, AES-256-GCM with an scrypt key, written with O_DIRECT,
read back from the device and authenticated while it is written, fsync, rename) with its stages, and the
ratios. Target (issue 6): backup within 3x the plain copy. The copy compared is the one with ``fsync``: a
copy is on the stick only once it is flushed (Windows writes through to removable drives by default, its
"quick removal" policy), whereas ``copyfile`` alone returns when the bytes are in the OS cache — a memory
copy, printed for reference. ``--full-check`` also times a backup that runs the full ``PRAGMA
integrity_check`` whatever the size (the default above 512 MiB is ``quick_check``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SHARED = Path("/tmp/bench1m.sqlite3")


def complete(path: Path, cases: int) -> bool:
    if not path.is_file() or path.with_name(path.name + "-journal").exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0]) == cases
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def drop_from_cache(path: Path) -> None:
    """Make the next read of ``path`` come from the disk (Linux)."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
        os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def timed_copy(src: Path, dst: Path, fsync: bool, cold: bool = False) -> float:
    if cold:
        drop_from_cache(src)
    started = time.perf_counter()
    shutil.copyfile(src, dst)
    if fsync:
        with open(dst, "rb+") as fh:
            os.fsync(fh.fileno())
    return time.perf_counter() - started


def timed_backup(
    db: Path, out: Path, full_check: bool | None, cold: bool = False
) -> tuple[float, dict[str, float], object]:
    from desktop.store.backup import create_backup

    if cold:
        drop_from_cache(db)
    stages: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def progress(stage: str, _fraction: float) -> None:
        now = time.perf_counter()
        if stage != last[1]:
            if last[1]:
                stages[str(last[1])] = stages.get(str(last[1]), 0.0) + now - float(last[0])
            last[0], last[1] = now, stage

    started = time.perf_counter()
    manifest = create_backup(db, out, "bench-password-123", progress=progress, full_check=full_check)
    seconds = time.perf_counter() - started
    stages[str(last[1])] = stages.get(str(last[1]), 0.0) + time.perf_counter() - float(last[0])
    return seconds, stages, manifest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument(
        "--full-check", action="store_true", help="also time a backup with the full integrity_check"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (the median is used)")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="folder on the disk to measure (default: /tmp)"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-backup-", dir=args.workdir))
    try:
        source = args.db
        if source is None and complete(SHARED, args.cases):
            source = SHARED
        if source is None:
            from desktop.services.demo import generate

            source = work / "generated.sqlite3"
            started = time.perf_counter()
            generate(source, cases=args.cases)
            print(f"generated {args.cases:,} cases in {time.perf_counter() - started:.1f} s")
        size = source.stat().st_size
        print(f"database: {source} ({size / (1 << 20):,.0f} MiB)")

        db = work / "live.sqlite3"
        shutil.copyfile(source, db)  # our own copy; also warms the cache the same way for every run below

        def backup(full: bool | None, cold: bool) -> float:
            out = work / "out" / "manual-live-20250613-120000.tdbak"
            seconds, stages, manifest = timed_backup(db, out, full, cold=cold)
            last[:] = [(stages, getattr(manifest, "check", ""), out.stat().st_size)]
            out.unlink()
            return seconds

        last: list[tuple[dict[str, float], str, int]] = []
        for cold in (False, True):
            where = "source on disk, not in the cache" if cold else "source in the OS cache"
            print(f"--- {where}")
            # Interleaved, the order turning each round (the machine is shared): the plain copy and the
            # backup, each the median of its runs.
            runs: dict[str, list[float]] = {"copy": [], "copy_sync": [], "backup": []}
            steps = [
                ("copy", lambda c=cold: timed_copy(db, work / "copy.sqlite3", fsync=False, cold=c)),
                ("copy_sync", lambda c=cold: timed_copy(db, work / "copy.sqlite3", fsync=True, cold=c)),
                ("backup", lambda c=cold: backup(None, c)),
            ]
            for i in range(args.runs):
                for key, step in steps[i % len(steps) :] + steps[: i % len(steps)]:
                    os.sync()  # no write-back of an earlier run in the way of this one
                    runs[key].append(step())
                    (work / "copy.sqlite3").unlink(missing_ok=True)
            copy, copy_sync, seconds = (statistics.median(runs[k]) for k in runs)
            print(f"plain copy (copyfile):          {copy:6.2f} s  (median of {_runs(runs['copy'])})")
            print(
                f"plain copy (copyfile + fsync):  {copy_sync:6.2f} s  (median of {_runs(runs['copy_sync'])})"
            )
            stages, check, size = last[0]
            print(
                f"backup (default check): {seconds:6.2f} s = {seconds / copy_sync:.2f}x "
                f"the plain copy + fsync, target <= 3x ({seconds / copy:.2f}x copyfile into the OS cache; "
                f"median of {_runs(runs['backup'])}; {check}, {size / (1 << 20):,.0f} MiB)"
            )
            for stage, took in stages.items():
                print(f"    last run, {stage}: {took:.2f} s")
            if args.full_check and not cold:
                seconds = backup(True, False)
                print(f"backup (full integrity_check): {seconds:6.2f} s = {seconds / copy_sync:.2f}x")
        print("target: backup within 3x the plain copy + fsync")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
