"""The holiday table in the database: seeded once, imported whole or not at all, read back as a table."""

from __future__ import annotations

import json
from datetime import date

import pytest

from desktop.core.calendar import add_days, parse_holiday_json, to_json
from desktop.services.reminders import Reminders
from desktop.services.workspace import CaseInvalid, Workspace
from desktop.store import holidays as store
from desktop.store.database import transaction

D = date.fromisoformat

HOLIDAY_CN_2027 = """{
  "year": 2027,
  "papers": ["https://www.gov.cn/example"],
  "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "元旦", "date": "2027-01-02", "isOffDay": true},
    {"name": "元旦", "date": "2027-01-03", "isOffDay": true},
    {"name": "春节", "date": "2027-02-06", "isOffDay": true},
    {"name": "春节", "date": "2027-02-07", "isOffDay": true},
    {"name": "春节", "date": "2027-02-08", "isOffDay": true},
    {"name": "春节", "date": "2027-02-09", "isOffDay": true},
    {"name": "春节", "date": "2027-02-10", "isOffDay": true},
    {"name": "春节", "date": "2027-02-11", "isOffDay": true},
    {"name": "春节", "date": "2027-02-12", "isOffDay": true},
    {"name": "春节", "date": "2027-02-13", "isOffDay": true},
    {"name": "春节", "date": "2027-02-20", "isOffDay": false}
  ]
}
"""


def _rows(ws: Workspace) -> list[tuple[object, ...]]:
    return [tuple(r) for r in ws.db.execute("SELECT day, kind, name FROM holidays ORDER BY day")] + [
        tuple(r) for r in ws.db.execute("SELECT year, source FROM holiday_years ORDER BY year")
    ]


def _audit(ws: Workspace) -> list[str]:
    return [r[0] for r in ws.db.execute("SELECT action FROM audit_log WHERE entity = 'holidays' ORDER BY id")]


def test_a_fresh_database_is_seeded_once_from_the_shipped_file(workspace: Workspace) -> None:
    assert store.is_empty(workspace.db)
    table = Reminders(workspace).holiday_table()
    assert table.years == frozenset(range(2020, 2027))
    assert table.is_rest_day(D("2025-10-08")) and table.is_working_day(D("2025-09-28"))
    assert "chinesecalendar" in table.source
    seeded = _rows(workspace)
    Reminders(workspace).holiday_table()
    assert _rows(workspace) == seeded
    assert _audit(workspace) == ["holidays.seed"]


def test_years_a_newer_seed_adds_are_added_and_stored_years_kept(workspace: Workspace) -> None:
    """A database seeded by an older release (here: without 2026), whose administrator changed a day of
    2025, gains 2026 from the shipped file on the next look; 2025 stays as the administrator left it."""
    service = Reminders(workspace)
    full = service.holiday_table()
    db = workspace.db
    with transaction(db):
        db.execute("DELETE FROM holidays WHERE day LIKE '2026-%'")
        db.execute("DELETE FROM holiday_years WHERE year = 2026")
        db.execute("UPDATE holidays SET name = '管理员修改' WHERE day = '2025-10-08'")
    assert 2026 not in store.load_table(db).years
    table = service.holiday_table()
    assert table.years == full.years
    assert [e for e in table.entries if e.day.year == 2026] == [e for e in full.entries if e.day.year == 2026]
    assert table.entry(D("2025-10-08")).name == "管理员修改"  # type: ignore[union-attr]
    assert _audit(workspace) == ["holidays.seed", "holidays.seed"]
    detail = json.loads(
        db.execute("SELECT detail FROM audit_log WHERE action = 'holidays.seed' ORDER BY id DESC").fetchone()[
            0
        ]
    )
    assert detail["years"] == [2026]
    service.holiday_table()
    assert _audit(workspace) == ["holidays.seed", "holidays.seed"]  # nothing more to add


def test_the_stored_table_is_the_seed_file(workspace: Workspace) -> None:
    from desktop import paths

    seed = parse_holiday_json((paths.resources_dir() / "holidays" / "cn-holidays.json").read_text("utf-8"))
    stored = Reminders(workspace).holiday_table()
    assert stored.entries == seed.entries and stored.years == seed.years
    assert parse_holiday_json(to_json(stored)).entries == stored.entries


