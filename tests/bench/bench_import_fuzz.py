"""Benchmark: 20,000 damaged import files and a set of zip bombs (run on purpose, not by pytest).

    python tests/bench/bench_import_fuzz.py [--cases 20000] [--seed 18] [--no-bombs]

1. Previews --cases mutated XLSX and CSV files (tests/import_fuzz.py: truncation, bit flips, zip members
   swapped, dropped or garbled, stray quotes, NULs, huge cells) against a small ledger and prints how
   each ended: read, refused (by kind of error), tracebacks (must be 0) and writes (must be 0).
2. Builds zip bombs (a sharedStrings part inflating to 540 MB, a sheet with 1 GiB of whitespace, a part
   whose declared size lies, 20,000 members) and previews each in a fresh process, printing the error
   and the process's peak memory (bound: 300 MB).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TODAY_ISO = "2025-06-13"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bomb(parts: dict[str, bytes], name: str, head: bytes, filler: bytes, count: int, tail: bytes) -> bytes:
    """``parts`` as a workbook whose part ``name`` is ``head + filler * count + tail``, written piece by
    piece (no gigabyte string in this process)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for part, content in parts.items():
            if part != name:
                z.writestr(part, content)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 9  # type: ignore[attr-defined]
        with z.open(info, "w", force_zip64=len(filler) * count > 0xFFFF0000) as out:
            out.write(head)
            for _ in range(count):
                out.write(filler)
            out.write(tail)
    return buffer.getvalue()


def _lie_about_size(data: bytes, name: str, size: int = 1000) -> bytes:
    """Declare ``name`` ``size`` bytes long in the central directory (it inflates to far more)."""
    out = bytearray(data)
    at = 0
    while (at := data.find(b"PK\x01\x02", at + 1)) > 0:
        n = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + n] == name.encode():
            out[at + 24 : at + 28] = size.to_bytes(4, "little")
    return bytes(out)


def bombs(good: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sst = b'<?xml version="1.0"?><sst xmlns="' + ns + b'">'
    si = b"<si><t>" + "案".encode() * 1000 + b"</t></si>"  # 3 KB each
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    ws_head, _, ws_tail = parts[sheet].partition(b"<sheetData>")
    ws_head += b"<sheetData>"
    with_table = dict(parts)
    if "xl/sharedStrings.xml" not in parts:  # openpyxl writes inline strings: declare the table
        types = parts["[Content_Types].xml"]
        with_table["[Content_Types].xml"] = types.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    out = {
        "sharedstrings-540MB.xlsx": _bomb(with_table, "xl/sharedStrings.xml", sst, si * 100, 1800, b"</sst>"),
        "whitespace-1GiB.xlsx": _bomb(parts, sheet, ws_head, b" " * (1 << 20), 1024, ws_tail),
        "cell-200MB.xlsx": _bomb(
            parts,
            sheet,
            ws_head + b'<row r="2"><c r="A2" t="inlineStr"><is><t>',
            b"x" * (1 << 20),
            200,
            b"</t></is></c></row>" + ws_tail,
        ),
        "lying-size.xlsx": _lie_about_size(
            _bomb(parts, sheet, ws_head, b" " * (1 << 20), 300, ws_tail), sheet
        ),
    }
    many = dict(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for part, content in many.items():
            z.writestr(part, content)
        for i in range(20_000):
            z.writestr(f"xl/media/x{i}.bin", b"")
    out["20000-members.xlsx"] = buffer.getvalue()
    return out


def preview_in_child(path: Path, db: Path) -> str:
    code = (
        f"import resource, sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from desktop.services import excel\n"
        "from desktop.services.workspace import Workspace\n"
        f"ws = Workspace.open({str(db)!r}, actor='bench')\n"
        "try:\n"
        f"    excel.preview_import(ws, {str(path)!r}); result = 'read'\n"
        "except excel.ExcelError as exc:\n"
        "    result = f'{type(exc).__name__} (exit {exc.exit_code}): {exc}'\n"
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(f'{int(peak) / 1024:.0f} MB peak; {result}')\n"
    )
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - t
    last = (done.stdout.strip().splitlines() or [done.stderr.strip().splitlines()[-1]])[-1]
    return f"{took:5.1f} s  {last}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--no-bombs", action="store_true")
    args = parser.parse_args()

    from datetime import date

    from desktop.services.workspace import Workspace
    from tests.conftest import make_case
    from tests.import_fuzz import run, seed_files

    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="bench-fuzz-", dir=shm if shm.is_dir() else None))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; files in {folder}")
    ws = Workspace.open(folder / "fuzz.sqlite3", actor="bench")
    ws.today = lambda: date.fromisoformat(TODAY_ISO)  # type: ignore[method-assign]
    ws.save_case(make_case())
    ws.save_case(make_case("（2025）黑0902民初124号", cause="=1+1"))
    seeds = seed_files(ws, folder)
    started = time.perf_counter()
    outcome = run(ws, seeds, folder, args.cases, seed=args.seed)
    took = time.perf_counter() - started
    print(f"{outcome.cases:,} mutated files in {took:.1f} s ({outcome.cases / took:,.0f}/s)")
    print(f"  read (still a table after the damage): {outcome.previewed:,}")
    for kind, n in sorted(outcome.refused.items(), key=lambda kv: -kv[1]):
        print(f"  refused, {kind}: {n:,}")
    print(f"  tracebacks: {len(outcome.tracebacks)}")
    print(f"  writes: {outcome.writes}")
    print(f"  peak memory: {peak_mb():.0f} MB")
    for tb in outcome.tracebacks[:3]:
        print(tb)
    ws.close()
    if not args.no_bombs:
        print("zip bombs (each previewed in a fresh process; bound 300 MB):")
        good = seeds["own.xlsx"]
        db = folder / "bombs.sqlite3"
        for name, data in bombs(good).items():
            path = folder / name
            path.write_bytes(data)
            print(f"  {name} ({len(data) / 1e6:.1f} MB): {preview_in_child(path, db)}")
            path.unlink()
    for p in folder.glob("fuzz-*"):
        p.unlink()


if __name__ == "__main__":
    main()
