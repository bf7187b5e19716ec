"""Eligibility rules (core): table-driven cases from the seeds, and properties over generated cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.eligibility import RULES, CaseFacts, CaseFlag, Windows, check, fully_performed, performed_on
from desktop.core.model import (
    CaseStatus,
    Disposition,
    Installment,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Payment,
    PaymentMethod,
    Stage,
)
from desktop.core.screening import Finding, Ground
from tests.conftest import TODAY, make_case

BASE = make_case()
REVOKED = Finding(Ground.REVOKED, "登记状态为吊销")
MANY = Finding(Ground.CASES, "2025年金钱给付类纠纷12件，标的总额800,000.00元，超过注册资本500,000.00元")
CREDITOR, DEBTOR = BASE.parties
DEBTOR_WITH_ADDRESS = replace(DEBTOR, address="七台河市新兴区山湖路12号")


def case_due_on(due: date, **changes: object):  # type: ignore[no-untyped-def]
    """60,000 owed on ``due`` (the first installment of 40,000 paid), debtor's address known."""
    ob = replace(
        BASE.obligations[0],
        installments=(Installment(1, date(2025, 5, 31), 4_000_000), Installment(2, due, 6_000_000)),
    )
    return replace(BASE, obligations=(ob,), deadline=due, parties=(CREDITOR, DEBTOR_WITH_ADDRESS), **changes)


PAID_IN_FULL = (*BASE.payments, Payment(date(2025, 6, 10), 6000000, creditor_confirmed=True))
ENFORCEMENT = {"stage": Stage.ENFORCEMENT}

# (rule, case, facts, allowed, words in the reason)
TABLE = [
    ("prompt", case_due_on(TODAY + timedelta(days=5)), CaseFacts(), True, "履行期限为二〇二五年六月十八日"),
    ("prompt", case_due_on(TODAY), CaseFacts(), True, ""),
    (
        "prompt",
        case_due_on(TODAY + timedelta(days=8)),
        CaseFacts(),
        False,
        "自二〇二五年六月十四日起可以发送",
    ),
    ("prompt", case_due_on(TODAY - timedelta(days=1)), CaseFacts(), False, "应改发《自动履行催告书》"),
    ("prompt", case_due_on(TODAY + timedelta(days=3), public_notice=True), CaseFacts(), False, "公告送达"),
    (
        "prompt",
        replace(case_due_on(TODAY + timedelta(days=3)), parties=BASE.parties),
        CaseFacts(),
        False,
        "联系方式",
    ),
    ("prompt", case_due_on(TODAY + timedelta(days=3), **ENFORCEMENT), CaseFacts(), False, "本案处于执行阶段"),
    ("demand", case_due_on(TODAY - timedelta(days=3)), CaseFacts(), True, "已届满3日"),
    ("demand", case_due_on(TODAY - timedelta(days=9)), CaseFacts(), True, "已超过届满后7日"),
    ("demand", case_due_on(TODAY), CaseFacts(), False, "尚未届满"),
    ("demand", case_due_on(TODAY + timedelta(days=2)), CaseFacts(), False, "尚未届满"),
    (
        "demand",
        replace(case_due_on(TODAY - timedelta(days=2)), payments=PAID_IN_FULL),
        CaseFacts(),
        False,
        "履行完毕",
    ),
    ("pre_dishonesty", replace(BASE, **ENFORCEMENT), CaseFacts(), True, "尚欠60,000.00元"),
    ("pre_dishonesty", BASE, CaseFacts(), False, "适用于执行阶段"),
    ("pre_dishonesty", replace(BASE, stage=Stage.PRE_ENFORCEMENT), CaseFacts(), False, "执前督促阶段"),
    (
        "pre_fine",
        replace(BASE, stage=Stage.ENFORCEMENT, payments=PAID_IN_FULL),
        CaseFacts(),
        False,
        "已经履行完毕",
    ),
    ("certificate_trial", replace(BASE, payments=PAID_IN_FULL), CaseFacts(), True, ""),
    ("certificate_trial", BASE, CaseFacts(), False, "尚欠60,000.00元未履行"),
    (
        "certificate_trial",
        BASE,
        CaseFacts(flags=((CaseFlag.MAIN_PART_CONSENT, date(2025, 6, 1)),)),
        True,
        "二〇二五年六月一日同意",
    ),
    (
        "certificate_trial",
        replace(BASE, payments=PAID_IN_FULL),
        CaseFacts(flags=((CaseFlag.CONCEALED_ASSETS, date(2025, 5, 1)),)),
        False,
        "转移、隐藏财产",
    ),
    (
        "certificate_enforcement",
        replace(BASE, stage=Stage.ENFORCEMENT, payments=PAID_IN_FULL),
        CaseFacts(flags=((CaseFlag.CRIME_REFERRAL, date(2025, 5, 1)),)),
        False,
        "移送拒执罪",
    ),
    (
        "certificate_trial",
        replace(BASE, payments=(*BASE.payments, Payment(date(2025, 6, 10), 6_000_000))),
        CaseFacts(),
        False,
        "第2笔履行记录（二〇二五年六月十日，60,000.00元）尚未经债权人确认",
    ),
    (
        "certificate_trial",
        replace(
            BASE, payments=(*BASE.payments, Payment(date(2025, 6, 10), 6_000_000, PaymentMethod.IN_COURT))
        ),
        CaseFacts(),
        True,
        "",
    ),
    ("certificate_enforcement", replace(BASE, payments=PAID_IN_FULL), CaseFacts(), False, "适用于执行阶段"),
    ("account_notice", BASE, CaseFacts(), True, ""),
    (
        "account_notice",
        replace(BASE, obligations=(replace(BASE.obligations[0], account_number=""),)),
        CaseFacts(),
        False,
        "收款账户",
    ),
    ("pledge", BASE, CaseFacts(), True, ""),
    ("pledge", replace(BASE, disposition=Disposition.JUDGMENT), CaseFacts(), False, "判决或裁定结案"),
    ("pre_enforcement_application", case_due_on(TODAY - timedelta(days=3)), CaseFacts(), True, ""),
    (
        "pre_enforcement_application",
        case_due_on(TODAY - timedelta(days=3)),
        CaseFacts(flags=((CaseFlag.CONCEALED_ASSETS, date(2025, 6, 1)),)),
        False,
        "直接申请强制执行",
    ),
    ("pre_enforcement_notice", replace(BASE, stage=Stage.PRE_ENFORCEMENT), CaseFacts(), True, ""),
    # 房县方案十: the notice only for an open case whose enterprise debtor the screening flags
    ("bankruptcy_review", BASE, CaseFacts(), False, "审破衔接筛查未发现"),
    ("bankruptcy_review", BASE, CaseFacts(screening=(REVOKED,)), True, "房县方案十（三）：登记状态为吊销"),
    ("bankruptcy_review", BASE, CaseFacts(screening=(MANY,)), True, "2025年金钱给付类纠纷12件"),
    (
        "bankruptcy_review",
        replace(BASE, status=CaseStatus.CLOSED),
        CaseFacts(screening=(REVOKED,)),
        False,
        "已归档",
    ),
    (
        "bankruptcy_review",
        replace(BASE, parties=(CREDITOR, Party(PartyRole.DEFENDANT, PartyKind.PERSON, "李四"))),
        CaseFacts(),
        False,
        "单位被告",
    ),
]


