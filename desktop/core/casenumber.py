"""Case numbers (案号): parse what people type, store one canonical form.

The rules come from /work/shared/DOMAIN.md §1 (最高人民法院《关于人民法院案件案号的若干规定》, in force
since 2016):

    （年度）法院代字[专门代字]类型代字序号号[之一]      e.g. （2025）黑0902民初123号

* 年度: four digits, 1990..2100.
* 法院代字: a province-level abbreviation as the courts use it (内 for 内蒙古, 黔 for 贵州, 兵 for the
  新疆生产建设兵团 courts) followed by nothing (high court), 2 digits (intermediate court) or 4 digits
  (basic court). Special courts (71–75, 81, 86xx, 91xx/92xx) have the same shape, so no rule of their
  own is needed. ``最高法`` is the Supreme People's Court. 港澳台 have no people's courts.
* 专门代字: optional ``知``.
* 类型代字: one of ``STANDARD_TYPE_CODES``, or a local code. **Local rule**: a code is local when it is
  listed in ``LOCAL_TYPE_CODES`` or when it has the shape of a pre-filing code, i.e. an optional
  民/刑/行/执, then 诉前 or 执前, then one to three more Chinese characters (民诉前调, 诉前调确, 执前调,
  执诉前调, 执前督, 执前督促 …). Local codes are accepted and flagged ``local=True``; anything else is
  refused, because a typo (民出, 执怄) must not become a new kind of case.
* 序号: a positive integer; leading zeros are dropped ("0123" → 123).
* An optional suffix 之一, 之二 … may follow 号.

Legacy numbers (before 2016) look like ``（2014）七新民初字第0123号``: 法院代字 is free Chinese text, the
类型代字 is the longest known (standard, local or legacy) code just before 字第. They are accepted with
``legacy=True`` and canonicalised the same way (full-width brackets, no spaces, no leading zeros).

Normalisation before parsing: NFKC (full-width digits and brackets), the brackets ()〔〕[]【】［］〖〗
mapped to （）, all whitespace removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from desktop.core.errors import ValidationError

FIELD = "案号"
COURT_FIELD = "法院代字"

YEAR_MIN = 1990
YEAR_MAX = 2100

# 法院代字 for the province-level courts, as used in case numbers, with the name they stand for.
PROVINCES: dict[str, str] = {
    "京": "北京市",
    "津": "天津市",
    "冀": "河北省",
    "晋": "山西省",
    "内": "内蒙古自治区",
    "辽": "辽宁省",
    "吉": "吉林省",
    "黑": "黑龙江省",
    "沪": "上海市",
    "苏": "江苏省",
    "浙": "浙江省",
    "皖": "安徽省",
    "闽": "福建省",
    "赣": "江西省",
    "鲁": "山东省",
    "豫": "河南省",
    "鄂": "湖北省",
    "湘": "湖南省",
    "粤": "广东省",
    "桂": "广西壮族自治区",
    "琼": "海南省",
    "渝": "重庆市",
    "川": "四川省",
    "黔": "贵州省",
    "云": "云南省",
    "藏": "西藏自治区",
    "陕": "陕西省",
    "甘": "甘肃省",
    "青": "青海省",
    "宁": "宁夏回族自治区",
    "新": "新疆维吾尔自治区",
    "兵": "新疆生产建设兵团",
}

SUPREME_COURT = "最高法"

# Abbreviations people may type that are not court codes, with the reason given to them.
_NOT_COURT_CODES: dict[str, str] = {
    "蒙": "内蒙古法院的代字是“内”，不是“蒙”",
    "贵": "贵州法院的代字是“黔”，不是“贵”",
    "滇": "云南法院的代字是“云”，不是“滇”",
    "港": "香港没有人民法院案号",
    "澳": "澳门没有人民法院案号",
    "台": "台湾地区没有人民法院案号",
}

STANDARD_TYPE_CODES: frozenset[str] = frozenset(
    {
        # 民事
        "民初", "民终", "民申", "民再", "民抗", "民监", "民特", "民督", "民催", "民撤", "民辖",
        "民辖终", "民辖监", "民他", "民认", "民请",
        # 刑事
        "刑初", "刑终", "刑核", "刑申", "刑再", "刑抗", "刑更", "刑医", "刑没", "刑辖", "刑他",
        # 行政
        "行初", "行终", "行申", "行再", "行抗", "行监", "行辖", "行辖终", "行审", "行审复", "行他",
        "行赔初", "行赔终", "行赔申",
        # 国家赔偿
        "法赔", "委赔", "委赔监",
        # 执行
        "执", "执恢", "执保", "执异", "执复", "执监", "执协", "执请", "执他",
        # 非诉保全审查
        "财保", "行保", "证保",
        # 破产、强制清算
        "破申", "破", "破终", "破监", "强清申", "强清", "强清终",
        # 司法制裁、司法救助
        "司惩", "司惩复", "司救民", "司救刑", "司救行", "司救执", "司救赔",
    }
)  # fmt: skip

LOCAL_TYPE_CODES: frozenset[str] = frozenset({"民诉前调", "诉前调确", "执前调", "执诉前调", "执前督"})

# Type codes seen only in pre-2016 numbers (division numbers, 商事 codes, 提审).
LEGACY_TYPE_CODES: frozenset[str] = frozenset(
    {
        "商初", "商终", "商再", "商申", "商监", "民提", "刑提", "行提",
        "民一初", "民一终", "民二初", "民二终", "民三初", "民三终", "民四初", "民四终",
        "刑一初", "刑一终", "刑二初", "刑二终", "执审", "执督",
    }
)  # fmt: skip

_LOCAL_PATTERN = re.compile(r"[民刑行执]?(?:诉前|执前)[\u4e00-\u9fff]{1,3}")

_BRACKETS = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）", "[": "（", "]": "）",
                           "【": "（", "】": "）", "〖": "（", "〗": "）"})  # fmt: skip

_YEAR = re.compile(r"（([^）]*)）")
_SUFFIX = re.compile(r"之[一二三四五六七八九十]+")
_MODERN = re.compile(r"([0-9]*+)([^0-9]*)([0-9]*)(.*)")
_LEGACY = re.compile(r"(.*?)字(第?)([0-9]*)(号?)(.*)")


@dataclass(frozen=True)
class CaseNumber:
    """A parsed case number. Build it with :func:`parse_case_number`."""

    year: int
    court_code: str  # "黑0902", "黑09", "黑", "最高法"; legacy: the old code as typed, e.g. "七新"
    special: str  # "" or "知"
    type_code: str  # "民初", "执", "执前督" …
    seq: int
    suffix: str  # "" or "之一" …
    legacy: bool
    local: bool

    @property
    def canonical(self) -> str:
        """The one stored form: full-width brackets, no spaces, no leading zeros."""
        middle = "字第" if self.legacy else ""
        return (
            f"（{self.year}）{self.court_code}{self.special}{self.type_code}{middle}{self.seq}号{self.suffix}"
        )

    @property
    def is_enforcement(self) -> bool:
        """An enforcement-side number: the type code starts with 执 (执, 执恢, 执异 … and the local
        pre-enforcement codes 执前督, 执前调, 执诉前调). See also :attr:`is_pre_enforcement`."""
        return self.type_code.startswith("执")

    @property
    def is_pre_enforcement(self) -> bool:
        """A local 执前 number (执前督, 执前调 …): kept outside the formal enforcement case system."""
        return self.local and self.type_code.startswith("执")

    @property
    def province(self) -> str | None:
        """The province-level unit of the court ("黑龙江省"), or None for 最高法 and unknown legacy codes."""
        return PROVINCES.get(self.court_code[:1]) if self.court_code != SUPREME_COURT else None

    def __str__(self) -> str:
        return self.canonical


def is_local_type_code(code: str) -> bool:
    """True for the local (non-standard) type codes accepted under the rule in the module docstring."""
    return code in LOCAL_TYPE_CODES or _LOCAL_PATTERN.fullmatch(code) is not None


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return "".join(text.split())


def _classify_type(code: str) -> bool:
    """Return ``local`` for a known type code, or refuse it."""
    if code in STANDARD_TYPE_CODES:
        return False
    if is_local_type_code(code):
        return True
    if code.endswith("第"):
        raise ValidationError(FIELD, "2016年以后的案号在序号前不写“第”，例如（2025）黑0902民初123号")
    raise ValidationError(
        FIELD,
        f"类型代字“{code}”不是标准代字（如民初、民终、执），"
        "也不是本地代字（须以“诉前”或“执前”开头，可带民、执等前缀）",
    )


def _parse_seq(digits: str) -> int:
    seq = int(digits)
    if seq == 0:
        raise ValidationError(FIELD, "序号不能为0")
    return seq


def _parse_suffix(rest: str) -> str:
    if rest and not _SUFFIX.fullmatch(rest):
        raise ValidationError(FIELD, f"“号”后面有多余内容“{rest}”（只允许“之一”“之二”这样的后缀）")
    return rest


def _split_court(body: str, field: str = FIELD) -> tuple[str, str]:
    """Split the part after the year into the court's letters (黑, 最高法) and what follows them."""
    if body.startswith(SUPREME_COURT):
        return SUPREME_COURT, body[len(SUPREME_COURT) :]
    head = body[:1]
    if head in _NOT_COURT_CODES:
        raise ValidationError(field, _NOT_COURT_CODES[head])
    if head not in PROVINCES:
        if not head or head.isdigit():
            raise ValidationError(field, "缺少法院代字的省级简称（如黑0902中的“黑”）")
        raise ValidationError(field, f"“{head}”不是省级法院代字（如京、黑、粤）")
    return head, body[1:]


