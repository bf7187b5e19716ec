"""The demo data generator: every case valid, derived columns right, everything covered, deterministic."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from desktop.core import ledger
from desktop.core.case_dates import override_problems, propose_dates
from desktop.core.casenumber import parse_case_number
from desktop.core.identifiers import validate_id_number, validate_phone, validate_uscc
from desktop.core.model import CaseStatus, Disposition, PartyKind, Procedure, Stage
from desktop.core.reminders import CaseEvent, CaseEventKind, check_event
from desktop.core.validation import case_problems
from desktop.services import demo
from desktop.store import cases as case_store
from desktop.store.database import StoreError, open_database
from desktop.store.settings import court_settings

TODAY = date(2026, 6, 15)
N = 300


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, demo.DemoSummary, list[tuple[int, int]]]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    calls: list[tuple[int, int]] = []
    summary = demo.generate(path, cases=N, seed=1, progress=lambda d, t: calls.append((d, t)), today=TODAY)
    return path, summary, calls


@pytest.fixture(scope="module")
def loaded(generated: tuple[Path, demo.DemoSummary, list[tuple[int, int]]]) -> list:  # type: ignore[type-arg]
    db = open_database(generated[0])
    ids = [r[0] for r in db.execute("SELECT id FROM cases ORDER BY id")]
    return [case_store.load_case(db, i) for i in ids]


def _conn(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path))


def test_every_case_loads_and_is_valid(loaded: list) -> None:  # type: ignore[type-arg]
    assert len(loaded) == N
    for case in loaded:
        assert case_problems(case, TODAY) == [], case.case_number


def test_enforcement_stage_cases_carry_the_dates_their_forms_print(loaded: list) -> None:  # type: ignore[type-arg]
    """Issue 19 §11: 判决/调解日期 < 执行立案日期 ≤ 执行通知书送达日期 ≤ today, as the stage has them: every
    case in 执前督促 or 执行 (and every case moved to enforcement) has a judgment date and an enforcement
    filing date; a case in 执行 also the date the 执行通知书 was served; a case still after judgment none."""
    seen = defaultdict(int)
    for case in loaded:
        moved = case.stage is not Stage.AFTER_JUDGMENT or case.enforcement_case_number
        if not moved:
            assert case.enforcement_filing_date is None and case.enforcement_notice_date is None
            continue
        seen[case.stage] += 1
        assert case.judgment_date is not None, case.case_number
        assert case.enforcement_filing_date is not None, case.case_number
        assert case.judgment_date < case.enforcement_filing_date <= TODAY, case.case_number
        if case.stage is Stage.ENFORCEMENT:
            assert case.enforcement_notice_date is not None, case.case_number
            assert case.enforcement_filing_date <= case.enforcement_notice_date <= TODAY, case.case_number
        else:
            assert case.enforcement_notice_date is None, case.case_number
        if parse_case_number(case.case_number).is_enforcement:  # registered under its own 执 / 执前 number
            if case.enforcement_case_number in ("", case.case_number) or "执恢" in case.case_number:
                assert case.enforcement_filing_date == case.filing_date, case.case_number
            else:  # a 执前督 case moved on to a 执 case: that case's filing
                assert case.enforcement_filing_date >= case.filing_date, case.case_number
    assert seen[Stage.PRE_ENFORCEMENT] >= 10 and seen[Stage.ENFORCEMENT] >= 10, dict(seen)


def test_dates_agree_with_the_legal_calendar(loaded: list) -> None:  # type: ignore[type-arg]
    """Stored effective dates and deadlines are what case_dates computes, or carry a recorded reason."""
    table = demo._holiday_table()
    assert table is not None
    checked = 0
    for case in loaded:
        if case.effective_date is None:  # 执 / 执前 cases: the enforced document is in the notes
            assert case.stage is not Stage.AFTER_JUDGMENT
            continue
        assert case.filing_date <= case.judgment_date <= case.effective_date <= case.deadline, (
            case.case_number
        )
        assert all(p.service_date is not None and p.service_date <= case.effective_date for p in case.parties)
        assert override_problems(case, propose_dates(case, table)) == [], case.case_number
        checked += 1
    assert checked > N * 0.8


def test_derived_columns_equal_the_store_computation(generated, loaded) -> None:  # type: ignore[no-untyped-def]
    conn = _conn(generated[0])
    stored = {
        r[0]: r[1:]
        for r in conn.execute("SELECT id, due_fen, paid_fen, next_due_date, parties_text FROM cases")
    }
    for case in loaded:
        bal = ledger.balance(case)
        expected = (
            bal.due_fen,
            bal.paid_fen,
            bal.next_due_date.isoformat() if bal.next_due_date else None,
            case_store.parties_text(case.parties),
        )
        assert stored[case.id] == expected, case.case_number


def test_last_contact_is_what_the_triggers_keep(generated) -> None:  # type: ignore[no-untyped-def]
    conn = _conn(generated[0])
    rows = conn.execute(
        "SELECT c.id, c.last_contact_at, (SELECT max(t.at) FROM contacts t WHERE t.case_id = c.id) "
        "FROM cases c"
    ).fetchall()
    assert sum(1 for r in rows if r[1] is not None) > N / 3
    assert [r for r in rows if r[1] != r[2]] == []
    # the triggers are back: a new contact moves the mark, deleting it moves it back
    cid, before = rows[0][0], rows[0][1]
    conn.execute(
        "INSERT INTO contacts (case_id, at, method, by) VALUES (?, '2099-01-01T09:00:00', '电话', 't')",
        (cid,),
    )
    assert conn.execute("SELECT last_contact_at FROM cases WHERE id = ?", (cid,)).fetchone()[0] == (
        "2099-01-01T09:00:00"
    )
    conn.execute("DELETE FROM contacts WHERE at = '2099-01-01T09:00:00'")
    assert conn.execute("SELECT last_contact_at FROM cases WHERE id = ?", (cid,)).fetchone()[0] == before
    conn.rollback()


def test_the_day_s_reminder_board_is_kept(generated, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The demo ends as the app's first look at a database would: the board of its day is kept, and is
    what the engine computes from every case."""
    from desktop.services.reminders import Reminders
    from desktop.services.workspace import Workspace

    path, summary, _ = generated
    ws = Workspace(open_database(path), "测试员", lambda: TODAY)
    try:
        service = Reminders(ws)
        rules = [r for r in service.rules() if r.enabled]
        expected = service._board_of(TODAY, service.compute(rules, service.holiday_table(), TODAY), None)
        monkeypatch.setattr(service, "_chunks", lambda *a: pytest.fail("the kept board was not used"))
        board = service.board(TODAY)
        assert summary.reminders == len(board.items) > 0
        assert list(board.items) == list(expected.items)
        assert f"今日督促看板：{summary.reminders:,} 条" in summary.lines()
    finally:
        ws.close()


