"""诉讼费减免: what an application and its decision must hold, one transaction per write with its audit
entry, and the amounts granted counted by the 统计 page."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.fee_relief import BASIS_EXAMPLE, FeeRelief, ReliefOutcome, relief_problems
from desktop.core.statistics import Metric, Period
from desktop.services.statistics import load_tallies
from desktop.services.workspace import CaseInvalid, Workspace
from desktop.store import audit
from desktop.store.database import StoreError
from tests.conftest import TODAY, make_case

D = date
APPLIED = FeeRelief("七台河市宏达商贸有限公司", D(2025, 6, 2), 125_000)
GRANTED = replace(
    APPLIED,
    outcome=ReliefOutcome.GRANTED,
    decided_on=D(2025, 6, 10),
    relieved_fen=62_500,
    basis=BASIS_EXAMPLE,
    decided_by="刘院长",
)
REFUSED = replace(GRANTED, outcome=ReliefOutcome.REFUSED, relieved_fen=0, basis="不符合减免条件")


@pytest.mark.parametrize(
    ("relief", "problems"),
    [
        (APPLIED, []),
        (GRANTED, []),
        (replace(GRANTED, relieved_fen=125_000), []),  # waived in full
        (REFUSED, []),
        (replace(APPLIED, applicant="  "), ["申请人：请填写申请减免的当事人"]),
        (replace(APPLIED, applied_on=D(2025, 6, 14)), ["申请日期：2025-06-14晚于今天2025-06-13"]),
        (replace(APPLIED, fee_fen=0), ["案件受理费：应大于0"]),
        (
            replace(APPLIED, decided_on=D(2025, 6, 10)),
            ["决定：尚未决定的申请不能填写决定日期、减免金额或决定人"],
        ),
        (replace(GRANTED, decided_on=None), ["决定日期：“准予减免”须填写决定日期"]),
        (replace(GRANTED, decided_on=D(2025, 6, 1)), ["决定日期：2025-06-01早于申请日期2025-06-02"]),
        (replace(GRANTED, decided_on=D(2025, 6, 14)), ["决定日期：2025-06-14晚于今天2025-06-13"]),
        (replace(GRANTED, decided_by=""), ["决定人：请填写作出决定的审判人员或院长"]),
        (replace(GRANTED, relieved_fen=0), ["减免金额：准予减免时应大于0"]),
        (replace(GRANTED, relieved_fen=125_001), ["减免金额：1,250.01元超过案件受理费1,250.00元"]),
        (replace(GRANTED, basis=""), ["依据：请写明减免的依据，例如《诉讼费用交纳办法》第四十四条"]),
        (replace(REFUSED, relieved_fen=100), ["减免金额：不予减免时减免金额应为0"]),
        (replace(REFUSED, basis=" "), ["依据：请写明不予减免的理由"]),
        (replace(APPLIED, note="备" * 201), ["备注：不能超过200字，实际201字"]),
    ],
)
def test_what_a_record_must_hold(relief: FeeRelief, problems: list[str]) -> None:
    assert [str(p) for p in relief_problems(relief, TODAY)] == problems


@given(st.integers(-10, 10**9), st.integers(-10, 10**9))
def test_a_granted_amount_is_accepted_exactly_when_it_is_within_the_fee(fee: int, relieved: int) -> None:
    relief = replace(GRANTED, fee_fen=fee, relieved_fen=relieved)
    assert (relief_problems(relief, TODAY) == []) == (0 < relieved <= fee)


def test_summaries() -> None:
    assert GRANTED.summary == "准予减免625.00元（受理费1,250.00元）"
    assert replace(GRANTED, relieved_fen=125_000).summary == "准予免交（受理费1,250.00元）"
    assert APPLIED.summary == "待决定（受理费1,250.00元）"


def _table(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.db.execute("SELECT * FROM fee_reliefs ORDER BY id").fetchall()


def test_an_application_then_its_decision_each_in_one_audited_write(workspace: Workspace) -> None:
    case = workspace.save_case(make_case())
    assert case.id is not None
    applied = workspace.save_fee_relief(case.id, replace(APPLIED, applicant=" 七台河市宏达商贸有限公司 "))
    assert applied.id is not None and applied.applicant == "七台河市宏达商贸有限公司"
    decided = workspace.save_fee_relief(case.id, replace(GRANTED, id=applied.id))
    assert workspace.fee_reliefs(case.id) == [decided]
    actions = [e["action"] for e in audit.entries(workspace.db) if e["entity"] == "fee_relief"]
    assert actions == ["fee_relief.create", "fee_relief.update"]

    book = load_tallies(workspace.db.conn)
    assert book.total(Metric.FEE_RELIEVED, Period(D(2025, 6, 10), D(2025, 6, 10)), "王建国") == 62_500
    workspace.save_fee_relief(case.id, replace(REFUSED, id=applied.id))  # corrected: refused after all
    assert load_tallies(workspace.db.conn).total(Metric.FEE_RELIEVED, Period(D(2025, 1, 1), TODAY)) == 0

    workspace.delete_fee_relief(case.id, applied.id)
    assert workspace.fee_reliefs(case.id) == []
    with pytest.raises(StoreError, match="已不存在"):
        workspace.delete_fee_relief(case.id, applied.id)


def test_a_refused_write_leaves_the_register_and_the_log_as_they_were(workspace: Workspace) -> None:
    case = workspace.save_case(make_case())
    assert case.id is not None
    workspace.save_fee_relief(case.id, APPLIED)
    before, log = _table(workspace), len(audit.entries(workspace.db))
    with pytest.raises(CaseInvalid) as refused:
        workspace.save_fee_relief(case.id, replace(GRANTED, relieved_fen=999_999, decided_by=""))
    assert [p.field for p in refused.value.problems] == ["决定人", "减免金额"]
    with pytest.raises(StoreError, match="案件不存在"):
        workspace.save_fee_relief(case.id + 100, APPLIED)
    with pytest.raises(StoreError, match="已不存在"):
        workspace.save_fee_relief(case.id, replace(APPLIED, id=999))
    assert _table(workspace) == before and len(audit.entries(workspace.db)) == log


def test_the_database_itself_refuses_an_impossible_record(workspace: Workspace) -> None:
    """The table's checks hold whatever writes to it (the rules above are also in the schema)."""
    case_id = workspace.save_case(make_case()).id
    insert = (
        "INSERT INTO fee_reliefs (case_id, applicant, applied_on, fee_fen, outcome, decided_on, "
        "relieved_fen) VALUES (?, '甲', '2025-06-01', 100, ?, ?, ?)"
    )
    impossible = [
        ("待决定", "2025-06-02", 0),  # decided yet pending
        ("准予减免", None, 50),  # granted without a date
        ("不予减免", "2025-06-02", 5),  # refused with an amount
        ("准予减免", "2025-06-02", 101),  # more than the fee
    ]
    workspace.db.execute(insert, (case_id, "准予减免", "2025-06-02", 100))  # the same shape, possible
    for outcome, decided, relieved in impossible:
        with pytest.raises(sqlite3.IntegrityError):
            workspace.db.execute(insert, (case_id, outcome, decided, relieved))


