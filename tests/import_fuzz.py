"""Mutated import files for the fuzz test (tests/unit/test_import_fuzz.py) and its bench
(tests/bench/bench_import_fuzz.py): valid XLSX and CSV files, damaged in the ways files get damaged
(truncation, bit flips, swapped, dropped or garbled zip members, stray quotes, NULs, huge cells)."""

from __future__ import annotations

import io
import random
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop.services import excel
from desktop.services.workspace import Workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "excel"


def seed_files(ws: Workspace, folder: Path) -> dict[str, bytes]:
    """Valid files: the own layout (exported from ``ws``), a court-system workbook and two CSVs."""
    export = folder / "台账.xlsx"
    excel.export_ledger(ws, export)
    return {
        "own.xlsx": export.read_bytes(),
        "court.xlsx": (FIXTURES / "court_export.xlsx").read_bytes(),
        "gbk.csv": (FIXTURES / "ledger_gbk.csv").read_bytes(),
        "utf8.csv": (
            "案号,案由,原告,被告,标的额,履行期限\r\n"
            '（2025）黑0902民初1号,"民间借贷纠纷",张三,李四,"1,000.00",2025-06-30\r\n'
            "（2025）黑0902民初2号,买卖合同纠纷,王五,赵六,500,2025-07-01\r\n"
        ).encode("utf-8-sig"),
    }


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def _splice(data: bytes, rng: random.Random) -> bytes:
    i, j = sorted(rng.randrange(len(data) + 1) for _ in range(2))
    junk = rng.choice([b"", b"\x00" * rng.randint(1, 64), bytes(rng.randrange(256) for _ in range(16))])
    return data[:i] + junk + data[j:]


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def _rezip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for info, content in members:
            z.writestr(info.filename, content)
    return buffer.getvalue()


def _swap_members(data: bytes, rng: random.Random) -> bytes:
    members = _members(data)
    a, b = rng.sample(range(len(members)), 2)
    (ia, ca), (ib, cb) = members[a], members[b]
    members[a], members[b] = (ia, cb), (ib, ca)
    return _rezip(members)


def _drop_member(data: bytes, rng: random.Random) -> bytes:
    members = _members(data)
    del members[rng.randrange(len(members))]
    return _rezip(members)


def _garble_member(data: bytes, rng: random.Random) -> bytes:
    """One member's XML damaged (cut, flipped, tags broken) and the archive rebuilt with good CRCs."""
    members = _members(data)
    k = rng.randrange(len(members))
    info, content = members[k]
    how = rng.choice([_truncate, _flip, _splice, lambda d, r: d.replace(b"<", b"<<", 1)])
    members[k] = (info, how(content, rng) if content else b"<")
    return _rezip(members)


def _member_bits(data: bytes, rng: random.Random) -> bytes:
    """Bits flipped inside one member's compressed data (CRC and deflate errors)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = [i for i in z.infolist() if i.compress_size > 0]
    info = rng.choice(infos)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        i = start + rng.randrange(info.compress_size)
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def _csv_damage(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    insert = rng.choice(
        [b'"', b'"' * 3, b"\x00", b"\r", b"\n", b",", b"\t", b"x" * 140_000, b"\xff\xfe", b"'="]
    )
    return data[:i] + insert + data[i:]


XLSX_MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    _flip,
    _truncate,
    _splice,
    _swap_members,
    _drop_member,
    _garble_member,
    _garble_member,
    _member_bits,
]
CSV_MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    _flip,
    _truncate,
    _splice,
    _csv_damage,
    _csv_damage,
]


def mutate(name: str, data: bytes, rng: random.Random) -> bytes:
    mutations = XLSX_MUTATIONS if name.endswith(".xlsx") else CSV_MUTATIONS
    out = data
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if not out:
            break
        try:
            out = rng.choice(mutations)(out, rng)
        except Exception:  # an earlier mutation broke the zip: damage the bytes instead
            out = _flip(out, rng)
    return out


@dataclass
class Outcome:
    cases: int = 0
    previewed: int = 0  # still readable after the damage
    refused: dict[str, int] = field(default_factory=dict)  # ExcelError subclass → count
    tracebacks: list[str] = field(default_factory=list)
    writes: int = 0


def run(ws: Workspace, seeds: dict[str, bytes], folder: Path, cases: int, seed: int = 0) -> Outcome:
    """Preview ``cases`` mutated files; count what happened. A database change is a write."""
    rng = random.Random(seed)
    # CSVs twice as often as workbooks: a workbook costs openpyxl several milliseconds to open
    csvs = sorted(n for n in seeds if not n.endswith(".xlsx"))
    names = [
        n for pair in zip(sorted(n for n in seeds if n.endswith(".xlsx")), csvs, strict=False) for n in pair
    ]
    names += csvs
    outcome = Outcome()
    changes = ws.db.conn.total_changes
    for n in range(cases):
        name = names[n % len(names)]
        path = folder / f"fuzz-{n % 7}{Path(name).suffix}"
        path.write_bytes(mutate(name, seeds[name], rng))
        outcome.cases += 1
        try:
            excel.preview_import(ws, path)
            outcome.previewed += 1
        except excel.ExcelError as exc:
            kind = type(exc).__name__
            outcome.refused[kind] = outcome.refused.get(kind, 0) + 1
        except BaseException:
            outcome.tracebacks.append(f"{name} case {n}:\n{traceback.format_exc()}")
        if ws.db.conn.total_changes != changes:
            outcome.writes += 1
            changes = ws.db.conn.total_changes
    return outcome
