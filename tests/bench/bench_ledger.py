"""Benchmark: the ledger over a large database (run on purpose, not by pytest).

    python tests/bench/bench_ledger.py [--db demo.sqlite3] [--cases 1000000]

Without --db it generates a demo database of --cases cases in a temporary folder first. Prints:
time from opening the ledger to its first painted rows, the time of 3+ character searches (count plus
the first screen of rows, as the view asks for them), and the process's peak memory.
Targets (issue 2): first rows < 150 ms, search < 100 ms, process < 250 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--searches", type=int, default=30)
    args = parser.parse_args()

    db_path = args.db
    if db_path is None:
        from desktop.services.demo import generate

        db_path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        started = time.perf_counter()
        generate(db_path, cases=args.cases)
        print(f"generated {args.cases:,} cases in {time.perf_counter() - started:.1f} s")

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from desktop.gui.app import application
    from desktop.services.workspace import Workspace

    app = application()
    print(f"memory after Qt start: {rss_mb():.0f} MB")

    class FirstPaint(QObject):
        at: float | None = None

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and self.at is None:
                self.at = time.perf_counter()
            return False

    # Modules are imported at program start (the main window imports them); the figure below is what
    # opening the ledger on this database costs: open and check the file, query, build, show, paint.
    import desktop.gui.main_window  # noqa: F401
    from desktop.gui.ledger_page import LedgerPage

    started = time.perf_counter()
    workspace = Workspace.open(db_path)
    opened = time.perf_counter()
    page = LedgerPage(workspace)
    built = time.perf_counter()
    spy = FirstPaint()
    page.table.viewport().installEventFilter(spy)
    page.resize(1400, 800)
    page.show()
    while spy.at is None:
        app.processEvents()
    rows = page.model.rowCount()
    print(
        f"ledger: {rows:,} cases, first rows painted {1000 * (spy.at - started):.0f} ms after opening "
        f"(database {1000 * (opened - started):.0f} ms, "
        f"page and first query {1000 * (built - opened):.0f} ms, "
        f"show and paint {1000 * (spy.at - built):.0f} ms)"
    )

    # Search terms a clerk types: party names, company fragments, case number fragments.
    rnd = random.Random(7)
    names = [
        r[0]
        for r in workspace.db.execute(
            "SELECT name FROM parties WHERE id IN "
            "(SELECT abs(random()) % (SELECT max(id) FROM parties) FROM parties LIMIT 200)"
        )
    ]
    terms = [n[:3] for n in names if len(n) >= 3][: args.searches // 2]
    terms += [f"民初{rnd.randint(100, 999)}" for _ in range(args.searches // 4)]
    terms += ["有限公司", "商贸有限", "2025"]
    short_terms = ["执恢", "张", "民特"]  # 1–2 characters: LIKE fallback, no target
    timings = []
    for term in terms:
        t0 = time.perf_counter()
        page.search.setText(term)
        page.apply_filter()
        count = page.model.rowCount()
        for r in range(min(count, 30)):  # the first screen, as the view asks for it
            page.model.index(r, 0).data()
        app.processEvents()
        ms = 1000 * (time.perf_counter() - t0)
        timings.append(ms)
        print(f"  search {term!r:12} → {count:>8,} cases in {ms:6.1f} ms")
    for term in short_terms:
        t0 = time.perf_counter()
        page.search.setText(term)
        page.apply_filter()
        count = page.model.rowCount()
        for r in range(min(count, 30)):
            page.model.index(r, 0).data()
        print(f"  short search {term!r:6} → {count:>8,} cases in {1000 * (time.perf_counter() - t0):6.1f} ms")
    timings.sort()
    print(
        f"search: median {statistics.median(timings):.1f} ms, "
        f"p90 {timings[int(len(timings) * 0.9) - 1]:.1f} ms, max {timings[-1]:.1f} ms "
        f"over {len(timings)} searches of 3+ characters"
    )
    page.search.clear()
    page.apply_filter()
    sb = page.table.verticalScrollBar()
    t0 = time.perf_counter()
    for frac in (0.25, 0.5, 0.75, 1.0):
        sb.setValue(int(sb.maximum() * frac))
        app.processEvents()
    print(f"scrolling to 25/50/75/100 %: {1000 * (time.perf_counter() - t0):.0f} ms")
    print(f"memory now: {rss_mb():.0f} MB, peak: {peak_mb():.0f} MB (target < 250 MB)")
    QApplication.quit()


if __name__ == "__main__":
    main()
