"""Benchmark: rendering notices (run on purpose, not by pytest).

    python tests/bench/bench_documents.py [--cases 3000 20000] [--batch 500] [--form rights_notice]

For each database size (a demo database generated in a temporary folder) it prints:
* a bare reportlab page: 22 lines × 28 characters in the same embedded TrueType font, straight to
  PDF bytes — the floor under any notice;
* one notice from case to PDF bytes (prefill, check, fill, lay out once, write the PDF), and the
  layout alone; the same including registration;
then --repeat rounds of a batch of --batch notices registered and printed into one PDF, the sizes
interleaved (order flipped each round), each on a fresh copy of its demo database; and side by side the
medians, the time per notice in the batch and the ratio of the batch at the largest size to the smallest
(of the medians, and of each round's pair). The machine may be shared: medians, CPU time beside wall.
Targets (issues 4 and 19): one notice < 150 ms after the first;
500 notices < 30 s; the batch of 500 costs the same at 20,000 cases as at 3,000 (±20 %).
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

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


def _service(path: Path) -> tuple[Any, Any]:
    from desktop.services.documents import DocumentService
    from desktop.services.workspace import Workspace

    ws = Workspace.open(path, actor="bench")
    ws.today = lambda: TODAY
    return ws, DocumentService(ws)


def per_notice(path: Path, batch: int, form: str) -> dict[str, float]:
    """Per-notice figures on a private copy of the demo at ``path``; the batch's cases are left alone."""
    from desktop.documents.render import layout_document

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "demo.sqlite3"
        shutil.copyfile(path, copy)
        ws, service = _service(copy)
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
            return bytes(service.pdf([service.preview(draft.form, values)]))

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
        ws.close()
    return out


def batch_once(path: Path, batch: int, form: str) -> tuple[float, float]:
    """(wall s, CPU s) of one batch of ``batch`` notices, registered and printed into one PDF, on a fresh
    copy of the demo at ``path`` (every run issues the same cases into an empty register)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "demo.sqlite3"
        shutil.copyfile(path, copy)
        ws, service = _service(copy)
        try:
            batch_ids = service.candidates(form, limit=batch + 61)[61 : 61 + batch]
            t, cpu = time.perf_counter(), time.process_time()
            result = service.issue_batch(form, batch_ids)
            wall, cpu_s = time.perf_counter() - t, time.process_time() - cpu
            assert len(result.issued) == len(batch_ids) and not result.refused, result.refused
        finally:
            ws.close()
    return wall, cpu_s


def main() -> None:
    from desktop.services.demo import generate

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, nargs="+", default=[3000, 20000])
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--form", default="rights_notice")
    parser.add_argument("--repeat", type=int, default=5, help="batches per size, interleaved (median)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        paths: dict[int, Path] = {}
        for n in args.cases:
            paths[n] = Path(tmp) / f"demo-{n}.sqlite3"
            t = time.perf_counter()
            generate(paths[n], cases=n, seed=11, today=TODAY)
            print(f"demo database of {n:,} cases in {time.perf_counter() - t:.1f} s")

        bares: list[float] = []
        notices: dict[int, dict[str, float]] = {}
        for n in args.cases:
            print(f"\n== {n:,} cases")
            bares.append(bare_reportlab_page_ms())
            notices[n] = per_notice(paths[n], args.batch, args.form)
        bare = statistics.median(bares)
        print(f"\nbare reportlab page, 22 × 28 characters, same font: median {bare:.1f} ms")

        # The batches of the sizes interleaved (the order flipped each round), so that a neighbour's
        # load on the shared machine falls on both sizes alike; medians over the rounds, and the
        # ratio of each round's pair.
        walls: dict[int, list[float]] = {n: [] for n in args.cases}
        cpus: dict[int, list[float]] = {n: [] for n in args.cases}
        print(f"\n== batches of {args.batch}, {args.repeat} rounds interleaved")
        for k in range(args.repeat):
            order = args.cases if k % 2 == 0 else list(reversed(args.cases))
            for n in order:
                wall, cpu = batch_once(paths[n], args.batch, args.form)
                walls[n].append(wall)
                cpus[n].append(cpu)
                print(f"round {k + 1}: {n:>7,} cases  batch {wall:6.2f} s wall, {cpu:6.2f} s CPU")

    print("\n== side by side (medians; the machine is shared, so single runs vary)")
    head = (
        "cases",
        "notice ms",
        "layout ms",
        "issued ms",
        "bare page ms",
        "batch s",
        "batch CPU s",
        "ms/notice",
    )
    widths = (8, 10, 10, 10, 13, 8, 12, 10)
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for n in args.cases:
        r = notices[n]
        wall, cpu = statistics.median(walls[n]), statistics.median(cpus[n])
        print(
            f"{n:>8,} {r['notice']:>10.1f} {r['layout']:>10.1f} {r['issued']:>10.1f} {bare:>13.1f}"
            f" {wall:>8.2f} {cpu:>12.2f} {wall * 1000 / args.batch:>10.1f}"
        )
    if len(args.cases) > 1:
        small, large = min(args.cases), max(args.cases)
        sizes = f"{large:,} / {small:,} cases"
        for what, series in (("wall", walls), ("CPU", cpus)):
            pairs = [b / a for a, b in zip(series[small], series[large], strict=True)]
            ratio = statistics.median(series[large]) / statistics.median(series[small])
            verdict = "within" if abs(ratio - 1) <= 0.2 else "OUTSIDE"
            print(
                f"batch {what} time at {sizes}: ratio of medians {ratio:.2f} ({verdict} ±20 %);"
                f" per-round ratios {', '.join(f'{p:.2f}' for p in pairs)}"
            )


if __name__ == "__main__":
    main()
