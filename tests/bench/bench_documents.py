"""Benchmark: rendering notices (run on purpose, not by pytest).

    python tests/bench/bench_documents.py [--cases 20000] [--batch 500]

Generates a demo database in a temporary folder, then prints:
* the first notice (fonts loaded, forms parsed) and the next ones, each from a case to PDF bytes
  (prefill, check, fill, lay out, write the PDF), and the same including registration;
* a batch of --batch notices registered and printed into one PDF.
Targets (issue 4): one notice < 150 ms after the first; 500 notices in one PDF < 30 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TODAY = date(2025, 6, 13)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--form", default="rights_notice")
    args = parser.parse_args()

    from desktop.services.demo import generate
    from desktop.services.documents import DocumentService
    from desktop.services.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.sqlite3"
        t = time.perf_counter()
        generate(path, cases=args.cases, seed=11, today=TODAY)
        print(f"demo database: {args.cases:,} cases in {time.perf_counter() - t:.1f} s")
        ws = Workspace.open(path, actor="bench")
        ws.today = lambda: TODAY
        service = DocumentService(ws)

        t = time.perf_counter()
        ids = service.candidates(args.form, limit=args.batch + 61)
        print(f"eligible cases for {args.form}: {len(ids)} found in {time.perf_counter() - t:.2f} s")
        if len(ids) < args.batch + 61:
            raise SystemExit("not enough eligible cases: raise --cases")

        def one(case_id: int) -> bytes:
            draft = service.start(args.form, case_id)
            values, errors = service.check(draft.form, draft.answers)
            assert not errors, errors
            return service.pdf([service.preview(draft.form, values)])

        t = time.perf_counter()
        data = one(ids[0])
        first = (time.perf_counter() - t) * 1000
        times = []
        for case_id in ids[1:31]:
            t = time.perf_counter()
            one(case_id)
            times.append((time.perf_counter() - t) * 1000)
        print(f"first notice (fonts and forms loaded): {first:.0f} ms, {len(data):,} bytes")
        print(
            f"next 30 notices, case to PDF bytes: median {statistics.median(times):.1f} ms, "
            f"max {max(times):.1f} ms (target < 150 ms)"
        )
        issued_times = []
        for case_id in ids[31:61]:
            t = time.perf_counter()
            issued = service.issue(args.form, case_id, service.start(args.form, case_id).answers)
            service.pdf([issued])
            issued_times.append((time.perf_counter() - t) * 1000)
        print(
            f"30 notices issued (numbered, snapshot, audit) and printed: median "
            f"{statistics.median(issued_times):.1f} ms, max {max(issued_times):.1f} ms"
        )

        batch_ids = ids[61 : 61 + args.batch]
        t = time.perf_counter()
        result = service.issue_batch(args.form, batch_ids)
        elapsed = time.perf_counter() - t
        out = Path(tmp) / "batch.pdf"
        out.write_bytes(result.pdf)
        print(
            f"batch: {len(result.issued)} notices registered and printed into one PDF "
            f"({len(result.pdf) / 1e6:.1f} MB) in {elapsed:.1f} s (target < 30 s); "
            f"refused {len(result.refused)}"
        )
        ws.close()


if __name__ == "__main__":
    main()
