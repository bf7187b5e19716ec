"""While the window holds the database (its single-instance lock), the commands that only read work on a
read-only connection, and the ones that write are refused saying so (issue 18, item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import cli
from desktop.services.workspace import Workspace
from desktop.store.lock import acquire
from tests.conftest import make_case

pytestmark = pytest.mark.sqlite_only  # the single-instance lock of an SQLite file; a server has none

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "excel"


@pytest.fixture
def held(workspace: Workspace, db_path: Path) -> Path:
    """The database with a case in it, held as the window holds it."""
    workspace.save_case(make_case())
    lock = acquire(db_path)
    yield db_path
    lock.release()


@pytest.mark.parametrize(
    "argv",
    [
        ["reminders", "--date", "2025-06-13"],
        ["reminders", "--json"],
        ["stats", "--year", "2025"],
        ["whitelist", "candidates", "--from", "2025-01-01", "--to", "2025-12-31"],
    ],
)
def test_reading_commands_work_while_the_window_holds_the_database(
    held: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([*argv, "--db", str(held)]) == 0
    err = capsys.readouterr().err
    assert "以只读方式打开" in err


def test_export_and_a_draft_work_read_only(
    held: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "台账.xlsx"
    assert cli.main(["export", "--out", str(out), "--db", str(held)]) == 0
    assert out.exists()
    assert "记入了日志文件" in capsys.readouterr().out
    pdf = tmp_path / "草稿.pdf"
    argv = ["render", "rights_notice", "--case", "（2025）黑0902民初123号", "--out", str(pdf), "--draft"]
    assert cli.main([*argv, "--db", str(held)]) == 0, capsys.readouterr().err
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "argv",
    [
        ["import", str(FIXTURES / "ledger_gbk.csv")],
        ["render", "rights_notice", "--case", "（2025）黑0902民初123号", "--out", "x.pdf"],
        ["whitelist", "publish", "--from", "2025-01-01", "--to", "2025-12-31", "--all-eligible",
         "--approver", "院长"],
    ],
)  # fmt: skip
def test_writers_are_refused_saying_which_commands_still_work(
    held: Path, argv: list[str], capsys: pytest.CaptureFixture[str], workspace: Workspace
) -> None:
    before = workspace.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert cli.main([*argv, "--db", str(held)]) == 2
    err = capsys.readouterr().err
    assert "正在被" in err and "本命令会修改数据，已拒绝" in err and "reminders" in err
    assert workspace.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
