"""Server mode (PostgreSQL): one schema on both engines, moving a tribunal in and out, several PCs at once.

These need a server (TRIBUNAL_DESK_TEST_PG; `.ci/run` starts one). Every other test that takes a
workspace already runs on both engines; these are about what only a server has.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.model import ContactMethod
from desktop.services.demo import generate
from desktop.services.documents import DocumentService
from desktop.services.server import export_from_server, init_server, migrate_to_server
from desktop.services.workspace import Workspace
from desktop.store import pg
from desktop.store.cases import ConcurrentEdit
from desktop.store.database import StoreError, open_database
from desktop.store.transfer import compare
from tests.conftest import PG_URL, TODAY, make_case
from tests.unit.test_document_register import issue, prompt_case

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server (TRIBUNAL_DESK_TEST_PG)"),
]


@pytest.fixture
def empty_url(pg_url: str) -> str:
    """A server database with nothing in it (not even the schema)."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return pg_url


# ------------------------------------------------------------------------------------------ one schema

_TYPES = {"integer": "integer", "bigint": "integer", "text": "text"}


def _sqlite_schema(conn: sqlite3.Connection) -> dict[str, object]:
    tables = {}
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'case_search%' AND name NOT LIKE 'case_chars%'"
    ):
        cols = {
            r[1]: (_TYPES[r[2].lower()], bool(r[3]) or bool(r[5]))
            for r in conn.execute(f"PRAGMA table_info({name})")
        }
        uniques = set()
        for idx in conn.execute(f"PRAGMA index_list({name})"):
            if idx[2] and idx[3] in ("u", "pk"):
                uniques.add(tuple(r[2] for r in conn.execute(f"PRAGMA index_info('{idx[1]}')")))
        pk = tuple(
            r[1]
            for r in sorted(
                (r for r in conn.execute(f"PRAGMA table_info({name})") if r[5]), key=lambda r: r[5]
            )
        )
        uniques.add(pk)
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        tables[name] = (
            cols,
            frozenset(uniques),
            len(re.findall(r"\bCHECK\s*\(", sql)),
            _fks_sqlite(conn, name),
        )
    indexes = {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    }
    return {"tables": tables, "indexes": indexes}


def _fks_sqlite(conn: sqlite3.Connection, table: str) -> frozenset[tuple[str, str, str]]:
    return frozenset((r[3], r[2], r[6].upper()) for r in conn.execute(f"PRAGMA foreign_key_list({table})"))


def _pg_schema(conn: pg.PgConnection) -> dict[str, object]:
    tables = {}
    names = [
        r[0]
        for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'"
        )
    ]
    for name in names:
        cols = {
            r[0]: (_TYPES[r[1]], r[2] == "NO")
            for r in conn.execute(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = ?",
                (name,),
            )
        }
        uniques = {
            tuple(r[0])
            for r in conn.execute(
                "SELECT array_agg(a.attname ORDER BY k.n) FROM pg_constraint c "
                "CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
                "WHERE c.conrelid = CAST(? AS regclass) AND c.contype IN ('u', 'p') GROUP BY c.oid",
                (name,),
            )
        }
        checks = conn.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = CAST(? AS regclass) AND contype = 'c'",
            (name,),
        ).fetchone()[0]
        fks = frozenset(
            (r[0], r[1], {"c": "CASCADE", "n": "SET NULL", "a": "NO ACTION"}[r[2]])
            for r in conn.execute(
                "SELECT a.attname, CAST(c.confrelid AS regclass)::text, c.confdeltype FROM pg_constraint c "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                "WHERE c.conrelid = CAST(? AS regclass) AND c.contype = 'f'",
                (name,),
            )
        )
        tables[name] = (cols, frozenset(uniques), int(checks), fks)
    indexes = {
        r[0]
        for r in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint) AND indexname NOT IN ('cases_search', 'cases_search_chars')"
        )
    }
    return {"tables": tables, "indexes": indexes}


