"""Benchmark of ``tribunal-desk demo``: generate N demo cases into a temporary directory and report.

Run on purpose, not collected by pytest::

    python tests/bench/bench_demo.py                    # 1,000,000 cases
    python tests/bench/bench_demo.py --cases 200000 --search rebuild --serial

Prints wall time, cases per second, the file size, peak memory (this process and the generator
process), CPU time, the time of each phase, and the load average before the run (other programs
running on the machine slow every figure down; look at it before comparing runs).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.services.demo import generate


def _peak_rss_mib() -> tuple[float | None, float | None]:
    """Peak resident memory of this process and of its finished children, in MiB (None where unknown)."""
    try:
        import resource
    except ImportError:  # Windows
        return None, None
    scale = 1 / 1024 / 1024 if sys.platform == "darwin" else 1 / 1024  # bytes on macOS, KiB elsewhere
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return own, children or None


def _cpu_seconds() -> tuple[float, float]:
    """CPU time (user + system) of this process and of its finished children."""
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


def _fmt_mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--search", choices=("batch", "rebuild", "triggers"), default="batch")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--serial", action="store_true", help="generate in this process")
    mode.add_argument("--parallel", action="store_true", help="generate in a second process")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: a temp directory)")
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its path)")
    args = parser.parse_args(argv)
    parallel = True if args.parallel else False if args.serial else None

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"cases {args.cases:,}  seed {args.seed}  search {args.search}  "
          f"parallel {'auto' if parallel is None else parallel}  CPUs {os.cpu_count()}")  # fmt: skip
    if load is not None:
        print(f"load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

    directory = tempfile.mkdtemp(prefix="bench-demo-", dir=args.dir)
    path = Path(directory) / "demo.sqlite3"
    reported = [0.0]
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - reported[0] >= 10 or done == total:
            reported[0] = now
            print(f"  {done:>10,} / {total:,}  {now - started:6.1f} s", flush=True)

    try:
        summary = generate(
            path, args.cases, args.seed, progress, args.today, parallel=parallel, search=args.search
        )
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(directory).iterdir())
        own_rss, child_rss = _peak_rss_mib()
        own_cpu, child_cpu = _cpu_seconds()
        print("\n".join(summary.lines()))
        print(f"wall time        {wall:8.1f} s")
        print(f"cases per second {args.cases / wall:10,.0f}")
        print(f"file size        {size / 1024 / 1024:8,.0f} MiB ({size:,} bytes, WAL and SHM included)")
        print(
            f"peak RSS         {_fmt_mib(own_rss)} (this process), {_fmt_mib(child_rss)} (generator process)"
        )
        print(f"CPU time         {own_cpu:8.1f} s (this process), {child_cpu:.1f} s (generator process)")
        phases = "  ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.timings.items())
        print(f"phases           {phases}")
        if args.keep:
            print(f"kept: {path}")
    finally:
        if not args.keep:
            for p in Path(directory).iterdir():
                p.unlink()
            os.rmdir(directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