def test_every_stage_status_disposition_and_procedure_occurs(loaded: list) -> None:  # type: ignore[type-arg]
    assert {c.stage for c in loaded} == set(Stage)
    assert {c.status for c in loaded} == set(CaseStatus)
    assert {c.disposition for c in loaded} == set(Disposition)
    assert {c.procedure for c in loaded} == set(Procedure)


def test_variety(loaded: list) -> None:  # type: ignore[type-arg]
    balances = [(c, ledger.balance(c)) for c in loaded]
    with_plan = [c for c in loaded if any(o.installments for o in c.obligations)]
    assert 0.1 * N < len(with_plan) < 0.35 * N
    assert any(o.default_clause.value != "无" for c in with_plan for o in c.obligations)
    assert any(o.guarantee.value != "无" for c in with_plan for o in c.obligations)
    assert any(b.performance is ledger.Performance.PARTIAL for _, b in balances)
    assert any(b.performance is ledger.Performance.FULL for _, b in balances)
    overdue = [c for c, b in balances if b.owed_fen and b.next_due_date and b.next_due_date < TODAY]
    assert len(overdue) > 0.1 * N
    for case, bal in balances:
        if case.status is CaseStatus.PERFORMED and bal.due_fen:
            assert bal.paid_fen == bal.due_fen and all(p.creditor_confirmed for p in case.payments)
    assert 0 < sum(c.public_notice for c in loaded) < 0.1 * N
    assert any(o.kind.value == "行为履行" for c in loaded for o in c.obligations)
    money = [
        o
        for c in loaded
        for o in c.obligations
        if o.kind.value == "金钱给付" and "受理费" not in o.description
    ]
    assert sum(bool(o.account_number) for o in money) > 0.7 * len(money)
    amounts = sorted(o.amount_fen for o in money)
    assert amounts[0] < 100_000 and amounts[-1] > 100_000_000  # below 1,000 yuan … above a million
    assert amounts[len(amounts) // 2] < 5_000_000  # skewed small: the median is under 50,000 yuan
    assert sum(bool(c.contacts) for c in loaded) > 0.2 * N


def test_case_numbers(generated, loaded) -> None:  # type: ignore[no-untyped-def]
    conn = _conn(generated[0])
    rows = conn.execute(
        "SELECT id, case_number, cn_year, cn_court_code, cn_type_code, cn_seq, cn_local, cn_legacy "
        "FROM cases ORDER BY id"
    ).fetchall()
    seqs: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for _id, number, year, court, type_code, seq, local, legacy in rows:
        cn = parse_case_number(number)
        assert cn.canonical == number
        assert (cn.year, cn.court_code, cn.type_code, cn.seq, int(cn.local), int(cn.legacy)) == (
            year, court, type_code, seq, local, legacy,
        )  # fmt: skip
        assert 2023 <= year <= 2026 and court in ("黑0902", "黑09")
        seqs[(year, court, type_code)].append(seq)
    for key, values in seqs.items():
        assert values == sorted(set(values)), key  # unique and increasing with the filing order
    types = {key[2] for key in seqs}
    assert {"民初", "民特", "民终", "执", "执恢", "执前督", "执前调"} <= types
    for case in loaded:
        if case.stage is Stage.ENFORCEMENT or case.status is CaseStatus.TRANSFERRED:
            assert parse_case_number(case.enforcement_case_number).type_code == "执"
    all_numbers = [r[1] for r in rows] + [
        c.enforcement_case_number for c in loaded if c.enforcement_case_number
    ]
    linked = {c.enforcement_case_number for c in loaded if c.enforcement_case_number != c.case_number}
    assert not linked & {r[1] for r in rows}  # a linked 执 number is never another ledger case
    assert len(all_numbers) > N


def test_parties_identifiers_and_roles(loaded: list) -> None:  # type: ignore[type-arg]
    roles = {
        Stage.AFTER_JUDGMENT: {"原告", "被告", "申请人", "被申请人", "第三人"},
        Stage.PRE_ENFORCEMENT: {"申请人", "被申请人", "第三人"},
        Stage.ENFORCEMENT: {"申请执行人", "被执行人", "第三人"},
    }  # a judgment's 第三人 stays on the case (its service counts for the effective date)
    people = orgs = 0
    for case in loaded:
        assert {p.role.value for p in case.parties} <= roles[case.stage]
        assert any(p.role.owes for p in case.parties)
        for party in case.parties:
            validate_phone(party.phone)
            assert party.address.startswith("黑龙江省七台河市")
            if party.kind is PartyKind.PERSON:
                assert validate_id_number(party.id_number, TODAY) == party.id_number and not party.uscc
                assert 2 <= len(party.name) <= 4
                people += 1
            else:
                assert validate_uscc(party.uscc) == party.uscc and not party.id_number
                assert party.name.endswith(("公司", "分行")) and party.legal_representative
                assert party.licence_status is not None
                orgs += 1
    assert people > orgs > 0.05 * (people + orgs)


def test_handlers_court_and_events(generated) -> None:  # type: ignore[no-untyped-def]
    path = generated[0]
    db = open_database(path)
    court = court_settings(db)
    assert court is not None and court.court_code == "黑0902" and court.tribunal_name == "长兴人民法庭"
    handlers = db.execute("SELECT name, department FROM handlers").fetchall()
    assert 6 <= len(handlers) <= 10 and "执行局" in {d for _, d in handlers}
    used = {r[0] for r in db.execute("SELECT DISTINCT handler_id FROM cases")}
    assert len(used) >= 6
    kinds = set()
    for kind, start, end, note in db.execute("SELECT kind, start_date, end_date, note FROM case_events"):
        event = CaseEvent(
            CaseEventKind(kind), date.fromisoformat(start), date.fromisoformat(end) if end else None, note
        )
        check_event(event)
        assert event.start <= TODAY
        kinds.add(event.kind)
    assert CaseEventKind.PRE_ENFORCEMENT in kinds
    pre = db.execute("SELECT count(*) FROM cases WHERE stage = '执前督促'").fetchone()[0]
    pre_events = db.execute(
        "SELECT count(DISTINCT case_id) FROM case_events WHERE kind = '执前督促'"
    ).fetchone()[0]
    assert pre == pre_events


def test_database_state_after_the_load(generated, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, summary, calls = generated
    conn = _conn(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # also checks CHECK constraints
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("INSERT INTO case_search(case_search, rank) VALUES('integrity-check', 1)")
    conn.execute("INSERT INTO case_chars(case_chars, rank) VALUES('integrity-check', 1)")
    # Indexes and triggers are back exactly as the migrations create them.
    fresh = open_database(tmp_path / "fresh.sqlite3").conn
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    assert conn.execute(schema).fetchall() == fresh.execute(schema).fetchall()
    assert conn.execute("PRAGMA user_version").fetchone() == fresh.execute("PRAGMA user_version").fetchone()
    # The FTS5 buffer size is back at its default.
    for fts in ("case_search", "case_chars"):
        hashsize = conn.execute(f"SELECT v FROM {fts}_config WHERE k = 'hashsize'").fetchall()
        assert hashsize in ([], [(demo.FTS_HASHSIZE_DEFAULT,)])
    # The summary and the progress reports.
    for table in demo.TABLES:
        assert getattr(summary, table) == conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    assert summary.cases == N and sum(summary.by_stage.values()) == N
    assert calls and calls[-1] == (N, N)
    assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'demo.generate'").fetchone()[0] == 1


def test_search_finds_a_three_character_part_of_a_party_name(generated, loaded) -> None:  # type: ignore[no-untyped-def]
    db = open_database(generated[0])
    case = next(c for c in loaded if len(c.parties[-1].name) >= 3)
    needle = case.parties[-1].name[:3]
    rows = case_store.ledger_page(db, case_store.LedgerFilter(text=needle), limit=N)
    assert case.id in {r["id"] for r in rows}
    number = case_store.ledger_page(db, case_store.LedgerFilter(text=case.case_number[1:8]), limit=N)
    assert case.id in {r["id"] for r in number}


def _fingerprint(path: Path) -> list[tuple[object, ...]]:
    conn = _conn(path)
    rows = conn.execute(
        "SELECT case_number, due_fen, paid_fen, next_due_date, parties_text, status, deadline "
        "FROM cases ORDER BY id"
    ).fetchall()
    rows += conn.execute(
        "SELECT case_id, name, id_number, uscc FROM parties ORDER BY case_id, position"
    ).fetchall()
    rows += conn.execute("SELECT case_id, paid_on, amount_fen FROM payments ORDER BY id").fetchall()
    return rows


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    a = demo.generate(tmp_path / "a.sqlite3", cases=120, seed=7, today=TODAY)
    b = demo.generate(tmp_path / "b.sqlite3", cases=120, seed=7, today=TODAY)
    c = demo.generate(tmp_path / "c.sqlite3", cases=120, seed=8, today=TODAY)
    assert _fingerprint(a.path) == _fingerprint(b.path)
    assert _fingerprint(a.path) != _fingerprint(c.path)


def test_second_process_and_search_modes_give_the_same_data(tmp_path: Path) -> None:
    base = demo.generate(tmp_path / "base.sqlite3", cases=150, seed=3, today=TODAY)
    child = demo.generate(tmp_path / "child.sqlite3", cases=150, seed=3, today=TODAY, parallel=True)
    assert _fingerprint(child.path) == _fingerprint(base.path)
    query = "SELECT rowid FROM case_search WHERE case_search MATCH ? ORDER BY rowid"
    for mode in ("rebuild", "triggers"):
        other = demo.generate(tmp_path / f"{mode}.sqlite3", cases=150, seed=3, today=TODAY, search=mode)
        assert _fingerprint(other.path) == _fingerprint(base.path)
        for needle in ('"民间借贷"', '"黑0902执"', '"有限公司"'):
            assert _conn(other.path).execute(query, (needle,)).fetchall() == (
                _conn(base.path).execute(query, (needle,)).fetchall()
            )
        for needle in ('"张"', '"民 特"', '"执 恢"', '"纠 纷"'):  # the per-character index (migration 0011)
            chars = "SELECT rowid FROM case_chars WHERE case_chars MATCH ? ORDER BY rowid"
            found = _conn(other.path).execute(chars, (needle,)).fetchall()
            assert found == _conn(base.path).execute(chars, (needle,)).fetchall()
            assert found or needle != '"纠 纷"'


def test_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    path.write_bytes(b"precious data")
    with pytest.raises(StoreError, match="已存在"):
        demo.generate(path, cases=10, today=TODAY)
    assert path.read_bytes() == b"precious data"
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    assert demo.generate(empty, cases=10, today=TODAY).cases == 10


def test_bad_arguments_leave_no_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        demo.generate(tmp_path / "a.sqlite3", cases=-1)
    with pytest.raises(ValueError):
        demo.generate(tmp_path / "b.sqlite3", cases=10, today=date(2023, 2, 1))
    with pytest.raises(ValueError):
        demo.generate(tmp_path / "c.sqlite3", cases=10, today=TODAY, search="fast")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_load_removes_its_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.generate(path, cases=20, today=TODAY, progress=stop)
    assert list(tmp_path.iterdir()) == []


def test_importable_without_qt() -> None:
    code = "import sys, desktop.services.demo; sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_launch_demo_replaces_a_half_written_demo_and_keeps_a_complete_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``tribunal-desk --demo`` generates under another name: a run killed half-way leaves no demo.sqlite3
    for the next launch to open, and the leftover is cleared before generating again."""
    from desktop import cli

    monkeypatch.setenv("TRIBUNAL_DESK_HOME", str(tmp_path))
    monkeypatch.setattr(cli, "DEMO_CASES", 20)
    (tmp_path / "demo.generating.sqlite3").write_bytes(b"half a database")
    path = cli._demo_database()
    assert path == tmp_path / "demo.sqlite3"
    assert not (tmp_path / "demo.generating.sqlite3").exists()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 20
    conn.close()
    stamp = path.stat().st_mtime_ns
    assert cli._demo_database() == path and path.stat().st_mtime_ns == stamp  # opened, not regenerated
