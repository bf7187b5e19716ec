"""The ledger's arithmetic: what is owed, what is late, applied oldest slice first."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.ledger import Performance, balance
from desktop.core.model import Case, Installment, Obligation, ObligationKind, Payment

D = date(2025, 6, 1)


def case_with(
    obligations: tuple[Obligation, ...], paid: tuple[int, ...] = (), deadline: date | None = D
) -> Case:
    return Case(
        "（2025）黑0902民初1号",
        deadline=deadline,
        obligations=obligations,
        payments=tuple(Payment(D, p) for p in paid),
    )


PLAN = Obligation(
    ObligationKind.MONEY,
    amount_fen=300,
    installments=(
        Installment(1, D, 100),
        Installment(2, D + timedelta(30), 100),
        Installment(3, D + timedelta(60), 100),
    ),
)


@pytest.mark.parametrize(
    ("obligations", "paid", "owed", "next_due", "next_fen", "performance"),
    [
        ((Obligation(ObligationKind.MONEY, amount_fen=1000),), (), 1000, D, 1000, Performance.NONE),
        ((Obligation(ObligationKind.MONEY, amount_fen=1000),), (400,), 600, D, 600, Performance.PARTIAL),
        ((Obligation(ObligationKind.MONEY, amount_fen=1000),), (400, 600), 0, None, 0, Performance.FULL),
        ((Obligation(ObligationKind.MONEY, amount_fen=1000),), (1500,), 0, None, 0, Performance.FULL),
        ((PLAN,), (), 300, D, 100, Performance.NONE),
        ((PLAN,), (150,), 150, D + timedelta(30), 50, Performance.PARTIAL),
        ((PLAN,), (200,), 100, D + timedelta(60), 100, Performance.PARTIAL),
        ((Obligation(ObligationKind.ACT, description="拆除围墙"),), (), 0, None, 0, Performance.NOT_MONEY),
        (
            (
                Obligation(ObligationKind.MONEY, amount_fen=500, due_date=D + timedelta(5)),
                Obligation(ObligationKind.MONEY, amount_fen=500, due_date=D - timedelta(5)),
            ),
            (500,),
            500,
            D + timedelta(5),
            500,
            Performance.PARTIAL,
        ),
    ],
)
def test_balance(obligations, paid, owed, next_due, next_fen, performance) -> None:  # type: ignore[no-untyped-def]
    b = balance(case_with(obligations, paid))
    assert (b.owed_fen, b.next_due_date, b.next_due_fen, b.performance) == (
        owed,
        next_due,
        next_fen,
        performance,
    )


def test_days_overdue() -> None:
    b = balance(case_with((PLAN,), (100,)))
    assert b.days_overdue(D + timedelta(30)) == 0
    assert b.days_overdue(D + timedelta(45)) == 15
    assert balance(case_with((PLAN,), (300,))).days_overdue(D + timedelta(400)) == 0


def test_obligation_without_date_uses_case_deadline_and_undated_is_last() -> None:
    ob = Obligation(ObligationKind.MONEY, amount_fen=100)
    assert balance(case_with((ob,))).next_due_date == D
    assert balance(case_with((ob,), deadline=None)).next_due_date is None


amounts = st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=12)


@given(amounts, st.lists(st.integers(min_value=1, max_value=10**9), max_size=6))
def test_balance_properties(slices: list[int], paid: list[int]) -> None:
    ob = Obligation(
        ObligationKind.MONEY,
        amount_fen=sum(slices),
        installments=tuple(Installment(i + 1, D + timedelta(i * 30), a) for i, a in enumerate(slices)),
    )
    b = balance(case_with((ob,), tuple(paid)))
    assert b.owed_fen == max(sum(slices) - sum(paid), 0)
    assert 0 <= b.next_due_fen <= max(slices)
    assert (b.next_due_date is None) == (b.owed_fen == 0)
    assert b.owed_fen >= b.next_due_fen
    more = balance(
        replace(
            case_with((ob,), tuple(paid)), payments=(*case_with((ob,), tuple(paid)).payments, Payment(D, 1))
        )
    )
    assert more.owed_fen <= b.owed_fen
