"""统计: periods and their comparisons, the tallies' sums, and the ledger's figures against the law's
own definition of performance (desktop.core.eligibility)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import statistics as stats
from desktop.core.eligibility import fully_performed, performed_on
from desktop.core.errors import ValidationError
from desktop.core.model import CaseStatus, Obligation, ObligationKind, Payment, Stage
from desktop.core.statistics import Metric, Period, Tallies, Tally, Unit, Value
from desktop.services.statistics import load_tallies, statistics
from desktop.services.workspace import Workspace
from tests.conftest import TODAY, make_case

D = date

# ------------------------------------------------------------------------------------------------ periods


@pytest.mark.parametrize(
    ("period", "label", "before", "year_before"),
    [
        (
            stats.half_year(2019, 2),
            "2019年下半年",
            Period(D(2019, 1, 1), D(2019, 6, 30)),
            stats.half_year(2018, 2),
        ),
        (stats.half_year(2020, 1), "2020年上半年", stats.half_year(2019, 2), stats.half_year(2019, 1)),
        (stats.year(2025), "2025年", stats.year(2024), stats.year(2024)),
        (stats.month(2024, 3), "2024年3月", stats.month(2024, 2), stats.month(2023, 3)),
        (stats.month(2024, 2), "2024年2月", stats.month(2024, 1), stats.month(2023, 2)),  # 29 days → 28
        (stats.month(2025, 2), "2025年2月", stats.month(2025, 1), stats.month(2024, 2)),  # 28 days → 29
        (Period(D(2026, 7, 1), D(2026, 9, 30)), "2026年第3季度", Period(D(2026, 4, 1), D(2026, 6, 30)), None),
        (stats.month(2026, 1), "2026年1月", stats.month(2025, 12), stats.month(2025, 1)),  # over the new year
        # a half-year or year so far: as many days of the one before; the same dates a year earlier
        (
            Period(D(2026, 7, 1), D(2026, 12, 4)),
            "2026年下半年（截至12月4日）",
            Period(D(2026, 1, 1), D(2026, 6, 6)),
            Period(D(2025, 7, 1), D(2025, 12, 4)),
        ),
        (
            Period(D(2026, 1, 1), D(2026, 12, 4)),
            "2026年（截至12月4日）",
            Period(D(2025, 1, 1), D(2025, 12, 4)),
            Period(D(2025, 1, 1), D(2025, 12, 4)),
        ),
        (
            Period(D(2024, 7, 1), D(2024, 12, 30)),  # 183 days: the half-year before has only 182
            "2024年下半年（截至12月30日）",
            stats.half_year(2024, 1),
            Period(D(2023, 7, 1), D(2023, 12, 30)),
        ),
        # not a calendar unit: as many days just before; the same dates a year earlier
        (
            Period(D(2026, 7, 2), D(2026, 12, 4)),
            "2026-07-02至2026-12-04",
            Period(D(2026, 1, 27), D(2026, 7, 1)),
            Period(D(2025, 7, 2), D(2025, 12, 4)),
        ),
        (
            Period(D(2024, 2, 29), D(2024, 2, 29)),
            "2024-02-29至2024-02-29",
            Period(D(2024, 2, 28), D(2024, 2, 28)),
            Period(D(2023, 2, 28), D(2023, 2, 28)),
        ),
    ],
)
def test_periods_say_what_they_are_and_what_they_are_compared_with(
    period: Period, label: str, before: Period, year_before: Period | None
) -> None:
    assert period.label == label
    assert stats.previous(period) == before
    if year_before is not None:
        assert stats.year_before(period) == year_before


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="统计期间：结束日期2026-01-01早于开始日期2026-06-30"):
        Period(D(2026, 6, 30), D(2026, 1, 1))
    with pytest.raises(ValidationError, match="半年应为1"):
        stats.half_year(2026, 3)


days = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))


@given(days, st.integers(min_value=0, max_value=800))
def test_the_period_before_is_the_unit_before_or_as_long(start: date, length: int) -> None:
    p = Period(start, start + timedelta(length))
    before = stats.previous(p)
    if stats._unit(p) is not None:
        assert stats._unit(before) == stats._unit(p) and before.end == p.start - timedelta(1)
    elif stats._so_far(p) is None:
        assert before.days == p.days and before.end == p.start - timedelta(1)
    else:  # as many days from the start of the half-year (or year) before, at most all of it
        assert before.start.day == 1 and before.end < p.start
        assert before.days == p.days or before.end == p.start - timedelta(1)
    last_year = stats.year_before(p)
    assert last_year.start.year == p.start.year - 1 and abs(last_year.days - p.days) <= 1


def test_recent_periods_offer_the_half_years_and_years_cut_at_today() -> None:
    offered = stats.recent_periods(D(2026, 12, 4), years=2)
    assert offered[0] == ("2026年下半年（截至12月4日）", Period(D(2026, 7, 1), D(2026, 12, 4)))
    assert offered[1] == ("2026年上半年", stats.half_year(2026, 1))
    assert offered[2] == ("2026年（截至12月4日）", Period(D(2026, 1, 1), D(2026, 12, 4)))
    assert [label for label, _p in offered[3:]] == ["2025年下半年", "2025年上半年", "2025年"]
    # in the first half the year so far is the half-year so far: offered once
    assert stats.recent_periods(D(2026, 3, 1), years=1) == [
        ("2026年上半年（截至3月1日）", Period(D(2026, 1, 1), D(2026, 3, 1)))
    ]


# ---------------------------------------------------------------------------------------- the words used


@pytest.mark.parametrize(
    ("current", "before", "text"),
    [
        (Value(1940, Unit.CASES), Value(1000, Unit.CASES), "增加94%"),  # 镇海 2019 下半年 环比
        (Value(800, Unit.YUAN), Value(100, Unit.YUAN), "为上期的8.0倍"),  # the amount ×8
        (Value(780, Unit.CASES), Value(1000, Unit.CASES), "下降22%"),  # first-enforcement filings
        (Value(2200, Unit.CASES), Value(1000, Unit.CASES), "为上期的2.2倍"),  # 同比上升120%
        (Value(5, Unit.CASES), Value(5, Unit.CASES), "持平"),
        (Value(1001, Unit.CASES), Value(1000, Unit.CASES), "增加不足1%"),
        (Value(5, Unit.CASES), Value(0, Unit.CASES), "新增"),
        (Value(0, Unit.CASES), Value(0, Unit.CASES), "—"),
        (Value(0, Unit.CASES), Value(4, Unit.CASES), "下降100%"),
        (stats.rate(3, 4), stats.rate(1, 2), "上升25.0个百分点"),
        (stats.rate(1, 3), stats.rate(1, 3), "持平"),
        (stats.rate(5090, 10_000), stats.rate(5120, 10_000), "下降0.3个百分点"),  # 50.90% and 51.20%
        (stats.rate(5090, 10_000), stats.rate(5094, 10_000), "基本持平"),  # under 0.05 points
        (stats.rate(5090, 10_000), stats.rate(5095, 10_000), "下降0.1个百分点"),
        (stats.rate(1, 3), stats.rate(0, 0), "—"),
        (stats.ratio(98, 100), stats.ratio(1, 1), "下降0.02"),
    ],
)
def test_changes_are_said_as_the_seeds_say_them(current: Value, before: Value, text: str) -> None:
    assert stats.change_text(current, before) == text


def test_a_multiple_names_what_it_is_a_multiple_of() -> None:
    eight = stats.Line("自动履行金额", Value(800, Unit.YUAN), Value(100, Unit.YUAN), Value(100, Unit.YUAN))
    assert (eight.versus_previous, eight.versus_year_before) == ("为上期的8.0倍", "为去年同期的8.0倍")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (stats.ratio(98, 100), "0.98:1"),  # 自动履行与首次执行案件数之比为0.98:1
        (stats.ratio(570, 100), "5.70:1"),
        (stats.ratio(1, 0), "—"),
        (stats.rate(2, 3), "66.7%"),
        (stats.rate(0, 5), "0.0%"),
        (stats.rate(0, 0), "—"),
        (Value(3_200_000, Unit.YUAN), "32,000.00"),  # 减免诉讼费3.2万元 in fen
        (Value(990, Unit.COPIES), "990"),
        (Value(12_345, Unit.CASES), "12,345"),
    ],
)
def test_figures_are_written_out(value: Value, text: str) -> None:
    assert value.text == text


# ------------------------------------------------------------------------------------------------ tallies

tallies_strategy = st.lists(
    st.builds(
        Tally,
        st.sampled_from(list(Metric)),
        st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)),
        st.sampled_from(["", "王建国", "李春雨"]),
        st.integers(min_value=1, max_value=10**9),
    ),
    max_size=60,
)


@settings(max_examples=200)
@given(tallies_strategy, st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)), st.integers(0, 400))
def test_a_period_sums_exactly_its_days(tallies: list[Tally], start: date, length: int) -> None:
    book = Tallies(tallies)
    p = Period(start, start + timedelta(length))
    for metric in Metric:
        for handler in (None, "", "王建国"):
            expected = sum(
                t.value
                for t in tallies
                if t.metric is metric and t.day in p and (handler is None or t.handler == handler)
            )
            assert book.total(metric, p, handler) == expected
        split = start + timedelta(length // 2)
        halves = book.total(metric, Period(start, split)) + (
            book.total(metric, Period(split + timedelta(1), p.end)) if split < p.end else 0
        )
        assert halves == book.total(metric, p)


def test_the_report_compares_each_figure_and_lists_the_handlers() -> None:
    on = D(2026, 3, 10)
    book = Tallies(
        [
            Tally(Metric.VOLUNTARY, on, "王建国", 194),
            Tally(Metric.VOLUNTARY, D(2025, 9, 1), "王建国", 100),  # the half-year before
            Tally(Metric.VOLUNTARY_FEN, on, "王建国", 800_00),
            Tally(Metric.VOLUNTARY_FEN, D(2025, 9, 1), "王建国", 100_00),
            Tally(Metric.FIRST_ENFORCEMENT, on, "李春雨", 198),
            Tally(Metric.DUE, on, "王建国", 10),
            Tally(Metric.DUE_VOLUNTARY, on, "王建国", 7),
            Tally(Metric.DUE_TRANSFERRED, on, "王建国", 2),
            Tally(Metric.URGINGS, on, "李春雨", 3),
        ]
    )
    r = stats.report(book, stats.half_year(2026, 1))
    lines = {line.label: line for line in r.lines}
    assert [line.label for line in r.lines] == list(stats.LABELS)
    assert lines["自动履行案件"].current.text == "194" and lines["自动履行案件"].versus_previous == "增加94%"
    assert lines["自动履行案件"].versus_year_before == "新增"
    assert (
        lines["自动履行金额"].current.text == "800.00"
        and lines["自动履行金额"].versus_previous == "为上期的8.0倍"
    )
    assert lines["自动履行与首次执行之比"].current.text == "0.98:1"
    assert lines["自动履行率"].current.text == "70.0%"
    assert r.previous == stats.half_year(2025, 2) and r.year_before == stats.half_year(2025, 1)
    assert [(h.handler, h.due, h.voluntary, h.transferred, h.urgings, h.rate.text) for h in r.handlers] == [
        ("李春雨", 0, 0, 0, 3, "—"),
        ("王建国", 10, 7, 2, 0, "70.0%"),
    ]


# ------------------------------------------------------------------------------------------------ ledger


def _voluntary_day(case) -> date | None:  # type: ignore[no-untyped-def]
    """The law's own definition (desktop.core.eligibility), for cases not transferred to enforcement."""
    if case.status is CaseStatus.TRANSFERRED or case.enforcement_case_number:
        return None
    return performed_on(case) if fully_performed(case) else None


