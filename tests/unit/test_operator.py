"""Who is using the program (desktop.services.operator): chosen once per PC and database from the
staff, kept in the PC's local settings file (never in the shared database), named by every record."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest

from desktop.core.errors import ValidationError
from desktop.core.model import ContactMethod, CourtSettings
from desktop.services import operator
from desktop.services.contacts import record_case_contact
from desktop.services.workspace import CaseInvalid, Workspace
from tests.conftest import TODAY, make_case


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRIBUNAL_DESK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def staffed(home: Path, tmp_path: Path) -> Path:
    """A database with two handlers (王建国, 李春雨) and nobody chosen yet."""
    path = tmp_path / "court.sqlite3"
    ws = Workspace.open(path, actor="夹具")
    ws.today = lambda: TODAY
    ws.set_court(CourtSettings("七台河市新兴区人民法院", "黑0902", "长兴人民法庭", ()))
    ws.save_case(make_case("（2025）黑0902民初1号"))
    ws.save_case(make_case("（2025）黑0902民初2号", handler="李春雨"))
    ws.close()
    return path


def test_nobody_chosen_names_the_login(staffed: Path) -> None:
    ws = Workspace.open(staffed)
    assert ws.actor == getpass.getuser() == operator.actor_for(str(staffed))
    assert operator.needs_choice(ws)
    assert operator.me(ws) == ""
    ws.close()


def test_the_chosen_person_is_every_records_actor(staffed: Path, home: Path) -> None:
    ws = Workspace.open(staffed)
    ws.today = lambda: TODAY
    operator.set_operator(ws, "李春雨")
    assert ws.actor == "李春雨" and not operator.needs_choice(ws)
    ws.close()

    again = Workspace.open(staffed)  # the next start, and the command line on this PC
    again.today = lambda: TODAY
    assert again.actor == "李春雨"
    assert operator.me(again) == "李春雨"
    (contact,) = record_case_contact(again, 2, ContactMethod.PHONE, "已接通")
    assert contact.by == "李春雨"
    actors = {r[0] for r in again.db.execute("SELECT actor FROM audit_log WHERE action = 'contact.create'")}
    assert actors == {"李春雨"}
    # kept on the PC, not in the shared database
    settings = json.loads((home / operator.LOCAL_FILE).read_text(encoding="utf-8"))
    assert settings == {"operators": {str(staffed.resolve()): "李春雨"}}
    stored = " ".join(str(v) for (v,) in again.db.execute("SELECT value FROM settings"))
    assert "李春雨" not in stored
    again.close()


def test_one_choice_per_database_however_its_path_is_spelled(staffed: Path, tmp_path: Path) -> None:
    operator.choose(str(staffed), "王建国", ["王建国", "李春雨"])
    spelled = tmp_path / "x" / ".." / staffed.name
    assert operator.chosen(str(spelled)) == "王建国"
    assert operator.chosen(str(tmp_path / "demo.sqlite3")) == ""  # another database: asked there


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "请选择使用本程序的人"),
        ("  ", "请选择使用本程序的人"),
        ("root", "“root”不在本庭承办人名单中，请从名单中选择"),
    ],
)
def test_only_staff_can_be_chosen(staffed: Path, name: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        operator.choose(str(staffed), name, ["王建国", "李春雨"])
    assert raised.value.message == message
    ws = Workspace.open(staffed)
    with pytest.raises(CaseInvalid):
        operator.set_operator(ws, name)
    assert ws.actor == getpass.getuser()
    ws.close()


def test_a_damaged_settings_file_asks_again(staffed: Path, home: Path) -> None:
    operator.choose(str(staffed), "王建国", ["王建国"])
    (home / operator.LOCAL_FILE).write_text("{not json", encoding="utf-8")
    assert operator.chosen(str(staffed)) == ""
    operator.choose(str(staffed), "王建国", ["王建国"])  # and the next choice repairs it
    assert operator.chosen(str(staffed)) == "王建国"


def test_a_person_who_handles_no_case_has_no_mine(staffed: Path) -> None:
    ws = Workspace.open(staffed, actor="赵庭长")  # e.g. the 庭长 signed in on a server
    assert operator.me(ws) == ""
    ws.close()
