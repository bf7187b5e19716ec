"""Signing in as a member of staff (server mode, issue 16 §5): a person may protect their name with a
password; records name them only once the password was given. Runs on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services import operator
from desktop.services.workspace import CaseInvalid, Workspace
from tests.conftest import make_case


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("TRIBUNAL_DESK_HOME", str(folder))
    return folder


def test_a_password_guards_the_name(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.core.staff.ITERATIONS", 1000)
    workspace.save_case(make_case(handler="王建国"))
    operator.sign_in(workspace, "王建国", "")  # no password yet: choosing the name is enough
    assert workspace.actor == "王建国" and not operator.needs_sign_in(workspace)
    operator.set_password(workspace, "庭里的密码123")
    stored = workspace.db.execute("SELECT password_hash FROM handlers WHERE name = '王建国'").fetchone()[0]
    assert stored.startswith("pbkdf2_sha256$") and "庭里的密码123" not in stored
    audit = workspace.db.execute("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert audit[0] == "handler.password.set" and "pbkdf2" not in audit[1]

    # the next start on this PC: the name is held until the password is given
    again = Workspace.open(workspace.path, password=workspace.password)
    assert again.actor == "王建国"
    assert operator.hold_until_signed_in(again) and again.actor != "王建国"
    assert operator.needs_sign_in(again)
    with pytest.raises(CaseInvalid, match="登录密码不对"):
        operator.sign_in(again, "王建国", "猜一个")
    assert again.actor != "王建国"
    operator.sign_in(again, "王建国", "庭里的密码123")
    assert again.actor == "王建国" and not operator.needs_sign_in(again)

    # changing it needs the old one; '' removes it
    with pytest.raises(CaseInvalid, match="原密码不对"):
        operator.set_password(again, "新的密码456", "错的")
    with pytest.raises(CaseInvalid, match="至少6个字符"):
        operator.set_password(again, "短", "庭里的密码123")
    operator.set_password(again, "", "庭里的密码123")
    assert not operator.password_required(again, "王建国")
    again.close()


def test_only_the_person_signed_in_sets_a_password(workspace: Workspace) -> None:
    workspace.actor = "不在名单上的人"
    with pytest.raises(CaseInvalid, match="请先在“设置”中选择本机使用人"):
        operator.set_password(workspace, "一个密码12")
