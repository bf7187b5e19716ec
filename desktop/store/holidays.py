"""The legal calendar's holiday table in the database (tables ``holiday_years`` and ``holidays``).

The product keeps its own table because court PCs are offline: a fresh database is seeded from the
shipped file ``resources/holidays/cn-holidays.json`` the first time the table is read (and gains the
years a newer release's file adds, the years it already covers untouched), and an
administrator imports each new year's file (the product's format or holiday-cn) as a whole: the file is
parsed and checked completely before anything is written, then merged into the table in one audited
transaction. A refused file leaves the table exactly as it was.
"""

from __future__ import annotations

from datetime import date

from desktop.core.calendar import HolidayDay, HolidayKind, HolidayTable, merge, parse_holiday_json
from desktop.store.audit import record
from desktop.store.database import transaction
from desktop.store.engine import Connection, Database

SEED_SOURCE_NOTE = "随软件提供的节假日表"


def is_empty(db: Database) -> bool:
    return bool(db.execute("SELECT count(*) FROM holiday_years").fetchone()[0] == 0)


def load_table(db: Database) -> HolidayTable:
    """The table as stored (empty when nothing was seeded or imported)."""
    years = {int(y): str(s) for y, s in db.execute("SELECT year, source FROM holiday_years ORDER BY year")}
    days = [
        HolidayDay(date.fromisoformat(d), _kind(k), n)
        for d, k, n in db.execute("SELECT day, kind, name FROM holidays ORDER BY day")
    ]
    sources: list[str] = []
    for source in years.values():
        for part in source.split("；"):
            if part and part not in sources:
                sources.append(part)
    return HolidayTable.from_days(days, years, "；".join(sources))


def _kind(value: str) -> HolidayKind:
    return "work" if value == "work" else "rest"


def _write(conn: Connection, table: HolidayTable, incoming_years: frozenset[int], source: str) -> None:
    """Replace the stored table with ``table`` (already merged); ``incoming_years`` get ``source``."""
    old_sources = dict(conn.execute("SELECT year, source FROM holiday_years").fetchall())
    conn.execute("DELETE FROM holidays")
    conn.execute("DELETE FROM holiday_years")
    conn.executemany(
        "INSERT INTO holidays (day, kind, name) VALUES (?, ?, ?)",
        [(e.day.isoformat(), e.kind, e.name) for e in table.entries],
    )
    conn.executemany(
        "INSERT INTO holiday_years (year, source) VALUES (?, ?)",
        [(y, source if y in incoming_years else old_sources.get(y, "")) for y in sorted(table.years)],
    )


def stored_years(db: Database) -> frozenset[int]:
    return frozenset(int(r[0]) for r in db.execute("SELECT year FROM holiday_years"))


def _seed_part(before: HolidayTable, seed: HolidayTable, missing: frozenset[int]) -> HolidayTable:
    """The seed's missing years' days, and the days next to them their holidays reach (元旦 from 12-31)
    unless the table has an entry of its own for them."""
    days = [
        e
        for e in seed.entries
        if e.day.year in missing
        or ({e.day.year - 1, e.day.year + 1} & missing and before.entry(e.day) is None)
    ]
    return HolidayTable.from_days(days, missing, seed.source or SEED_SOURCE_NOTE)


def seeded_table(db: Database, seed: HolidayTable) -> HolidayTable:
    """The table as :func:`seed_missing_years` would leave it, without writing (a read-only database)."""
    before = load_table(db)
    missing = seed.years - stored_years(db)
    return merge(before, _seed_part(before, seed, missing)) if missing else before


def seed_missing_years(db: Database, seed: HolidayTable, actor: str) -> frozenset[int]:
    """Add the years of the shipped seed the table does not cover, and return them: all of them on a
    fresh database, and after an update of the program the years its newer seed knows. A year the
    table already covers, seeded or imported by an administrator, is left exactly as it is."""
    with transaction(db) as conn:
        missing = seed.years - stored_years(db)  # read again inside: another program may have seeded
        if not missing:
            return frozenset()
        before = load_table(db)
        part = _seed_part(before, seed, missing)
        _write(conn, merge(before, part), missing, part.source)
        record(
            conn, actor, "holidays.seed", "holidays", None, "",
            {"years": sorted(missing), "days": len(part.entries), "source": seed.source},
        )  # fmt: skip
    return missing


def import_file(db: Database, text: str, actor: str, file_name: str = "") -> HolidayTable:
    """Import a holiday file as a whole and return the new table.

    The file is parsed and validated first (``ValidationError`` naming the line and the reason: nothing is
    written); its years then replace the stored ones and its other dates override single days
    (:func:`desktop.core.calendar.merge`), in one transaction, audited.
    """
    incoming = parse_holiday_json(text)
    source = incoming.source or file_name or "导入的节假日文件"
    with transaction(db) as conn:
        before = load_table(db)
        merged = merge(before, incoming)
        _write(conn, merged, incoming.years, source)
        record(
            conn, actor, "holidays.import", "holidays", None, "",
            {
                "file": file_name,
                "years": sorted(incoming.years),
                "days": len(incoming.entries),
                "source": source,
                "replaced_days": len([e for e in before.entries if e.day.year in incoming.years]),
            },
        )  # fmt: skip
    return load_table(db)