def _check_court_digits(court: str, digits: str, field: str = FIELD) -> None:
    if court == SUPREME_COURT and digits:
        raise ValidationError(field, "最高法的法院代字后面不带数字")
    if len(digits) not in (0, 2, 4):
        raise ValidationError(
            field, f"法院代字的数字应为2位（中级法院）或4位（基层法院），实际为{len(digits)}位“{digits}”"
        )


def parse_court_code(text: str) -> str:
    """Check a court code on its own (court settings): "黑0902", "黑09", "黑", "最高法"."""
    s = _normalise(text)
    if not s:
        raise ValidationError(COURT_FIELD, "请填写法院代字")
    court, digits = _split_court(s, COURT_FIELD)
    if not re.fullmatch(r"[0-9]*", digits):
        raise ValidationError(
            COURT_FIELD, f"法院代字应为省级简称加2位或4位数字（如黑0902），不能有“{digits}”"
        )
    _check_court_digits(court, digits, COURT_FIELD)
    return court + digits


def _parse_legacy(year: int, match: re.Match[str]) -> CaseNumber:
    designation, di, digits, hao, rest = match.groups()
    if not di:
        raise ValidationError(FIELD, "旧案号应写作“……字第123号”，缺少“第”")
    if not digits:
        raise ValidationError(FIELD, "“字第”后面缺少序号")
    if not hao:
        raise ValidationError(FIELD, "序号后面缺少“号”")
    for size in range(min(len(designation), 6), 0, -1):
        code = designation[-size:]
        if code in STANDARD_TYPE_CODES or code in LEGACY_TYPE_CODES or is_local_type_code(code):
            court, special = designation[:-size], ""
            if court.endswith("知"):
                court, special = court[:-1], "知"
            if not court:
                raise ValidationError(FIELD, "旧案号缺少法院代字")
            if not re.fullmatch(r"[\u4e00-\u9fff0-9]+", court):
                raise ValidationError(FIELD, f"旧案号的法院代字“{court}”只能由汉字和数字组成")
            return CaseNumber(
                year=year,
                court_code=court,
                special=special,
                type_code=code,
                seq=_parse_seq(digits),
                suffix=_parse_suffix(rest),
                legacy=True,
                local=is_local_type_code(code),
            )
    raise ValidationError(FIELD, f"无法识别旧案号“{designation}字”中的类型代字（如民初、执）")


