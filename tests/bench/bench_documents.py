"""Benchmark: rendering notices (run on purpose, not by pytest).

    python tests/bench/bench_documents.py [--cases 3000 20000] [--batch 500] [--form rights_notice]

For each database size (a demo database generated in a temporary folder) it prints:
* a bare reportlab page: 22 lines × 28 characters in the same embedded TrueType font, straight to
  PDF bytes — the floor under any notice;
* one notice from case to PDF bytes (prefill, check, fill, lay out once, write the PDF), and the
  layout alone; the same including registration;
* a batch of --batch notices registered and printed into one PDF;
then the batch times side by side. Targets (issues 4 and 19): one notice < 150 ms after the first;
500 notices < 30 s; the batch of 500 costs the same at 20,000 cases as at 3,000 (±20 %).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TODAY = date(2025, 6, 13)


def bare_reportlab_page_ms(repeat: int = 30) -> float:
    """Median ms for one page of 22 × 28 characters with reportlab and the body font, no layout."""
    from reportlab.pdfgen.canvas import Canvas

    from desktop.documents.fonts import BODY, default_fonts

    font = default_fonts().primary(BODY).face.font()
    line = "逾期仍不履行的权利人可以依法申请强制执行人民法院可以依法采取限"[:28]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(595.2756, 841.8898), invariant=1, pageCompression=1)
        canvas.setFont(font.fontName, 16)
        for k in range(22):
            canvas.drawString(79.37, 841.89 - 104.88 - 16 - k * 28.99, line)
        canvas.showPage()
        canvas.save()
        buffer.getvalue()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def run(cases: int, batch: int, form: str) -> dict[str, float]:
    from desktop.documents.render import layout_document
    from desktop.services.demo import generate
    from desktop.services.documents import DocumentService
    from desktop.services.workspace import Workspace

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.sqlite3"
        t = time.perf_counter()
        generate(path, cases=cases, seed=11, today=TODAY)
        print(f"\n== {cases:,} cases (demo database in {time.perf_counter() - t:.1f} s)")
        ws = Workspace.open(path, actor="bench")
        ws.today = lambda: TODAY
        service = DocumentService(ws)

        need = batch + 61
        t = time.perf_counter()
        ids = service.candidates(form, limit=need)
        print(f"eligible cases for {form}: {len(ids)} found in {time.perf_counter() - t:.2f} s")
        if len(ids) < need:
            raise SystemExit("not enough eligible cases: raise --cases or lower --batch")

        def one(case_id: int) -> bytes:
            draft = service.start(form, case_id)
            values, errors = service.check(draft.form, draft.answers)
            assert not errors, errors
            return service.pdf([service.preview(draft.form, values)])

        t = time.perf_counter()
        data = one(ids[0])
        first = (time.perf_counter() - t) * 1000
        times, layouts = [], []
        for case_id in ids[1:31]:
            t = time.perf_counter()
            one(case_id)
            times.append((time.perf_counter() - t) * 1000)
            draft = service.start(form, case_id)
            values, _errors = service.check(draft.form, draft.answers)
            doc = service.preview(draft.form, values)
            t = time.perf_counter()
            layout_document(doc, service.fonts)
            layouts.append((time.perf_counter() - t) * 1000)
        out["notice"] = statistics.median(times)
        out["layout"] = statistics.median(layouts)
        print(f"first notice (fonts and forms loaded): {first:.0f} ms, {len(data):,} bytes")
        print(
            f"per notice, case to PDF bytes: median {out['notice']:.1f} ms, max {max(times):.1f} ms"
            f" (target < 150 ms); of which layout (once): median {out['layout']:.1f} ms"
        )
        issued_times = []
        for case_id in ids[31:61]:
            t = time.perf_counter()
            issued = service.issue(form, case_id, service.start(form, case_id).answers)
            service.pdf([issued])
            issued_times.append((time.perf_counter() - t) * 1000)
        out["issued"] = statistics.median(issued_times)
        print(f"per notice issued (numbered, snapshot, audit) and printed: median {out['issued']:.1f} ms")

        batch_ids = ids[61 : 61 + batch]
        t, cpu = time.perf_counter(), time.process_time()
        result = service.issue_batch(form, batch_ids)
        out["batch"] = time.perf_counter() - t
        out["batch_cpu"] = time.process_time() - cpu
        print(
            f"batch: {len(result.issued)} notices registered and printed into one PDF "
            f"({len(result.pdf) / 1e6:.1f} MB) in {out['batch']:.1f} s, {out['batch_cpu']:.1f} s of CPU"
            f" (target < 30 s); refused {len(result.refused)}"
        )
        ws.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, nargs="+", default=[3000, 20000])
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--form", default="rights_notice")
    args = parser.parse_args()

    bare = bare_reportlab_page_ms()
    print(f"bare reportlab page, 22 × 28 characters, same font: median {bare:.1f} ms")
    results = {n: run(n, args.batch, args.form) for n in args.cases}

    print("\n== side by side")
    head = ("cases", "notice ms", "layout ms", "bare page ms", "batch s", "batch CPU s")
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, (8, 10, 10, 13, 8, 12), strict=True)))
    for n, r in results.items():
        print(
            f"{n:>8,} {r['notice']:>10.1f} {r['layout']:>10.1f} {bare:>13.1f} {r['batch']:>8.1f}"
            f" {r['batch_cpu']:>12.1f}"
        )
    if len(results) > 1:
        small, large = results[min(results)], results[max(results)]
        # CPU time is the fairer comparison on a shared machine (wall time includes waiting for a core).
        for key, what in (("batch", "wall"), ("batch_cpu", "CPU")):
            ratio = large[key] / small[key]
            verdict = "within" if abs(ratio - 1) <= 0.2 else "OUTSIDE"
            sizes = f"{max(results):,} / at {min(results):,} cases"
            print(f"batch {what} time at {sizes}: {ratio:.2f} ({verdict} ±20 %)")


if __name__ == "__main__":
    main()
