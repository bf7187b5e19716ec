"""Fees (诉讼费用交纳办法 §13–§16) and late-performance interest (§264), DOMAIN.md §4 and §2."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.fees import (
    acceptance_fee,
    enforcement_fee,
    enforcement_fee_without_amount,
    halve,
    late_days,
    late_interest,
    reduced_acceptance_fee,
)
from desktop.core.money import parse_money

# DOMAIN.md §4: amount → acceptance / halved / enforcement, all in yuan.
DOMAIN_EXAMPLES = [
    ("5,000", "50", "25", "50"),
    ("80,000", "1,800", "900", "1,100"),
    ("123,456.78", "2,769.14", "1,384.57", "1,751.85"),
    ("1,000,000", "13,800", "6,900", "12,400"),
    ("30,000,000", "191,800", "95,900", "97,400"),
]


@pytest.mark.parametrize(("amount", "accept", "halved", "enforce"), DOMAIN_EXAMPLES)
def test_domain_examples(amount: str, accept: str, halved: str, enforce: str) -> None:
    fen = parse_money(amount)
    assert acceptance_fee(fen) == parse_money(accept)
    assert halve(acceptance_fee(fen)) == parse_money(halved)
    assert enforcement_fee(fen) == parse_money(enforce)


@pytest.mark.parametrize(
    ("amount", "accept", "enforce"),
    [
        ("0", "50", "50"),
        ("10,000", "50", "50"),
        ("10,000.01", "50", "50"),  # 0.01 × 2.5% = 0.00025 yuan rounds to 0
        ("10,000.20", "50.01", "50"),  # 0.005 yuan rounds half up to 0.01
        ("10,000.40", "50.01", "50.01"),  # enforcement: 0.006 yuan → 0.01
        ("100,000", "2,300", "1,400"),
        ("200,000", "4,300", "2,900"),
        ("500,000", "8,800", "7,400"),
        ("2,000,000", "22,800", "22,400"),
        ("5,000,000", "46,800", "52,400"),
        ("10,000,000", "81,800", "77,400"),
        ("20,000,000", "141,800", "87,400"),
    ],
)
def test_band_edges(amount: str, accept: str, enforce: str) -> None:
    assert acceptance_fee(parse_money(amount)) == parse_money(accept)
    assert enforcement_fee(parse_money(amount)) == parse_money(enforce)


def test_enforcement_without_amount() -> None:
    assert enforcement_fee_without_amount() == (5_000, 50_000)


@pytest.mark.parametrize(("fee", "half"), [(0, 0), (1, 1), (2, 1), (3, 2), (5000, 2500), (276914, 138457)])
def test_halve_rounds_half_up(fee: int, half: int) -> None:
    assert halve(fee) == half


@pytest.mark.parametrize(
    ("mediated", "simplified", "twice", "expected"),
    [
        (False, False, False, 180_000),
        (True, False, False, 90_000),
        (False, True, False, 90_000),
        (True, True, False, 90_000),
        (True, True, True, 45_000),
    ],
)
def test_reduced_fee(mediated: bool, simplified: bool, twice: bool, expected: int) -> None:
    assert (
        reduced_acceptance_fee(
            180_000, mediated_or_withdrawn=mediated, simplified=simplified, halve_twice=twice
        )
        == expected
    )


def test_negative_amounts_are_bugs() -> None:
    for func in (acceptance_fee, enforcement_fee, halve):
        with pytest.raises(ValueError):
            func(-1)
    with pytest.raises(ValueError):
        late_interest(-1, date(2025, 1, 1), date(2025, 2, 1))


@pytest.mark.parametrize(
    ("unpaid", "deadline", "paid", "days", "interest"),
    [
        ("100,000", date(2025, 2, 17), date(2025, 3, 19), 30, "525"),  # DOMAIN.md §2
        ("100,000", date(2025, 2, 17), date(2025, 2, 17), 0, "0"),
        ("100,000", date(2025, 2, 17), date(2025, 2, 10), 0, "0"),
        ("100,000", date(2025, 2, 17), date(2025, 2, 18), 1, "17.50"),
        ("1,234.56", date(2025, 2, 17), date(2025, 2, 20), 3, "0.65"),  # 0.648144 → 0.65
        ("10", date(2025, 2, 17), date(2025, 2, 18), 1, "0"),  # 0.00175 yuan → 0
    ],
)
def test_late_interest(unpaid: str, deadline: date, paid: date, days: int, interest: str) -> None:
    assert late_days(deadline, paid) == days
    assert late_interest(parse_money(unpaid), deadline, paid) == parse_money(interest)


# ---------------------------------------------------------------- properties

_amounts = st.integers(0, 10**15)


@given(_amounts, _amounts)
def test_fees_grow_with_the_amount(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert 5000 <= acceptance_fee(low) <= acceptance_fee(high)
    assert 5000 <= enforcement_fee(low) <= enforcement_fee(high)


@given(_amounts)
def test_fee_rates_bound_the_fee(amount: int) -> None:
    # above the flat band the marginal rate is at most 2.5% (acceptance) and 1.5% (enforcement)
    assert acceptance_fee(amount) <= 5000 + amount * 25 // 1000 + 1
    assert enforcement_fee(amount) <= 5000 + amount * 15 // 1000 + 1


@given(st.integers(0, 10**12))
def test_halve_of_even(fee: int) -> None:
    assert halve(2 * fee) == fee
    assert halve(2 * fee + 1) == fee + 1


@given(st.integers(0, 10**12), st.dates(date(2000, 1, 1), date(2099, 1, 1)), st.integers(0, 3650))
def test_interest_is_linear_in_days(unpaid: int, deadline: date, days: int) -> None:
    paid = deadline + timedelta(days=days)
    exact_times_million = unpaid * 175 * days
    interest = late_interest(unpaid, deadline, paid)
    assert abs(interest * 10**6 - exact_times_million) <= 5 * 10**5
