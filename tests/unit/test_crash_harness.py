"""Import, backup, restore and publish killed (SIGKILL) at random moments; after the next open of the
database: no corrupt database, nothing partial, no leftovers (issue 18). A few kills here;
tests/bench/bench_crash.py runs hundreds. tests/unit/test_crash_safety.py covers raw write
transactions and encrypted backups to a stick."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.crash_harness import KINDS, kill_runs, prepare

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def test_killed_import_backup_restore_and_publish_leave_nothing_wrong(tmp_path: Path) -> None:
    base = prepare(tmp_path / "base", cases=400, import_rows=400)
    assert base.publish_entries > 0  # publish has a batch to write
    tally = kill_runs(base, tmp_path, per_kind=1)  # at a random moment of each one's measured run
    assert tally.kills == dict.fromkeys(KINDS, 1)
    assert tally.child_errors == []
    assert tally.corrupt == []
    assert tally.partial == []
    assert tally.leftovers == []
