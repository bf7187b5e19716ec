"""诚信履行名单: each admission condition in and out, batches frozen, withdrawals, print and exports that
never leak personal data, and every bad request refused with nothing written."""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.cli import main as cli_main
from desktop.core.identifiers import make_id_number, make_uscc
from desktop.core.model import (
    Case,
    CaseStatus,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Payment,
    PaymentMethod,
    Stage,
)
from desktop.core.whitelist import (
    AGENCIES,
    DEFAULT_REQUIRED,
    MANDATORY,
    WITHDRAWN_MARK,
    Batch,
    Condition,
    Exclusion,
    ExclusionKind,
    ListEntry,
    ManualCheck,
    PartyFacts,
    Period,
    PeriodKind,
    PriorWithdrawal,
    State,
    WhitelistRules,
    Withdrawal,
    assess,
    export_rows,
    printed_list,
    public_identifier,
)
from desktop.services.whitelist import WhitelistRefused, WhitelistService, csv_bytes
from desktop.services.workspace import Workspace
from tests.conftest import TODAY

PERSON_ID = make_id_number("230902", date(1980, 5, 17), 123)
ORG_USCC = make_uscc("91230902MA1C2D3E" + "X")


# ------------------------------------------------------------------------------------------ builders


def person(name: str = "李明华", id_number: str = PERSON_ID, **kw: object) -> Party:
    return Party(PartyRole.DEFENDANT, PartyKind.PERSON, name, id_number=id_number, **kw)  # type: ignore[arg-type]


def performed_case(
    number: str = "（2025）黑0902民初501号",
    debtor: Party | None = None,
    paid_on: date = date(2025, 6, 2),
    amount: int = 5_000_000,
    **changes: object,
) -> Case:
    """A judgment for 50,000.00 yuan paid in full on ``paid_on`` by bank transfer, confirmed."""
    debtor = debtor or person()
    case = Case(
        case_number=number,
        cause="民间借贷纠纷",
        stage=Stage.AFTER_JUDGMENT,
        status=CaseStatus.PERFORMED,
        filing_date=date(2025, 1, 6),
        judgment_date=date(2025, 3, 3),
        effective_date=date(2025, 3, 20),
        deadline=date(2025, 4, 30),
        parties=(
            Party(
                PartyRole.PLAINTIFF,
                PartyKind.PERSON,
                "张三丰",
                id_number="11010519491231002X",
                phone="13800138000",
                address="黑龙江省七台河市新兴区兴华街道新兴路88号",
            ),
            debtor,
        ),
        obligations=(
            Obligation(
                ObligationKind.MONEY,
                description="偿还借款",
                amount_fen=amount,
                account_name="张三丰",
                account_number="6222020200012345678",
                account_bank="中国工商银行七台河分行",
            ),
        ),
        payments=(Payment(paid_on, amount, PaymentMethod.TRANSFER, creditor_confirmed=True),),
    )
    return replace(case, **changes)  # type: ignore[arg-type]


NATIONAL = ManualCheck(Condition.NATIONAL_CHECK, True, date(2025, 6, 10), "赵查询")


def consenting(party: Party) -> Party:
    return replace(party, publication_consent=True, consent_date=date(2025, 6, 5))


def facts(**kw: object) -> PartyFacts:
    base: dict[str, object] = {"checks": (NATIONAL,)}
    base.update(kw)
    return PartyFacts(**base)  # type: ignore[arg-type]


def finding(
    case: Case, party: Party, f: PartyFacts, condition: Condition, rules: WhitelistRules | None = None
):  # type: ignore[no-untyped-def]
    return assess(case, party, f, TODAY, rules).finding(condition)


# ----------------------------------------------------------------------- each condition, in and out

Variant = Callable[[Case, Party, PartyFacts], tuple[Case, Party, PartyFacts]]


def _same(c: Case, p: Party, f: PartyFacts) -> tuple[Case, Party, PartyFacts]:
    return c, p, f


def _case(**changes: object) -> Variant:
    return lambda c, p, f: (replace(c, **changes), p, f)  # type: ignore[arg-type]


def _party(**changes: object) -> Variant:
    return lambda c, p, f: (c, replace(p, **changes), f)  # type: ignore[arg-type]


def _facts(**changes: object) -> Variant:
    return lambda c, p, f: (c, p, replace(f, **changes))  # type: ignore[arg-type]


def _payments(*payments: Payment) -> Variant:
    return _case(payments=payments)


ENF = "（2025）黑0902执12号"
BAD_CHECK_DIGIT = PERSON_ID[:17] + ("1" if PERSON_ID[17] != "1" else "2")
ORG = {"kind": PartyKind.ORGANISATION, "name": "七台河市宏达商贸有限公司", "id_number": ""}
PRE_BLACKLIST = Period(PeriodKind.PRE_BLACKLIST, date(2025, 5, 20), date(2025, 6, 5))
PRE_ENFORCEMENT = Period(PeriodKind.PRE_ENFORCEMENT, date(2025, 5, 10), date(2025, 6, 10))

