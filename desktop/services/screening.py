"""审破衔接 screening (房县方案十): the flagged enterprises with their grounds and figures, what supports a
申请破产审查告知书 in a case, and the two facts staff record for it (a 终本 closure, a judge's other ground).
Each write is one transaction and tells the workspace what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop.core.casenumber import parse_case_number
from desktop.core.errors import ValidationError
from desktop.core.model import Case, Stage
from desktop.core.screening import (
    MIN_CASES,
    Enterprise,
    Finding,
    check_reason,
    enterprise_key,
    screen,
)
from desktop.core.validation import check_text
from desktop.services.workspace import CaseInvalid, Change, Workspace
from desktop.store import screening as store
from desktop.store.cases import load_case
from desktop.store.database import transaction


@dataclass(frozen=True)
class Flagged:
    """An enterprise that meets at least one ground, its open cases (where a notice may be sent)."""

    enterprise: Enterprise
    findings: tuple[Finding, ...]
    open_cases: tuple[tuple[int, str], ...]

    def as_json(self) -> dict[str, object]:
        e = self.enterprise
        return {
            "name": e.name,
            "uscc": e.uscc,
            "registered_capital_fen": e.registered_capital_fen,
            "licence_status": e.licence_status.value if e.licence_status else None,
            "grounds": [f.as_json() for f in self.findings],
            "open_cases": [number for _id, number in self.open_cases],
        }


def _in_enforcement(case: Case) -> bool:
    try:
        own = parse_case_number(case.case_number).is_enforcement
    except ValidationError:
        own = False
    return own or case.stage is Stage.ENFORCEMENT or bool(case.enforcement_case_number)


class Screening:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def flagged(self, min_cases: int = MIN_CASES) -> list[Flagged]:
        """Every enterprise that meets a ground, those with open cases first, then by name."""
        conn = self.ws.db.conn
        found = []
        for e in store.enterprises(conn, store.candidate_keys(conn, min_cases)):
            findings = screen(e, min_cases)
            if findings:
                found.append((e, findings))
        open_cases = store.open_cases_by_key(conn, (e.key for e, _f in found))
        out = [Flagged(e, findings, tuple(open_cases.get(e.key, ()))) for e, findings in found]
        out.sort(key=lambda f: (not f.open_cases, f.enterprise.name))
        return out

    def for_case(self, case_id: int) -> tuple[Finding, ...]:
        """The findings that support a notice in ``case_id``, for the enterprises that owe in it."""
        return store.case_findings(self.ws.db.conn, case_id)

    # ------------------------------------------------------------ what staff record
    def record_termination(self, case_id: int, on: date, note: str = "") -> None:
        """The enforcement case ``case_id`` was closed by 终结本次执行程序 on ``on``."""
        try:
            note = check_text("说明", note, max_len=200)
            if on > self.ws.today():
                raise ValidationError("终本日期", "不能晚于今天")
        except ValidationError as exc:
            raise CaseInvalid([exc]) from exc
        case = load_case(self.ws.db, case_id)
        if not _in_enforcement(case):
            problem = ValidationError(
                "案号", f"{case.case_number}不在执行阶段，也没有执行案号，不能登记终结本次执行程序"
            )
            raise CaseInvalid([problem])
        with transaction(self.ws.db) as conn:
            store.set_termination(conn, case_id, on, note, self.ws.actor, case.case_number)
        self.ws.notify(Change("screening", (case_id,)))

    def case_id(self, number: str) -> int:
        """The case a typed case number names (its own number or its enforcement number)."""
        try:
            canonical = parse_case_number(number).canonical
        except ValidationError as exc:
            raise CaseInvalid([exc]) from exc
        found = store.case_by_number(self.ws.db.conn, canonical)
        if found is None:
            raise CaseInvalid([ValidationError("案号", f"台账中没有{canonical}")])
        return found

    def remove_termination(self, case_id: int) -> None:
        case = load_case(self.ws.db, case_id)
        with transaction(self.ws.db) as conn:
            store.delete_termination(conn, case_id, self.ws.actor, case.case_number)
        self.ws.notify(Change("screening", (case_id,)))

    def enter_other(self, uscc: str, name: str, reason: str) -> str:
        """房县方案十（四）: a judge enters another ground for the enterprise, with the reason."""
        try:
            reason = check_reason(reason)
            if not name.strip():
                raise ValidationError("企业名称", "请填写企业名称")
        except ValidationError as exc:
            raise CaseInvalid([exc]) from exc
        with transaction(self.ws.db) as conn:
            key = store.set_other(conn, uscc.strip(), name.strip(), reason, self.ws.actor, self.ws.today())
        self.ws.notify(Change("screening"))
        return key

    def remove_other(self, uscc: str, name: str) -> None:
        with transaction(self.ws.db) as conn:
            store.delete_other(conn, enterprise_key(uscc.strip(), name.strip()), self.ws.actor)
        self.ws.notify(Change("screening"))
