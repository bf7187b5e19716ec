"""Checks on a whole case before it is saved: each problem names the field and what is wrong.

Single values (a 案号, an ID number, an amount) are parsed by their own modules as they are typed;
this module checks what only the whole case can tell: installments adding up, dates in order,
identifiers matching the kind of party, nothing in the future that cannot be.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date

from desktop.core.casenumber import parse_case_number
from desktop.core.errors import ValidationError
from desktop.core.identifiers import validate_id_number, validate_phone, validate_uscc
from desktop.core.model import Case, ObligationKind, Party, PartyKind
from desktop.core.money import format_yuan

MAX_NAME = 100


def check_text(field: str, value: str, *, required: bool = False, max_len: int = 200) -> str:
    """Strip a free-text value; refuse control characters, over-long text and a missing required one."""
    value = value.strip()
    if required and not value:
        raise ValidationError(field, "不能为空")
    if len(value) > max_len:
        raise ValidationError(field, f"过长（{len(value)}字），最多{max_len}字")
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t":
            raise ValidationError(field, f"含有不可见的控制字符（U+{ord(ch):04X}），请删除后重新输入")
    return value


def _party_problems(index: int, party: Party, today: date) -> list[ValidationError]:
    label = f"当事人{index}"
    problems: list[ValidationError] = []

    def attempt(check: Callable[[], object]) -> None:
        try:
            check()
        except ValidationError as exc:
            problems.append(ValidationError(f"{label}{exc.field}", exc.message))

    attempt(lambda: check_text("姓名或名称", party.name, required=True, max_len=MAX_NAME))
    if party.id_number:
        if party.kind is PartyKind.ORGANISATION:
            problems.append(
                ValidationError(f"{label}身份证号", "单位当事人应填写统一社会信用代码，不填身份证号")
            )
        else:
            attempt(lambda: validate_id_number(party.id_number, today))
    if party.uscc:
        if party.kind is PartyKind.PERSON:
            problems.append(ValidationError(f"{label}统一社会信用代码", "自然人不填统一社会信用代码"))
        else:
            attempt(lambda: validate_uscc(party.uscc))
    if party.phone:
        attempt(lambda: validate_phone(party.phone))
    attempt(lambda: check_text("住址", party.address, max_len=200))
    if party.service_date and party.service_date > today:
        problems.append(ValidationError(f"{label}送达日期", "不能晚于今天"))
    if party.registered_capital_fen is not None and party.registered_capital_fen < 0:
        problems.append(ValidationError(f"{label}注册资本", "不能为负数"))
    return problems


def _is_enforcement_number(number: str) -> bool:
    try:
        return parse_case_number(number).is_enforcement
    except ValidationError:
        return False


def case_problems(case: Case, today: date) -> list[ValidationError]:
    """Everything wrong with ``case``; an empty list means it may be saved."""
    problems: list[ValidationError] = []
    try:
        parse_case_number(case.case_number)
    except ValidationError as exc:
        problems.append(exc)
    if case.enforcement_case_number:
        try:
            parse_case_number(case.enforcement_case_number)
        except ValidationError as exc:
            problems.append(ValidationError("执行案号", exc.message))
    for field, value in (("案由", case.cause), ("承办人", case.handler)):
        try:
            check_text(field, value, max_len=60)
        except ValidationError as exc:
            problems.append(exc)
    if not case.parties:
        problems.append(ValidationError("当事人", "至少需要一名当事人"))
    for i, party in enumerate(case.parties, start=1):
        problems += _party_problems(i, party, today)

    own_enforcement = _is_enforcement_number(case.case_number)
    for label, day in (
        ("立案日期", case.filing_date),
        ("裁判日期", case.judgment_date),
        ("执行立案日期", case.enforcement_filing_date),
        ("执行通知书送达日期", case.enforcement_notice_date),
    ):
        if day and day > today:
            problems.append(ValidationError(label, "不能晚于今天"))
    # A case registered under an enforcement number (执, 执恢, 执前督 …) was filed after the judgment
    # or mediation it enforces: its 裁判日期 is that document's, earlier than its own 立案日期.
    if (
        case.filing_date
        and case.judgment_date
        and case.judgment_date < case.filing_date
        and not own_enforcement
    ):
        problems.append(ValidationError("裁判日期", "不能早于立案日期"))
    enforcement_filed = case.enforcement_filing_date
    if enforcement_filed and case.judgment_date and enforcement_filed < case.judgment_date:
        problems.append(ValidationError("执行立案日期", "不能早于判决/调解日期"))
    if (
        enforcement_filed
        and case.filing_date
        and enforcement_filed < case.filing_date
        and not own_enforcement
    ):
        problems.append(ValidationError("执行立案日期", "不能早于立案日期"))
    if (
        case.enforcement_notice_date
        and enforcement_filed
        and case.enforcement_notice_date < enforcement_filed
    ):
        problems.append(ValidationError("执行通知书送达日期", "不能早于执行立案日期"))
    if (
        case.enforcement_notice_date
        and case.judgment_date
        and case.enforcement_notice_date < case.judgment_date
    ):
        problems.append(ValidationError("执行通知书送达日期", "不能早于判决/调解日期"))
    if case.judgment_date and case.effective_date and case.effective_date < case.judgment_date:
        problems.append(ValidationError("生效日期", "不能早于裁判日期"))
    start = case.effective_date or case.judgment_date
    if case.deadline and start and case.deadline < start:
        problems.append(
            ValidationError("履行期限", f"不能早于{'生效' if case.effective_date else '裁判'}日期")
        )
    if case.effective_date:
        for i, party in enumerate(case.parties, start=1):
            if party.service_date and party.service_date > case.effective_date:
                problems.append(ValidationError(f"当事人{i}送达日期", "不能晚于生效日期"))

    for i, ob in enumerate(case.obligations, start=1):
        label = f"履行义务{i}"
        if ob.kind is ObligationKind.MONEY and ob.amount_fen <= 0:
            problems.append(ValidationError(f"{label}金额", "金钱给付义务的金额应大于零"))
        if ob.kind is ObligationKind.ACT and not ob.description.strip():
            problems.append(ValidationError(f"{label}内容", "行为履行义务应写明履行内容"))
        if ob.installments:
            total = sum(it.amount_fen for it in ob.installments)
            if total != ob.amount_fen:
                problems.append(
                    ValidationError(
                        f"{label}分期",
                        f"各期金额合计{format_yuan(total)}，与总额{format_yuan(ob.amount_fen)}不符",
                    )
                )
            seqs = [it.seq for it in ob.installments]
            if len(set(seqs)) != len(seqs):
                problems.append(ValidationError(f"{label}分期", "期次重复"))
            dues = [it.due_date for it in sorted(ob.installments, key=lambda it: it.seq)]
            if dues != sorted(dues):
                problems.append(ValidationError(f"{label}分期", "后一期的履行日期不能早于前一期"))
            if any(it.amount_fen <= 0 for it in ob.installments):
                problems.append(ValidationError(f"{label}分期", "每期金额应大于零"))
    for i, pay in enumerate(case.payments, start=1):
        if pay.amount_fen <= 0:
            problems.append(ValidationError(f"履行记录{i}金额", "应大于零"))
        if pay.paid_on > today:
            problems.append(ValidationError(f"履行记录{i}日期", "不能晚于今天"))
    return problems