CASES: list[tuple[str, Condition, Variant, State]] = [
    # 履行完毕
    ("paid in full", Condition.PERFORMED, _same, State.PASSED),
    ("partly paid", Condition.PERFORMED,
     _payments(Payment(date(2025, 6, 2), 1_000_000, creditor_confirmed=True)),
     State.FAILED),
    ("act only, no date", Condition.PERFORMED,
     _case(obligations=(Obligation(ObligationKind.ACT, "赔礼道歉"),), payments=()), State.FAILED),
    # 自动履行
    ("before enforcement", Condition.VOLUNTARY, _same, State.PASSED),
    ("in 执前督促 stage", Condition.VOLUNTARY, _case(stage=Stage.PRE_ENFORCEMENT), State.PASSED),
    ("执前督 number is not enforcement", Condition.VOLUNTARY,
     _case(case_number="（2025）黑0902执前督12号", stage=Stage.PRE_ENFORCEMENT), State.PASSED),
    ("执 case paid before its filing", Condition.VOLUNTARY,
     _case(case_number=ENF, stage=Stage.ENFORCEMENT, filing_date=date(2025, 6, 3)), State.PASSED),
    ("执 case paid after its filing", Condition.VOLUNTARY,
     _case(case_number=ENF, stage=Stage.ENFORCEMENT, filing_date=date(2025, 5, 6)), State.FAILED),
    ("after filing but within 预纳入失信 限期", Condition.VOLUNTARY,
     lambda c, p, f: (replace(c, case_number="（2025）黑0902执12号", stage=Stage.ENFORCEMENT,
                              filing_date=date(2025, 5, 6)), p, replace(f, periods=(PRE_BLACKLIST,))),
     State.PASSED),
    ("within 执前督促 period", Condition.VOLUNTARY,
     lambda c, p, f: (replace(c, stage=Stage.ENFORCEMENT, enforcement_case_number="（2025）黑0902执9号"), p,
                      replace(f, periods=(PRE_ENFORCEMENT,))), State.PASSED),
    ("enforcement, filing date unknown", Condition.VOLUNTARY,
     _case(stage=Stage.ENFORCEMENT, enforcement_case_number="（2025）黑0902执9号"), State.MANUAL),
    ("enforcement, unknown, settled by a check", Condition.VOLUNTARY,
     lambda c, p, f: (replace(c, stage=Stage.ENFORCEMENT, enforcement_case_number="（2025）黑0902执9号"), p,
                      replace(f, checks=(NATIONAL, ManualCheck(Condition.VOLUNTARY, True, TODAY, "王核实")))),
     State.PASSED),
    ("enforcement number of a later year", Condition.VOLUNTARY,
     _case(stage=Stage.ENFORCEMENT, enforcement_case_number="（2026）黑0902执9号"), State.PASSED),
    ("enforcement number of an earlier year", Condition.VOLUNTARY,
     _case(stage=Stage.ENFORCEMENT, enforcement_case_number="（2024）黑0902执9号"), State.FAILED),
    ("transferred to enforcement", Condition.VOLUNTARY, _case(status=CaseStatus.TRANSFERRED), State.MANUAL),
    # 债权人确认
    ("confirmed", Condition.CONFIRMED, _same, State.PASSED),
    ("not confirmed", Condition.CONFIRMED, _payments(Payment(date(2025, 6, 2), 5_000_000)), State.FAILED),
    ("paid into the court's account", Condition.CONFIRMED,
     _payments(Payment(date(2025, 6, 2), 5_000_000, PaymentMethod.COURT_ACCOUNT)), State.PASSED),
    ("no payment recorded", Condition.CONFIRMED, _case(payments=()), State.MANUAL),
    # 无排除情形
    ("nothing recorded", Condition.NOT_EXCLUDED, _same, State.PASSED),
    *[
        (f"excluded: {kind.value}", Condition.NOT_EXCLUDED,
         _facts(exclusions=(Exclusion(kind, date(2025, 6, 8), "经查属实"),)), State.FAILED)
        for kind in ExclusionKind
    ],
    # 本院无在执案件
    ("no other open case", Condition.NO_OPEN_CASE, _same, State.PASSED),
    ("another open enforcement case", Condition.NO_OPEN_CASE,
     _facts(other_open_cases=("（2024）黑0902执88号",)), State.FAILED),
    # 全国无被执行案件
    ("national check recorded", Condition.NATIONAL_CHECK, _same, State.PASSED),
    ("national check missing", Condition.NATIONAL_CHECK, _facts(checks=()), State.MANUAL),
    ("national check found a case", Condition.NATIONAL_CHECK,
     _facts(checks=(replace(NATIONAL, passed=False, note="外地有执行案件"),)), State.FAILED),
    ("national check in the future", Condition.NATIONAL_CHECK,
     _facts(checks=(replace(NATIONAL, checked_on=date(2025, 7, 1)),)), State.FAILED),
    # 身份信息
    ("valid ID number", Condition.IDENTIFIED, _same, State.PASSED),
    ("no ID number", Condition.IDENTIFIED, _party(id_number=""), State.FAILED),
    ("wrong check digit", Condition.IDENTIFIED, _party(id_number=BAD_CHECK_DIGIT),
     State.FAILED),
    ("organisation with credit code", Condition.IDENTIFIED,
     _party(**ORG, uscc=ORG_USCC), State.PASSED),
    ("organisation without credit code", Condition.IDENTIFIED,
     _party(**ORG), State.FAILED),
    # 本人申请或同意
    ("consent recorded", Condition.CONSENT, _same, State.PASSED),
    ("no consent", Condition.CONSENT, _party(publication_consent=False, consent_date=None), State.FAILED),
    ("consent without a date", Condition.CONSENT, _party(consent_date=None), State.FAILED),
    ("consent dated in the future", Condition.CONSENT, _party(consent_date=date(2025, 7, 1)), State.FAILED),
    ("consent from before a withdrawal", Condition.CONSENT,
     _facts(withdrawals=(PriorWithdrawal("2025年第1批诚信履行名单", 4, date(2025, 6, 5), "本人撤回同意"),)),
     State.FAILED),
    ("consent given again after a withdrawal", Condition.CONSENT,
     _facts(withdrawals=(PriorWithdrawal("2025年第1批诚信履行名单", 4, date(2025, 6, 4), "本人撤回同意"),)),
     State.PASSED),
]  # fmt: skip