def test_both_engines_build_the_same_schema(tmp_path: Path, empty_url: str) -> None:
    """Tables, columns (type and NOT NULL), primary and unique keys, CHECK counts, foreign keys with
    their ON DELETE, and named indexes: the same from db/ on SQLite and on PostgreSQL."""
    lite = open_database(tmp_path / "a.sqlite3")
    server = open_database(empty_url)
    try:
        a, b = _sqlite_schema(lite.conn), _pg_schema(server.conn)
        assert set(a["tables"]) == set(b["tables"])  # type: ignore[arg-type]
        for table in a["tables"]:  # type: ignore[attr-defined]
            assert a["tables"][table] == b["tables"][table], table  # type: ignore[index]
        assert a["indexes"] == b["indexes"]
        versions = [r[0] for r in lite.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        assert versions == [r[0] for r in server.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    finally:
        lite.conn.close()
        server.close()


def test_a_server_schema_newer_than_the_program_is_refused(pg_url: str) -> None:
    db = open_database(pg_url)
    db.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'x')")
    db.close()
    with pytest.raises(StoreError, match=r"较新版本.*结构版本 999"):
        open_database(pg_url)


def test_an_unreachable_server_is_named_in_chinese() -> None:
    with pytest.raises(pg.ServerUnavailable, match=r"服务器 127\.0\.0\.1:1 上的数据库 td：无法连接服务器"):
        Workspace.open("postgresql://someone@127.0.0.1:1/td")


def test_the_password_is_kept_out_of_paths_the_log_and_the_audit(pg_url: str) -> None:
    with_password = pg_url.replace("td_test@", "td_test:s3cret-Pass@")
    ws = Workspace.open(with_password, actor="测试员")
    ws.save_case(make_case())
    assert "s3cret" not in ws.path
    assert not [r for r in ws.db.execute("SELECT * FROM audit_log") if "s3cret" in str(r)]
    ws.close()
    assert pg.redact("postgresql://u:p%40ss@h:5/d") == "postgresql://u@h:5/d"


# ------------------------------------------------------------------------------------------ moving


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    generate(path, cases=300, seed=5, today=TODAY)
    return path


def test_migrate_copies_everything_and_checks_it(demo_file: Path, empty_url: str, tmp_path: Path) -> None:
    moved = migrate_to_server(demo_file, empty_url)
    assert moved.comparison.equal
    lines = "\n".join(moved.comparison.lines())
    assert "cases" in lines and "不一致" not in lines
    # the copy is a working database: a new case gets the next id, and is searched
    ws = Workspace.open(empty_url, actor="测试员")
    saved = ws.save_case(make_case("（2026）黑0902民初99999号"))
    assert saved.id == 301
    ws.close()
    # and back into a file, which a one-PC program opens
    back = tmp_path / "back.sqlite3"
    assert export_from_server(empty_url, back).comparison.equal
    local = Workspace.open(back)
    assert local.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 301
    local.close()


def test_migrate_refuses_a_server_with_data_unless_replacing(demo_file: Path, pg_url: str) -> None:
    ws = Workspace.open(pg_url, actor="测试员")
    ws.save_case(make_case())
    ws.close()
    with pytest.raises(StoreError, match="已有数据，未作任何改动"):
        migrate_to_server(demo_file, pg_url)
    db = open_database(pg_url)
    assert db.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
    db.close()
    assert migrate_to_server(demo_file, pg_url, replace=True).comparison.equal
    db = open_database(pg_url)
    assert db.execute("SELECT count(*) FROM cases").fetchone()[0] == 300
    db.close()


def test_export_never_overwrites_a_file(pg_url: str, tmp_path: Path) -> None:
    target = tmp_path / "there.sqlite3"
    target.write_text("mine")
    with pytest.raises(StoreError, match="目标文件已存在"):
        export_from_server(pg_url, target)
    assert target.read_text() == "mine"


def test_the_server_commands(
    demo_file: Path, empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server", "init", "--db", empty_url]) == 0
    assert "已就绪" in capsys.readouterr().out
    assert main(["server", "migrate", "--from", str(demo_file), "--db", empty_url]) == 0
    assert "核对一致" in capsys.readouterr().out
    out = tmp_path / "snap.sqlite3"
    assert main(["server", "export", "--db", empty_url, "--to", str(out)]) == 0
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 300
    assert init_server(empty_url) >= 7


# ------------------------------------------------------------------------------------------ several PCs


def _pc(url: str, who: str) -> Workspace:
    ws = Workspace.open(url, actor=who)
    ws.today = lambda: TODAY
    return ws


def test_a_conflicting_edit_names_who_changed_the_case_and_when(pg_url: str) -> None:
    first, second = _pc(pg_url, "王书记员"), _pc(pg_url, "李法官")
    saved = first.save_case(make_case())
    mine = first.load_case(saved.id or 0)
    theirs = second.load_case(saved.id or 0)
    second.save_case(replace(theirs, cause="买卖合同纠纷"))
    with pytest.raises(
        ConcurrentEdit, match=r"此案件已被李法官（计算机 .+）于\d{4}-\d\d-\d\d \d\d:\d\d修改"
    ) as caught:
        first.save_case(replace(mine, notes="王书记员的备注"))
    assert caught.value.current is not None and caught.value.current.cause == "买卖合同纠纷"
    assert first.load_case(saved.id or 0).notes == ""
    first.close()
    second.close()


def test_two_pcs_saving_one_case_at_once_never_lose_an_update(pg_url: str) -> None:
    setup = _pc(pg_url, "测试员")
    saved = setup.save_case(make_case())
    setup.close()
    pcs = [_pc(pg_url, f"书记员{i}") for i in range(4)]
    loaded = [pc.load_case(saved.id or 0) for pc in pcs]
    barrier = threading.Barrier(len(pcs))
    outcomes: list[str] = []

    def save(i: int) -> None:
        barrier.wait()
        try:
            pcs[i].save_case(replace(loaded[i], notes=f"第{i}台"))
            outcomes.append("saved")
        except ConcurrentEdit:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(pcs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["saved"]
    assert pcs[0].load_case(saved.id or 0).version == 2
    for pc in pcs:
        pc.close()


def test_documents_issued_from_several_pcs_at_once_are_numbered_without_gaps(pg_url: str) -> None:
    from desktop.core.model import CourtSettings

    setup = _pc(pg_url, "测试员")
    setup.set_court(CourtSettings("七台河市新兴区人民法院", "黑0902", "长兴人民法庭", ("民一庭",)))
    ids = [setup.save_case(prompt_case(f"（2025）黑0902民初{300 + i}号")).id or 0 for i in range(12)]
    setup.close()
    pcs = [_pc(pg_url, f"书记员{i}") for i in range(3)]
    numbers: list[str] = []
    barrier = threading.Barrier(len(pcs))

    def work(i: int) -> None:
        service = DocumentService(pcs[i])
        barrier.wait()
        for case_id in ids[i::3]:
            numbers.append(issue(service, "performance_prompt", case_id).number)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(pcs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers, key=lambda n: int(re.findall(r"(\d+)号", n)[0])) == [
        f"黑0902履提〔2025〕{n}号" for n in range(1, 13)
    ]
    for pc in pcs:
        pc.close()


def test_a_contact_from_one_pc_shows_on_the_others_board(pg_url: str) -> None:
    from desktop.services.reminders import Reminders
    from tests.unit.test_reminders import _overdue_case

    clerk, judge = _pc(pg_url, "王书记员"), _pc(pg_url, "李法官")
    case_id = _overdue_case(clerk)
    before = [i for i in Reminders(judge).board(TODAY).items if i.case_id == case_id]
    assert before
    Reminders(clerk).record_contact(before[:1], ContactMethod.PHONE, "承诺月底前付清")
    after = [i for i in Reminders(judge).board(TODAY).items if i.case_id == case_id]
    assert len(after) == len(before) - 1
    clerk.close()
    judge.close()


def test_a_change_committed_after_a_later_one_still_reaches_the_board(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audit ids are taken as clerks write, not as they commit: a board kept between a later change's
    commit and an earlier one's must not mark the earlier one as seen."""
    import desktop.services.reminders as service
    from desktop.services.reminders import Reminders
    from tests.unit.test_reminders import _overdue_case

    slow, quick, judge = _pc(pg_url, "王书记员"), _pc(pg_url, "赵书记员"), _pc(pg_url, "李法官")
    first = _overdue_case(slow, "（2025）黑0902民初301号")
    second = _overdue_case(quick, "（2025）黑0902民初302号")
    board = Reminders(judge).board(TODAY).items
    lines = {cid: [i for i in board if i.case_id == cid and i.rule_id == "urge"] for cid in (first, second)}
    assert lines[first] and lines[second]

    written, go_on = threading.Event(), threading.Event()
    real_record = service.record

    def record_then_wait(*args: object, **kwargs: object) -> None:
        real_record(*args, **kwargs)  # type: ignore[arg-type]
        if threading.current_thread().name == "slow":
            written.set()  # the audit entry has its id; the transaction stays open
            assert go_on.wait(10)

    monkeypatch.setattr(service, "record", record_then_wait)
    slow_pc = threading.Thread(
        target=lambda: Reminders(slow).record_contact(lines[first], ContactMethod.PHONE, "已电话督促"),
        name="slow",
    )
    slow_pc.start()
    assert written.wait(10)
    Reminders(quick).record_contact(lines[second], ContactMethod.PHONE, "已电话督促")  # a later id, committed
    between = {i.case_id for i in Reminders(judge).board(TODAY).items if i.rule_id == "urge"}
    assert first in between and second not in between
    go_on.set()
    slow_pc.join(10)
    after = {i.case_id for i in Reminders(judge).board(TODAY).items if i.rule_id == "urge"}
    assert first not in after and second not in after
    for ws in (slow, quick, judge):
        ws.close()


def test_comparison_catches_a_difference(demo_file: Path, pg_url: str) -> None:
    migrate_to_server(demo_file, pg_url, replace=True)
    lite = open_database(demo_file)
    server = open_database(pg_url)
    server.execute("UPDATE payments SET amount_fen = amount_fen + 1 WHERE id = 1")
    result = compare(lite.conn, server.conn)
    assert not result.equal and any(
        "不一致" in line and line.startswith("payments") for line in result.lines()
    )
    lite.conn.close()
    server.close()


def _drop_connections(url: str) -> None:
    """What a network drop or a server restart does to every PC's connection."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (url.rsplit("/", 1)[1],),
        )


def test_a_dropped_connection_is_made_again_and_a_cut_write_leaves_nothing(pg_url: str) -> None:
    from desktop.store.database import transaction

    ws = _pc(pg_url, "王书记员")
    saved = ws.save_case(make_case())
    _drop_connections(pg_url)
    assert ws.load_case(saved.id or 0).cause == "民间借贷纠纷"  # a read goes through on a new connection
    assert ws.db.conn.reconnects == 1
    with pytest.raises(pg.ServerUnavailable, match="连接中断"), transaction(ws.db) as conn:
        conn.execute("UPDATE cases SET cause = '半截写入' WHERE id = ?", (saved.id,))
        _drop_connections(pg_url)
        conn.execute("UPDATE cases SET notes = '半截写入' WHERE id = ?", (saved.id,))
    again = ws.load_case(saved.id or 0)
    assert (again.cause, again.notes) == ("民间借贷纠纷", "")  # nothing of the cut transaction
    ws.save_case(replace(again, notes="重连后保存"))
    assert ws.load_case(saved.id or 0).notes == "重连后保存"
    ws.close()


def test_the_server_lists_who_is_connected(pg_url: str) -> None:
    import socket

    first, second = _pc(pg_url, "王书记员"), _pc(pg_url, "李法官")
    clients = pg.connected_clients(first.db.conn)
    host = socket.gethostname()
    assert {c.who for c in clients} >= {f"王书记员@{host}", f"李法官@{host}"}
    assert all(c.since[:4].isdigit() for c in clients)
    first.close()
    second.close()


def test_backups_restore_across_engines(demo_file: Path, pg_url: str, tmp_path: Path) -> None:
    """A server's backup (through a snapshot, encrypted) restores into a file, and a file's into a server:
    one format for both; the server as it was is backed up before it is replaced."""
    from desktop.services import backup as files
    from desktop.services.server import backup_server, restore_server

    migrate_to_server(demo_file, pg_url, replace=True)
    done = backup_server(pg_url, tmp_path / "usb", "correct horse battery", actor="测试员", kdf_log_n=10)
    assert done.manifest.encrypted and done.manifest.counts["cases"] == 300
    local = tmp_path / "restored.sqlite3"
    files.restore(local, done.path, "correct horse battery", actor="测试员", forms=tmp_path / "forms")
    with sqlite3.connect(local) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 300
    # a one-PC file's backup, restored into the server
    ws = Workspace.open(local, actor="测试员")
    ws.save_case(make_case("（2026）黑0902民初77777号"))
    ws.close()
    file_backup = files.make_backup(local, tmp_path / "usb2", None, forms=tmp_path / "forms")
    restored = restore_server(pg_url, file_backup.path, None, actor="测试员", safety_dir=tmp_path / "safety")
    assert restored.cases == 301 and restored.comparison.equal
    assert restored.safety.parent == tmp_path / "safety" and restored.safety.name.startswith(
        "before-restore-"
    )
    db = open_database(pg_url)
    assert db.execute("SELECT count(*) FROM cases").fetchone()[0] == 301
    last = db.execute("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert last[0] == "backup.restore" and '"server": true' in last[1]
    db.close()