def test_deleting_the_case_deletes_its_records(workspace: Workspace) -> None:
    case_id = workspace.save_case(make_case()).id
    assert case_id is not None
    workspace.save_fee_relief(case_id, GRANTED)
    workspace.delete_case(case_id)
    assert _table(workspace) == []


def test_the_demo_records_reliefs_the_rules_accept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.demo import generate

    today = D(2026, 12, 4)
    generate(tmp_path / "demo.sqlite3", cases=800, today=today, board=False)
    ws = Workspace.open(tmp_path / "demo.sqlite3")
    try:
        case_ids = [r[0] for r in ws.db.execute("SELECT DISTINCT case_id FROM fee_reliefs")]
        reliefs = [f for cid in case_ids for f in ws.fee_reliefs(cid)]
    finally:
        ws.close()
    assert {f.outcome for f in reliefs} >= {ReliefOutcome.GRANTED, ReliefOutcome.REFUSED}
    for relief in reliefs:
        assert relief_problems(relief, today) == [], relief


def test_text_with_a_control_character_is_refused_as_in_the_ledger() -> None:
    problems = relief_problems(replace(APPLIED, note="已付\u200b清"), TODAY)
    assert [p.field for p in problems] == ["备注"] and "控制字符" in problems[0].message


def test_the_fee_at_stake_is_the_acceptance_fee_the_judgment_ordered() -> None:
    from desktop.core.fee_relief import fee_ordered
    from desktop.core.model import Obligation, ObligationKind

    case = make_case()
    assert fee_ordered(case) == 0  # nothing ordered: the clerk types it
    fee = Obligation(ObligationKind.MONEY, description="案件受理费1,250.00元由被告负担", amount_fen=125_000)
    assert fee_ordered(replace(case, obligations=(*case.obligations, fee))) == 125_000
