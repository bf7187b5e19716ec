"""What a clerk might type wrong: every value is refused with the field named and a specific reason,
and the usual variants of a good value are accepted and stored one way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import pytest

from desktop.core.casenumber import normalize_case_number, parse_case_number
from desktop.core.chinese_dates import parse_date
from desktop.core.errors import ValidationError
from desktop.core.identifiers import validate_id_number, validate_phone, validate_uscc
from desktop.core.money import parse_money

Check = Callable[[str], object]

_id = partial(validate_id_number, today=date(2025, 6, 13))

# (check, field, value, a fragment the message must contain)
BAD: list[tuple[Check, str, str, str]] = [
    # 案号
    (parse_case_number, "案号", "", "请填写"),
    (parse_case_number, "案号", "民初123号", "缺少年度"),
    (parse_case_number, "案号", "2025黑0902民初123号", "括号"),
    (parse_case_number, "案号", "（2025黑0902民初123号", "没有闭合"),
    (parse_case_number, "案号", "（二〇二五）黑0902民初123号", "阿拉伯数字"),
    (parse_case_number, "案号", "（202）黑0902民初123号", "四位"),
    (parse_case_number, "案号", "（1985）黑0902民初123号", "1990"),
    (parse_case_number, "案号", "（2200）黑0902民初123号", "2100"),
    (parse_case_number, "案号", "（2025）", "缺少法院代字"),
    (parse_case_number, "案号", "（2025）X民初123号", "“X”不是省级法院代字"),
    (parse_case_number, "案号", "（2025）蒙0102民初1号", "“内”"),
    (parse_case_number, "案号", "（2025）台01民初1号", "台湾"),
    (parse_case_number, "案号", "（2025）黑9民初123号", "实际为1位"),
    (parse_case_number, "案号", "（2025）黑090民初123号", "实际为3位"),
    (parse_case_number, "案号", "（2025）黑090200民初123号", "实际为6位"),
    (parse_case_number, "案号", "（2025）黑0902123号", "缺少类型代字"),
    (parse_case_number, "案号", "（2025）黑0902司确123号", "“司确”"),
    (parse_case_number, "案号", "（2025）黑0902民处123号", "“民处”"),
    (parse_case_number, "案号", "（2025）黑0902民初第123号", "“第”"),
    (parse_case_number, "案号", "（2025）黑0902民初号", "缺少序号"),
    (parse_case_number, "案号", "（2025）黑0902民初0号", "不能为0"),
    (parse_case_number, "案号", "（2025）黑0902民初123", "缺少“号”"),
    (parse_case_number, "案号", "（2025）黑0902民初123-1号", "应为“号”"),
    (parse_case_number, "案号", "（2025）黑0902民初123号判决书", "多余内容"),
    (parse_case_number, "案号", "（2014）七新民初字第号", "缺少序号"),
    (parse_case_number, "案号", "（2014）七新民初字0123号", "缺少“第”"),
    # 身份证号
    (_id, "身份证号", "", "请填写"),
    (_id, "身份证号", "230902900101123", "15位"),
    (_id, "身份证号", "2309021990010112", "实际为16位"),
    (_id, "身份证号", "23090219900101123X5", "实际为19位"),
    (_id, "身份证号", "23090219900101l234", "第15位“L”"),
    (_id, "身份证号", "23090219900101123Y", "最后一位"),
    (_id, "身份证号", "000902199001011235", "前两位“00”"),
    (_id, "身份证号", "230902199002301234", "19900230"),
    (_id, "身份证号", "230902203001011234", "晚于今天"),
    (_id, "身份证号", "230902199001011235", "校验位应为4，实际为5"),
    (_id, "身份证号", "11010519491231002*", "最后一位"),
    # 统一社会信用代码
    (validate_uscc, "统一社会信用代码", "", "请填写"),
    (validate_uscc, "统一社会信用代码", "91230902MA1C2D3E", "实际为16位"),
    (validate_uscc, "统一社会信用代码", "91230902MA1C2D3EXPX", "实际为19位"),
    (validate_uscc, "统一社会信用代码", "91230902MA1C2D3EX0", "校验位应为P，实际为0"),
    (validate_uscc, "统一社会信用代码", "91230902MA1C2D3SXP", "“S”不能使用"),
    (validate_uscc, "统一社会信用代码", "91230902MA1C2D3VXP", "“V”不能使用"),
    (validate_uscc, "统一社会信用代码", "91230902MA1C2D3-XP", "“-”"),
    # 金额
    (parse_money, "金额", "", "请填写"),
    (parse_money, "金额", "-100", "负数"),
    (parse_money, "金额", "12.345", "两位小数"),
    (parse_money, "金额", "1.23456789万元", "6位小数"),
    (parse_money, "金额", "一千元", "不是金额"),
    (parse_money, "金额", "12元5角", "不是金额"),
    (parse_money, "金额", "1,2345", "千分位"),
    (parse_money, "金额", "12,34.5", "千分位"),
    (parse_money, "金额", "99999999999999", "过大"),
    (parse_money, "金额", "USD 12", "不是金额"),
    (parse_money, "金额", "5.", "小数点后"),
    # 日期
    (parse_date, "日期", "", "请填写"),
    (parse_date, "日期", "2025-02-29", "2月没有29日"),
    (parse_date, "日期", "2025-04-31", "4月没有31日"),
    (parse_date, "日期", "2025-13-13", "月份"),
    (parse_date, "日期", "13.06.2025", "无法识别"),
    (parse_date, "日期", "2025-06", "无法识别"),
    (parse_date, "日期", "昨天", "无法识别"),
    (parse_date, "日期", "3025-01-01", "2100"),
    # 电话
    (validate_phone, "电话", "", "请填写"),
    (validate_phone, "电话", "138123456", "实际为9位"),
    (validate_phone, "电话", "11812345678", "第二位"),
    (validate_phone, "电话", "8123456", "区号"),
    (validate_phone, "电话", "0464-81234", "区号加7至8位"),
    (validate_phone, "电话", "138.1234.5678", "“.”"),
    (validate_phone, "电话", "电话13812345678", "“电”"),
]


def test_enough_bad_values() -> None:
    assert len(BAD) >= 60
    assert {field for _, field, _, _ in BAD} == {
        "案号",
        "身份证号",
        "统一社会信用代码",
        "金额",
        "日期",
        "电话",
    }


@pytest.mark.parametrize(("check", "field", "value", "fragment"), BAD, ids=[f"{f}:{v}" for _, f, v, _ in BAD])
def test_refused(check: Check, field: str, value: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        check(value)
    err = info.value
    assert err.field == field
    assert err.message and fragment in err.message
    assert str(err) == f"{field}：{err.message}"


CASE_VARIANTS = [
    "(2025)黑0902民初123号",
    "〔2025〕黑0902民初0123号",
    "【２０２５】黑0902民初123号",
    " ( 2025 ) 黑0902 民初 123 号",
    "[2025]黑0902民初00123号",
    "（2025）黑０９０２民初１２３号",
    "\u3000（2025）\u3000黑0902民初123号\u3000",
    "（2025）黑0902民初123号",
]


@pytest.mark.parametrize("text", CASE_VARIANTS)
def test_case_number_variants_agree(text: str) -> None:
    assert normalize_case_number(text) == "（2025）黑0902民初123号"


@pytest.mark.parametrize(
    ("check", "variants", "stored"),
    [
        (
            _id,
            ["11010519491231002x", " 110105 19491231 002X", "１１０１０５１９４９１２３１００２Ｘ"],
            "11010519491231002X",
        ),
        (validate_uscc, ["91230902ma1c2d3exp", "9123 0902 MA1C 2D3E XP"], "91230902MA1C2D3EXP"),
        (parse_money, ["1,234.50", "1234.5元", "¥1,234.50", "￥１２３４．５", "0.12345万"], 123450),
        (
            parse_date,
            ["2025-06-13", "2025/6/13", "2025.6.13", "2025年6月13日", "20250613"],
            date(2025, 6, 13),
        ),
        (validate_phone, ["13812345678", " 138 1234 5678 ", "１３８１２３４５６７８"], "13812345678"),
    ],
)
def test_other_variants_agree(check: Check, variants: list[str], stored: object) -> None:
    assert {check(v) for v in variants} == {stored}
