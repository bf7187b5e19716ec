"""Litigation fees (诉讼费用交纳办法, 国务院令第481号) and late-performance interest, in integer fen.

DOMAIN.md §4:

* §13 case acceptance fee for property cases: 50 yuan up to 10,000; above that cumulative bands of 2.5%
  (to 100k), 2% (200k), 1.5% (500k), 1% (1M), 0.9% (2M), 0.8% (5M), 0.7% (10M), 0.6% (20M), 0.5% beyond.
* §14 enforcement fee: 50 yuan up to 10,000; then 1.5% (to 500k), 1% (5M), 0.5% (10M), 0.1% beyond;
  with no amount, 50 to 500 yuan per case (the court fixes it within the range).
* §15 mediation or withdrawal halves the acceptance fee; §16 simplified procedure halves it. When both
  apply the fee is halved once by default (``halve_twice`` is the per-court setting).
* Each fee is computed exactly and rounded half-up to the fen once, at the end.

DOMAIN.md §2 / 民事诉讼法 (2023) §264: late-performance (doubled) interest on the unpaid principal is
0.0175% per day, counted from the day after the performance deadline up to and including the day of
payment. 100,000 yuan due 2025-02-17 paid 2025-03-19: 30 days, 525 yuan.

Rates are kept in basis points (1/10,000) or millionths so that everything stays integer.
"""

from __future__ import annotations

from datetime import date

_YUAN = 100  # fen

# (upper bound of the band in fen or None, rate in basis points); the first band is a flat fee.
_ACCEPTANCE_BANDS: tuple[tuple[int | None, int], ...] = (
    (100_000 * _YUAN, 250),
    (200_000 * _YUAN, 200),
    (500_000 * _YUAN, 150),
    (1_000_000 * _YUAN, 100),
    (2_000_000 * _YUAN, 90),
    (5_000_000 * _YUAN, 80),
    (10_000_000 * _YUAN, 70),
    (20_000_000 * _YUAN, 60),
    (None, 50),
)
_ENFORCEMENT_BANDS: tuple[tuple[int | None, int], ...] = (
    (500_000 * _YUAN, 150),
    (5_000_000 * _YUAN, 100),
    (10_000_000 * _YUAN, 50),
    (None, 10),
)
FLAT_LIMIT = 10_000 * _YUAN
FLAT_FEE = 50 * _YUAN
ENFORCEMENT_FEE_WITHOUT_AMOUNT = (50 * _YUAN, 500 * _YUAN)

LATE_INTEREST_PER_MILLION_PER_DAY = 175  # 0.0175% = 175 / 1,000,000


def _round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up, for non-negative numbers."""
    return (2 * numerator + denominator) // (2 * denominator)


def _banded(amount_fen: int, bands: tuple[tuple[int | None, int], ...]) -> int:
    if amount_fen < 0:
        raise ValueError("amount must not be negative")
    total = FLAT_FEE * 10_000  # in fen × basis points
    lower = FLAT_LIMIT
    for upper, bp in bands:
        if amount_fen <= lower:
            break
        top = amount_fen if upper is None else min(amount_fen, upper)
        total += (top - lower) * bp
        lower = top
    return _round_div(total, 10_000)


def acceptance_fee(amount_fen: int) -> int:
    """§13 case acceptance fee for a property claim of ``amount_fen``."""
    return _banded(amount_fen, _ACCEPTANCE_BANDS)


def enforcement_fee(amount_fen: int) -> int:
    """§14 enforcement fee for an enforced amount of ``amount_fen``."""
    return _banded(amount_fen, _ENFORCEMENT_BANDS)


def enforcement_fee_without_amount() -> tuple[int, int]:
    """§14: with no amount or value the fee is fixed by the court within this range (fen, inclusive)."""
    return ENFORCEMENT_FEE_WITHOUT_AMOUNT


def halve(fee_fen: int) -> int:
    """Half a fee, rounded half-up to the fen (§15, §16)."""
    if fee_fen < 0:
        raise ValueError("fee must not be negative")
    return _round_div(fee_fen, 2)


def reduced_acceptance_fee(
    fee_fen: int, *, mediated_or_withdrawn: bool, simplified: bool, halve_twice: bool = False
) -> int:
    """The acceptance fee after §15 (mediation, withdrawal) and §16 (simplified procedure).

    Both together halve once unless the court's setting ``halve_twice`` says otherwise.
    """
    times = int(mediated_or_withdrawn) + int(simplified)
    if times == 2 and not halve_twice:
        times = 1
    for _ in range(times):
        fee_fen = halve(fee_fen)
    return fee_fen


def late_days(deadline: date, paid: date) -> int:
    """Days late: from the day after ``deadline`` to ``paid`` inclusive; 0 when paid on time."""
    return max((paid - deadline).days, 0)


def late_interest(unpaid_fen: int, deadline: date, paid: date) -> int:
    """§264 doubled interest: unpaid × 0.0175% × days late, rounded half-up to the fen."""
    if unpaid_fen < 0:
        raise ValueError("unpaid amount must not be negative")
    return _round_div(unpaid_fen * LATE_INTEREST_PER_MILLION_PER_DAY * late_days(deadline, paid), 10**6)
