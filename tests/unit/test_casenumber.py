"""Case numbers (DOMAIN.md §1): parsing, canonical form, local and legacy numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.casenumber import (
    LEGACY_TYPE_CODES,
    LOCAL_TYPE_CODES,
    PROVINCES,
    STANDARD_TYPE_CODES,
    CaseNumber,
    is_local_type_code,
    normalize_case_number,
    parse_case_number,
    parse_court_code,
)
from desktop.core.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "court", "special", "type_code", "seq", "suffix", "local", "legacy"),
    [
        ("（2025）黑0902民初123号", "黑0902", "", "民初", 123, "", False, False),
        ("(2025)黑09民终7号", "黑09", "", "民终", 7, "", False, False),
        ("(2025)黑民终7号", "黑", "", "民终", 7, "", False, False),
        ("（2025）粤0117执恢0045号", "粤0117", "", "执恢", 45, "", False, False),
        ("（2025）粤0117民特12号", "粤0117", "", "民特", 12, "", False, False),
        ("（2025）黑0902财保3号", "黑0902", "", "财保", 3, "", False, False),
        ("（2025）黑0902破申3号", "黑0902", "", "破申", 3, "", False, False),
        ("（2025）黑0902刑初3号", "黑0902", "", "刑初", 3, "", False, False),
        ("（2020）黔01民终5号之一", "黔01", "", "民终", 5, "之一", False, False),
        ("（2016）内0123民初1166号", "内0123", "", "民初", 1166, "", False, False),
        ("（2019）最高法知民终1号", "最高法", "知", "民终", 1, "", False, False),
        ("（2024）兵08民初9号", "兵08", "", "民初", 9, "", False, False),
        ("（2024）京73民初9号", "京73", "", "民初", 9, "", False, False),
        ("（2024）沪74民初9号", "沪74", "", "民初", 9, "", False, False),
        ("（2024）京0491民初19067号", "京0491", "", "民初", 19067, "", False, False),
        ("（2024）津7101刑初9号", "津7101", "", "刑初", 9, "", False, False),
        ("（2025）粤0117民诉前调88号", "粤0117", "", "民诉前调", 88, "", True, False),
        ("（2025）粤0117诉前调确8号", "粤0117", "", "诉前调确", 8, "", True, False),
        ("（2025）粤0117执前调8号", "粤0117", "", "执前调", 8, "", True, False),
        ("（2025）粤0117执诉前调8号", "粤0117", "", "执诉前调", 8, "", True, False),
        ("（2024）黑08执前督12号", "黑08", "", "执前督", 12, "", True, False),
        ("（2024）黑08执前督促12号", "黑08", "", "执前督促", 12, "", True, False),
        ("(2014)七新民初字第0123号", "七新", "", "民初", 123, "", False, True),
        ("(2014)黑0902执前督字第5号", "黑0902", "", "执前督", 5, "", True, True),
        ("（2013）浙甬商终字第12号之二", "浙甬", "", "商终", 12, "之二", False, True),
        ("（2015）佳民一初字第8号", "佳", "", "民一初", 8, "", False, True),
    ],
)
def test_parse(
    text: str, court: str, special: str, type_code: str, seq: int, suffix: str, local: bool, legacy: bool
) -> None:
    cn = parse_case_number(text)
    assert (cn.court_code, cn.special, cn.type_code, cn.seq, cn.suffix, cn.local, cn.legacy) == (
        court,
        special,
        type_code,
        seq,
        suffix,
        local,
        legacy,
    )
    assert parse_case_number(cn.canonical) == cn


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("(2025)黑0902民初123号", "（2025）黑0902民初123号"),
        ("〔2025〕黑0902民初0123号", "（2025）黑0902民初123号"),
        ("【２０２５】黑0902民初123号", "（2025）黑0902民初123号"),
        (" ( 2025 ) 黑0902 民初 123 号", "（2025）黑0902民初123号"),
        ("[2025]黑０９０２民初１２３号", "（2025）黑0902民初123号"),
        ("［2025］黑0902民初123号", "（2025）黑0902民初123号"),
        ("（2025）黑0902民初123号\n", "（2025）黑0902民初123号"),
        ("(2014) 七新 民初字第 0123 号", "（2014）七新民初字第123号"),
        ("（2019）最高法知民终1号", "（2019）最高法知民终1号"),
        ("(2025)黑0902民初12号之三", "（2025）黑0902民初12号之三"),
    ],
)
def test_normalize(text: str, canonical: str) -> None:
    assert normalize_case_number(text) == canonical


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请填写"),
        ("黑0902民初123号", "缺少年度"),
        ("2025黑0902民初123号", "括号"),
        ("（2025黑0902民初123号", "没有闭合"),
        ("（）黑0902民初123号", "缺少年度"),
        ("（25）黑0902民初123号", "四位"),
        ("（1989）黑0902民初123号", "1990至2100"),
        ("（2101）黑0902民初123号", "实际为2101"),
        ("（2025）", "缺少法院代字"),
        ("（2025）0902民初123号", "省级简称"),
        ("（2025）美0902民初123号", "“美”不是省级法院代字"),
        ("（2025）蒙01民初1号", "内"),
        ("（2025）贵01民初1号", "黔"),
        ("（2025）港01民初1号", "香港"),
        ("（2025）黑090民初123号", "实际为3位"),
        ("（2025）黑09021民初123号", "实际为5位"),
        ("（2025）最高法01民终1号", "最高法"),
        ("（2025）黑0902123号", "缺少类型代字"),
        ("（2025）黑0902民出123号", "“民出”"),
        ("（2025）黑0902调解123号", "“调解”"),
        ("（2025）黑0902民初第123号", "不写“第”"),
        ("（2025）黑0902民初号", "缺少序号"),
        ("（2025）黑0902民初0号", "不能为0"),
        ("（2025）黑0902民初000号", "不能为0"),
        ("（2025）黑0902民初123", "缺少“号”"),
        ("（2025）黑0902民初123#", "应为“号”"),
        ("（2025）黑0902民初123号abc", "多余内容“abc”"),
        ("（2025）黑0902民初123号之", "多余内容"),
        ("（2025）黑0902民初123号号", "多余内容"),
        ("（2014）七新民初字第号", "缺少序号"),
        ("（2014）七新民初字第12", "缺少“号”"),
        ("（2014）民初字第12号", "缺少法院代字"),
        ("（2014）七新甲乙字第12号", "类型代字"),
        ("（2014）七新民初字12号", "字第"),
    ],
)
def test_refused(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_case_number(text)
    assert info.value.field == "案号"
    assert fragment in info.value.message


def test_properties() -> None:
    cn = parse_case_number("（2025）黑0902民初123号")
    assert cn.province == "黑龙江省"
    assert not cn.is_enforcement
    assert str(cn) == "（2025）黑0902民初123号"
    assert parse_case_number("（2025）黑0902执123号").is_enforcement
    assert parse_case_number("（2025）黑0902执异1号").is_enforcement
    assert not parse_case_number("（2025）黑0902执123号").is_pre_enforcement
    pre = parse_case_number("（2024）黑08执前督12号")
    assert pre.is_enforcement and pre.is_pre_enforcement
    assert not parse_case_number("（2025）粤0117民诉前调88号").is_enforcement
    assert parse_case_number("（2019）最高法民终1号").province is None
    assert parse_case_number("（2014）七新民初字第1号").province is None
    assert parse_case_number("（2024）兵08民初9号").province == "新疆生产建设兵团"


def test_local_rule() -> None:
    assert all(is_local_type_code(code) for code in LOCAL_TYPE_CODES)
    assert not any(is_local_type_code(code) for code in STANDARD_TYPE_CODES | LEGACY_TYPE_CODES)
    assert not STANDARD_TYPE_CODES & LOCAL_TYPE_CODES
    for code in ("诉前调", "民诉前调确", "执前督促"):
        assert is_local_type_code(code)
    for code in ("民出", "调解", "前调", "诉前", "执前", "执前督促调解"):
        assert not is_local_type_code(code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("黑0902", "黑0902"), (" 黑 09 ", "黑09"), ("粤", "粤"), ("最高法", "最高法"), ("兵0801", "兵0801")],
)
def test_court_code(text: str, expected: str) -> None:
    assert parse_court_code(text) == expected


@pytest.mark.parametrize("text", ["", "0902", "黑090", "黑09a", "蒙01", "最高法1", "黑0902民初"])
def test_court_code_refused(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_court_code(text)
    assert info.value.field == "法院代字"
    assert info.value.message


# ---------------------------------------------------------------- properties

_provinces = st.sampled_from(sorted(PROVINCES))
_modern_codes = st.sampled_from(sorted(STANDARD_TYPE_CODES | LOCAL_TYPE_CODES))
_legacy_courts = st.sampled_from(["七新", "佳", "黑七", "浙甬", "黑0902", "京一中"])
_legacy_codes = st.sampled_from(sorted(STANDARD_TYPE_CODES | LEGACY_TYPE_CODES | LOCAL_TYPE_CODES))
_suffixes = st.sampled_from(["", "之一", "之二", "之十"])


@st.composite
def case_numbers(draw: st.DrawFn) -> CaseNumber:
    year = draw(st.integers(1990, 2100))
    seq = draw(st.integers(1, 10**6))
    suffix = draw(_suffixes)
    special = draw(st.sampled_from(["", "知"]))
    if draw(st.booleans()):
        code = draw(_legacy_codes)
        court = draw(_legacy_courts)
        return CaseNumber(year, court, special, code, seq, suffix, True, is_local_type_code(code))
    court = draw(_provinces) + draw(st.sampled_from(["", "09", "0902", "71", "7101", "8601", "9102"]))
    code = draw(_modern_codes)
    return CaseNumber(year, court, special, code, seq, suffix, False, code in LOCAL_TYPE_CODES)


_OPEN = "(〔[【［（"
_CLOSE = ")〕]】］）"
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(case_numbers())
def test_canonical_round_trip(cn: CaseNumber) -> None:
    assert parse_case_number(cn.canonical) == cn
    assert normalize_case_number(cn.canonical) == cn.canonical


@given(case_numbers(), st.integers(0, len(_OPEN) - 1), st.booleans(), st.integers(0, 3), st.data())
def test_typed_variants_normalise(
    cn: CaseNumber, bracket: int, full_width: bool, zeros: int, data: st.DataObject
) -> None:
    text = cn.canonical.replace("（", _OPEN[bracket]).replace("）", _CLOSE[bracket])
    text = text.replace(f"{cn.seq}号", "0" * zeros + f"{cn.seq}号")
    if full_width:
        text = text.translate(_FULL_WIDTH)
    spaces = data.draw(st.lists(st.integers(0, len(text)), max_size=5))
    for pos in sorted(spaces, reverse=True):
        text = text[:pos] + data.draw(st.sampled_from([" ", "\u3000", "\t"])) + text[pos:]
    assert normalize_case_number(text) == cn.canonical


@given(st.text(max_size=30))
def test_arbitrary_text_parses_or_refuses(text: str) -> None:
    try:
        cn = parse_case_number(text)
    except ValidationError as err:
        assert err.field == "案号" and err.message
    else:
        assert normalize_case_number(cn.canonical) == cn.canonical