def test_an_import_adds_a_year_and_changes_a_result(workspace: Workspace) -> None:
    service = Reminders(workspace)
    before = add_days(D("2026-12-17"), 15, service.holiday_table())
    assert (before.end, before.provisional) == (D("2027-01-01"), True)
    table = service.import_holidays(HOLIDAY_CN_2027, "2027.json")
    assert 2027 in table.years
    after = add_days(D("2026-12-17"), 15, service.holiday_table())
    assert (after.end, after.provisional) == (D("2027-01-04"), False)
    assert "元旦假期" in after.explanation
    assert _audit(workspace) == ["holidays.seed", "holidays.import"]
    sources = dict(workspace.db.execute("SELECT year, source FROM holiday_years").fetchall())
    assert sources[2027].startswith("holiday-cn 2027") and "chinesecalendar" in sources[2025]


def test_an_import_replaces_the_years_it_carries(workspace: Workspace) -> None:
    service = Reminders(workspace)
    service.holiday_table()
    # a (hypothetical) corrected 2025 notice: National Day only
    corrected = {
        "format": "tribunal-desk-holidays/1",
        "source": "更正",
        "years": [2025],
        "days": [{"date": f"2025-10-0{d}", "kind": "rest", "name": "国庆节"} for d in range(1, 8)],
    }
    table = service.import_holidays(json.dumps(corrected, ensure_ascii=False), "fix.json")
    assert not table.is_rest_day(D("2025-01-28"))  # the old Spring Festival of 2025 is gone
    assert table.is_rest_day(D("2025-10-07")) and not table.is_rest_day(D("2025-10-08"))
    assert table.is_rest_day(D("2026-02-16"))  # other years untouched


BAD_FILES = [
    ('{"year": 2027, "days": [{"name": "元旦", "date": "2027-02-30", "isOffDay": true}]}', "不存在"),
    (
        '{"year": 2027, "days": [\n{"name": "元旦", "date": "2027-01-01", "isOffDay": true},\n'
        '{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}',
        "重复",
    ),
    (
        '{"year": 2027, "days": [\n{"name": "元旦", "date": "2027-01-01", "isOffDay": true, "note": "x"}]}',
        "未知字段",
    ),
    ('{"year": 2027, "days": [{"name": "元旦", "date": "2027/01/01", "isOffDay": true}]}', "格式不对"),
    ('{"year": 2027, "days": [}', "不是有效的JSON"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_FILES)
def test_a_bad_file_is_refused_whole_with_line_and_reason(
    workspace: Workspace, text: str, fragment: str
) -> None:
    service = Reminders(workspace)
    service.holiday_table()
    before = _rows(workspace)
    with pytest.raises(CaseInvalid) as err:
        service.import_holidays(text, "bad.json")
    (problem,) = err.value.problems
    assert problem.field == "节假日文件"
    assert fragment in problem.message and "整个文件未导入" in problem.message
    assert "第" in problem.message and "行" in problem.message
    assert _rows(workspace) == before
    assert _audit(workspace) == ["holidays.seed"]


def test_the_line_of_a_duplicate_is_named(workspace: Workspace) -> None:
    with pytest.raises(CaseInvalid) as err:
        Reminders(workspace).import_holidays(BAD_FILES[1][0], "dup.json")
    assert err.value.problems[0].message.startswith("第3行")


def test_a_failure_while_writing_leaves_the_table_as_it_was(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = Reminders(workspace)
    service.holiday_table()
    before = _rows(workspace)
    real_write = store._write

    def half_write(conn, table, years, source):  # type: ignore[no-untyped-def]
        real_write(conn, table, years, source)
        raise OSError("磁盘已满")

    monkeypatch.setattr(store, "_write", half_write)
    with pytest.raises(OSError):
        service.import_holidays(HOLIDAY_CN_2027, "2027.json")
    assert _rows(workspace) == before
    assert _audit(workspace) == ["holidays.seed"]