payment_plans = st.lists(
    st.tuples(
        st.dates(min_value=D(2025, 5, 6), max_value=D(2025, 5, 12)),  # few days: ties and any order
        st.one_of(st.sampled_from([1_000_000, 4_000_000, 6_000_000, 10_000_000]), st.integers(1, 6_000_000)),
    ),
    max_size=4,
)


@settings(max_examples=60)
@given(payment_plans, st.sampled_from(list(CaseStatus)), st.booleans())
def test_the_ledger_counts_a_voluntary_performance_on_the_day_the_law_says(
    plan: list[tuple[date, int]], status: CaseStatus, with_act: bool
) -> None:
    case = make_case(payments=tuple(Payment(day, fen) for day, fen in plan), status=status)
    if with_act:
        act = Obligation(ObligationKind.ACT, description="赔礼道歉", debtor="七台河市宏达商贸有限公司")
        case = replace(case, obligations=(*case.obligations, act))
    ws = Workspace.open(":memory:", actor="测试员")
    ws.today = lambda: TODAY
    try:
        saved = ws.save_case(case)
        book = load_tallies(ws.db.conn)
    finally:
        ws.close()
    expected = _voluntary_day(saved)
    whole = Period(D(2025, 1, 1), TODAY)
    assert book.total(Metric.VOLUNTARY, whole) == (expected is not None)
    if expected is not None:
        assert book.total(Metric.VOLUNTARY, Period(expected, expected), "王建国") == 1
        assert book.total(Metric.VOLUNTARY_FEN, whole) == 10_000_000
    # the case's deadline is 2025-06-30: it is in the cohort, counted voluntary exactly when performed
    june = stats.month(2025, 6)
    assert book.total(Metric.DUE, june) == 1
    assert book.total(Metric.DUE_VOLUNTARY, june) == (expected is not None)
    assert book.total(Metric.DUE_TRANSFERRED, june) == (status is CaseStatus.TRANSFERRED)


