"""Shared fixtures: offscreen Qt, a private data directory, a fresh migrated database per test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's real data directory.
os.environ["TRIBUNAL_DESK_HOME"] = tempfile.mkdtemp(prefix="tribunal-desk-test-home-")

import pytest
from hypothesis import HealthCheck, settings

from desktop.core.model import (
    Case,
    CourtSettings,
    Disposition,
    Installment,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Payment,
    Stage,
)
from desktop.services.workspace import Workspace

# Timing is not what the property tests check. On a loaded two-core CI machine Hypothesis's first text()
# draw builds its Unicode tables for over a second and single examples pass the 200 ms deadline, which
# failed correct tests at random; speed is measured by tests/bench/ instead.
settings.register_profile("tribunal", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tribunal")

TODAY = date(2025, 6, 13)

# Server mode: with TRIBUNAL_DESK_TEST_PG set to a PostgreSQL URL (`python -m tests.pgserver start` gives
# one), every test that takes `workspace` runs on both engines, as `test_x[sqlite]` and
# `test_x[postgresql]`, each PostgreSQL run in a database of its own cloned from a migrated template.
# A test about the SQLite file itself is marked `sqlite_only`.
PG_URL = os.environ.get("TRIBUNAL_DESK_TEST_PG", "")
ENGINES = ("sqlite", "postgresql") if PG_URL else ("sqlite",)
# One template per pytest process: two test runs sharing a cluster (two checkouts, two branches with
# different migrations) never build or drop each other's template.
PG_TEMPLATE = f"td_template_{os.getpid()}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about the SQLite file; not run on PostgreSQL")
    config.addinivalue_line("markers", "server: about server mode only (runs on PostgreSQL)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept, dropped = [], []
    for item in items:
        on_server = "[postgresql" in item.nodeid or "-postgresql" in item.nodeid
        (dropped if on_server and item.get_closest_marker("sqlite_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not PG_URL:
        terminalreporter.write_line("PostgreSQL: not tested (TRIBUNAL_DESK_TEST_PG is not set)")
        return
    counts: dict[str, int] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            on_server = "postgresql" in getattr(report, "nodeid", "") or "server" in getattr(
                report, "keywords", {}
            )
            if on_server and report.when in ("call", "setup"):
                if outcome == "passed" and report.when != "call":
                    continue
                counts[outcome] = counts.get(outcome, 0) + 1
    text = ", ".join(f"{n} {k}" for k, n in counts.items()) or "none ran"
    terminalreporter.write_line(f"PostgreSQL: {text}")


def _admin_url(name: str) -> str:
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    import psycopg

    from desktop.store.database import open_database

    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
        admin.execute(
            f"CREATE DATABASE {PG_TEMPLATE} ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN' "
            "LOCALE 'C.UTF-8' TEMPLATE template0"
        )
    open_database(_admin_url(PG_TEMPLATE)).close()
    yield PG_TEMPLATE
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")


@pytest.fixture
def pg_url(pg_template: str) -> str:
    """A fresh, migrated PostgreSQL database of this test's own."""
    import uuid

    import psycopg

    name = f"td_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {pg_template} STRATEGY FILE_COPY")
    yield _admin_url(name)
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.sqlite3"


@pytest.fixture
def db_target(engine: str, db_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """Where this test's database is: an SQLite file, or a PostgreSQL database of its own."""
    if engine == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return db_path


@pytest.fixture
def workspace(db_target: Path | str) -> Workspace:
    ws = Workspace.open(db_target, actor="测试员")
    ws.today = lambda: TODAY
    ws.set_court(CourtSettings("七台河市新兴区人民法院", "黑0902", "长兴人民法庭", ("民一庭", "执行局")))
    yield ws
    ws.close()


def make_case(number: str = "（2025）黑0902民初123号", **changes: object) -> Case:
    """A realistic case: a loan dispute judged in May 2025, paid in two installments, one paid."""
    case = Case(
        case_number=number,
        cause="民间借贷纠纷",
        stage=Stage.AFTER_JUDGMENT,
        disposition=Disposition.MEDIATION,
        handler="王建国",
        filing_date=date(2025, 3, 3),
        judgment_date=date(2025, 5, 6),
        effective_date=date(2025, 5, 6),
        deadline=date(2025, 6, 30),
        parties=(
            Party(
                PartyRole.PLAINTIFF,
                PartyKind.PERSON,
                "张三丰",
                id_number="11010519491231002X",
                phone="13800138000",
            ),
            Party(
                PartyRole.DEFENDANT,
                PartyKind.ORGANISATION,
                "七台河市宏达商贸有限公司",
                uscc="91230902MA1C2D3EXP",
            ),
        ),
        obligations=(
            Obligation(
                ObligationKind.MONEY,
                description="偿还借款本金",
                amount_fen=10_000_000,
                debtor="七台河市宏达商贸有限公司",
                creditor="张三丰",
                installments=(
                    Installment(1, date(2025, 5, 31), 4_000_000),
                    Installment(2, date(2025, 6, 30), 6_000_000),
                ),
                account_name="张三丰",
                account_number="6222020200012345678",
                account_bank="中国工商银行七台河分行",
            ),
        ),
        payments=(Payment(date(2025, 5, 30), 4_000_000, creditor_confirmed=True),),
    )
    from dataclasses import replace

    return replace(case, **changes)  # type: ignore[arg-type]


def type_text(widget: object, text: str) -> None:
    """Type ``text`` into a widget key by key, Chinese included.

    QTest.keyClicks asserts on characters outside Latin-1, so each character goes as a key event
    carrying its text, the way an input method delivers it.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )
