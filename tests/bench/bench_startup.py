"""Benchmark: start-up, from process start to the first painted main window (run on purpose, not by pytest).

    python tests/bench/bench_startup.py [--db PATH] [--pairs 7] [--importtime]

Each pair starts two whole processes one after the other, offscreen: the program on the database
(``python -m desktop --db PATH``, the 3,000-case demo generated in a temporary folder without --db) and a
bare PySide6 window (QApplication + QMainWindow with an empty QTableView, the same size). Both note the
time when their window has first painted (a paint event, then the next turn of the event loop, when the
paint has been flushed) and exit at once; the program does so through ``TRIBUNAL_DESK_STARTUP_PROBE``
(desktop/gui/app.py). Start-up = that time minus the moment just before the process was spawned.

Prints each pair, both medians, the ratio (target, issue 23: ≤ 2.0) and each process's peak memory
(``os.wait4``'s ru_maxrss of that child). With --importtime, one more run of the program under
``python -X importtime`` prints what is imported before the first paint, the slowest modules first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE = (1440, 860)
HEAVY = {
    "reportlab",
    "openpyxl",
    "cryptography",
    "sqlite_utils",
}  # the main window's preferred size (desktop/gui/main_window.py)


def bare_window(target: str) -> None:
    """The baseline: the least a PySide6 program with a table shows, painted the same way."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setCentralWidget(QTableView(window))
    window.resize(*SIZE)

    def report() -> None:
        Path(target).write_text(json.dumps({"painted": time.time(), "modules": sorted(sys.modules)}))
        os._exit(0)

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                QTimer.singleShot(0, report)
            return False

    probe = FirstPaint(window)
    window.installEventFilter(probe)
    window.show()
    app.exec()


def environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["TRIBUNAL_DESK_HOME"] = str(home)  # the program's settings and log, not the user's
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    # compiled modules cached as an installed program has them (pip and PyInstaller ship .pyc files), in a
    # folder of the benchmark's own, for both processes alike: a shell with PYTHONDONTWRITEBYTECODE would
    # otherwise compile every module of the program on every start
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home.parent / "pycache")
    return env


def timed(command: list[str], env: dict[str, str], out: Path) -> tuple[float, float, float, list[str]]:
    """(seconds from spawn to first paint, CPU seconds used by then, peak RSS in MB, modules loaded by then)
    of one process."""
    out.unlink(missing_ok=True)
    env = {**env, "TRIBUNAL_DESK_STARTUP_PROBE": str(out)}
    started = time.time()
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"{command} failed ({proc.returncode}):\n{err.decode(errors='replace')}")
    result = json.loads(out.read_text("utf-8"))
    cpu = usage.ru_utime + usage.ru_stime  # it exits right after the paint: its CPU time up to it
    return result["painted"] - started, cpu, usage.ru_maxrss / 1024, result["modules"]


def import_table(app: list[str], env: dict[str, str], out: Path, limit: int) -> None:
    """``-X importtime`` of one start of the program up to its first paint: the slowest, cumulative."""
    out.unlink(missing_ok=True)
    env = {**env, "TRIBUNAL_DESK_STARTUP_PROBE": str(out)}
    proc = subprocess.run(
        [app[0], "-X", "importtime", *app[1:]], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    rows: list[tuple[int, int, str]] = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        rows.append((int(cumulative), int(own), name))
    total = sum(own for _c, own, _n in rows)
    print(f"\nimports before the first paint: {len(rows)} modules, {total / 1000:.0f} ms own time in all")
    print(f"{'cumulative ms':>14} {'own ms':>7}  module")
    for cumulative, own, name in sorted(rows, reverse=True)[:limit]:
        print(f"{cumulative / 1000:14.1f} {own / 1000:7.1f}  {name}")
    ours = sorted((r for r in rows if r[2].strip().startswith("desktop")), key=lambda r: -r[1])
    print(f"\nthe program's own modules before the first paint ({len(ours)}), by own time:")
    for cumulative, own, name in ours:
        print(f"{cumulative / 1000:14.1f} {own / 1000:7.1f}  {name.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="the database to open (default: a 3,000-case demo)")
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--importtime", action="store_true", help="also print the import-time table")
    parser.add_argument("--top", type=int, default=30, help="rows of the import-time table")
    parser.add_argument("--bare", metavar="OUT", help=argparse.SUPPRESS)  # the baseline's own process
    args = parser.parse_args()
    if args.bare:
        bare_window(args.bare)
        return

    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = environment(work / "home")
    (work / "home").mkdir()
    db = args.db
    if db is None:
        db = work / "demo.sqlite3"
        subprocess.run(
            [sys.executable, "-m", "desktop", "demo", str(db), "--cases", "3000", "--seed", "11"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    app = [sys.executable, "-m", "desktop", "--db", str(db)]
    bare = [sys.executable, str(Path(__file__).resolve()), "--bare", "OUT"]
    # one unmeasured start of each: the OS's file cache warm for both
    timed(app, env, work / "app.json")
    timed([*bare[:-1], str(work / "bare.json")], env, work / "bare.json")
    app_times: list[float] = []
    bare_times: list[float] = []
    app_cpu: list[float] = []
    bare_cpu: list[float] = []
    app_rss: list[float] = []
    bare_rss: list[float] = []
    print(f"database: {db}\n{'pair':>4} {'program s':>10} {'bare s':>8} {'ratio':>6}   CPU s: program, bare")
    for i in range(args.pairs):
        a, a_cpu, a_mb, modules = timed(app, env, work / "app.json")
        b, b_cpu, b_mb, _m = timed([*bare[:-1], str(work / "bare.json")], env, work / "bare.json")
        app_cpu.append(a_cpu)
        bare_cpu.append(b_cpu)
        app_times.append(a)
        bare_times.append(b)
        app_rss.append(a_mb)
        bare_rss.append(b_mb)
        print(f"{i + 1:>4} {a:10.3f} {b:8.3f} {a / b:6.2f}   {a_cpu:.3f} {b_cpu:.3f}", flush=True)
    a_med, b_med = statistics.median(app_times), statistics.median(bare_times)
    print(f"\nmedian start-up to the first painted window over {args.pairs} pairs:")
    print(f"  program      {a_med:.3f} s   peak RSS {statistics.median(app_rss):.0f} MB")
    print(f"  bare window  {b_med:.3f} s   peak RSS {statistics.median(bare_rss):.0f} MB")
    print(f"  ratio        {a_med / b_med:.2f}×   (target ≤ 2.0)")
    # CPU time is less at the mercy of other processes on a shared machine than the time on the clock
    a_c, b_c = statistics.median(app_cpu), statistics.median(bare_cpu)
    print(f"  CPU time     program {a_c:.3f} s, bare {b_c:.3f} s, ratio {a_c / b_c:.2f}×")
    heavy = [
        m for m in modules if m.split(".")[0] in {"reportlab", "openpyxl", "cryptography", "sqlite_utils"}
    ]
    print(f"  heavy modules loaded before the first paint: {', '.join(sorted(heavy)) or 'none'}")
    if args.importtime:
        import_table(app, env, work / "app.json", args.top)


if __name__ == "__main__":
    main()
