"""The store: migrations, round trips, one transaction per write, audit, the ledger queries."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from desktop.core.model import Contact, ContactMethod, Installment, Payment, PaymentMethod
from desktop.services.workspace import CaseInvalid, Workspace
from desktop.store import audit
from desktop.store import cases as store
from desktop.store.database import (
    DatabaseTooNew,
    StoreError,
    migrate,
    migrations,
    open_database,
    schema_version,
)
from tests.conftest import TODAY, make_case


def tables(db_file: Path) -> set[str]:
    conn = sqlite3.connect(db_file)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def test_fresh_database_is_migrated_with_wal_and_foreign_keys(db_path: Path) -> None:
    db = open_database(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    db.conn.close()
    assert {
        "cases",
        "parties",
        "obligations",
        "installments",
        "payments",
        "contacts",
        "documents",
        "audit_log",
        "settings",
        "handlers",
        "holidays",
    } <= tables(db_path)


def test_migrations_are_numbered_upwards_from_one() -> None:
    versions = [m.version for m in migrations()]
    assert versions[0] == 1 and versions == sorted(set(versions)) and schema_version() == versions[-1]


def test_database_newer_than_the_program_is_refused(db_path: Path) -> None:
    open_database(db_path).conn.close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    conn.close()
    with pytest.raises(DatabaseTooNew, match="较新版本"):
        open_database(db_path)


def test_failed_migration_leaves_database_as_it_was_and_copies_it_first(
    tmp_path: Path, db_path: Path
) -> None:
    open_database(db_path).conn.close()
    mig = tmp_path / "migrations"
    mig.mkdir()
    for m in migrations():
        (mig / m.path.name).write_text(m.sql(), encoding="utf-8")
    bad = mig / f"{schema_version() + 1:04d}_broken.sql"
    bad.write_text(
        "CREATE TABLE extra (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n", encoding="utf-8"
    )
    conn = sqlite3.connect(db_path, isolation_level=None)
    with pytest.raises(StoreError, match="已保持原状"):
        migrate(conn, db_path, mig)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
    conn.close()
    copies = list(tmp_path.glob("test.before-v*.sqlite3"))
    assert len(copies) == 1 and "cases" in tables(copies[0])


def test_last_contact_mark_is_backfilled_by_the_migration_and_kept_by_every_write(
    tmp_path: Path, db_path: Path
) -> None:
    """cases.last_contact_at (db/0005) is the newest contacts.at of the case, whoever writes contacts."""
    older = tmp_path / "older"
    older.mkdir()
    for m in migrations():
        if m.version < 5:
            (older / m.path.name).write_text(m.sql(), encoding="utf-8")
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(conn, None, older)
    now = "2026-01-01T00:00:00+08:00"
    for cid in (1, 2):
        conn.execute(
            "INSERT INTO cases (id, case_number, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (cid, f"（2026）测{cid}号", now, now),
        )
    conn.executemany(
        "INSERT INTO contacts (case_id, at, method, by) VALUES (?, ?, '电话', 't')",
        [
            (1, "2026-03-01T09:00:00+08:00"),
            (1, "2026-05-01T09:00:00+08:00"),
            (1, "2026-04-01T09:00:00+08:00"),
        ],
    )
    migrate(conn, None)
    marks = dict(conn.execute("SELECT id, last_contact_at FROM cases").fetchall())
    assert marks == {1: "2026-05-01T09:00:00+08:00", 2: None}

    def mark(cid: int) -> str | None:
        return conn.execute("SELECT last_contact_at FROM cases WHERE id = ?", (cid,)).fetchone()[0]

    conn.execute("INSERT INTO contacts (case_id, at, method, by) VALUES (2, '2026-02-01T09:00', '短信', 't')")
    conn.execute("INSERT INTO contacts (case_id, at, method, by) VALUES (2, '2026-01-15T09:00', '短信', 't')")
    assert mark(2) == "2026-02-01T09:00"  # an older contact does not move it back
    conn.execute("UPDATE contacts SET case_id = 2 WHERE at = '2026-05-01T09:00:00+08:00'")
    assert (mark(1), mark(2)) == ("2026-04-01T09:00:00+08:00", "2026-05-01T09:00:00+08:00")
    conn.execute("DELETE FROM contacts WHERE case_id = 2")
    assert mark(2) is None
    conn.close()


def test_garbage_file_is_refused_with_a_message(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"损坏|不是本程序"):
        open_database(junk)


def test_case_round_trip_keeps_every_field(workspace: Workspace) -> None:
    saved = workspace.save_case(make_case())
    assert saved.id is not None and saved.version == 1
    loaded = workspace.load_case(saved.id)
    assert loaded == saved
    assert loaded.obligations[0].installments[1].amount_fen == 6_000_000
    assert loaded.parties[1].uscc == "91230902MA1C2D3EXP"


def test_enforcement_dates_round_trip(workspace: Workspace) -> None:
    case = make_case(
        "（2025）黑0902执45号",
        filing_date=date(2025, 5, 20),
        judgment_date=date(2024, 12, 2),
        effective_date=None,
        enforcement_filing_date=date(2025, 5, 20),
        enforcement_notice_date=date(2025, 5, 26),
    )
    saved = workspace.save_case(case)
    assert saved.id is not None
    loaded = workspace.load_case(saved.id)
    assert (loaded.judgment_date, loaded.enforcement_filing_date, loaded.enforcement_notice_date) == (
        date(2024, 12, 2),
        date(2025, 5, 20),
        date(2025, 5, 26),
    )


def test_update_keeps_child_ids_and_bumps_version(workspace: Workspace) -> None:
    saved = workspace.save_case(make_case())
    changed = replace(
        saved,
        cause="买卖合同纠纷",
        payments=(*saved.payments, Payment(date(2025, 6, 10), 6_000_000, PaymentMethod.IN_COURT)),
    )
    again = workspace.save_case(changed)
    assert again.version == 2
    assert [p.id for p in again.parties] == [p.id for p in saved.parties]
    assert again.payments[0].id == saved.payments[0].id
    row = workspace.db.execute("SELECT due_fen, paid_fen, next_due_date FROM cases").fetchone()
    assert row == (10_000_000, 10_000_000, None)


def test_stale_edit_is_refused(workspace: Workspace) -> None:
    saved = workspace.save_case(make_case())
    workspace.save_case(replace(saved, cause="新案由"))
    with pytest.raises(store.ConcurrentEdit, match=r"此案件已被测试员（计算机 .+）于.+修改"):
        workspace.save_case(replace(saved, cause="旧版本上的修改"))
    assert workspace.load_case(saved.id or 0).cause == "新案由"


def test_duplicate_case_number_is_refused_and_nothing_written(workspace: Workspace) -> None:
    workspace.save_case(make_case())
    with pytest.raises(store.DuplicateCaseNumber, match="已存在"):
        workspace.save_case(make_case("(2025)黑0902民初123号"))
    assert workspace.db.execute("SELECT count(*) FROM parties").fetchone()[0] == 2


def test_error_inside_a_save_rolls_back_everything(workspace: Workspace) -> None:
    saved = workspace.save_case(make_case())
    broken = replace(
        saved,
        cause="不应保存",
        obligations=(replace(saved.obligations[0], installments=(Installment(1, date(2025, 6, 1), -5),)),),
    )
    before = workspace.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError):
        store.save_case(workspace.db, broken, "测试员")  # bypasses validation: the CHECK constraint fires
    assert workspace.load_case(saved.id or 0) == saved
    assert workspace.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    assert not workspace.db.conn.in_transaction


def test_invalid_case_is_refused_before_writing(workspace: Workspace) -> None:
    with pytest.raises(CaseInvalid) as err:
        workspace.save_case(make_case(parties=()))
    assert any(p.field == "当事人" for p in err.value.problems)
    assert workspace.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_every_change_is_audited(workspace: Workspace) -> None:
    saved = workspace.save_case(make_case())
    workspace.save_case(replace(saved, deadline=date(2025, 7, 15)))
    workspace.add_contact(
        saved.id or 0, Contact(TODAY_DT, ContactMethod.PHONE, "王建国", outcome="承诺月底付清")
    )
    workspace.delete_case(saved.id or 0)
    log = audit.entries(workspace.db)
    assert [e["action"] for e in log if e["entity"] != "settings"] == [
        "case.create",
        "case.update",
        "contact.create",
        "case.delete",
    ]
    update = next(e for e in log if e["action"] == "case.update")
    assert '"deadline": ["2025-06-30", "2025-07-15"]' in update["detail"]
    assert all(e["actor"] == "测试员" for e in log)
    assert workspace.db.execute("SELECT count(*) FROM parties").fetchone()[0] == 0  # cascade


TODAY_DT = __import__("datetime").datetime(2025, 6, 13, 9, 30)


def test_change_listeners_hear_each_write(workspace: Workspace) -> None:
    heard = []
    workspace.subscribe(heard.append)
    saved = workspace.save_case(make_case())
    workspace.delete_case(saved.id or 0)
    assert [(c.what, c.case_ids) for c in heard] == [("case", (saved.id,)), ("case", (saved.id,))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张三丰", 1),  # trigram (3+ characters)
        ("宏达商贸", 2),  # both cases have this defendant
        ("张三", 1),  # short: LIKE fallback
        ("三", 2),
        ("民初123", 1),
        ("2025", 2),
        ("黑0902民初124号", 1),
        ("李四光", 0),
        ('"引号', 0),  # quotes and LIKE wildcards are literal
        ("%", 0),
    ],
)
def test_search(workspace: Workspace, text: str, expected: int) -> None:
    workspace.save_case(make_case())
    other = make_case("（2025）黑0902民初124号")
    workspace.save_case(replace(other, parties=(replace(other.parties[0], name="李三"), other.parties[1])))
    assert store.ledger_count(workspace.db, store.LedgerFilter(text=text)) == expected


def test_search_follows_edits(workspace: Workspace) -> None:
    saved = workspace.save_case(make_case())
    workspace.save_case(
        replace(saved, parties=(replace(saved.parties[0], name="欧阳明月"), saved.parties[1]))
    )
    assert store.ledger_count(workspace.db, store.LedgerFilter(text="张三丰")) == 0
    assert store.ledger_count(workspace.db, store.LedgerFilter(text="欧阳明")) == 1


def test_filters_and_sorting(workspace: Workspace) -> None:
    a = workspace.save_case(make_case())
    b = workspace.save_case(make_case("（2024）黑0902民初9号", deadline=date(2025, 5, 20), handler="李红"))
    f = store.LedgerFilter(today=TODAY)
    ids = [r["id"] for r in store.ledger_page(workspace.db, f, "case_number", descending=False)]
    assert ids == [b.id, a.id]
    assert store.ledger_count(workspace.db, replace(f, handler="李红")) == 1
    assert store.ledger_count(workspace.db, replace(f, stage="执行")) == 0
    # a and b: the first installment (due 2025-05-31) is paid, the second is due 2025-06-30: not late.
    assert store.ledger_count(workspace.db, replace(f, overdue_only=True)) == 0
    late = workspace.save_case(make_case("（2025）黑0902民初200号", payments=()))
    overdue = store.ledger_page(workspace.db, replace(f, overdue_only=True))
    assert [r["id"] for r in overdue] == [late.id]
    owed = [r["id"] for r in store.ledger_page(workspace.db, f, "owed", descending=True)]
    assert owed[0] == late.id


def test_search_shows_the_newest_matches_and_says_when_it_cuts(workspace: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ids = [workspace.save_case(make_case(f"（2025）黑0902民初{n}号")).id for n in range(1, 5)]
    monkeypatch.setattr(store, "SEARCH_LIMIT", 3)
    for text in ("张三丰", "张三"):  # trigram and LIKE paths
        f = store.LedgerFilter(text=text)
        assert store.search_is_capped(workspace.db, f)
        assert [r["id"] for r in store.ledger_page(workspace.db, f, "id", True)] == ids[:0:-1]
    assert not store.search_is_capped(workspace.db, store.LedgerFilter(text="民初1号"))
    assert not store.search_is_capped(workspace.db, store.LedgerFilter())


def test_pages_follow_the_sort_order(workspace: Workspace) -> None:
    for n in (5, 3, 9, 1):
        workspace.save_case(make_case(f"（2025）黑0902民初{n}号"))
    f = store.LedgerFilter()
    pages = [store.ledger_page(workspace.db, f, "case_number", False, offset=o, limit=2) for o in (0, 2, 4)]
    assert [[r["case_number"] for r in p] for p in pages] == [
        ["（2025）黑0902民初1号", "（2025）黑0902民初3号"],
        ["（2025）黑0902民初5号", "（2025）黑0902民初9号"],
        [],
    ]
