"""Benchmark: the 统计 figures over the 1,000,000-case demo database.

    python tests/bench/bench_statistics.py [--db /tmp/bench1m.sqlite3] [--cases N]

Without --db (and no complete /tmp/bench1m.sqlite3) it generates a demo database of --cases cases in a
temporary folder first. Prints the time and memory of reading the ledger into tallies (each query, then
the whole on one read-only connection, twice), and of a report once the tallies are read (what choosing
another period costs on the page), with the report itself.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SHARED = Path("/tmp/bench1m.sqlite3")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args()
    from desktop.core import statistics as stats
    from desktop.services.statistics import _QUERIES, load_tallies

    db = args.db or (SHARED if SHARED.exists() else None)
    if db is None:
        from desktop.services.demo import generate

        db = Path(tempfile.mkdtemp(prefix="bench-stats-")) / "demo.sqlite3"
        started = time.perf_counter()
        generate(db, cases=args.cases)
        print(f"generated {args.cases:,} cases in {time.perf_counter() - started:.1f} s")
    conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    print(f"database {db}: {conn.execute('SELECT count(*) FROM cases').fetchone()[0]:,} cases")
    for metrics, sql in _QUERIES:
        started = time.perf_counter()
        rows = len(conn.execute(sql).fetchall())
        took = time.perf_counter() - started
        print(f"  {'/'.join(m.value for m in metrics)}: {rows:,} rows in {took:.2f} s")
    for attempt in (1, 2):
        started = time.perf_counter()
        tallies = load_tallies(conn)
        print(f"tallies read (run {attempt}): {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    periods = [p for _label, p in stats.recent_periods(date.today(), years=3)]
    for period in periods:
        stats.report(tallies, period)
    print(f"{len(periods)} reports from the tallies: {(time.perf_counter() - started) * 1000:.1f} ms in all")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print()
    print(stats.report_text(stats.report(tallies, periods[1])))


if __name__ == "__main__":
    main()