@pytest.mark.parametrize(
    ("plan", "status", "with_act", "day"),
    [
        # paid out of order of size: the day the running total (in date order) reaches the amount due
        (
            [(D(2025, 5, 11), 6_000_000), (D(2025, 5, 12), 1_000_000), (D(2025, 5, 13), 4_000_000)],
            "在办",
            0,
            13,
        ),
        ([(D(2025, 5, 13), 4_000_000), (D(2025, 5, 11), 6_000_000)], "在办", 0, 13),
        ([(D(2025, 5, 11), 10_000_000)], "在办", 1, None),  # an act not marked done
        ([(D(2025, 5, 11), 10_000_000)], "履行完毕", 1, 11),
        ([(D(2025, 5, 11), 10_000_000)], "移送执行", 0, None),
        ([(D(2025, 5, 11), 9_999_999)], "履行完毕", 0, None),  # one fen short
    ],
)
def test_the_ledger_dates_a_voluntary_performance(
    plan: list[tuple[date, int]], status: str, with_act: int, day: int | None
) -> None:
    case = make_case(payments=tuple(Payment(d, fen) for d, fen in plan), status=CaseStatus(status))
    if with_act:
        act = Obligation(ObligationKind.ACT, description="赔礼道歉", debtor="七台河市宏达商贸有限公司")
        case = replace(case, obligations=(*case.obligations, act))
    ws = Workspace.open(":memory:", actor="测试员")
    ws.today = lambda: TODAY
    try:
        ws.save_case(case)
        book = load_tallies(ws.db.conn)
    finally:
        ws.close()
    found = [d for d in range(1, 32) if book.total(Metric.VOLUNTARY, Period(D(2025, 5, d), D(2025, 5, d)))]
    assert found == ([] if day is None else [day])