def _parse_year(s: str) -> tuple[int, str]:
    """Split off the leading （年度）; return the year and the rest."""
    match = _YEAR.match(s)
    if match is None:
        if s.startswith("（"):
            raise ValidationError(FIELD, "年度的括号没有闭合")
        if s[:4].isdigit():
            raise ValidationError(FIELD, "年度应写在括号中，例如（2025）")
        raise ValidationError(FIELD, "缺少年度，案号应以括号中的年度开头，例如（2025）")
    digits = match.group(1)
    if not digits:
        raise ValidationError(FIELD, "括号中缺少年度")
    if not re.fullmatch(r"[0-9]{4}", digits):
        raise ValidationError(FIELD, f"年度应为四位阿拉伯数字，实际为“{digits}”")
    year = int(digits)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError(FIELD, f"年度应在{YEAR_MIN}至{YEAR_MAX}之间，实际为{year}")
    return year, s[match.end() :]


def parse_case_number(text: str) -> CaseNumber:
    """Parse a case number as people type it; raise :class:`ValidationError` saying what is wrong."""
    s = _normalise(text)
    if not s:
        raise ValidationError(FIELD, "请填写案号")
    year, body = _parse_year(s)
    if not body:
        raise ValidationError(FIELD, "年度后面缺少法院代字、类型代字和序号")

    legacy = _LEGACY.fullmatch(body)
    if legacy is not None:
        return _parse_legacy(year, legacy)

    court, after_court = _split_court(body)
    match = _MODERN.fullmatch(after_court)
    assert match is not None  # every part of the pattern may be empty
    court_digits, code, digits, rest = match.groups()
    if not code or code.startswith("号"):
        raise ValidationError(FIELD, "缺少类型代字（如民初、执）")
    _check_court_digits(court, court_digits)
    if not digits:
        raise ValidationError(FIELD, "缺少序号")
    special = ""
    if code.startswith("知") and len(code) > 1:
        special, code = "知", code[1:]
    local = _classify_type(code)
    seq = _parse_seq(digits)
    if not rest.startswith("号"):
        if not rest:
            raise ValidationError(FIELD, "序号后面缺少“号”")
        raise ValidationError(FIELD, f"序号后面应为“号”，实际为“{rest[0]}”")
    return CaseNumber(
        year=year,
        court_code=court + court_digits,
        special=special,
        type_code=code,
        seq=seq,
        suffix=_parse_suffix(rest[1:]),
        legacy=False,
        local=local,
    )


def normalize_case_number(text: str) -> str:
    """The canonical form of a case number (see :attr:`CaseNumber.canonical`)."""
    return parse_case_number(text).canonical


def search_variants(text: str) -> tuple[str, ...]:
    """What a search text is looked for as: the text without whitespace and without control characters
    (a NUL pasted from another program), and, when different, the text normalised as a 案号 is (NFKC,
    half-width and other brackets as （）), so that ``(2023)黑0902民特1号`` finds the stored
    ``（2023）黑0902民特1号``. Empty when nothing searchable is left."""
    cleaned = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") and not ch.isspace())
    if not cleaned:
        return ()
    normalised = _normalise(cleaned)
    return (cleaned,) if normalised == cleaned or not normalised else (cleaned, normalised)
