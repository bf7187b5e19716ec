"""批量出具: find the cases a form applies to today, then issue it for those the person keeps ticked.

On a large ledger both steps take minutes (each preselected case is loaded and judged by the form's
rule; each document is registered and laid out), so a view runs them off its thread: both report their
progress and can be stopped — finding at any point, issuing until the registration commits (nothing is
registered then). Both say when a limit cut them short instead of stopping silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from desktop.core.ledger import balance
from desktop.core.model import Case, PartyRole
from desktop.services.documents import BatchResult, DocumentService, Progress

__all__ = ["Cancelled", "Candidate", "Found", "Progress", "find", "issue", "stoppable"]
from desktop.store.cases import load_case

FIND_LIMIT = 500  # cases listed at most: one batch is one PDF that is printed and checked by hand
SCAN_LIMIT = 20_000  # preselected cases judged at most


class Cancelled(Exception):
    """The person pressed 取消: stopped, nothing written."""


@dataclass(frozen=True)
class Candidate:
    """One case the form applies to, as the batch list shows it."""

    case_id: int
    case_number: str
    party: str  # the one who must perform
    due_date: date | None  # the next unpaid due date, else the deadline
    owed_fen: int


@dataclass(frozen=True)
class Found:
    candidates: tuple[Candidate, ...]
    checked: int  # preselected cases judged
    preselected: int
    limit: int
    scan: int

    @property
    def limit_reached(self) -> bool:
        """More cases may apply than are listed."""
        return len(self.candidates) >= self.limit

    @property
    def scan_reached(self) -> bool:
        """The preselection was cut at ``scan`` cases: later ones were not looked at."""
        return self.preselected >= self.scan and not self.limit_reached

    def notice(self) -> str:
        """What the person must know about the limits, "" when the list is complete."""
        if self.limit_reached:
            return (
                f"已达上限：只列出最先到期的 {self.limit:,} 件，可能还有适用的案件未列出；"
                "出具这一批后再次查找，即列出其余案件。"
            )
        if self.scan_reached:
            return (
                f"已达上限：只检查了最先到期的 {self.scan:,} 件候选案件，其后的案件未检查；"
                "出具这一批后再次查找，即检查其余案件。"
            )
        return ""


def debtor_names(case: Case) -> str:
    """Who must perform: the money obligations' debtors, else the defendants (each once)."""
    names = [o.debtor.strip() for o in case.obligations if o.debtor.strip()]
    if not names:
        names = [p.name for p in case.parties if p.role is PartyRole.DEFENDANT]
    return "、".join(dict.fromkeys(names))


def candidate(case: Case) -> Candidate:
    assert case.id is not None
    b = balance(case)
    due = b.next_due_date or case.deadline
    return Candidate(case.id, case.case_number, debtor_names(case), due, b.owed_fen)


def find(
    service: DocumentService,
    form_id: str,
    limit: int = FIND_LIMIT,
    scan: int = SCAN_LIMIT,
    progress: Progress | None = None,
) -> Found:
    """The cases ``form_id`` applies to today, soonest due first, with what the list shows of each;
    ``progress`` hears ("检查", done, total) for each case judged and may raise :class:`Cancelled`."""
    form = service.form(form_id)
    ids = service.preselected(form_id, scan)
    found: list[Candidate] = []
    checked = 0
    for checked, case_id in enumerate(ids, start=1):
        if progress is not None:
            progress("检查", checked - 1, len(ids))
        case = load_case(service.ws.db, case_id)
        if service.eligibility(form, case).allowed:
            found.append(candidate(case))
            if len(found) >= limit:
                break
    found.sort(key=lambda c: (c.due_date or date.max, c.case_number))
    return Found(tuple(found), checked, len(ids), limit, scan)


def issue(
    service: DocumentService, form_id: str, case_ids: Sequence[int], progress: Progress | None = None
) -> BatchResult:
    """Register the form for ``case_ids`` and lay them out as one PDF (see
    :meth:`DocumentService.issue_batch`); ``progress`` may stop it until the registration commits."""
    return service.issue_batch(form_id, case_ids, progress=progress)


def stoppable(progress: Callable[[str, int, int], None], stop: Callable[[], bool]) -> Progress:
    """A progress callback that raises :class:`Cancelled` once ``stop()`` says so — but never while
    the PDF is laid out: by then the documents are registered and must be saved."""

    def report(phase: str, done: int, total: int) -> None:
        if phase != "排版" and stop():
            raise Cancelled
        progress(phase, done, total)

    return report