def test_the_ledger_report_counts_each_kind_of_case(workspace: Workspace) -> None:
    paid = (Payment(D(2025, 5, 30), 4_000_000), Payment(D(2025, 6, 10), 6_000_000))
    workspace.save_case(make_case("（2025）黑0902民初1号", payments=paid, status=CaseStatus.PERFORMED))
    workspace.save_case(make_case("（2025）黑0902民初2号"))  # partly paid
    workspace.save_case(  # paid in full after it went to enforcement: not a voluntary performance
        make_case("（2025）黑0902民初3号", payments=paid, status=CaseStatus.TRANSFERRED)
    )
    workspace.save_case(  # a formal enforcement case: a first-enforcement filing, never voluntary
        make_case("（2025）黑0902执12号", stage=Stage.ENFORCEMENT, payments=paid)
    )
    workspace.save_case(  # a local pre-enforcement number (执前督) is before enforcement
        make_case("（2025）黑0902执前督5号", stage=Stage.PRE_ENFORCEMENT, payments=paid)
    )
    r = statistics(workspace.db.conn, stats.half_year(2025, 1))
    lines = {line.label: line.current.text for line in r.lines}
    assert lines["自动履行案件"] == "2"
    assert lines["自动履行金额"] == "200,000.00"
    assert lines["首次执行收案"] == "1"
    assert lines["自动履行与首次执行之比"] == "2.00:1"
    assert lines["履行期限届满案件"] == "4"  # the enforcement case is not in the cohort
    assert lines["自动履行率"] == "50.0%"
    assert [(h.handler, h.due, h.voluntary, h.transferred) for h in r.handlers] == [("王建国", 4, 2, 1)]
    assert statistics(workspace.db.conn, stats.half_year(2025, 2)).lines[0].current.text == "0"


