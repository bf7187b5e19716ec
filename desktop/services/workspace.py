"""The open database and the use cases on it, shared by the GUI and the CLI.

Every write goes through a method here: it validates with ``core``, writes through ``store`` in one
transaction, and then tells the listeners what changed (the GUI turns that into one Qt signal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.errors import ValidationError
from desktop.core.model import Case, Contact, CourtSettings
from desktop.core.validation import case_problems, check_text
from desktop.services import operator
from desktop.store import cases as case_store
from desktop.store import settings as settings_store
from desktop.store.database import StoreError, open_database
from desktop.store.engine import Database, is_server

if TYPE_CHECKING:
    from desktop.core.fee_relief import FeeRelief


class CaseInvalid(StoreError):
    """The case has problems a person must fix; nothing was written."""

    def __init__(self, problems: list[ValidationError]) -> None:
        super().__init__("；".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Change:
    """What a use case changed: ``what`` is e.g. "case", "contact", "settings"."""

    what: str
    case_ids: tuple[int, ...] = ()


Listener = Callable[[Change], None]


def _who(actor: str | None) -> str:
    import socket

    from desktop.services.operator import os_login

    return f"{actor or os_login()}@{socket.gethostname()}"


class Workspace:
    def __init__(
        self,
        db: Database,
        actor: str | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.db = db
        # who every record names: the person chosen on this PC, else the login (desktop.services.operator)
        self.actor = actor or operator.actor_for(self.path)
        self.today = today
        self._listeners: list[Listener] = []

    @classmethod
    def open(
        cls, path: Path | str | None = None, actor: str | None = None, password: str | None = None
    ) -> Workspace:
        """Open the SQLite file at ``path`` (default: the user's), or the server at a ``postgresql://``
        URL, signing in with ``password`` when one is needed (kept in memory only)."""
        ws = cls(open_database(path, password, who=_who(actor)), actor)
        ws.password = password
        return ws

    password: str | None = None  # the server's, for the connections a worker thread opens

    @property
    def is_server(self) -> bool:
        return is_server(self.db)

    @property
    def read_only(self) -> bool:
        """Opened read-only (another program holds the database, or a reader's connection): every write
        is refused, and a window on it disables every editing action from the start."""
        from desktop.store.lock import is_read_only

        return is_read_only(self.db)

    @property
    def path(self) -> str:
        """The SQLite file's path, or the server's URL (without a password): where another connection
        (a worker thread's) opens the same database."""
        if self.is_server:
            return str(self.db.conn.url)
        return str(self.db.execute("PRAGMA database_list").fetchone()[2])

    @classmethod
    def open_reader(cls, path: str, actor: str | None = None, password: str | None = None) -> Workspace:
        """A read-only workspace on the database at ``path`` (a file or a server), for a worker thread:
        every write through it is refused."""
        from desktop.store.engine import is_server_url

        if is_server_url(path):
            from desktop.store import pg

            return cls(pg.PgDatabase(pg.connect(path, password, read_only=True)), actor)
        from desktop.store.lock import open_read_only

        return cls(open_read_only(path), actor)

    def close(self) -> None:
        self.db.conn.close()

    # ------------------------------------------------------------ change notification
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def notify(self, change: Change) -> None:
        """Tell every listener what a use case changed (call after its transaction committed)."""
        for listener in list(self._listeners):
            listener(change)

    # ------------------------------------------------------------ court settings
    def court(self) -> CourtSettings | None:
        return settings_store.court_settings(self.db)

    def set_court(self, court: CourtSettings) -> None:
        from desktop.core.casenumber import parse_court_code

        problems: list[ValidationError] = []
        for field, value in (("法院名称", court.court_name), ("法庭名称", court.tribunal_name)):
            try:
                check_text(field, value, required=field == "法院名称", max_len=40)
            except ValidationError as exc:
                problems.append(exc)
        try:
            court = CourtSettings(
                court.court_name.strip(),
                parse_court_code(court.court_code),
                court.tribunal_name.strip(),
                tuple(d.strip() for d in court.departments if d.strip()),
            )
        except ValidationError as exc:
            problems.append(exc)
        if problems:
            raise CaseInvalid(problems)
        settings_store.save_court_settings(self.db, court, self.actor)
        self.notify(Change("settings"))

    def handler_names(self) -> list[str]:
        return case_store.handler_names(self.db)

    # ------------------------------------------------------------ cases
    def load_case(self, case_id: int) -> Case:
        return case_store.load_case(self.db, case_id)

    def save_case(self, case: Case) -> Case:
        problems = case_problems(case, self.today())
        if problems:
            raise CaseInvalid(problems)
        saved = case_store.save_case(self.db, case, self.actor)
        assert saved.id is not None
        self.notify(Change("case", (saved.id,)))
        return saved

    def delete_case(self, case_id: int) -> None:
        case_store.delete_case(self.db, case_id, self.actor)
        self.notify(Change("case", (case_id,)))

    # ------------------------------------------------------------ 诉讼费减免
    # (desktop.core.fee_relief and store.fee_relief are imported here: the first window does not need them)
    def fee_reliefs(self, case_id: int) -> list[FeeRelief]:
        from desktop.store import fee_relief as relief_store

        return relief_store.list_reliefs(self.db, case_id)

    def save_fee_relief(self, case_id: int, relief: FeeRelief) -> FeeRelief:
        """Record an application or its decision (refused with every problem, nothing written)."""
        from desktop.core.fee_relief import relief_problems
        from desktop.store import fee_relief as relief_store

        relief = replace(
            relief,
            applicant=relief.applicant.strip(),
            basis=relief.basis.strip(),
            decided_by=relief.decided_by.strip(),
            note=relief.note.strip(),
        )
        problems = relief_problems(relief, self.today())
        if problems:
            raise CaseInvalid(problems)
        saved = relief_store.save_relief(self.db, case_id, relief, self.actor)
        self.notify(Change("fee_relief", (case_id,)))
        return saved

    def delete_fee_relief(self, case_id: int, relief_id: int) -> None:
        from desktop.store import fee_relief as relief_store

        relief_store.delete_relief(self.db, relief_id, self.actor)
        self.notify(Change("fee_relief", (case_id,)))

    def add_contact(self, case_id: int, contact: Contact) -> Contact:
        try:
            check_text("督促结果", contact.outcome, max_len=200)
            check_text("备注", contact.note, max_len=500)
        except ValidationError as exc:
            raise CaseInvalid([exc]) from exc
        saved = case_store.add_contact(self.db, case_id, contact, self.actor)
        self.notify(Change("contact", (case_id,)))
        return saved
