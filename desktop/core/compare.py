"""Two versions of one case side by side, field by field: what a clerk sees when another clerk saved the
case first (server mode), to decide what to keep."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from desktop.core.model import Case, Obligation, Party, Payment
from desktop.core.money import format_yuan
from desktop.core.tabular import CASES, LAYOUT


@dataclass(frozen=True)
class Difference:
    label: str  # 案由, 当事人 …
    mine: str
    theirs: str


def _text(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _parties(parties: tuple[Party, ...]) -> str:
    return "；".join(f"{p.role.value}{p.name}" for p in parties) or "（无）"


def _obligations(obligations: tuple[Obligation, ...]) -> str:
    return (
        "；".join(
            f"{o.kind.value}{format_yuan(o.amount_fen)}"
            + (f"（分{len(o.installments)}期）" if o.installments else "")
            for o in obligations
        )
        or "（无）"
    )


def _payments(payments: tuple[Payment, ...]) -> str:
    if not payments:
        return "（无）"
    total = sum(p.amount_fen for p in payments)
    return (
        f"{len(payments)}笔，共{format_yuan(total)}，最近一笔{max(p.paid_on for p in payments).isoformat()}"
    )


_CHILDREN = (
    ("当事人", "parties", _parties),
    ("履行义务", "obligations", _obligations),
    ("履行记录", "payments", _payments),
)


def differences(mine: Case, theirs: Case) -> list[Difference]:
    """The fields in which ``mine`` (being edited) and ``theirs`` (saved meanwhile) differ, in the order
    of the ledger's columns; parties, obligations and payments each as one line."""
    sheet = next(s for s in LAYOUT if s.name == CASES)
    out = []
    for column in sheet.columns:
        if column.kind == "derived" or not hasattr(mine, column.key):
            continue
        a, b = getattr(mine, column.key), getattr(theirs, column.key)
        if a != b:
            out.append(Difference(column.header, _text(a), _text(b)))
    for label, attr, describe in _CHILDREN:
        a, b = getattr(mine, attr), getattr(theirs, attr)
        if _strip_ids(a) != _strip_ids(b):
            out.append(Difference(label, describe(a), describe(b)))
    return out


def _strip_ids(items: tuple[object, ...]) -> tuple[object, ...]:
    from dataclasses import fields, is_dataclass, replace

    def clean(x: object) -> object:
        if is_dataclass(x) and not isinstance(x, type):
            changes = {
                f.name: clean(getattr(x, f.name)) for f in fields(x) if isinstance(getattr(x, f.name), tuple)
            }
            if any(f.name == "id" for f in fields(x)):
                changes["id"] = None
            return replace(x, **changes)
        if isinstance(x, tuple):
            return tuple(clean(i) for i in x)
        return x

    return tuple(clean(i) for i in items)