def test_certificates_and_white_list_batches_are_counted_on_the_day_they_were_issued(
    workspace: Workspace,
) -> None:
    from desktop.services.documents import DocumentService
    from desktop.services.whitelist import WhitelistService
    from tests.unit.test_whitelist import ready

    whitelist = WhitelistService(workspace)
    ids = ready(workspace, whitelist, 3)
    whitelist.publish(ids, 1, TODAY, "刘院长", (D(2025, 6, 1), D(2025, 6, 30)))
    documents = DocumentService(workspace)
    case_id = workspace.db.execute("SELECT id FROM cases ORDER BY id LIMIT 1").fetchone()[0]
    documents.issue("certificate_trial", case_id, documents.start("certificate_trial", case_id).answers)
    other = workspace.save_case(make_case("（2025）黑0902民初9号")).id
    assert other is not None
    documents.issue("performance_notice_qth", other, documents.start("performance_notice_qth", other).answers)
    book = load_tallies(workspace.db.conn)
    today = Period(TODAY, TODAY)
    assert book.total(Metric.CERTIFICATES, today) == 1  # the 告知书 is not a certificate
    assert book.total(Metric.WHITELIST_BATCHES, today) == 1
    assert book.total(Metric.WHITELIST_ENTRIES, today) == 3
    assert book.total(Metric.CERTIFICATES, Period(TODAY + timedelta(1), TODAY + timedelta(9))) == 0


@pytest.fixture
def quiet_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() sets up file logging on every call; tests calling it twice would leak a log handler."""
    monkeypatch.setattr("desktop.cli._setup_logging", lambda: None)


@pytest.mark.usefixtures("quiet_cli")
def test_the_command_prints_the_report_and_refuses_bad_periods(
    workspace: Workspace, db_target, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from desktop.cli import main

    paid = (Payment(D(2025, 5, 30), 4_000_000), Payment(D(2025, 6, 10), 6_000_000))
    workspace.save_case(make_case("（2025）黑0902民初1号", payments=paid, status=CaseStatus.PERFORMED))
    workspace.close()
    assert main(["stats", "--db", str(db_target), "--half", "2025-1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == {"start": "2025-01-01", "end": "2025-06-30", "label": "2025年上半年"}
    assert out["previous"]["label"] == "2024年下半年" and out["year_before"]["label"] == "2024年上半年"
    first = out["figures"][0]
    assert first["label"] == "自动履行案件" and first["current"] == {"value": 1, "unit": "件", "text": "1"}
    assert first["versus_previous"] == "新增"
    assert out["handlers"][0]["handler"] == "王建国" and out["handlers"][0]["rate"]["text"] == "100.0%"

    assert main(["stats", "--db", str(db_target), "--year", "2025"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("2025年统计（2025-01-01至2025-12-31）\n环比：2024年；同比：2024年\n")
    assert "自动履行案件（件）\t1\t0\t新增\t0\t新增" in text

    assert main(["stats", "--db", str(db_target), "--from", "2025-06-30", "--to", "2025-01-01"]) == 2
    assert "结束日期2025-01-01早于开始日期2025-06-30" in capsys.readouterr().err
    assert main(["stats", "--db", str(db_target), "--from", "2025-06-30"]) == 2
    assert "--from 与 --to 须一并给出" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["stats", "--db", str(db_target), "--half", "2025-3"])
    assert "半年应写作YYYY-1" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) 未安装")
@pytest.mark.usefixtures("quiet_cli")
def test_the_printed_report_holds_every_figure_in_an_embedded_font(
    workspace: Workspace, db_target, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.cli import main

    paid = (Payment(D(2025, 5, 30), 4_000_000), Payment(D(2025, 6, 10), 6_000_000))
    workspace.save_case(make_case("（2025）黑0902民初1号", payments=paid, status=CaseStatus.PERFORMED))
    workspace.close()
    out = tmp_path / "统计.pdf"
    assert main(["stats", "--db", str(db_target), "--half", "2025-1", "--pdf", str(out)]) == 0
    printed = capsys.readouterr().out
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = text.split()
    assert words[:2] == ["七台河市新兴区人民法院", "2025年上半年自动履行工作统计"]
    from desktop.core.chinese_dates import format_date_cn

    assert f"制表日期：{format_date_cn(date.today())}" in words  # the command's today
    for line in printed.splitlines()[4:15]:  # every figure the command printed is on the page
        for cell in line.split("\t"):
            assert cell in words, cell
    assert "王建国" in words and "100.0%" in words
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # emb
