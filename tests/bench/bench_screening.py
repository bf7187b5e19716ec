"""Benchmark: the 审破衔接 screening over a demo database.

    python tests/bench/bench_screening.py [--db PATH] [--cases N]

Without --db it generates a demo database of --cases cases (default 20,000) in a temporary folder first
(the demo's screening examples included). Prints the time of the flagged list (the 审破衔接 page and
``tribunal-desk screening``) and of the per-case facts the 申请破产审查告知书 wizard reads.
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
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--cases", type=int, default=20_000)
    args = parser.parse_args()
    from desktop.services.demo import generate
    from desktop.services.screening import Screening
    from desktop.services.workspace import Workspace
    from desktop.store.screening import case_findings

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db
        if path is None:
            path = Path(tmp) / "demo.sqlite3"
            mark = time.perf_counter()
            summary = generate(path, cases=args.cases, seed=1, board=False)
            print(f"demo {args.cases:,} cases: {time.perf_counter() - mark:.1f} s "
                  f"(screening examples {summary.timings.get('screening', 0):.2f} s)")  # fmt: skip
        ws = Workspace.open(path, actor="bench")
        try:
            mark = time.perf_counter()
            flagged = Screening(ws).flagged()
            print(f"flagged list: {len(flagged):,} enterprises in {time.perf_counter() - mark:.2f} s")
            ids = [int(r[0]) for r in ws.db.execute("SELECT id FROM cases ORDER BY id LIMIT 500")]
            mark = time.perf_counter()
            for case_id in ids:
                case_findings(ws.db.conn, case_id)
            per = (time.perf_counter() - mark) / max(len(ids), 1)
            print(f"findings of one case (the wizard's check): {per * 1000:.2f} ms")
        finally:
            ws.close()


if __name__ == "__main__":
    main()