@pytest.mark.parametrize(("label", "condition", "variant", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_condition_in_and_out(
    label: str, condition: Condition, variant: Variant, expected: State
) -> None:
    case, party, f = variant(performed_case(), consenting(person()), facts())
    found = finding(case, party, f, condition)
    assert found.state is expected, found.reason
    assert found.reason  # every state says why, in Chinese
    others = [x for x in assess(case, party, f, TODAY).findings if x.condition is not condition]
    if expected is State.PASSED and all(x.state is State.PASSED for x in others):
        assert assess(case, party, f, TODAY).eligible


def test_every_condition_has_an_in_and_an_out_case() -> None:
    for condition in Condition:
        states = {expected for _l, c, _v, expected in CASES if c is condition}
        assert State.PASSED in states and (State.FAILED in states or State.MANUAL in states), condition


@pytest.mark.parametrize("variant", [v for _l, _c, v, _e in CASES], ids=[c[0] for c in CASES])
def test_performance_is_judged_as_for_the_certificate(variant: Variant) -> None:
    from desktop.core.eligibility import fully_performed, performed_on
    from desktop.core.whitelist import _performance

    case, _party, _f = variant(performed_case(), consenting(person()), facts())
    for c in (case, replace(case, status=CaseStatus.OPEN), replace(case, payments=case.payments[:0])):
        perf = _performance(c)
        assert (perf.complete, perf.done) == (fully_performed(c), performed_on(c))


def test_the_base_candidate_is_eligible_and_reasons_name_facts() -> None:
    a = assess(performed_case(), consenting(person()), facts(), TODAY)
    assert a.eligible and a.state is State.PASSED and a.summary() == "符合全部条件"
    assert a.performed_on == date(2025, 6, 2)
    assert "赵查询于二〇二五年六月十日" in a.finding(Condition.NATIONAL_CHECK).reason


def test_stale_national_check_needs_a_new_one_when_the_court_says_so() -> None:
    rules = WhitelistRules(national_check_max_age_days=30)
    old = facts(checks=(replace(NATIONAL, checked_on=date(2025, 4, 1)),))
    case = performed_case(paid_on=date(2025, 3, 20))  # the check came after full performance
    assert finding(case, consenting(person()), old, Condition.NATIONAL_CHECK, rules).state is State.MANUAL
    assert finding(case, consenting(person()), old, Condition.NATIONAL_CHECK).state is State.PASSED


@pytest.mark.parametrize("max_age", [0, 3650])
def test_a_national_check_dated_before_full_performance_proves_nothing(max_age: int) -> None:
    """Paid in full on 2 June, checked on 1 June: the query says nothing about the party now, whether or
    not the court limits a check's age; checked on the day of performance or after, it counts."""
    rules = WhitelistRules(national_check_max_age_days=max_age)
    party = consenting(person())
    early = facts(checks=(replace(NATIONAL, checked_on=date(2025, 6, 1)),))
    found = finding(performed_case(), party, early, Condition.NATIONAL_CHECK, rules)
    assert found.state is State.MANUAL
    assert found.reason == (
        "全国查询（二〇二五年六月一日）早于履行完毕日期（二〇二五年六月二日），"
        "不能证明当事人现在没有被执行案件，请在履行完毕后重新查询"
    )
    assert not assess(performed_case(), party, early, TODAY, rules).eligible
    same_day = facts(checks=(replace(NATIONAL, checked_on=date(2025, 6, 2)),))
    assert finding(performed_case(), party, same_day, Condition.NATIONAL_CHECK, rules).state is State.PASSED


def test_a_condition_the_court_does_not_require_is_shown_but_does_not_block() -> None:
    rules = WhitelistRules(required=DEFAULT_REQUIRED - {Condition.NATIONAL_CHECK, Condition.CONFIRMED})
    party = consenting(person())
    case = performed_case(payments=(Payment(date(2025, 6, 2), 5_000_000),))
    a = assess(case, party, facts(checks=()), TODAY, rules)
    assert a.finding(Condition.NATIONAL_CHECK).state is State.MANUAL
    assert not a.finding(Condition.NATIONAL_CHECK).required
    assert a.finding(Condition.CONFIRMED).state is State.FAILED
    assert a.eligible
    assert not assess(case, party, facts(checks=()), TODAY).eligible


def test_performance_identity_and_consent_can_never_be_switched_off() -> None:
    rules = WhitelistRules.from_settings({"required": []})
    assert rules.required == MANDATORY
    a = assess(performed_case(), person(), facts(), TODAY, rules)  # no consent
    assert not a.eligible and a.blocking()[0].condition is Condition.CONSENT


@pytest.mark.parametrize(
    "value",
    [
        None,
        "x",
        [],
        {"required": "履行完毕"},
        {"pre_enforcement_months": 99},
        {"national_check_max_age_days": -1},
    ],
)
def test_malformed_settings_fall_back_to_the_defaults(value: object) -> None:
    rules = WhitelistRules.from_settings(value)
    assert rules.pre_enforcement_months == 1 and rules.national_check_max_age_days == 0


def test_settings_round_trip() -> None:
    rules = WhitelistRules(frozenset({Condition.VOLUNTARY}), 2, 60)
    assert WhitelistRules.from_settings(rules.to_settings()) == rules


@given(
    region=st.sampled_from(["230902", "230903", "110105", "440117"]),
    birth=st.dates(date(1930, 1, 1), date(2007, 1, 1)),
    seq=st.integers(0, 999),
)
def test_a_published_person_shows_only_a_masked_id(region: str, birth: date, seq: int) -> None:
    number = make_id_number(region, birth, seq)
    shown = public_identifier(person(id_number=number))
    assert shown == number[:6] + "*" * 8 + number[-4:]
    assert number not in shown and birth.strftime("%Y%m%d") not in shown


# ------------------------------------------------------------------------------------ the printed list


def _batch(**kw: object) -> Batch:
    base: dict[str, object] = dict(
        court_code="黑0902", court_name="七台河市新兴区人民法院", year=2025, number=3,
        published_on=date(2025, 6, 13), approved_by="院长", published_by="测试员", id=1,
    )  # fmt: skip
    base.update(kw)
    return Batch(**base)  # type: ignore[arg-type]


def _entry(seq: int, name: str, withdrawn: date | None = None) -> ListEntry:
    return ListEntry(
        seq, PartyKind.PERSON, name, "230902********1234", date(2025, 6, 2), "七台河市新兴区人民法院",
        f"（2025）黑0902民初{seq}号", date(2025, 6, 5),
        withdrawal=Withdrawal(withdrawn, "本人撤回同意", "院长") if withdrawn else None,
    )  # fmt: skip


def test_a_withdrawn_entry_keeps_its_number_but_not_its_name_on_the_next_print() -> None:
    printed = printed_list(_batch(), [_entry(1, "李明华"), _entry(2, "王秀英", date(2025, 6, 20))])
    assert printed.title == "2025年第3批诚信履行名单"  # 第N批 restarts every year: the year is part of it
    assert printed.rows[1] == ["1", "李明华", "230902********1234", "2025年6月2日"]
    assert printed.rows[2] == ["2", WITHDRAWN_MARK, "", ""]
    assert printed.notes == ["注：序号2于二〇二五年六月二十日撤回，不再列入本批名单。"]
    assert "王秀英" not in repr(printed) and "本人撤回同意" not in repr(printed)


def test_every_agency_gets_its_own_columns_and_withdrawals_marked() -> None:
    entries = [_entry(1, "李明华"), _entry(2, "王秀英", date(2025, 6, 20))]
    for ag in AGENCIES.values():
        rows = export_rows(ag, _batch(), entries)
        assert rows[0] == [h for h, _k in ag.columns]
        assert len({len(r) for r in rows}) == 1
        status = rows[0].index("状态")
        assert [r[status] for r in rows[1:]] == ["有效", "已撤回"]
        assert "本人撤回同意" not in repr(rows)
    assert "案号" in AGENCIES["金融机构"].columns[4][0]


def test_a_withdrawn_entry_is_sent_without_its_name_or_identifier() -> None:
    """Once withdrawn, an agency's file shows the line as 序号, 已撤回 and the date — as the printed list
    does — and nothing about the party: no name, identifier, type, case or date of performance."""
    entries = [_entry(1, "李明华"), _entry(2, "王秀英", date(2025, 6, 20))]
    for name, ag in AGENCIES.items():
        header, kept, withdrawn = export_rows(ag, _batch(), entries)
        shown = {h: v for h, v in zip(header, withdrawn, strict=True) if v}
        assert shown == {
            "序号": "2",
            next(h for h, k in ag.columns if k == "court"): "七台河市新兴区人民法院",
            "名单批次": "2025年第3批诚信履行名单",
            "发布日期": "2025-06-13",
            "状态": "已撤回",
            "撤回日期": "2025-06-20",
        }, name
        assert "王秀英" not in repr(withdrawn) and "230902" not in repr(withdrawn)
        assert "李明华" in kept and "230902********1234" in kept  # a valid entry is unchanged


def test_the_credit_platform_gets_only_the_published_fields() -> None:
    """信用信息平台 publishes the list: DOMAIN.md §7's fields (name, credit code or masked ID, date of full
    performance, court) and the batch's own data — no case number."""
    keys = {k for _h, k in AGENCIES["信用信息平台"].columns}
    party_fields = {"name", "kind", "uscc", "id_masked", "identifier", "performed_on", "court"}
    batch_fields = {"seq", "batch", "published_on", "status", "withdrawn_on"}
    assert keys <= party_fields | batch_fields
    assert "case_number" not in keys
    assert "案号" not in export_rows(AGENCIES["信用信息平台"], _batch(), [_entry(1, "李明华")])[0]
    assert "（2025）黑0902民初1号" not in repr(
        export_rows(AGENCIES["信用信息平台"], _batch(), [_entry(1, "李明华")])
    )


def test_csv_has_a_bom_and_crlf_for_excel() -> None:
    data = csv_bytes([["序号", "名称"], ["1", "李明华"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "序号,名称\r\n1,李明华\r\n"


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://x","点击")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "=七台河市宏达商贸有限公司",
    ],
)
def test_no_csv_cell_can_be_run_as_a_formula(value: str) -> None:
    data = csv_bytes([["序号", "名称"], ["1", value], ["2", "李=明华"]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["序号", "名称"], ["1", "'" + value], ["2", "李=明华"]]


# --------------------------------------------------------------------------- the service on a database


@pytest.fixture
def service(workspace: Workspace) -> WhitelistService:
    return WhitelistService(workspace)


def debtor_id(ws: Workspace, case: Case) -> int:
    saved = ws.save_case(case)
    return next(p.id for p in saved.parties if p.role.owes)  # type: ignore[return-value]


def people(n: int) -> list[Party]:
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
    return [
        person(
            f"{surnames[i % len(surnames)]}{'建国秀英志强春梅'[i % 4]}{'华平'[i % 2]}",
            make_id_number("230902", date(1970 + i % 30, 1 + i % 12, 1 + i % 28), i),
            phone=f"1390464{i:04d}",
            address=f"黑龙江省七台河市新兴区长兴街道{i + 1}号楼{i % 6 + 1}单元",
        )
        for i in range(n)
    ]


def ready(ws: Workspace, service: WhitelistService, n: int, start_seq: int = 600) -> list[int]:
    """``n`` eligible debtors: performed in June 2025, national check and consent recorded."""
    ids = [
        debtor_id(
            ws,
            performed_case(
                f"（2025）黑0902民初{start_seq + i}号", debtor=p, paid_on=date(2025, 6, 1 + i % 12)
            ),
        )
        for i, p in enumerate(people(n))
    ]
    service.record_check(ids, date(2025, 6, 12), "赵查询")
    service.record_consent(ids, date(2025, 6, 12))
    return ids


def snapshot(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    tables = ["whitelist_batches", "whitelist_entries", "whitelist_withdrawals", "whitelist_exports",
              "whitelist_checks", "whitelist_exclusions", "audit_log", "parties", "cases"]  # fmt: skip
    return {t: list(ws.db.execute(f"SELECT * FROM {t} ORDER BY id")) for t in tables}


def test_candidates_are_the_debtors_who_performed_in_the_period(
    workspace: Workspace, service: WhitelistService
) -> None:
    june = debtor_id(workspace, performed_case("（2025）黑0902民初1号", paid_on=date(2025, 6, 2)))
    debtor_id(
        workspace, performed_case("（2025）黑0902民初2号", debtor=people(2)[1], paid_on=date(2025, 5, 2))
    )
    partly = performed_case("（2025）黑0902民初3号", debtor=people(3)[2], amount=5_000_000)
    workspace.save_case(replace(partly, payments=(Payment(date(2025, 6, 3), 100, creditor_confirmed=True),)))
    found = service.candidates(date(2025, 6, 1), date(2025, 6, 30))
    assert [c.party_id for c in found] == [june]
    assert found[0].name == "李明华" and found[0].identifier == PERSON_ID[:6] + "********" + PERSON_ID[-4:]
    assert found[0].assessment.finding(Condition.NATIONAL_CHECK).state is State.MANUAL


def test_the_date_of_full_performance_decides_the_period(
    workspace: Workspace, service: WhitelistService
) -> None:
    case = performed_case(
        payments=(
            Payment(date(2025, 5, 20), 4_000_000, creditor_confirmed=True),
            Payment(date(2025, 6, 3), 1_000_000, creditor_confirmed=True),
        )
    )
    debtor_id(workspace, case)
    assert [c.performed_on for c in service.candidates(date(2025, 6, 1), date(2025, 6, 30))] == [
        date(2025, 6, 3)
    ]
    assert service.candidates(date(2025, 5, 1), date(2025, 5, 31)) == []


def test_another_open_enforcement_case_is_found_by_id_number_and_else_by_name(
    workspace: Workspace, service: WhitelistService
) -> None:
    pid = debtor_id(workspace, performed_case())
    other = performed_case("（2024）黑0902执77号", stage=Stage.ENFORCEMENT, status=CaseStatus.OPEN,
                           debtor=replace(person(), role=PartyRole.DEBTOR, name="李明华（曾用名）"),
    )  # fmt: skip
    workspace.save_case(replace(other, payments=()))
    found = service.assess_parties([pid])[0].assessment.finding(Condition.NO_OPEN_CASE)
    assert found.state is State.FAILED and "（2024）黑0902执77号" in found.reason

    no_id = debtor_id(
        workspace, performed_case("（2025）黑0902民初9号", debtor=person("孙无证", id_number=""))
    )
    assert service.assess_parties([no_id])[0].assessment.finding(Condition.NO_OPEN_CASE).state is State.PASSED
    elsewhere = performed_case("（2024）黑0902执78号", stage=Stage.ENFORCEMENT, status=CaseStatus.OPEN,
                               debtor=replace(person("孙无证", id_number=""), role=PartyRole.DEBTOR),
    )  # fmt: skip
    workspace.save_case(replace(elsewhere, payments=()))
    found = service.assess_parties([no_id])[0].assessment.finding(Condition.NO_OPEN_CASE)
    assert found.state is State.FAILED and "（2024）黑0902执78号" in found.reason


def test_an_exclusion_follows_the_party_to_its_other_cases(
    workspace: Workspace, service: WhitelistService
) -> None:
    first = debtor_id(workspace, performed_case("（2025）黑0902民初11号"))
    second = debtor_id(workspace, performed_case("（2025）黑0902民初12号"))
    service.exclude([first], ExclusionKind.PLEDGE_DEFAULT, date(2025, 6, 9), "信用承诺期内未按期履行")
    for pid in (first, second):
        found = service.assess_parties([pid])[0].assessment.finding(Condition.NOT_EXCLUDED)
        assert (
            found.state is State.FAILED
            and "信用承诺违约" in found.reason
            and "（2025）黑0902民初11号" in found.reason
        )


def test_case_flags_and_pre_blacklist_periods_recorded_elsewhere_count(
    workspace: Workspace, service: WhitelistService
) -> None:
    case = performed_case(
        "（2025）黑0902执31号",
        stage=Stage.ENFORCEMENT,
        filing_date=date(2025, 5, 6),
        judgment_date=None,
        effective_date=None,
        deadline=None,
    )
    saved = workspace.save_case(case)
    pid = next(p.id for p in saved.parties if p.role.owes)
    assert service.assess_parties([pid])[0].assessment.finding(Condition.VOLUNTARY).state is State.FAILED
    workspace.db.execute(
        "INSERT INTO case_events (case_id, kind, start_date, end_date, created_at, created_by) "
        "VALUES (?, '预纳入失信', '2025-05-20', '2025-06-05', '2025-05-20T09:00:00+08:00', '测试员')",
        [saved.id],
    )
    workspace.db.execute(
        "INSERT INTO case_flags (case_id, flag, since, note, recorded_by, recorded_at) "
        "VALUES (?, '移送拒执罪', '2025-06-01', '', '测试员', '2025-06-01T09:00:00+08:00')",
        [saved.id],
    )
    a = service.assess_parties([pid])[0].assessment  # type: ignore[list-item]
    assert a.finding(Condition.VOLUNTARY).state is State.PASSED
    assert "预纳入失信" in a.finding(Condition.VOLUNTARY).reason
    assert a.finding(Condition.NOT_EXCLUDED).state is State.FAILED


@pytest.mark.parametrize(
    ("action", "field"),
    [
        (lambda svc, ids: svc.record_check(ids, date(2025, 6, 14), "赵查询"), "核查日期"),
        (lambda svc, ids: svc.record_check(ids, TODAY, "  "), "核查人"),
        (lambda svc, ids: svc.record_check(ids, TODAY, "赵查询", condition=Condition.CONSENT), ""),
        (lambda svc, ids: svc.record_consent(ids, date(2025, 6, 14)), "申请或同意日期"),
        (lambda svc, ids: svc.exclude(ids, ExclusionKind.CRIME_REFERRAL, TODAY, ""), "排除原因"),
        (
            lambda svc, ids: svc.exclude(ids, ExclusionKind.CRIME_REFERRAL, date(2025, 7, 1), "移送"),
            "发现日期",
        ),
        (lambda svc, ids: svc.record_consent([], TODAY), ""),
    ],
)
def test_bad_review_input_is_refused_with_the_field_and_nothing_is_written(
    workspace: Workspace, service: WhitelistService, action: Callable[..., object], field: str
) -> None:
    pid = debtor_id(workspace, performed_case())
    before = snapshot(workspace)
    with pytest.raises(WhitelistRefused) as refused:
        action(service, [pid])
    assert refused.value.field == field and str(refused.value)
    assert snapshot(workspace) == before


def test_recording_consent_in_bulk_is_audited_and_moves_the_case_version(
    workspace: Workspace, service: WhitelistService
) -> None:
    saved = workspace.save_case(performed_case())
    pid = next(p.id for p in saved.parties if p.role.owes)
    creditor = next(p.id for p in saved.parties if not p.role.owes)
    with pytest.raises(WhitelistRefused, match="履行义务人"):
        service.record_consent([pid, creditor], date(2025, 6, 12))  # type: ignore[list-item]
    assert service.record_consent([pid], date(2025, 6, 12)) == 1  # type: ignore[list-item]
    reloaded = workspace.load_case(saved.id)  # type: ignore[arg-type]
    debtor = next(p for p in reloaded.parties if p.role.owes)
    assert debtor.publication_consent and debtor.consent_date == date(2025, 6, 12)
    assert reloaded.version == saved.version + 1
    actions = [
        r[0] for r in workspace.db.execute("SELECT action FROM audit_log WHERE action LIKE 'whitelist.%'")
    ]
    assert actions == ["whitelist.consent"]


def test_publish_freezes_the_entries_against_later_edits(
    workspace: Workspace, service: WhitelistService
) -> None:
    ids = ready(workspace, service, 3)
    batch = service.publish(ids, 1, TODAY, "刘院长", (date(2025, 6, 1), date(2025, 6, 30)))
    assert (batch.label, batch.entries, batch.approved_by) == ("2025年第1批诚信履行名单", 3, "刘院长")
    before = service.entries(batch.id)  # type: ignore[arg-type]
    assert [e.seq for e in before] == [1, 2, 3]
    assert all("*" in e.identifier for e in before)

    # Later edits to the cases: a rename, another ID number, a deleted case.
    first = workspace.load_case(before[0].case_id)  # type: ignore[arg-type]
    renamed = tuple(
        replace(p, name="改名后", id_number=make_id_number("110105", date(1990, 1, 1), 1))
        if p.role.owes
        else p
        for p in first.parties
    )
    workspace.save_case(replace(first, parties=renamed))
    workspace.delete_case(before[1].case_id)  # type: ignore[arg-type]
    assert service.entries(batch.id) == before  # type: ignore[arg-type]

    with pytest.raises(sqlite3.DatabaseError, match="不能修改"):
        workspace.db.execute("UPDATE whitelist_entries SET name = '篡改' WHERE seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="不能删除"):
        workspace.db.execute("DELETE FROM whitelist_entries")
    with pytest.raises(sqlite3.DatabaseError, match="不能修改"):
        workspace.db.execute("UPDATE whitelist_batches SET approved_by = '别人'")
    with pytest.raises(sqlite3.DatabaseError, match="不能删除"):
        workspace.db.execute("DELETE FROM whitelist_batches")
    assert service.entries(batch.id) == before  # type: ignore[arg-type]
    assert service.candidates(date(2025, 6, 1), date(2025, 6, 30)) == []  # listed: not candidates again


def test_publish_refuses_with_nothing_eligible_and_writes_nothing(
    workspace: Workspace, service: WhitelistService
) -> None:
    pid = debtor_id(workspace, performed_case())
    before = snapshot(workspace)
    with pytest.raises(
        WhitelistRefused, match=r"没有符合条件的名单成员可以发布：所选1人均不符合条件.*本人申请或同意"
    ):
        service.publish([pid], 1, TODAY, "刘院长")
    with pytest.raises(WhitelistRefused, match="没有选择任何当事人"):
        service.publish([], 1, TODAY, "刘院长")
    assert snapshot(workspace) == before


def test_publish_refuses_an_entry_lacking_consent_and_writes_nothing(
    workspace: Workspace, service: WhitelistService
) -> None:
    ids = ready(workspace, service, 2)
    no_consent = debtor_id(workspace, performed_case("（2025）黑0902民初700号", debtor=people(5)[4]))
    service.record_check([no_consent], date(2025, 6, 12), "赵查询")
    before = snapshot(workspace)
    with pytest.raises(WhitelistRefused, match="不能列入名单：没有登记本人的申请或同意") as refused:
        service.publish([*ids, no_consent], 1, TODAY, "刘院长")
    assert "（2025）黑0902民初700号" in str(refused.value)
    assert snapshot(workspace) == before


def test_publish_refuses_a_duplicate_batch_number_and_writes_nothing(
    workspace: Workspace, service: WhitelistService
) -> None:
    ids = ready(workspace, service, 4)
    service.publish(ids[:2], 1, TODAY, "刘院长")
    before = snapshot(workspace)
    with pytest.raises(
        WhitelistRefused, match=r"2025年第1批诚信履行名单已于2025-06-13发布，批次不能重复.*第2批"
    ):
        service.publish(ids[2:], 1, TODAY, "刘院长")
    assert snapshot(workspace) == before
    assert service.next_number(2025) == 2 and service.next_number(2026) == 1
    assert service.publish(ids[2:], 2, TODAY, "刘院长").number == 2


@pytest.mark.parametrize(
    ("number", "day", "approver", "message"),
    [
        (0, TODAY, "刘院长", "批次：批次应为1至999"),
        (1, date(2025, 6, 14), "刘院长", "发布日期"),
        (1, TODAY, "  ", "批准人：不能为空"),
    ],
)
def test_publish_refuses_a_bad_header(
    workspace: Workspace, service: WhitelistService, number: int, day: date, approver: str, message: str
) -> None:
    ids = ready(workspace, service, 1)
    before = snapshot(workspace)
    with pytest.raises(WhitelistRefused, match=message):
        service.publish(ids, number, day, approver)
    assert snapshot(workspace) == before


def test_the_same_party_twice_in_one_batch_is_refused(
    workspace: Workspace, service: WhitelistService
) -> None:
    first = debtor_id(workspace, performed_case("（2025）黑0902民初21号"))
    second = debtor_id(workspace, performed_case("（2025）黑0902民初22号"))
    service.record_check([first, second], date(2025, 6, 12), "赵查询")
    service.record_consent([first, second], date(2025, 6, 12))
    with pytest.raises(WhitelistRefused, match="同一当事人李明华被选了两次"):
        service.publish([first, second], 1, TODAY, "刘院长")


def test_withdrawal_is_its_own_record_and_shows_on_the_next_print(
    workspace: Workspace, service: WhitelistService
) -> None:
    ids = ready(workspace, service, 2)
    batch = service.publish(ids, 1, TODAY, "刘院长")
    entries = service.entries(batch.id)  # type: ignore[arg-type]
    with pytest.raises(WhitelistRefused, match="撤回原因：不能为空"):
        service.withdraw(batch.id, [2], TODAY, " ", "刘院长")  # type: ignore[arg-type]
    with pytest.raises(WhitelistRefused, match="早于名单发布日期"):
        service.withdraw(batch.id, [2], date(2025, 6, 1), "本人撤回同意", "刘院长")  # type: ignore[arg-type]
    with pytest.raises(WhitelistRefused, match="没有序号9"):
        service.withdraw(batch.id, [9], TODAY, "本人撤回同意", "刘院长")  # type: ignore[arg-type]
    assert service.withdraw(batch.id, [2], TODAY, "本人撤回同意", "刘院长") == 1  # type: ignore[arg-type]

    after = service.entries(batch.id)  # type: ignore[arg-type]
    assert [replace(e, withdrawal=None) for e in after] == entries
    assert after[1].withdrawal is not None and after[1].withdrawal.reason == "本人撤回同意"
    row = workspace.db.execute(
        "SELECT withdrawn_on, reason, approved_by, recorded_by FROM whitelist_withdrawals"
    ).fetchall()
    assert row == [("2025-06-13", "本人撤回同意", "刘院长", "测试员")]
    assert (
        workspace.db.execute("SELECT count(*) FROM audit_log WHERE action = 'whitelist.withdraw'").fetchone()[
            0
        ]
        == 1
    )
    with pytest.raises(WhitelistRefused, match="已于2025-06-13撤回，不能重复撤回"):
        service.withdraw(batch.id, [2], TODAY, "再撤一次", "刘院长")  # type: ignore[arg-type]
    with pytest.raises(sqlite3.DatabaseError, match="撤回记录不能删除"):
        workspace.db.execute("DELETE FROM whitelist_withdrawals")

    printed = service.printed(batch.id)  # type: ignore[arg-type]
    assert printed.rows[2] == ["2", WITHDRAWN_MARK, "", ""] and "序号2" in printed.notes[0]
    assert service.batch(batch.id).status.value == "已发布"  # type: ignore[arg-type]
    service.withdraw(batch.id, [1], TODAY, "发现转移财产", "刘院长")  # type: ignore[arg-type]
    assert service.batch(batch.id).status.value == "已全部撤回"  # type: ignore[arg-type]
    # A withdrawn party may be reviewed again.
    assert {c.party_id for c in service.candidates(date(2025, 6, 1), date(2025, 6, 30))} == set(ids)


def test_a_withdrawn_party_is_not_published_again_on_its_old_consent(
    workspace: Workspace, service: WhitelistService
) -> None:
    """Withdrawing an entry (here: the party took its consent back) must not leave the party eligible
    for the next batch on the consent recorded before: a new application or consent is needed."""
    ids = ready(workspace, service, 3)
    batch = service.publish(ids, 1, date(2025, 6, 12), "刘院长")
    assert batch.id is not None
    service.withdraw(batch.id, [2], date(2025, 6, 12), "本人撤回同意", "刘院长")
    withdrawn = ids[1]

    again = {c.party_id: c for c in service.candidates(date(2025, 6, 1), date(2025, 6, 30))}
    assert set(again) == {withdrawn}  # reviewed again, but not eligible
    consent = again[withdrawn].assessment.finding(Condition.CONSENT)
    assert consent.state is State.FAILED
    assert "2025年第1批诚信履行名单（序号2）" in consent.reason and "本人撤回同意" in consent.reason
    before = snapshot(workspace)
    with pytest.raises(WhitelistRefused, match=r"本人申请或同意：曾列入2025年第1批诚信履行名单（序号2）"):
        service.publish([withdrawn], 2, TODAY, "刘院长")
    assert snapshot(workspace) == before

    # The same person in another case is held back too, even after the listed case is deleted.
    other_case = performed_case("（2025）黑0902民初990号", debtor=people(3)[1], paid_on=date(2025, 6, 11))
    other = debtor_id(workspace, other_case)
    service.record_check([other], date(2025, 6, 12), "赵查询")
    service.record_consent([other], date(2025, 6, 12))
    entry = service.entries(batch.id)[1]
    workspace.delete_case(entry.case_id)  # type: ignore[arg-type]
    found = service.assess_parties([other])[0].assessment
    assert not found.eligible and found.finding(Condition.CONSENT).state is State.FAILED

    # A consent dated after the withdrawal puts the party back on the next list.
    service.record_consent([other], TODAY)
    assert service.assess_parties([other])[0].eligible
    assert service.publish([other], 2, TODAY, "刘院长").entries == 1


def test_rules_the_settings_cannot_keep_are_refused(workspace: Workspace, service: WhitelistService) -> None:
    before = snapshot(workspace)
    for rules in (WhitelistRules(pre_enforcement_months=0), WhitelistRules(national_check_max_age_days=-5)):
        with pytest.raises(WhitelistRefused):
            service.set_rules(rules)
    assert snapshot(workspace) == before
    service.set_rules(WhitelistRules(pre_enforcement_months=2, national_check_max_age_days=90))
    assert service.rules() == WhitelistRules(pre_enforcement_months=2, national_check_max_age_days=90)


# ------------------------------------------------------------------------------- print and export files


def _pdftotext(path: Path, layout: bool = True) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _squeeze(text: str) -> list[str]:
    return ["".join(line.split()) for line in text.splitlines() if line.strip()]


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) 未安装"
)


@needs_poppler
def test_the_printed_pdf_gives_the_expected_table_text(
    workspace: Workspace, service: WhitelistService, tmp_path: Path
) -> None:
    ids = ready(workspace, service, 45)
    batch = service.publish(ids, 3, TODAY, "刘院长")
    service.withdraw(batch.id, [7], TODAY, "本人撤回同意", "刘院长")  # type: ignore[arg-type]
    out = tmp_path / "list.pdf"
    rec = service.print_pdf(batch.id, out)  # type: ignore[arg-type]
    pages = _pdftotext(out).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    header = "序号姓名或名称身份证号／信用代码履行完毕日期"
    expected_rows = [
        f"{e.seq}{e.name}{e.identifier}{e.performed_on.year}年{e.performed_on.month}月{e.performed_on.day}日"
        if e.withdrawal is None
        else f"{e.seq}{WITHDRAWN_MARK}"
        for e in service.entries(batch.id)  # type: ignore[arg-type]
    ]
    table: list[str] = []
    for n, page in enumerate(pages, start=1):
        lines = _squeeze(page)
        assert header in lines, f"page {n} lacks the header row"
        assert lines[-1] == f"第{n}页共{len(pages)}页"
        start = lines.index(header) + 1
        table += [line for line in lines[start:] if line[:1].isdigit() and not line.startswith("第")]
    assert table == expected_rows
    first = _squeeze(pages[0])
    assert first[:2] == ["七台河市新兴区人民法院", "2025年第3批诚信履行名单"]
    last = _squeeze(pages[-1])
    assert "注：序号7于二〇二五年六月十三日撤回，不再列入本批名单。" in last
    assert last[-3:-1] == ["七台河市新兴区人民法院", "二〇二五年六月十三日"]
    fonts = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True, text=True).stdout
    font_lines = fonts.splitlines()[2:]
    assert font_lines and all(" yes " in line for line in font_lines)  # every font embedded
    assert rec.format == "pdf" and rec.agency == "张贴公示" and rec.entries == 45
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(out), str(png)], check=True)
    assert any(p.suffix == ".png" and p.stat().st_size > 1000 for p in tmp_path.iterdir())


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return [
        ["" if v is None else str(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)
    ]


def test_exports_per_agency_are_logged_with_their_hash(
    workspace: Workspace, service: WhitelistService, tmp_path: Path
) -> None:
    import hashlib

    ids = ready(workspace, service, 3)
    batch = service.publish(ids, 1, TODAY, "刘院长")
    assert batch.id is not None
    for name, ag in AGENCIES.items():
        expected = export_rows(ag, batch, service.entries(batch.id))
        for fmt in ("xlsx", "csv"):
            out = tmp_path / service.default_file_name(batch.id, name, fmt)
            rec = service.export(batch.id, name, fmt, out)
            assert rec.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
            if fmt == "csv":
                assert out.read_bytes().startswith(b"\xef\xbb\xbf")
                got = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
            else:
                got = _xlsx_rows(out)
            assert got == expected
    log = service.exports(batch.id)
    assert [(r.agency, r.format) for r in log] == [(a, f) for a in AGENCIES for f in ("xlsx", "csv")]
    assert all(r.exported_by == "测试员" and r.entries == 3 for r in log)
    assert (
        workspace.db.execute("SELECT count(*) FROM audit_log WHERE action = 'whitelist.export'").fetchone()[0]
        == 8
    )
    with pytest.raises(sqlite3.DatabaseError, match="报送记录不能删除"):
        workspace.db.execute("DELETE FROM whitelist_exports")


def test_a_bad_export_request_writes_no_file_and_no_log(
    workspace: Workspace, service: WhitelistService, tmp_path: Path
) -> None:
    ids = ready(workspace, service, 1)
    batch = service.publish(ids, 1, TODAY, "刘院长")
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(WhitelistRefused, match="不是可选的报送单位"):
        service.export(batch.id, "公安", "xlsx", tmp_path / "x.xlsx")  # type: ignore[arg-type]
    with pytest.raises(WhitelistRefused, match="格式"):
        service.export(batch.id, "税务", "pdf", tmp_path / "x.pdf")  # type: ignore[arg-type]
    with pytest.raises(WhitelistRefused, match="不存在"):
        service.export(batch.id, "税务", "csv", tmp_path / "missing" / "x.csv")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == [] and service.exports() == []


@needs_poppler
def test_no_export_leaks_a_stored_id_number_phone_address_or_account(
    workspace: Workspace, service: WhitelistService, tmp_path: Path
) -> None:
    ids = ready(workspace, service, 12)
    org = debtor_id(
        workspace,
        performed_case(
            "（2025）黑0902民初900号",
            debtor=Party(PartyRole.DEFENDANT, PartyKind.ORGANISATION, "七台河市宏达商贸有限公司",
                         uscc=ORG_USCC,
                         phone="0464-8123456", address="七台河市新兴区红旗路1号",
                         legal_representative="周法人"),
        ),
    )  # fmt: skip
    service.record_check([org], date(2025, 6, 12), "赵查询")
    service.record_consent([org], date(2025, 6, 12))
    batch = service.publish([*ids, org], 1, TODAY, "刘院长")
    assert batch.id is not None
    service.withdraw(batch.id, [2], TODAY, "本人撤回同意", "刘院长")
    gone = service.entries(batch.id)[1]
    assert gone.withdrawal is not None

    files = [service.print_pdf(batch.id, tmp_path / "list.pdf")]
    files += [
        service.export(batch.id, name, fmt, tmp_path / f"{name}.{fmt}")
        for name in AGENCIES
        for fmt in ("xlsx", "csv")
    ]
    texts: dict[str, str] = {}
    for rec in files:
        path = tmp_path / rec.file_name
        if rec.format == "pdf":
            texts[rec.file_name] = _pdftotext(path, layout=False) + _pdftotext(path)
        elif rec.format == "csv":
            texts[rec.file_name] = path.read_bytes().decode("utf-8-sig")
        else:  # every part of the zip: cells, shared strings, properties
            with zipfile.ZipFile(path) as z:
                texts[rec.file_name] = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    secrets = {
        v
        for (v,) in workspace.db.execute(
            "SELECT id_number FROM parties UNION SELECT phone FROM parties UNION SELECT address FROM parties "
            "UNION SELECT legal_representative FROM parties UNION SELECT account_number FROM obligations"
        )
        if v
    }
    assert len(secrets) > 30
    for name, text in texts.items():
        flat = "".join(text.split())
        for secret in secrets:
            assert secret not in text and secret not in flat, f"{name} leaks {secret}"
        assert "民间借贷" not in text  # never the cause of action
        # A withdrawn entry is sent nowhere with its name or (masked) identifier any more.
        assert gone.name not in flat and gone.identifier not in flat, f"{name} still names {gone.name}"
        assert "本人撤回同意" not in flat  # nor the reason
    assert ORG_USCC in texts["税务.csv"]  # an organisation's credit code is public


def test_a_name_that_looks_like_a_formula_stays_text_in_every_export(
    workspace: Workspace, service: WhitelistService, tmp_path: Path
) -> None:
    name = "=七台河市宏达商贸有限公司"
    org = debtor_id(
        workspace,
        performed_case("（2025）黑0902民初902号",
                       debtor=Party(PartyRole.DEFENDANT, PartyKind.ORGANISATION, name, uscc=ORG_USCC)),
    )  # fmt: skip
    service.record_check([org], date(2025, 6, 12), "赵查询")
    service.record_consent([org], date(2025, 6, 12))
    batch = service.publish([org], 1, TODAY, "刘院长")
    assert batch.id is not None
    for agency_name in AGENCIES:
        csv_file = tmp_path / f"{agency_name}.csv"
        service.export(batch.id, agency_name, "csv", csv_file)
        data = csv_file.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        assert rows[1][1] == "'" + name  # Excel shows it as text, never runs it
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
        xlsx_file = tmp_path / f"{agency_name}.xlsx"
        service.export(batch.id, agency_name, "xlsx", xlsx_file)
        assert _xlsx_rows(xlsx_file)[1][1] == name  # a text cell already: no apostrophe needed


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装，无法验证 XLSX")
def test_libreoffice_reads_the_xlsx_back_as_the_expected_rows(
    workspace: Workspace, service: WhitelistService, tmp_path: Path
) -> None:
    ids = ready(workspace, service, 5)
    org = debtor_id(
        workspace,
        performed_case("（2025）黑0902民初901号", debtor=Party(PartyRole.DEFENDANT, PartyKind.ORGANISATION,
                                                              "=七台河市宏达商贸有限公司", uscc=ORG_USCC)),
    )  # fmt: skip
    service.record_check([org], date(2025, 6, 12), "赵查询")
    service.record_consent([org], date(2025, 6, 12))
    batch = service.publish([*ids, org], 1, TODAY, "刘院长")
    assert batch.id is not None
    service.withdraw(batch.id, [3], TODAY, "本人撤回同意", "刘院长")
    xlsx = tmp_path / "list.xlsx"
    service.export(batch.id, "信用信息平台", "xlsx", xlsx)
    profile = tmp_path / "lo-profile"
    out_dir = tmp_path / "out"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out_dir), str(xlsx)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    converted = out_dir / "list.csv"
    assert converted.exists(), result.stderr + result.stdout
    got = list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8-sig"))))
    assert got == export_rows(AGENCIES["信用信息平台"], batch, service.entries(batch.id))
    assert got[6][1] == "=七台河市宏达商贸有限公司"  # a text cell, never a formula


# ---------------------------------------------------------------------------------- a changed court code


def test_batches_published_under_an_earlier_court_code_stay_reachable(
    workspace: Workspace,
    service: WhitelistService,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("desktop.cli._setup_logging", lambda: None)
    ids = ready(workspace, service, 3)
    old = service.publish(ids[:1], 1, TODAY, "刘院长")
    court = workspace.court()
    assert court is not None and old.id is not None
    workspace.set_court(replace(court, court_code="黑0903"))

    # Found by year and number, printed and exported, from the service and the command line.
    assert service.find_batch(2025, 1).id == old.id
    db = workspace.path
    pdf = tmp_path / "old.pdf"
    assert (
        cli_main(["whitelist", "print", "--db", db, "--year", "2025", "--number", "1", "--out", str(pdf)])
        == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    out = tmp_path / "old.csv"
    export = ["whitelist", "export", "--db", db, "--agency", "税务", "--format", "csv", "--out", str(out)]
    assert cli_main([*export, "--year", "2025", "--number", "1"]) == 0
    assert "2025年第1批诚信履行名单" in out.read_bytes().decode("utf-8-sig")
    capsys.readouterr()

    # New batches are numbered per current court code and year; the current code's is found first, the
    # other one by its 编号.
    assert service.next_number(2025) == 1
    new = service.publish(ids[1:], 1, TODAY, "刘院长")
    assert new.id != old.id and new.court_code == "黑0903"
    assert service.find_batch(2025, 1).id == new.id
    assert cli_main([*export, "--id", str(old.id)]) == 0
    assert out.read_bytes().decode("utf-8-sig").count("\r\n") == 2  # the old batch's header and 1 entry
    assert cli_main(["whitelist", "batches", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert f"{old.id}\t2025年第1批诚信履行名单" in listed and "\t黑0902" in listed and "\t黑0903" in listed

    # With neither batch of the current code, two of the same number are not guessed between.
    workspace.set_court(replace(court, court_code="黑0904"))
    with pytest.raises(WhitelistRefused, match=r"有2个，是以不同的法院代字发布的.*请按批次编号指定"):
        service.find_batch(2025, 1)
    with pytest.raises(WhitelistRefused, match="2025年第2批诚信履行名单不存在"):
        service.find_batch(2025, 2)


# ---------------------------------------------------------------------------------------------- CLI


def test_the_command_line_does_the_same_work(
    workspace: Workspace,
    service: WhitelistService,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("desktop.cli._setup_logging", lambda: None)  # no log file handler left open
    ids = ready(workspace, service, 2)
    no_consent = debtor_id(workspace, performed_case("（2025）黑0902民初800号", debtor=people(9)[8]))
    db = workspace.path
    assert (
        cli_main(["whitelist", "candidates", "--db", db, "--from", "2025-06-01", "--to", "2025-06-30"]) == 0
    )
    listed = capsys.readouterr().out
    assert "（2025）黑0902民初800号" in listed and "不符合" in listed and "符合全部条件" in listed

    # The CLI runs with the real today; publish with an explicit past date.
    args = [
        "whitelist",
        "publish",
        "--db",
        db,
        "--number",
        "1",
        "--date",
        "2025-06-13",
        "--approver",
        "刘院长",
    ]
    assert cli_main([*args, *map(str, [*ids, no_consent])]) == 2
    assert "不能列入名单：没有登记本人的申请或同意" in capsys.readouterr().err
    assert cli_main([*args, *map(str, ids)]) == 0
    assert "已发布2025年第1批诚信履行名单，共2条" in capsys.readouterr().out

    pdf = tmp_path / "list.pdf"
    batch_args = ["--db", db, "--year", "2025", "--number", "1"]
    assert cli_main(["whitelist", "print", *batch_args, "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    out = tmp_path / "tax.csv"
    assert (
        cli_main(
            ["whitelist", "export", *batch_args, "--agency", "税务", "--format", "csv", "--out", str(out)]
        )
        == 0
    )
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert cli_main(["whitelist", "withdraw", *batch_args, "--seq", "1", "--reason", "本人撤回同意",
                     "--approver", "刘院长", "--date", "2025-06-13"]) == 0  # fmt: skip
    capsys.readouterr()
    assert cli_main(["whitelist", "rules", "--db", db, "--require", "自动履行", "--max-age", "30"]) == 0
    shown = capsys.readouterr().out
    assert "全国无被执行案件\t不要求" in shown and "本人申请或同意\t要求（始终要求）" in shown
    assert "全国查询有效期\t30日" in shown
    assert service.rules().required == MANDATORY | {Condition.VOLUNTARY}
    assert cli_main(["whitelist", "batches", "--db", db]) == 0
    assert "2025年第1批诚信履行名单\t2025-06-13\t刘院长\t2\t1\t已发布" in capsys.readouterr().out


def test_the_command_line_names_why_nothing_was_published(
    workspace: Workspace,
    service: WhitelistService,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("desktop.cli._setup_logging", lambda: None)
    debtor_id(workspace, performed_case())  # performed in June, but no consent and no national check
    db = workspace.path
    before = snapshot(workspace)
    publish = ["whitelist", "publish", "--db", db, "--date", "2025-06-13", "--approver", "刘院长"]
    assert cli_main([*publish, "--from", "2025-06-01", "--to", "2025-06-30", "--all-eligible"]) == 2
    assert "期间履行完毕的1人中没有符合全部条件的" in capsys.readouterr().err
    assert cli_main([*publish, "--from", "2025-06-01", "--all-eligible"]) == 2
    assert "需要同时给出 --from 和 --to" in capsys.readouterr().err
    assert cli_main(publish) == 2
    assert "请给出当事人编号" in capsys.readouterr().err
    assert cli_main(["whitelist", "rules", "--db", db, "--months", "0"]) == 2
    assert "执前督促期限：应为1至12个月" in capsys.readouterr().err
    assert snapshot(workspace) == before


def test_publishing_all_eligible_twice_does_not_list_the_same_people_again(
    workspace: Workspace, service: WhitelistService, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 18, item 7: the same people performed in two cases each; the first batch lists each once,
    the second run finds nobody new and says why in the candidates' reasons."""
    first = ready(workspace, service, 3)
    again = [
        debtor_id(
            workspace, performed_case(f"（2025）黑0902民初{700 + i}号", debtor=p, paid_on=date(2025, 6, 2))
        )
        for i, p in enumerate(people(3))
    ]
    service.record_check(again, date(2025, 6, 12), "赵查询")
    service.record_consent(again, date(2025, 6, 12))
    db = workspace.path
    publish = ["whitelist", "publish", "--db", db, "--date", "2025-06-13", "--approver", "刘院长",
               "--from", "2025-06-01", "--to", "2025-06-30", "--all-eligible"]  # fmt: skip
    assert cli_main(publish) == 0
    assert "共3条" in capsys.readouterr().out
    assert cli_main(publish) == 2
    assert "没有可以发布的名单成员" in capsys.readouterr().err
    assert [b.entries for b in service.batches()] == [3]
    found = service.candidates(date(2025, 6, 1), date(2025, 6, 30))
    assert {c.party_id for c in found} == set(again) and not any(c.eligible for c in found)
    assert all("已列入2025年第1批名单" in c.reasons for c in found)
    assert (
        cli_main(["whitelist", "candidates", "--db", db, "--from", "2025-06-01", "--to", "2025-06-30"]) == 0
    )
    assert "已在名单中" in capsys.readouterr().out
    # named one by one, the other case's party row is refused too
    with pytest.raises(WhitelistRefused, match="已列入2025年第1批名单"):
        service.publish([again[0]], 2, TODAY, "刘院长", (date(2025, 6, 1), date(2025, 6, 30)))
    # a list for another period may list them again
    later = service.candidates(date(2025, 7, 1), date(2025, 12, 31))
    assert all(not c.listed_in for c in later)
    assert first