@pytest.mark.parametrize(("rule", "case", "facts", "allowed", "words"), TABLE)
def test_rules(rule: str, case, facts: CaseFacts, allowed: bool, words: str) -> None:  # type: ignore[no-untyped-def]
    verdict = check(rule, case, TODAY, facts)
    assert verdict.allowed is allowed, verdict.reason
    assert words in verdict.reason


def test_windows_are_settings() -> None:
    case = case_due_on(TODAY + timedelta(days=10))  # the installment due in 10 days
    assert not check("prompt", case, TODAY).allowed
    assert not check("prompt", case, TODAY, windows=Windows(prompt_days=10)).allowed
    assert check("prompt", case, TODAY, windows=Windows(installment_prompt_days=10)).allowed
    whole = replace(case, obligations=(replace(case.obligations[0], installments=()),), payments=())
    assert not check("prompt", whole, TODAY).allowed
    assert check("prompt", whole, TODAY, windows=Windows(prompt_days=10)).allowed


def test_unknown_rule() -> None:
    with pytest.raises(ValueError):
        check("nope", BASE, TODAY)


def test_performed_on_is_the_day_the_total_was_reached() -> None:
    case = replace(BASE, payments=PAID_IN_FULL)
    assert performed_on(case) == date(2025, 6, 10)
    assert performed_on(BASE) is None


def test_an_act_obligation_is_performed_when_the_case_says_so() -> None:
    act = Obligation(ObligationKind.ACT, "被告于2025年6月30日前拆除围墙")
    case = replace(BASE, obligations=(act,), payments=())
    assert not fully_performed(case)
    assert fully_performed(replace(case, status=CaseStatus.PERFORMED))


amounts = st.integers(min_value=1, max_value=10**9)


@given(due=amounts, paid=st.lists(amounts, max_size=5), stage=st.sampled_from(list(Stage)))
def test_a_certificate_is_never_allowed_while_money_is_owed_without_consent(
    due: int, paid: list[int], stage: Stage
) -> None:
    ob = Obligation(ObligationKind.MONEY, "给付", due)
    payments = tuple(Payment(date(2025, 6, 1), p, creditor_confirmed=True) for p in paid)
    case = replace(BASE, obligations=(ob,), payments=payments, stage=stage)
    for rule in ("certificate_trial", "certificate_enforcement"):
        verdict = check(rule, case, TODAY)
        assert verdict.allowed == (
            sum(paid) >= due and (stage is Stage.ENFORCEMENT) == rule.endswith("enforcement")
        )


@given(offset=st.integers(min_value=-60, max_value=60), stage=st.sampled_from(list(Stage)))
def test_prompt_and_demand_never_both_apply(offset: int, stage: Stage) -> None:
    case = case_due_on(TODAY + timedelta(days=offset), stage=stage)
    prompt, demand = check("prompt", case, TODAY), check("demand", case, TODAY)
    assert not (prompt.allowed and demand.allowed)
    if demand.allowed:
        assert offset < 0
    if prompt.allowed:
        assert 0 <= offset <= 7


@given(rule=st.sampled_from(sorted(RULES)), stage=st.sampled_from(list(Stage)))
def test_every_refusal_gives_a_reason(rule: str, stage: Stage) -> None:
    verdict = check(rule, replace(BASE, stage=stage), TODAY)
    assert verdict.allowed or verdict.reason
