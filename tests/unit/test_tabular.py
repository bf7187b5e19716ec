"""Case lists in tables, pure: headers, cells, party cells, rows → drafts → planned imports (no files)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.chinese_dates import format_date_cn
from desktop.core.errors import ValidationError
from desktop.core.model import (
    Case,
    CaseStatus,
    DefaultClause,
    Disposition,
    GuaranteeKind,
    LicenceStatus,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Payment,
    PaymentMethod,
    Procedure,
    Stage,
)
from desktop.core.tabular import (
    CASES,
    IGNORE,
    IMPORTED_PAYMENT_NOTE,
    LAYOUT,
    PARTIES,
    Action,
    ListDraft,
    Rejection,
    assemble_layout,
    cell_text,
    date_serial,
    excel_serial_date,
    field_for_header,
    group_list_rows,
    guess_kind,
    is_layout,
    is_totals_row,
    layout_header,
    layout_rows,
    match_header,
    money_cell,
    normalise_header,
    parse_cell_bool,
    parse_cell_date,
    parse_cell_enum,
    parse_cell_identifier,
    parse_cell_money,
    parse_layout_row,
    parse_list_row,
    parse_parties_text,
    plan,
    split_names,
    without_ids,
)
from desktop.store.cases import parties_text
from tests.conftest import TODAY, make_case

# ------------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),  # after Lotus 1-2-3's non-existent 1900-02-29
        (45658, date(2025, 1, 1)),
        (45821, date(2025, 6, 13)),
        (45821.75, date(2025, 6, 13)),  # 18:00 on that day
        (Decimal("45821"), date(2025, 6, 13)),
        (73415, date(2100, 12, 31)),
    ],
)
def test_excel_serial_dates(serial: float, expected: date) -> None:
    assert excel_serial_date(serial) == expected


@pytest.mark.parametrize(
    ("serial", "message"),
    [
        (60, "1900年2月29日"),
        (0, "不是有效的Excel日期序列号"),
        (-3, "不是有效的"),
        (73416, "超出1900至2100年"),
    ],
)
def test_impossible_serial_dates(serial: int, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        excel_serial_date(serial, "立案日期")


@given(st.dates(date(1900, 3, 1), date(2100, 12, 31)))
def test_serial_numbers_round_trip(day: date) -> None:
    assert excel_serial_date(date_serial(day)) == day


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (datetime(2025, 6, 13, 0, 0), date(2025, 6, 13)),
        (datetime(2025, 6, 13, 14, 30), date(2025, 6, 13)),
        (date(2025, 6, 13), date(2025, 6, 13)),
        ("2025-06-13", date(2025, 6, 13)),
        ("2025/6/13", date(2025, 6, 13)),
        ("2025.6.13", date(2025, 6, 13)),
        ("2025年6月13日", date(2025, 6, 13)),
        ("2025年6月13号", date(2025, 6, 13)),
        ("２０２５年６月１３日", date(2025, 6, 13)),
        ("2025－06－13", date(2025, 6, 13)),
        ("20250613", date(2025, 6, 13)),
        (" 2025-06-13 00:00:00 ", date(2025, 6, 13)),
        ("2025/6/13 9:05", date(2025, 6, 13)),
        ("2025-06-13T09:05:00", date(2025, 6, 13)),
        ("二〇二五年六月十三日", date(2025, 6, 13)),
        ("二〇二四年十二月三十一日", date(2024, 12, 31)),
        ("二○二五年十月一日", date(2025, 10, 1)),  # 〇 typed as the circle ○
        (45821, date(2025, 6, 13)),
        (45821.0, date(2025, 6, 13)),
        ("45821", date(2025, 6, 13)),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_date_cells(cell: object, expected: date | None) -> None:
    assert parse_cell_date(cell, "立案日期") == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2025-02-30", "2025年2月没有30日"),
        ("明天", "无法识别“明天”"),
        ("2025年13月1日", "月份应在1至12之间"),
        (True, "不是日期"),
        (60, "1900年2月29日"),
    ],
)
def test_bad_date_cells(cell: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        parse_cell_date(cell, "立案日期")
    assert info.value.field == "立案日期"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(st.dates(date(1950, 1, 1), date(2100, 12, 31)))
def test_every_usual_date_format(day: date) -> None:
    y, m, d = day.year, day.month, day.day
    for text in (
        day.isoformat(),
        f"{y}/{m}/{d}",
        f"{y}年{m}月{d}日",
        format_date_cn(day),
        f"{y}{m:02d}{d:02d}",
    ):
        assert parse_cell_date(text) == day, text
        assert parse_cell_date(_full_width(text)) == day, text
    assert parse_cell_date(datetime(y, m, d, 23, 59)) == day
    assert parse_cell_date(date_serial(day)) == day


_ANY_CELL = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.decimals(), st.text(), st.dates(), st.datetimes()
)


@given(_ANY_CELL)
def test_any_cell_is_a_date_or_a_reason(cell: object) -> None:
    try:
        assert parse_cell_date(cell, "立案日期") is None or isinstance(
            parse_cell_date(cell, "立案日期"), date
        )
    except ValidationError as exc:
        assert exc.field == "立案日期" and exc.message


@given(_ANY_CELL, st.sampled_from(["元", "万元"]))
def test_any_cell_is_an_amount_or_a_reason(cell: object, unit: str) -> None:
    try:
        fen = parse_cell_money(cell, "标的额", unit)
        assert fen is None or (isinstance(fen, int) and fen >= 0)
    except ValidationError as exc:
        assert exc.field == "标的额" and exc.message


# ------------------------------------------------------------------------------------ amounts


@pytest.mark.parametrize(
    ("cell", "unit", "fen"),
    [
        ("1,234.50", "元", 123_450),
        ("1234.5元", "元", 123_450),
        ("¥12", "元", 1_200),
        ("１，２３４．５", "元", 123_450),
        ("1.2万", "元", 1_200_000),
        ("3万元", "元", 3_000_000),
        (2, "万元", 2_000_000),
        ("1.25", "万元", 1_250_000),
        ("１.２５", "万元", 1_250_000),
        (0.8, "万元", 800_000),
        ("1,234元", "万元", 123_400),  # an amount with its own unit keeps it
        (3150.5, "元", 315_050),
        (0.1 + 0.2, "元", 30),  # float noise from a formula
        (1234.56 * 3, "元", 370_368),
        (12000, "元", 1_200_000),
        (Decimal("12.34"), "元", 1_234),
        ("0", "元", 0),
        (None, "元", None),
        ("", "元", None),
    ],
)
def test_money_cells(cell: object, unit: str, fen: int | None) -> None:
    assert parse_cell_money(cell, "标的额", unit) == fen


@pytest.mark.parametrize(
    ("cell", "unit", "message"),
    [
        ("三千元", "元", "不是金额"),
        (1234.567, "元", "小数位过多"),
        ("12.345", "元", "最多两位小数"),
        (1.2345678, "万元", "小数位过多"),
        ("-5", "元", "不能为负数"),
        (True, "元", "不是金额"),
        (date(2025, 1, 1), "元", "不是金额"),
        (float("nan"), "元", "不是金额"),
    ],
)
def test_bad_money_cells(cell: object, unit: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_cell_money(cell, "标的额", unit)


@given(st.integers(0, 10**15))
def test_amounts_survive_a_spreadsheet(fen: int) -> None:
    """What the export writes (exact Decimal yuan) and what Excel gives back (a float) both parse to fen."""
    cell = money_cell(fen)
    assert parse_cell_money(cell) == fen
    assert parse_cell_money(float(cell)) == fen
    assert parse_cell_money(str(cell)) == fen


# ------------------------------------------------------------------------------------ other cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, ""),
        ("  张三 ", "张三"),
        (12.0, "12"),
        (13800138000, "13800138000"),
        (1.5, "1.5"),
        (True, "是"),
        (date(2025, 6, 13), "2025-06-13"),
        (datetime(2025, 6, 13), "2025-06-13"),
        ("第一行\r\n第二行", "第一行\n第二行"),
    ],
)
def test_cell_text(cell: object, expected: str) -> None:
    assert cell_text(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("否", False),
        ("", False),
        (None, False),
        ("Y", True),
        ("n", False),
        ("√", True),
        (1, True),
    ],
)
def test_bool_cells(cell: object, expected: bool) -> None:
    assert parse_cell_bool(cell, "公告送达") is expected


def test_bad_bool_cell() -> None:
    with pytest.raises(ValidationError, match="应填“是”或“否”"):
        parse_cell_bool("也许", "公告送达")


@pytest.mark.parametrize(
    ("cell", "enum", "expected"),
    [
        ("调解", Disposition, Disposition.MEDIATION),
        ("调解结案", Disposition, Disposition.MEDIATION),
        ("简易", Procedure, Procedure.SIMPLIFIED),
        ("小额诉讼程序", Procedure, Procedure.SMALL_CLAIMS),
        ("已履行", CaseStatus, CaseStatus.PERFORMED),
        ("执前", Stage, Stage.PRE_ENFORCEMENT),
        ("义务人自有财产抵(质)押", GuaranteeKind, GuaranteeKind.OWN_PROPERTY),
        ("单位", PartyKind, PartyKind.ORGANISATION),
        ("", Stage, None),
    ],
)
def test_enum_cells(cell: str, enum: type, expected: object) -> None:
    assert parse_cell_enum(cell, enum, "列") == expected


def test_bad_enum_cell_lists_the_choices() -> None:
    with pytest.raises(ValidationError, match="“结案”不是可选的值（判决、调解、裁定、司法确认）"):
        parse_cell_enum("结案", Disposition, "结案方式")


def test_identifiers_excel_turned_into_numbers_are_refused() -> None:
    with pytest.raises(ValidationError, match="被Excel存成了数字"):
        parse_cell_identifier(1.1010519491231002e17, "身份证号")
    with pytest.raises(ValidationError, match="被Excel存成了数字"):
        parse_cell_identifier(110105194912310020, "身份证号")
    assert parse_cell_identifier("11010519491231002x ", "身份证号") == "11010519491231002X"
    assert parse_cell_identifier("6222 0202", "收款账号", normalise=False) == "6222 0202"


# ------------------------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("张三、李四", ["张三", "李四"]),
        ("张三,李四", ["张三", "李四"]),
        ("张三，李四", ["张三", "李四"]),
        ("张三；李四", ["张三", "李四"]),
        ("张三;李四", ["张三", "李四"]),
        ("张三/李四", ["张三", "李四"]),
        ("张三\n李四", ["张三", "李四"]),
        ("张三 李四", ["张三", "李四"]),
        ("张三、、李四、", ["张三", "李四"]),
        ("张三、张三", ["张三"]),
        (" 张三 ", ["张三"]),
        ("七台河市宏达 商贸有限公司", ["七台河市宏达 商贸有限公司"]),
        ("阿依古丽·买买提", ["阿依古丽·买买提"]),
        ("", []),
    ],
)
def test_several_parties_in_one_cell(cell: str, names: list[str]) -> None:
    assert split_names(cell) == names


_NAMES = st.lists(
    st.text(alphabet="王李张刘陈杨赵黄周吴徐孙胡朱高林伟强芳娜敏静丽", min_size=2, max_size=4),
    min_size=1,
    max_size=5,
    unique=True,
)


@given(_NAMES, st.sampled_from(["、", ",", "，", "；", ";", "/", "\n", " "]))
def test_split_names_undoes_joining(names: list[str], separator: str) -> None:
    assert split_names(separator.join(names)) == names


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("张三", PartyKind.PERSON),
        ("欧阳娜娜", PartyKind.PERSON),
        ("阿依古丽·买买提", PartyKind.PERSON),
        ("七台河市宏达商贸有限公司", PartyKind.ORGANISATION),
        ("中国工商银行股份有限公司七台河分行", PartyKind.ORGANISATION),
        ("新兴区长兴街道兴华社区居民委员会", PartyKind.ORGANISATION),
        ("王记烧烤店", PartyKind.ORGANISATION),
    ],
)
def test_kind_from_the_name(name: str, kind: PartyKind) -> None:
    assert guess_kind(name) is kind


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(PartyRole)),
            st.text(alphabet="王李张刘陈杨赵伟强芳娜", min_size=2, max_size=4),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t[1],
    )
)
def test_the_ledgers_party_summary_reads_back(pairs: list[tuple[PartyRole, str]]) -> None:
    parties = [Party(role, PartyKind.PERSON, name) for role, name in pairs]
    back = parse_parties_text(parties_text(parties))
    assert sorted(back) == sorted((p.role, p.name) for p in parties)


def test_party_summary_needs_roles() -> None:
    with pytest.raises(ValidationError, match="缺少诉讼地位"):
        parse_parties_text("张三、李四")


# ------------------------------------------------------------------------------------ headers


@pytest.mark.parametrize(
    ("header", "field", "unit"),
    [
        ("案号", "case_number", ""),
        ("案件字号", "case_number", ""),
        ("* 案 号", "case_number", ""),
        ("案号：", "case_number", ""),
        ("案由", "cause", ""),
        ("承办法官", "handler", ""),
        ("原告", "plaintiff", ""),
        ("被告1", "defendant", ""),
        ("被告二", "defendant", ""),
        ("申请执行人", "creditor", ""),
        ("被执行人姓名", "debtor", ""),
        ("标的额（万元）", "amount", "万元"),
        ("标的额(万元)", "amount", "万元"),
        ("执行标的(元)", "amount", "元"),
        ("标的额万元", "amount", "万元"),
        ("立案时间", "filing_date", ""),
        ("结案日期", "judgment_date", ""),
        ("生效日期", "effective_date", ""),
        ("履行期限届满日", "deadline", ""),
        ("判决/调解日期", "judgment_date", ""),
        ("执行立案日期", "enforcement_filing_date", ""),
        ("申请执行日期", "enforcement_filing_date", ""),
        ("执行通知书送达日期", "enforcement_notice_date", ""),
        ("送达执行通知书日期", "enforcement_notice_date", ""),
        ("联系电话", "debtor_phone", ""),
        ("联系电话（被告）", "debtor_phone", ""),
        ("被执行人联系电话", "debtor_phone", ""),
        ("申请执行人联系电话", "creditor_phone", ""),
        ("身份证号", "debtor_id", ""),
        ("原告身份证号", "creditor_id", ""),
        ("统一社会信用代码", "debtor_id", ""),
        ("ＡＢ", None, ""),
        ("序号", IGNORE, ""),
        ("内部编码", None, ""),
        ("", None, ""),
    ],
)
def test_header_names_and_synonyms(header: str, field: str | None, unit: str) -> None:
    assert field_for_header(header) == field
    assert normalise_header(header)[1] == unit


def test_remembered_mapping_comes_first() -> None:
    remembered = {"收案编号": "case_number", "案由": IGNORE}
    assert field_for_header("收案编号", remembered) == "case_number"
    assert field_for_header("案由", remembered) == IGNORE
    assert field_for_header("被告", remembered) == "defendant"


def test_header_row_below_a_title_and_a_group_row() -> None:
    rows = [
        ["长兴人民法庭2025年结案清单", "长兴人民法庭2025年结案清单", "长兴人民法庭2025年结案清单"],
        ["序号", "案号", "当事人", "当事人", "日期", "日期", "联系电话"],
        ["序号", "案号", "原告", "被告", "立案", "结案", "被告"],
        [1, "（2025）黑0902民初1号", "张三", "李四", "2025-01-01", "2025-02-01", "13800138000"],
    ]
    match = match_header(rows)
    assert match is not None and match.row == 2
    assert [(c.index, c.field) for c in match.columns] == [
        (1, "case_number"),
        (2, "plaintiff"),
        (3, "defendant"),
        (4, "filing_date"),
        (5, "judgment_date"),
        (6, "debtor_phone"),
    ]
    assert match.unknown == ()


def test_unknown_and_duplicate_headers_are_reported() -> None:
    match = match_header([["案号", "案由", "内部编码", "案件案由", "被告", "被告"]])
    assert match is not None
    assert match.unknown == ((2, "内部编码"),)
    assert match.duplicates == ((3, "案件案由", "cause"),)
    assert [c.field for c in match.columns].count("defendant") == 2  # 被告 may have several columns


def test_no_header_at_all() -> None:
    assert match_header([["甲", "乙"], [1, 2]]) is None


@pytest.mark.parametrize(
    ("cells", "totals"),
    [
        (["合计", None, 12000], True),
        (["", "总计：", 12000], True),
        (["（2025）黑0902民初1号", "合计欠款", 1], False),
        (["小计", "", ""], True),
        (["", "张三", 1], False),
    ],
)
def test_totals_rows(cells: list[object], totals: bool) -> None:
    assert is_totals_row(cells, 0) is totals


# ------------------------------------------------------------------------------------ case lists

HEADER = ["案号", "案由", "原告", "被告", "标的额", "已履行金额", "履行日期", "结案日期", "履行期限",
          "被告联系电话", "被告身份证号"]  # fmt: skip


def drafts(*rows: list[object], header: list[str] = HEADER) -> list[ListDraft]:
    match = match_header([header])
    assert match is not None
    parsed = [parse_list_row(i, cells, match.columns) for i, cells in enumerate(rows, start=2)]
    return group_list_rows("台账", parsed, match)


GOOD = ["（2025）黑0902民初7号", "民间借贷纠纷", "张三丰", "李四、王五", "3万", "", "",
        "2025-05-06", "2025/6/30", "13800138000、0464-8123456", "11010519491231002X、"]  # fmt: skip


def test_a_good_row_becomes_a_new_case() -> None:
    (draft,) = drafts([*GOOD[:-1], "11010519491231002X、91230902MA1C2D3EXP"])
    planned = plan(draft, None, TODAY)
    assert planned.action is Action.NEW, planned.rejections
    case = planned.case
    assert case is not None
    assert case.case_number == "（2025）黑0902民初7号"
    assert case.stage is Stage.AFTER_JUDGMENT
    assert case.judgment_date == date(2025, 5, 6) and case.deadline == date(2025, 6, 30)
    plaintiff, li, wang = case.parties
    assert (plaintiff.role, plaintiff.name) == (PartyRole.PLAINTIFF, "张三丰")
    assert (li.phone, li.id_number, li.kind) == ("13800138000", "11010519491231002X", PartyKind.PERSON)
    # the credit code says 王五 is an organisation whatever the name looks like
    assert (wang.phone, wang.uscc, wang.kind) == (
        "0464-8123456",
        "91230902MA1C2D3EXP",
        PartyKind.ORGANISATION,
    )
    (ob,) = case.obligations
    assert (ob.kind, ob.amount_fen, ob.debtor, ob.creditor) == (
        ObligationKind.MONEY,
        3_000_000,
        "李四、王五",
        "张三丰",
    )


def test_details_that_cannot_be_paired_reject_the_row() -> None:
    row = [*GOOD[:-2], "13800138000", ""]  # two defendants, one phone
    (draft,) = drafts(row)
    planned = plan(draft, None, TODAY)
    assert planned.action is Action.REJECTED
    assert planned.rejections == (
        Rejection("台账", 2, "被告联系电话", "本行有2名义务人（被告、被申请人或被执行人），却有1个联系电话，"
                  "无法一一对应（请按当事人顺序用“、”分隔）"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("案号", "2025黑0902民初7号", "年度应写在括号中，例如（2025）"),
        ("案号", "", "缺少案号"),
        ("标的额", "三万", "“三万”不是金额"),
        ("结案日期", "2025-02-30", "2025年2月没有30日"),
        ("履行期限", "2025-04-01", "不能早于裁判日期"),
        ("被告身份证号", "110105194912310021、", "李四的身份证号校验位应为X，实际为1，请核对号码"),
        ("被告身份证号", 1.1010519491231002e17, "被Excel存成了数字"),
        ("结案日期", "2025-06-20", "不能晚于今天"),
        ("被告", "", "没有当事人"),
    ],
)
def test_a_bad_cell_rejects_its_row_naming_the_column(column: str, value: object, reason: str) -> None:
    row = list(GOOD)
    row[HEADER.index(column)] = value
    if column == "被告":
        row[HEADER.index("原告")] = ""
        row[HEADER.index("被告联系电话")] = row[HEADER.index("被告身份证号")] = ""
    (draft,) = drafts(row)
    planned = plan(draft, None, TODAY)
    assert planned.action is Action.REJECTED
    assert len(planned.rejections) == 1, planned.rejections
    (rejection,) = planned.rejections
    assert (rejection.sheet, rejection.row) == ("台账", 2)
    assert rejection.column == (column if column != "被告" else "原告")
    assert reason in rejection.reason


def test_rows_with_the_same_case_number_make_one_case() -> None:
    first = ["（2025）黑0902民初9号", "机动车交通事故责任纠纷", "周九", "吴十", "3.5万", "", "",
             "2025-05-06", "", "13600136000", ""]  # fmt: skip
    second = ["(２０２５)黑0902民初9号", "", "周九", "中国人民财产保险股份有限公司七台河市分公司",
              "3.5万", "", "", "", "", "0464-8251234", ""]  # fmt: skip
    (draft,) = drafts(first, second)
    assert draft.rows == [("台账", 2), ("台账", 3)]
    planned = plan(draft, None, TODAY)
    assert planned.case is not None
    assert [(p.role, p.name, p.phone) for p in planned.case.parties] == [
        (PartyRole.PLAINTIFF, "周九", ""),
        (PartyRole.DEFENDANT, "吴十", "13600136000"),
        (PartyRole.DEFENDANT, "中国人民财产保险股份有限公司七台河市分公司", "0464-8251234"),
    ]
    assert planned.case.parties[2].kind is PartyKind.ORGANISATION


def test_rows_of_one_case_must_agree() -> None:
    first = GOOD
    second = list(GOOD)
    second[HEADER.index("标的额")] = "4万"
    (draft,) = drafts(first, second)
    planned = plan(draft, None, TODAY)
    assert planned.rejections == (
        Rejection("台账", 3, "标的额", "同一案号在第2行填写的内容不同（3000000≠4000000）"),
    )


def test_enforcement_list_gives_the_enforcement_stage() -> None:
    header = ["案件字号", "申请执行人", "被执行人", "执行标的(元)", "立案时间"]
    (draft,) = drafts(["（2024）黑0902执12号", "刘一", "陈二", "12,000", "2024-11-04"], header=header)
    planned = plan(draft, None, TODAY)
    assert planned.case is not None and planned.case.stage is Stage.ENFORCEMENT
    assert [p.role for p in planned.case.parties] == [PartyRole.CREDITOR, PartyRole.DEBTOR]
    (draft,) = drafts(
        ["（2025）黑0902执前督3号", "刘一", "陈二", "", ""], header=[*header[:3], "备注", "立案时间"]
    )
    assert plan(draft, None, TODAY).case.stage is Stage.ENFORCEMENT  # type: ignore[union-attr]


def test_an_enforcement_list_carries_the_enforcement_dates() -> None:
    header = ["案号", "申请执行人", "被执行人", "判决/调解日期", "执行立案日期", "执行通知书送达日期"]
    row = ["（2024）黑0902执12号", "刘一", "陈二", "2024-06-03", "2024-11-04", "2024/11/8"]
    (draft,) = drafts(row, header=header)
    case = plan(draft, None, TODAY).case
    assert case is not None
    assert (case.judgment_date, case.enforcement_filing_date, case.enforcement_notice_date) == (
        date(2024, 6, 3),
        date(2024, 11, 4),
        date(2024, 11, 8),
    )
    # a notice served before the case was filed is refused, naming the column
    (draft,) = drafts([*row[:5], "2024-11-01"], header=header)
    planned = plan(draft, None, TODAY)
    assert planned.action is Action.REJECTED
    assert [(r.column, r.reason) for r in planned.rejections] == [
        ("执行通知书送达日期", "不能早于执行立案日期")
    ]


def test_pre_enforcement_numbers_without_enforcement_roles() -> None:
    header = ["案号", "申请人", "被申请人"]
    (draft,) = drafts(["（2025）黑0902执前督3号", "刘一", "陈二"], header=header)
    assert plan(draft, None, TODAY).case.stage is Stage.PRE_ENFORCEMENT  # type: ignore[union-attr]


_PLAUSIBLE = st.one_of(
    _ANY_CELL,
    st.sampled_from(
        ["（2025）黑0902民初7号", "张三、李四", "3万", "2025-05-06", "13800138000、", "、", "是", "合计"]
    ),
)


@given(st.lists(st.lists(_PLAUSIBLE, min_size=0, max_size=len(HEADER) + 2), min_size=1, max_size=4))
def test_any_rows_are_planned_or_rejected_never_crash(rows: list[list[object]]) -> None:
    for draft in drafts(*rows):
        planned = plan(draft, None, TODAY)
        assert planned.action in (Action.NEW, Action.REJECTED)
        if planned.action is Action.REJECTED:
            assert planned.rejections and all(r.reason for r in planned.rejections)


# ------------------------------------------------------------------------------------ updates


def stored(case: Case) -> Case:
    """``case`` as the database would give it back: ids on everything, version 3."""
    return replace(
        case,
        id=41,
        version=3,
        parties=tuple(replace(p, id=100 + i) for i, p in enumerate(case.parties)),
        obligations=tuple(replace(o, id=200 + i) for i, o in enumerate(case.obligations)),
        payments=tuple(replace(p, id=300 + i) for i, p in enumerate(case.payments)),
    )


def test_the_same_list_again_changes_nothing() -> None:
    (draft,) = drafts(GOOD)
    first = plan(draft, None, TODAY)
    assert first.case is not None
    (draft,) = drafts(GOOD)
    again = plan(draft, stored(first.case), TODAY)
    assert again.action is Action.UNCHANGED


def test_an_update_keeps_what_the_list_does_not_say() -> None:
    existing = stored(make_case("（2025）黑0902民初123号"))  # 100,000 owed in two installments, 40,000 paid
    header = ["案号", "被告", "被告联系电话", "已履行金额", "履行日期", "承办人"]
    row = [
        "（2025）黑0902民初123号",
        "七台河市宏达商贸有限公司",
        "0464-8123456",
        "100,000元",
        "2025-06-10",
        "",
    ]
    (draft,) = drafts(row, header=header)
    planned = plan(draft, existing, TODAY)
    assert planned.action is Action.UPDATE, planned.rejections
    case = planned.case
    assert case is not None and case.id == 41 and case.version == 3
    assert case.handler == "王建国"  # empty cell: kept
    assert case.parties[0] == existing.parties[0]  # the plaintiff was not in the list: kept as is
    assert case.parties[1].id == existing.parties[1].id
    assert (case.parties[1].phone, case.parties[1].uscc) == ("0464-8123456", "91230902MA1C2D3EXP")
    assert case.obligations == existing.obligations
    assert case.payments[:1] == existing.payments
    assert case.payments[1] == Payment(
        date(2025, 6, 10), 6_000_000, PaymentMethod.OTHER, note=IMPORTED_PAYMENT_NOTE
    )


def test_a_list_cannot_take_back_payments() -> None:
    existing = stored(make_case())
    (draft,) = drafts(["（2025）黑0902民初123号", "100"], header=["案号", "已履行金额"])
    planned = plan(draft, existing, TODAY)
    assert planned.action is Action.REJECTED
    assert "少于本程序中已记录的履行金额（40,000.00元）" in planned.rejections[0].reason


def test_an_amount_updates_the_single_money_obligation() -> None:
    existing = stored(
        replace(make_case(), obligations=(replace(make_case().obligations[0], installments=()),))
    )
    (draft,) = drafts(["（2025）黑0902民初123号", "12万"], header=["案号", "标的额"])
    planned = plan(draft, existing, TODAY)
    assert planned.case is not None
    assert planned.case.obligations[0].amount_fen == 12_000_000
    assert planned.case.obligations[0].id == 200


def test_an_amount_that_breaks_the_installments_is_rejected() -> None:
    (draft,) = drafts(["（2025）黑0902民初123号", "12万"], header=["案号", "标的额"])
    planned = plan(draft, stored(make_case()), TODAY)
    assert planned.action is Action.REJECTED
    assert planned.rejections[0].column == "标的额"
    assert "与总额120,000.00元不符" in planned.rejections[0].reason


# ------------------------------------------------------------------------------------ own layout


def full_case() -> Case:
    """A case using every field the layout carries."""
    base = make_case("（2014）七新民初字第123号之一")
    return replace(
        base,
        stage=Stage.PRE_ENFORCEMENT,
        procedure=Procedure.ORDINARY,
        status=CaseStatus.TRANSFERRED,
        effective_date=date(2025, 5, 21),
        effective_override_reason="被告公告送达，公告期满",
        deadline=date(2025, 6, 30),
        deadline_override_reason="调解书约定",
        public_notice=True,
        enforcement_case_number="（2025）黑0902执前督5号",
        notes="第一行\n第二行：含“引号”、逗号,和分号;",
        parties=(
            replace(base.parties[0], address="黑龙江省七台河市新兴区长兴街道1号",
                    service_date=date(2025, 5, 6), publication_consent=True, consent_date=date(2025, 6, 1)),
            replace(base.parties[1], legal_representative="赵志刚", registered_capital_fen=500_000_000,
                    licence_status=LicenceStatus.REVOKED, phone="0464-8123456"),
            Party(PartyRole.THIRD_PARTY, PartyKind.PERSON, "欧阳娜娜", id_number="11010519491231002X"),
        ),
        obligations=(
            replace(base.obligations[0], default_clause=DefaultClause.ACCELERATE,
                    default_clause_text="任何一期未付", guarantee=GuaranteeKind.OWN_PROPERTY,
                    guarantee_text="以房屋抵押"),
            Obligation(ObligationKind.ACT, description="腾退房屋", due_date=date(2025, 7, 1), debtor="乙",
                       creditor="甲"),
            Obligation(ObligationKind.MONEY, description="受理费", amount_fen=1, due_date=date(2025, 6, 30)),
        ),
        payments=(
            *base.payments,
            Payment(date(2025, 6, 1), 5, PaymentMethod.PRESERVED_FUNDS, payer="乙", evidence="扣划裁定书",
                    note="备注"),
        ),
    )  # fmt: skip


def read_back(*cases: Case) -> list[Case]:
    """Write ``cases`` as layout rows, read the rows back, build the cases."""
    rows_by_sheet = {}
    for sheet in LAYOUT:
        headers = [c.header for c in sheet.columns]
        columns = layout_header(sheet.name, headers)
        cells = [row for case in cases for row in layout_rows(case)[sheet.name]]
        rows_by_sheet[sheet.name] = [
            parse_layout_row(sheet.name, i, r, columns) for i, r in enumerate(cells, start=2)
        ]
    found, orphans = assemble_layout(rows_by_sheet)
    assert orphans == []
    out = []
    for draft in found:
        planned = plan(draft, None, TODAY)
        assert planned.action is Action.NEW, planned.rejections
        assert planned.case is not None
        out.append(planned.case)
    return out


def test_the_layout_carries_every_field() -> None:
    cases = [make_case(), full_case(), make_case("（2025）黑0902执前督7号", payments=(), obligations=())]
    assert read_back(*cases) == [without_ids(c) for c in cases]


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=40).map(
    str.strip
)


@given(notes=_TEXT, description=_TEXT, address=_TEXT, fen=st.integers(1, 10**13))
def test_text_and_amounts_read_back_unchanged(notes: str, description: str, address: str, fen: int) -> None:
    case = make_case(notes=notes)
    ob = replace(case.obligations[0], description=description, amount_fen=fen, installments=())
    case = replace(case, obligations=(ob,), payments=(), parties=(replace(case.parties[0], address=address),
                                                                  case.parties[1]))  # fmt: skip
    assert read_back(case) == [without_ids(case)]


def test_a_layout_update_replaces_the_case_and_keeps_child_ids() -> None:
    existing = stored(make_case())
    changed = replace(make_case(), cause="买卖合同纠纷", payments=())
    (draft,), _ = assemble_layout(_layout_rows(changed))
    planned = plan(draft, existing, TODAY)
    assert planned.action is Action.UPDATE
    assert planned.case is not None
    assert planned.case.id == 41 and planned.case.version == 3
    assert [p.id for p in planned.case.parties] == [100, 101]
    assert planned.case.payments == ()
    assert without_ids(planned.case) == without_ids(changed)


def _layout_rows(*cases: Case) -> dict[str, list]:  # type: ignore[type-arg]
    out = {}
    for sheet in LAYOUT:
        columns = layout_header(sheet.name, [c.header for c in sheet.columns])
        cells = [row for case in cases for row in layout_rows(case)[sheet.name]]
        out[sheet.name] = [parse_layout_row(sheet.name, i, r, columns) for i, r in enumerate(cells, start=2)]
    return out


def test_layout_problems_point_at_their_sheet_row_and_column() -> None:
    bad = replace(
        make_case(),
        parties=(make_case().parties[0], replace(make_case().parties[1], uscc="91230902MA1C2D3EX1")),
    )
    rows = _layout_rows(make_case("（2025）黑0902民初1号"), bad)
    (_good, draft), _ = assemble_layout(rows)
    planned = plan(draft, None, TODAY)
    assert planned.rejections == (
        Rejection(PARTIES, 5, "统一社会信用代码", "校验位应为P，实际为1，请核对代码"),
    )


def test_layout_rows_of_unknown_cases_and_duplicates() -> None:
    rows = _layout_rows(make_case())
    rows[CASES].append(replace(rows[CASES][0], row=9))  # the same 案号 twice
    rows[PARTIES].append(replace(rows[PARTIES][0], row=17, case_number="（2025）黑0902民初999号"))
    drafts_, orphans = assemble_layout(rows)
    assert orphans == [Rejection(PARTIES, 17, "案号", "“案件”表中没有案号（2025）黑0902民初999号")]
    assert all(plan(d, None, TODAY).action is Action.REJECTED for d in drafts_)
    assert any("与第2行的案号重复" in r.reason for d in drafts_ for r in d.problems)


def test_a_layout_sheet_missing_a_required_column() -> None:
    headers = [c.header for c in LAYOUT[1].columns if c.header != "姓名或名称"]
    with pytest.raises(ValidationError, match="“当事人”表：缺少“姓名或名称”列"):
        layout_header(PARTIES, headers)


def test_layout_cells_left_empty() -> None:
    columns = layout_header(PARTIES, [c.header for c in LAYOUT[1].columns])
    row = parse_layout_row(PARTIES, 3, ["（2025）黑0902民初1号", 1, "原告", "自然人", ""], columns)
    assert row.problems == [Rejection(PARTIES, 3, "姓名或名称", "不能为空")]


def test_which_workbooks_are_own_layout() -> None:
    assert is_layout(["案件", "当事人", "履行义务", "分期", "履行记录", "说明"])
    assert is_layout(["当事人", "案件"])
    assert not is_layout(["案件"])
    assert not is_layout(["Sheet1"])


def test_dates_in_layout_export_are_dates() -> None:
    rows = layout_rows(full_case())
    case_row = dict(zip([c.key for c in LAYOUT[0].columns], rows[CASES][0], strict=True))
    assert case_row["effective_date"] == date(2025, 5, 21)
    assert case_row["public_notice"] == "是"
    assert case_row["due_fen"] == Decimal("100000.01")
    assert case_row["parties_text"] == ""
    assert case_row["stage"] == "执前督促"
    assert case_row["case_number"] == "（2014）七新民初字第123号之一"


def test_a_workbook_from_before_the_enforcement_dates_still_reads() -> None:
    """Files exported before 执行立案日期 / 执行通知书送达日期 were columns read as before; files with them
    read the dates."""
    new = ("enforcement_filing_date", "enforcement_notice_date")
    (cases_layout,) = [s for s in LAYOUT if s.name == CASES]
    old_header = [c.header for c in cases_layout.columns if c.key not in new]
    assert not {c.key for c in layout_header(CASES, old_header).values()} & set(new)
    header = [c.header for c in cases_layout.columns]
    columns = layout_header(CASES, header)
    cells = [""] * len(header)
    cells[header.index("案号")] = "（2024）黑0902执12号"
    cells[header.index("执行立案日期")] = "2024-11-04"
    cells[header.index("执行通知书送达日期")] = "2024-11-08"
    row = parse_layout_row(CASES, 2, cells, columns)
    assert not row.problems
    assert (row.values["enforcement_filing_date"], row.values["enforcement_notice_date"]) == (
        date(2024, 11, 4),
        date(2024, 11, 8),
    )
