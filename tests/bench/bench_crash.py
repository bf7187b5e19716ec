"""Benchmark: kill import, backup, restore and publish at random moments (run on purpose, not by pytest).

    python tests/bench/bench_crash.py [--kills 200] [--cases 1500] [--seed 18]

Prepares a data folder (demo database with checked and consenting debtors, a case list, a backup to
restore), times each operation uncrashed, then for --kills kills in all (a quarter per kind) copies the
folder, starts the operation in a child process, SIGKILLs it at a random moment of its run, opens the
database as the next start does and checks it. Prints the kills per kind (and how many had finished
before the kill), corrupt databases, partial results and leftovers: all three must be 0.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--cases", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()

    from tests.crash_harness import KINDS, kill_runs, prepare, time_runs

    folder = Path(tempfile.mkdtemp(prefix="bench-crash-"))
    started = time.perf_counter()
    base = prepare(folder / "base", cases=args.cases, import_rows=args.cases)
    took = time_runs(base, folder)
    print("uncrashed: " + ", ".join(f"{k} {v:.2f} s" for k, v in took.items()))
    per_kind = max(1, -(-args.kills // len(KINDS)))
    tally = kill_runs(base, folder, per_kind, seed=args.seed, took=took)
    total = sum(tally.kills.values())
    print(f"{total} kills in {time.perf_counter() - started:.0f} s:")
    for kind in KINDS:
        print(f"  {kind}: {tally.kills.get(kind, 0)} kills ({tally.finished.get(kind, 0)} had finished)")
    print(f"corrupt: {len(tally.corrupt)}")
    print(f"partial: {len(tally.partial)}")
    print(f"leftovers: {len(tally.leftovers)}")
    print(f"tracebacks in the children: {len(tally.child_errors)}")
    for line in (tally.corrupt + tally.partial + tally.leftovers + tally.child_errors)[:10]:
        print("  " + line)


if __name__ == "__main__":
    main()
