"""审破衔接 screening (房县方案十; 佳木斯意见九（一） says the same in three points): which enterprise
defendants may meet the conditions for bankruptcy, on which grounds, and the figures behind each.

房县方案十: "被告存在下列情形，可能符合破产条件的，应当向当事人发送《申请破产审查告知书》":

（一）同一年度被告金钱给付类债务纠纷在10件以上，且债务标的总额已超过企业注册资本的 — counted per year of
     the case number (立案年度), over the cases in which the enterprise owes money (被告、被申请人、被执行人),
     enforcement (执…) and second-instance (民终) numbers left out: they carry the same debt again;
（二）被告已列为其他案件被执行人，且因无履行能力而终结本次执行程序的 — an enforcement case against it recorded
     as closed by 终结本次执行程序 (for the notice in a case, another case than that one);
（三）被告营业执照已处于吊销状态，属僵尸企业的 — the licence status last recorded for it is 吊销;
（四）其他符合破产申请条件的情形 — entered by a judge, with the reason.

An enterprise is known by its 统一社会信用代码, else by its exact name. Its registered capital and licence
status are those of its most recent case that records them. Pure domain code: the store gathers the
facts (:class:`Enterprise`), :func:`screen` decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from desktop.core.errors import ValidationError
from desktop.core.model import LicenceStatus
from desktop.core.money import format_yuan

__all__ = [
    "MIN_CASES",
    "Enterprise",
    "Finding",
    "Ground",
    "OtherGround",
    "Termination",
    "YearCount",
    "check_reason",
    "describe",
    "enterprise_key",
    "notice_findings",
    "screen",
]

MIN_CASES: Final = 10
"""房县方案十（一）: "在10件以上" (以上 includes the number itself)."""


class Ground(StrEnum):
    """The four grounds, worded as the choices of forms/170_bankruptcy_review_notice.toml."""

    CASES = "同一年度金钱给付类债务纠纷在10件以上，且债务标的总额已超过企业注册资本"
    TERMINATED = "已被列为其他案件被执行人，且因无履行能力而终结本次执行程序"
    REVOKED = "营业执照已处于吊销状态，属僵尸企业"
    OTHER = "存在其他符合破产申请条件的情形"

    @property
    def clause(self) -> str:
        return _CLAUSES[self]

    @property
    def short(self) -> str:
        """ "（一）案件数与标的额" … for a narrow column."""
        return _SHORT[self]


_CLAUSES: Final = {
    Ground.CASES: "房县方案十（一）",
    Ground.TERMINATED: "房县方案十（二）",
    Ground.REVOKED: "房县方案十（三）",
    Ground.OTHER: "房县方案十（四）",
}


_SHORT: Final = {
    Ground.CASES: "（一）案件多、标的超注册资本",
    Ground.TERMINATED: "（二）他案终本",
    Ground.REVOKED: "（三）执照吊销",
    Ground.OTHER: "（四）其他情形",
}


@dataclass(frozen=True)
class YearCount:
    """The enterprise's money cases of one year: how many, and the total owed under them."""

    year: int
    cases: int
    total_fen: int


@dataclass(frozen=True)
class Termination:
    case_id: int
    case_number: str
    terminated_on: date


@dataclass(frozen=True)
class OtherGround:
    reason: str
    entered_by: str
    entered_on: date


@dataclass(frozen=True)
class Enterprise:
    key: str
    name: str
    uscc: str = ""
    registered_capital_fen: int | None = None
    licence_status: LicenceStatus | None = None
    years: tuple[YearCount, ...] = ()
    terminations: tuple[Termination, ...] = ()
    other: OtherGround | None = None


@dataclass(frozen=True)
class Finding:
    ground: Ground
    detail: str  # the figures behind it, in Chinese
    case_ids: tuple[int, ...] = ()  # the 终本 cases of ground (二)

    def as_json(self) -> dict[str, object]:
        return {"clause": self.ground.clause, "ground": self.ground.value, "detail": self.detail}


def enterprise_key(uscc: str, name: str) -> str:
    """How an enterprise is known across cases (the store builds the same key in SQL)."""
    return f"uscc:{uscc}" if uscc else f"name:{name}"


def check_reason(reason: str) -> str:
    """A judge's reason for ground (四): required, at most 200 characters."""
    text = reason.strip()
    if not text:
        raise ValidationError("理由", "登记其他符合破产申请条件的情形须写明理由")
    if len(text) > 200:
        raise ValidationError("理由", f"过长（{len(text)}字），最多200字")
    return text


def screen(enterprise: Enterprise, min_cases: int = MIN_CASES) -> tuple[Finding, ...]:
    """The grounds ``enterprise`` meets, in the seed's order, each with its figures."""
    found: list[Finding] = []
    capital = enterprise.registered_capital_fen
    if capital is not None:
        years = [y for y in enterprise.years if y.cases >= min_cases and y.total_fen > capital]
        if years:
            y = max(years, key=lambda y: y.year)  # the latest such year
            found.append(
                Finding(
                    Ground.CASES,
                    f"{y.year}年金钱给付类纠纷{y.cases}件，标的总额{format_yuan(y.total_fen)}，"
                    f"超过注册资本{format_yuan(capital)}",
                )
            )
    if enterprise.terminations:
        ends = sorted(enterprise.terminations, key=lambda t: (t.terminated_on, t.case_number))
        numbers = "、".join(f"{t.case_number}（{t.terminated_on.isoformat()}）" for t in ends)
        found.append(
            Finding(
                Ground.TERMINATED,
                f"被执行案件终结本次执行程序：{numbers}",
                tuple(t.case_id for t in ends),
            )
        )
    if enterprise.licence_status is LicenceStatus.REVOKED:
        found.append(Finding(Ground.REVOKED, "登记状态为吊销"))
    if enterprise.other is not None:
        o = enterprise.other
        found.append(Finding(Ground.OTHER, f"{o.reason}（{o.entered_by}于{o.entered_on.isoformat()}登记）"))
    return tuple(found)


def notice_findings(findings: Iterable[Finding], case_id: int | None) -> tuple[Finding, ...]:
    """The findings that support a notice in case ``case_id``: ground (二) needs a 终本 in *another* case."""
    out: list[Finding] = []
    for f in findings:
        if f.ground is Ground.TERMINATED:
            others = tuple(i for i in f.case_ids if i != case_id)
            if not others:
                continue
            f = Finding(f.ground, f.detail, others)
        out.append(f)
    return tuple(out)


def describe(findings: Sequence[Finding]) -> str:
    """ "房县方案十（一）：…；房县方案十（三）：…" for a reason or a list cell."""
    return "；".join(f"{f.ground.clause}：{f.detail}" for f in findings)
