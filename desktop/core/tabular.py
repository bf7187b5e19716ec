"""Case lists in tables (Excel, CSV): headers, cells and rows → Case drafts, or rejections with reasons.

Pure: no files, no SQL. ``desktop.services.excel`` reads the files and hands rows of cell values here;
this module decides what each cell means and what is wrong with it. Single values are parsed by their
own core modules (案号: casenumber, amounts: money, dates: chinese_dates, IDs and phones: identifiers,
free text: validation.check_text); whole cases are checked by validation.case_problems.

Two kinds of table are read:

* **A case list** (案件清单), as the trial-management system (审判流程管理系统) exports it or as staff keep
  their own 台账: one sheet, one or more rows per case, columns recognised by their Chinese header and its
  synonyms (:data:`LIST_FIELDS`), or mapped by the user. Several parties may share a cell ("张三、李四").
  Rows with the same 案号 (or one 案号 cell merged over several rows) make one case. Empty cells never
  clear what the database already holds.
* **Tribunal Desk's own workbook** (:data:`LAYOUT`, documented in docs/excel-layout.md): the sheets
  案件, 当事人, 履行义务, 分期 and 履行记录 keyed by 案号. It holds every field of every case, party,
  obligation, installment and payment, so an export imports back without loss; a case in it replaces the
  case of the same 案号 as a whole.

Excel serial dates follow the 1900 date system including Lotus 1-2-3's leap-year bug: serial 60 is the
non-existent 1900-02-29, serials from 61 on are days after 1899-12-30, serials 1..59 days after 1899-12-31.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import Any, TypeVar

from desktop.core.casenumber import CaseNumber, parse_case_number
from desktop.core.cells import visible
from desktop.core.chinese_dates import YEAR_MAX, YEAR_MIN, parse_date
from desktop.core.errors import ValidationError
from desktop.core.ledger import balance
from desktop.core.model import (
    Case,
    CaseStatus,
    DefaultClause,
    Disposition,
    GuaranteeKind,
    Installment,
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
from desktop.core.money import format_yuan, parse_money
from desktop.core.validation import case_problems, check_text

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

IGNORE = ""
"""Mapping target meaning "do not import this column"."""

TOTAL_WORDS = ("合计", "总计", "小计", "共计", "总合计")

# ------------------------------------------------------------------------------------ rejections


@dataclass(frozen=True)
class Rejection:
    """One reason a row cannot be imported: where (sheet, 1-based row, column header) and why."""

    sheet: str
    row: int
    column: str
    reason: str

    def __post_init__(self) -> None:
        # a reason may quote the file: its control characters are shown as escapes, never acted on
        object.__setattr__(self, "reason", visible(self.reason))
        object.__setattr__(self, "column", visible(self.column))

    def __str__(self) -> str:
        where = f"{self.sheet} " if self.sheet else ""
        column = f"“{self.column}”列" if self.column else ""
        return f"{where}第{self.row}行{column}：{self.reason}"


class DraftRefused(Exception):
    """A draft cannot become a case (raised by :meth:`Draft.build`)."""

    def __init__(self, rejections: list[Rejection]) -> None:
        super().__init__("; ".join(str(r) for r in rejections))
        self.rejections = rejections


# ------------------------------------------------------------------------------------ cells


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious ".0", dates as 2025-06-13, empty for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _clean(text: str) -> str:
    """NFKC without any whitespace (full-width digits and punctuation become ASCII)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def excel_serial_date(serial: float | int | Decimal, field: str = "日期") -> date:
    """The date of an Excel serial number in the 1900 date system (with its 1900-02-29 bug)."""
    finite = serial.is_finite() if isinstance(serial, Decimal) else math.isfinite(serial)
    if not finite:
        raise ValidationError(field, f"“{serial}”不是有效的Excel日期序列号")
    whole = int(serial)  # a fraction is the time of day
    if whole > _LAST_SERIAL:
        raise ValidationError(field, f"Excel日期序列号{whole}超出{YEAR_MIN}至{YEAR_MAX}年")
    if whole == 60:
        raise ValidationError(field, "Excel日期序列号60对应不存在的1900年2月29日")
    if whole < 1:
        raise ValidationError(field, f"“{serial}”不是有效的Excel日期序列号")
    return date(1899, 12, 31 if whole < 60 else 30) + timedelta(days=whole)


def date_serial(day: date) -> int:
    """The Excel serial number of ``day`` (inverse of :func:`excel_serial_date` from 1900-03-01 on)."""
    return (day - date(1899, 12, 30)).days


_LAST_SERIAL = date_serial(date(YEAR_MAX, 12, 31))


_CN_DIGITS = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}
_CN_DATE = re.compile(
    r"([〇○零Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,4})日"
)
_TIME_TAIL = re.compile(r"(?:\s+|T)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")


def _counted(text: str) -> int:
    """十 → 10, 十三 → 13, 二十 → 20, 三十一 → 31, 六 → 6."""
    if "十" not in text:
        return int(_CN_DIGITS[text]) if len(text) == 1 else -1
    tens, _, ones = text.partition("十")
    return (int(_CN_DIGITS[tens]) if tens else 1) * 10 + (int(_CN_DIGITS[ones]) if ones else 0)


def parse_cell_date(value: object, field: str = "日期") -> date | None:
    """A date cell: a date, an Excel serial number, or text (2025-06-13, 2025/6/13, 2025年6月13日,
    二〇二五年六月十三日, with or without a time of day). Empty → None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValidationError(field, f"“{cell_text(value)}”不是日期")
    if isinstance(value, int | float | Decimal):
        return excel_serial_date(value, field)
    text = _TIME_TAIL.sub("", unicodedata.normalize("NFKC", str(value)).strip())
    text = "".join(text.split())
    if not text:
        return None
    if re.fullmatch(r"[0-9]{1,5}(?:\.[0-9]+)?", text):
        return excel_serial_date(Decimal(text), field)
    match = _CN_DATE.fullmatch(text)
    if match:
        year = "".join(_CN_DIGITS[ch] for ch in match.group(1))
        text = f"{year}年{_counted(match.group(2))}月{_counted(match.group(3))}日"
    if text.endswith("号") and "年" in text:
        text = text[:-1] + "日"
    return parse_date(text, field)


def _number_text(value: float | Decimal, places: int, field: str) -> str:
    """A numeric cell as exact decimal text with at most ``places`` decimals (tolerating float noise)."""
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValidationError(field, f"“{value}”不是金额") from None
    if not exact.is_finite():
        raise ValidationError(field, f"“{value}”不是金额")
    if abs(exact) >= 10**16:
        raise ValidationError(field, "金额过大（超过10万亿元），请核对")
    step = Decimal(1).scaleb(-places)
    rounded = exact.quantize(step)
    if abs(exact - rounded) > step / 1000:
        raise ValidationError(field, f"{exact.normalize():f}的小数位过多（精确到分）")
    return f"{rounded:f}"


def parse_cell_money(value: object, field: str = "金额", unit: str = "元") -> int | None:
    """An amount cell in fen. ``unit`` is the header's unit ("元" or "万元") for bare numbers; an
    amount written with its own unit ("3万元", "1,234.50元") keeps it. Empty → None."""
    if value is None:
        return None
    wan = unit == "万元"
    if isinstance(value, bool | date):
        raise ValidationError(field, f"“{cell_text(value)}”不是金额")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float | Decimal):
        text = _number_text(value, 6 if wan else 2, field)
    else:
        text = str(value).strip()
        if not text:
            return None
    cleaned = _clean(text)
    if wan and not cleaned.endswith(("元", "万")):
        text = cleaned + "万"
    return parse_money(text, field)


def parse_cell_int(value: object, field: str) -> int | None:
    """A whole number (序号, 期次). Empty → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError(field, f"“{cell_text(value)}”不是整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = _clean(str(value))
        if not re.fullmatch(r"[0-9]+", text):
            raise ValidationError(field, f"“{cell_text(value)}”不是正整数")
        number = int(text)
    if number < 1:
        raise ValidationError(field, "应为正整数")
    return number


_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "已同意", "同意"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "✗", "无", "", "未同意", "不同意"})


def parse_cell_bool(value: object, field: str) -> bool:
    """是/否 (also Y/N, TRUE/FALSE, 1/0, √/×). Empty → False."""
    if isinstance(value, bool):
        return value
    text = _clean(cell_text(value)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(field, f"应填“是”或“否”，实际为“{cell_text(value)}”")


_ENUM_SYNONYMS: dict[type[Enum], dict[str, str]] = {
    Stage: {"判后督促": "判后", "判后履行": "判后", "执前": "执前督促", "执行阶段": "执行", "执行中": "执行"},
    CaseStatus: {"办理中": "在办", "未结": "在办", "已履行": "履行完毕", "已移送执行": "移送执行",
                 "已移送": "移送执行", "归档": "已归档", "已结": "已归档"},
    Procedure: {"普通": "普通程序", "简易": "简易程序", "小额": "小额诉讼", "小额诉讼程序": "小额诉讼",
                "第二审程序": "二审", "二审程序": "二审", "特别": "特别程序"},
    PartyKind: {"个人": "自然人", "公民": "自然人", "单位": "法人或其他组织", "法人": "法人或其他组织",
                "其他组织": "法人或其他组织", "非法人组织": "法人或其他组织"},
}  # fmt: skip


def parse_cell_enum(value: object, enum: type[E], field: str) -> E | None:
    """One of the enum's Chinese labels (or a common synonym such as 调解结案, 简易). Empty → None."""
    text = _clean(cell_text(value))
    if not text:
        return None
    text = _ENUM_SYNONYMS.get(enum, {}).get(text, text)
    for candidate in (text, text.removesuffix("结案"), text.removesuffix("方式")):
        for member in enum:
            if _clean(str(member.value)) == candidate:  # NFKC on both: 抵（质）押 = 抵(质)押
                return member
    choices = "、".join(str(m.value) for m in enum)
    raise ValidationError(field, f"“{cell_text(value)}”不是可选的值（{choices}）")


def parse_cell_identifier(value: object, field: str, normalise: bool = True) -> str:
    """An ID number, credit code or account number as text, refusing numbers Excel has already rounded
    (it keeps 15 significant digits). ``normalise``: NFKC, no spaces, upper case (IDs, credit codes)."""
    rounded = isinstance(value, float) and abs(value) >= 1e11
    if rounded or (isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15):
        raise ValidationError(
            field, "被Excel存成了数字，末尾几位已丢失；请把该列设置为“文本”格式后重新填写号码"
        )
    return _clean(cell_text(value)).upper() if normalise else cell_text(value)


def parse_cell_phone(value: object, field: str) -> str:
    """A phone number as typed (spaces removed); checked loosely by case_problems later."""
    if isinstance(value, float) and not value.is_integer():
        raise ValidationError(field, f"“{value}”不是电话号码")
    return _clean(cell_text(value))


# ------------------------------------------------------------------------------------ names and parties

_NAME_SEPARATORS = re.compile(r"[、,，;；/／\n\r|｜]+")
_DETAIL_SLOTS = re.compile(r"[、,，;；/／\n|｜]")
_ADDRESS_SLOTS = re.compile(r"[;；\n]")
_PERSON_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_ORG_MARKERS = (
    "公司", "厂", "店", "行", "社", "中心", "委员会", "事务所", "医院", "卫生院", "诊所", "学校", "学院",
    "大学", "幼儿园", "集团", "协会", "商会", "经营部", "工作室", "局", "政府", "办事处", "部", "处", "站",
    "所", "院", "馆", "场", "队", "室", "会", "团", "村", "基金", "合伙", "企业", "有限", "酒店", "宾馆",
    "超市", "门市", "俱乐部", "银行", "保险", "物业", "小区", "项目",
)  # fmt: skip


def split_names(text: str) -> list[str]:
    """Several names in one cell: "张三、李四", "张三,李四", "张三；李四", one per line, or "张三 李四"."""
    names: list[str] = []
    for piece in _NAME_SEPARATORS.split(text):
        piece = piece.strip()
        words = piece.split()
        if len(words) > 1 and all(_PERSON_NAME.fullmatch(w) for w in words):
            candidates = words
        else:
            candidates = [" ".join(words)] if words else []
        for name in candidates:
            if name and name not in names:
                names.append(name)
    return names


def guess_kind(name: str) -> PartyKind:
    """自然人 or 法人或其他组织 from the name alone (an ID or credit code, when given, decides instead)."""
    if "·" in name or "•" in name:  # 少数民族 and foreign names written with a middle dot
        return PartyKind.PERSON
    if _PERSON_NAME.fullmatch(name):
        return PartyKind.PERSON
    if len(name) >= 4 and any(marker in name for marker in _ORG_MARKERS):
        return PartyKind.ORGANISATION
    return PartyKind.PERSON if len(name) <= 4 else PartyKind.ORGANISATION


_ROLE_WORDS = sorted((r.value for r in PartyRole), key=len, reverse=True)


def parse_parties_text(text: str, field: str = "当事人") -> list[tuple[PartyRole, str]]:
    """The ledger's one-line party summary: "原告：张三、李四；被告：王五" → [(原告, 张三), …]."""
    out: list[tuple[PartyRole, str]] = []
    for group in re.split(r"[;；\n]+", text.strip()):
        group = group.strip()
        if not group:
            continue
        role_word = next((w for w in _ROLE_WORDS if group.startswith(w)), None)
        if role_word is None:
            raise ValidationError(field, f"“{group}”缺少诉讼地位，应写作“原告：张三、李四；被告：王五”")
        names = split_names(group[len(role_word) :].lstrip(":： "))
        if not names:
            raise ValidationError(field, f"“{role_word}”后面缺少姓名或名称")
        out += [(PartyRole(role_word), n) for n in names]
    return out


def identifier_kind(identifier: str) -> PartyKind | None:
    """An 18-character identifier whose first 17 characters are digits is an ID number (自然人);
    one with letters among them a credit code (组织). None when it is neither shape."""
    if len(identifier) != 18:
        return None
    return PartyKind.PERSON if identifier[:17].isdigit() else PartyKind.ORGANISATION


# ------------------------------------------------------------------------------------ headers


@dataclass(frozen=True)
class ListField:
    """A column a case list may have: ``key``, the label shown in the mapping step, header synonyms."""

    key: str
    label: str
    synonyms: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_OBLIGOR_WORDS = _words("被告 被执行人 被申请人 义务人 债务人")
_OBLIGEE_WORDS = _words("原告 申请执行人 申请人 权利人 债权人")
_PHONE_WORDS = _words("联系电话 电话 联系方式 手机 手机号 手机号码 电话号码")
_ID_WORDS = _words(
    "身份证号 身份证号码 身份证 公民身份号码 证件号码 证件号 统一社会信用代码 社会信用代码 信用代码 "
    "身份证号/统一社会信用代码 身份证号或统一社会信用代码"
)
_ADDRESS_WORDS = _words("住址 地址 住所 住所地 送达地址 联系地址 户籍地址 经常居住地")


def _prefixed(prefixes: Iterable[str], words: Iterable[str]) -> tuple[str, ...]:
    return tuple(p + w for p in prefixes for w in words)


LIST_FIELDS: tuple[ListField, ...] = (
    ListField("case_number", "案号", _words("案号 案件字号 案件编号 案件号 字号 案件案号")),
    ListField("cause", "案由", _words("案由 案件案由 具体案由 纠纷类型")),
    ListField("handler", "承办人", _words(
        "承办人 承办法官 主审法官 审判长 独任法官 执行员 执行法官 承办人员 经办人 主办人 法官 承办审判员 "
        "审判员 承办人姓名")),
    ListField("plaintiff", "原告", _words("原告 原告人 原告名称 原告姓名 原告方 起诉人 原告姓名或名称")),
    ListField("defendant", "被告", _words("被告 被告名称 被告姓名 被告方 被告人 被告姓名或名称")),
    ListField("applicant", "申请人", _words("申请人 申请人名称 申请人姓名")),
    ListField("respondent", "被申请人", _words("被申请人 被申请人名称 被申请人姓名")),
    ListField("creditor", "申请执行人", _words("申请执行人 申请执行人名称 申请执行人姓名 权利人 债权人")),
    ListField("debtor", "被执行人", _words("被执行人 被执行人名称 被执行人姓名 义务人 债务人 履行义务人")),
    ListField("third_party", "第三人", _words("第三人 第三人名称 第三人姓名")),
    ListField("parties", "当事人（带诉讼地位）", _words("当事人 当事人名称 当事人信息 当事人情况")),
    ListField("amount", "标的额", _words(
        "标的额 标的金额 标的 执行标的 执行标的额 执行标的金额 申请执行标的 申请执行标的额 涉案标的 涉案金额 "
        "判决金额 调解金额 应履行金额 履行金额 应付金额 给付金额 金额 诉讼标的 诉讼标的额 起诉标的 争议金额 "
        "应履行总额")),
    ListField("paid", "已履行金额", _words(
        "已履行金额 已履行 履行到位金额 到位金额 已付金额 已还金额 已给付金额 执行到位金额 实际到位金额 "
        "已履行数额 实际履行金额 已履行标的额")),
    ListField("paid_date", "履行日期", _words(
        "履行日期 付款日期 到位日期 还款日期 实际履行日期 履行时间 履行完毕日期")),
    ListField("filing_date", "立案日期", _words(
        "立案日期 立案时间 收案日期 收案时间 受理日期 受理时间 立案日")),
    ListField("judgment_date", "裁判日期（结案日期）", _words(
        "结案日期 结案时间 裁判日期 判决日期 调解日期 裁定日期 审结日期 裁判时间 文书日期 落款日期 "
        "判决/调解日期 判决调解日期 判决或调解日期 执行依据作出日期 执行依据日期")),
    ListField("effective_date", "生效日期", _words(
        "生效日期 生效时间 裁判生效日期 文书生效日期 判决生效日期 调解书生效日期 法律文书生效日期")),
    ListField("deadline", "履行期限", _words(
        "履行期限 履行期限届满日 履行期限届满日期 履行截止日期 履行截止日 履行期满日 履行到期日 期限届满日 "
        "履行期届满日 约定履行期限 履行期限届满 履行期限至")),
    ListField("debtor_phone", "义务人联系电话", _PHONE_WORDS + _prefixed(_OBLIGOR_WORDS, _PHONE_WORDS)),
    ListField("debtor_id", "义务人身份证号或统一社会信用代码",
              _ID_WORDS + _prefixed(_OBLIGOR_WORDS, _ID_WORDS)),
    ListField("debtor_address", "义务人住址", _ADDRESS_WORDS + _prefixed(_OBLIGOR_WORDS, _ADDRESS_WORDS)),
    ListField("creditor_phone", "权利人联系电话", _prefixed(_OBLIGEE_WORDS, _PHONE_WORDS)),
    ListField("creditor_id", "权利人身份证号或统一社会信用代码", _prefixed(_OBLIGEE_WORDS, _ID_WORDS)),
    ListField("creditor_address", "权利人住址", _prefixed(_OBLIGEE_WORDS, _ADDRESS_WORDS)),
    ListField("stage", "阶段", _words("阶段 督促阶段 所处阶段 履行阶段")),
    ListField("status", "状态", _words("状态 案件状态 办理状态 督促状态")),
    ListField("disposition", "结案方式", _words("结案方式 裁判方式 处理方式 结案类型")),
    ListField("procedure", "程序", _words("程序 审理程序 适用程序 审判程序 程序类型")),
    ListField("public_notice", "公告送达", _words("公告送达 是否公告送达")),
    ListField("enforcement_case_number", "执行案号", _words("执行案号 执行案件号 执行字号 执行案件案号")),
    ListField("enforcement_filing_date", "执行立案日期", _words(
        "执行立案日期 执行立案时间 执行收案日期 执行受理日期 执行案件立案日期 申请执行日期 "
        "执前督促立案日期")),
    ListField("enforcement_notice_date", "执行通知书送达日期", _words(
        "执行通知书送达日期 执行通知送达日期 执行通知书送达时间 送达执行通知书日期 执行通知书送达日")),
    ListField("notes", "备注", _words("备注 说明 附注 备注说明")),
)  # fmt: skip

LIST_FIELD_BY_KEY: dict[str, ListField] = {f.key: f for f in LIST_FIELDS}

# Headers that are known and deliberately not imported (numbering, figures the program computes itself).
IGNORED_HEADERS = frozenset(
    {"序号", "编号", "行号", "序", "no", "no.", "未履行金额", "剩余未履行金额", "剩余金额", "下一到期日",
     "逾期天数", "履行情况", "履行状态"}
)  # fmt: skip

_PARTY_FIELDS: dict[str, PartyRole] = {
    "plaintiff": PartyRole.PLAINTIFF,
    "defendant": PartyRole.DEFENDANT,
    "applicant": PartyRole.APPLICANT,
    "respondent": PartyRole.RESPONDENT,
    "creditor": PartyRole.CREDITOR,
    "debtor": PartyRole.DEBTOR,
    "third_party": PartyRole.THIRD_PARTY,
}
# Fields several columns may feed (被告1, 被告2 …); every other field takes one column.
_MULTI_COLUMN = frozenset(_PARTY_FIELDS) | {"parties"}

_UNIT = re.compile(r"[(（]([^()（）]*)[)）]")


def normalise_header(text: object) -> tuple[str, str]:
    """A header cell → (comparable name, unit).

    "标的额（万元）" → ("标的额", "万元"); "* 案 号" → ("案号", "")."""
    s = unicodedata.normalize("NFKC", cell_text(text)).lower()
    s = "".join(s.split()).strip("*＊:：#")
    unit = ""
    for inner in _UNIT.findall(s):
        if "万元" in inner or inner == "万":
            unit = "万元"
        elif inner in ("元", "人民币元", "单位:元", "单位元"):
            unit = "元"
    base = _UNIT.sub("", s)
    if not unit and base.endswith("(万元)"):
        unit = "万元"
    if base.endswith("万元") and len(base) > 2:
        base, unit = base[:-2], "万元"
    return base, unit


def _header_candidates(name: str, raw: str) -> list[str]:
    """Names to try for one header: itself, its parenthesised note before or after it, digits dropped."""
    candidates = [name]
    inner = [i for i in _UNIT.findall(raw) if i and "元" not in i]
    for part in inner:
        candidates += [part + name, name + part]
    stripped = re.sub(r"[0-9一二三四五六七八九十]+$", "", name)
    if stripped and stripped != name:
        candidates.append(stripped)
    return candidates


_SYNONYMS: dict[str, str] = {}
for _f in LIST_FIELDS:
    for _s in _f.synonyms:
        _SYNONYMS.setdefault(normalise_header(_s)[0], _f.key)


@dataclass(frozen=True)
class ColumnSpec:
    """What one column of a sheet is: its index, its header as written, its field and its unit."""

    index: int
    header: str
    field: str
    unit: str = ""


@dataclass(frozen=True)
class HeaderMatch:
    """The header row of a case list, read: recognised columns, unknown ones, and notes for the user."""

    row: int  # 0-based index of the header row among the rows given
    columns: tuple[ColumnSpec, ...]
    unknown: tuple[tuple[int, str], ...]  # (column index, header as written) not recognised
    duplicates: tuple[tuple[int, str, str], ...]  # (column index, header, field) ignored: field already taken

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns}

    def header_of(self, key: str) -> str:
        return next((c.header for c in self.columns if c.field == key), LIST_FIELD_BY_KEY[key].label)


def field_for_header(header: object, remembered: Mapping[str, str] | None = None) -> str | None:
    """The field a header means: the user's remembered mapping first (IGNORE = skip), then the synonyms;
    None when unknown."""
    raw = unicodedata.normalize("NFKC", cell_text(header)).lower()
    name, _unit = normalise_header(header)
    if not name:
        return None
    if remembered:
        for key in (name, cell_text(header)):
            if key in remembered:
                return remembered[key]
    for candidate in _header_candidates(name, raw):
        if candidate in _SYNONYMS:
            return _SYNONYMS[candidate]
    if name in IGNORED_HEADERS:
        return IGNORE
    return None


def mapping_key(header: object) -> str:
    """The key under which a user's choice for ``header`` is remembered."""
    return normalise_header(header)[0]


def _row_labels(rows: Sequence[Sequence[object]], r: int) -> list[str]:
    """The labels of row ``r`` as header: a cell, or the group header above it when it is under a
    merged group ("联系电话" over "原告"/"被告" → "原告联系电话"), or the cell above when it is empty."""
    row = rows[r]
    above = rows[r - 1] if r > 0 else ()
    labels = []
    for j in range(len(row)):
        own = cell_text(row[j])
        up = cell_text(above[j]) if j < len(above) else ""
        if own and up and up != own:
            for combined in (own + up, up + own):
                if field_for_header(combined) not in (None, IGNORE):
                    own = combined
                    break
        labels.append(own or up)
    return labels


def match_header(
    rows: Sequence[Sequence[object]], remembered: Mapping[str, str] | None = None, search: int = 30
) -> HeaderMatch | None:
    """Find the header row among the first ``search`` rows (the one with most recognised columns, title
    rows above it are skipped) and map its columns. None when no row has a recognised header."""
    best: tuple[int, int, list[str]] | None = None
    for r in range(min(search, len(rows))):
        labels = _row_labels(rows, r)
        score = sum(1 for h in labels if h and field_for_header(h, remembered) not in (None, IGNORE))
        if score and (best is None or score > best[0]):
            best = (score, r, labels)
    if best is None:
        return None
    _score, r, labels = best
    columns: list[ColumnSpec] = []
    unknown: list[tuple[int, str]] = []
    duplicates: list[tuple[int, str, str]] = []
    taken: set[str] = set()
    for j, header in enumerate(labels):
        if not header:
            continue
        key = field_for_header(header, remembered)
        if key is None:
            unknown.append((j, header))
        elif key == IGNORE:
            continue
        elif key in taken and key not in _MULTI_COLUMN:
            duplicates.append((j, header, key))
        else:
            taken.add(key)
            columns.append(ColumnSpec(j, header, key, normalise_header(header)[1]))
    return HeaderMatch(r, tuple(columns), tuple(unknown), tuple(duplicates))


def is_blank_row(cells: Sequence[object]) -> bool:
    return all(not cell_text(c) for c in cells)


def is_totals_row(cells: Sequence[object], case_number_index: int | None) -> bool:
    """A 合计/总计 row: its 案号 cell is empty or a total word, and some cell starts with such a word."""
    if case_number_index is not None and case_number_index < len(cells):
        number = _clean(cell_text(cells[case_number_index]))
        if number and not number.startswith(TOTAL_WORDS):
            return False
    return any(_clean(cell_text(c)).startswith(TOTAL_WORDS) for c in cells)


# ------------------------------------------------------------------------------------ drafts


def without_ids(case: Case) -> Case:
    """``case`` with every id, the version and the urging log removed: what an import compares."""
    return replace(
        case,
        id=None,
        version=0,
        contacts=(),
        parties=tuple(replace(p, id=None) for p in case.parties),
        obligations=tuple(
            replace(o, id=None, installments=tuple(replace(i, id=None) for i in o.installments))
            for o in case.obligations
        ),
        payments=tuple(replace(p, id=None) for p in case.payments),
    )


class Action(StrEnum):
    NEW = "新增"
    UPDATE = "更新"
    UNCHANGED = "无变化"
    REJECTED = "拒绝"


@dataclass(frozen=True)
class Planned:
    """What importing one draft would do. ``case`` is what would be saved (with the existing id and
    version for an update); ``before`` the case as the database holds it."""

    case_number: str
    action: Action
    case: Case | None = None
    before: Case | None = None
    rejections: tuple[Rejection, ...] = ()
    warnings: tuple[Rejection, ...] = ()  # imported all the same, but worth a look (preview only)


class Draft(ABC):
    """One case as read from a table, before it is compared with the database."""

    case_number: str  # canonical, "" when the rows had no usable 案号
    sheet: str
    first_row: int
    problems: list[Rejection]

    @abstractmethod
    def build(self, existing: Case | None) -> Case:
        """The case to save: a new one, or ``existing`` updated (raises :class:`DraftRefused`)."""

    @abstractmethod
    def locate(self, error: ValidationError, case: Case) -> Rejection:
        """Where in the table the problem ``error`` of the built ``case`` comes from."""

    def warnings(self, case: Case) -> list[Rejection]:
        """What importing ``case`` would do that the user should look at: paid more than owed."""
        bal = balance(case)
        if bal.paid_fen > bal.due_fen:
            sheet, row, column = self.paid_cell()
            return [
                Rejection(
                    sheet, row, column,
                    f"已履行金额（{format_yuan(bal.paid_fen)}）大于应履行金额（{format_yuan(bal.due_fen)}），请核对",
                )
            ]  # fmt: skip
        return []

    def paid_cell(self) -> tuple[str, int, str]:
        """Where the draft's payments are (for a warning about them)."""
        return self.sheet, self.first_row, ""

    @property
    def rows(self) -> list[tuple[str, int]]:
        return [(self.sheet, self.first_row)]


def plan(draft: Draft, existing: Case | None, today: date) -> Planned:
    """Decide what importing ``draft`` over ``existing`` (the case with the same 案号, if any) would do."""
    if draft.problems:
        return Planned(draft.case_number, Action.REJECTED, rejections=tuple(draft.problems))
    try:
        case = draft.build(existing)
    except DraftRefused as refused:
        return Planned(draft.case_number, Action.REJECTED, rejections=tuple(refused.rejections))
    problems = case_problems(case, today)
    if problems:
        located = tuple(dict.fromkeys(draft.locate(p, case) for p in problems))
        return Planned(draft.case_number, Action.REJECTED, rejections=located)
    if existing is not None and without_ids(existing) == without_ids(case):
        return Planned(case.case_number, Action.UNCHANGED, case=existing, before=existing)
    warnings = tuple(draft.warnings(case))
    if existing is None:
        return Planned(case.case_number, Action.NEW, case=case, warnings=warnings)
    return Planned(case.case_number, Action.UPDATE, case=case, before=existing, warnings=warnings)


_PARTY_ERROR = re.compile(r"当事人(\d+)(.*)")
_OBLIGATION_ERROR = re.compile(r"履行义务(\d+)(.*)")
_PAYMENT_ERROR = re.compile(r"履行记录(\d+)(.*)")


# ------------------------------------------------------------------------------------ case lists


@dataclass
class PartyIn:
    """A party named in a case list row."""

    role: PartyRole
    name: str
    row: int
    column: str
    kind: PartyKind
    kind_known: bool = False
    id_number: str = ""
    uscc: str = ""
    phone: str = ""
    address: str = ""
    detail_columns: dict[str, str] = field(default_factory=dict)  # sub-field → column header

    def as_party(self) -> Party:
        return Party(self.role, self.kind, self.name, self.id_number, self.uscc, self.phone, self.address)

    def merged_into(self, party: Party) -> Party:
        """The database's party updated with what the row says (empty cells change nothing)."""
        return replace(
            party,
            role=self.role,
            kind=self.kind if self.kind_known else party.kind,
            id_number=self.id_number or (party.id_number if not self.uscc else ""),
            uscc=self.uscc or (party.uscc if not self.id_number else ""),
            phone=self.phone or party.phone,
            address=self.address or party.address,
        )


@dataclass
class ListRow:
    """One data row of a case list, parsed: values by field key, the parties it names, its problems."""

    row: int
    case_number: str = ""
    number: CaseNumber | None = None
    values: dict[str, object] = field(default_factory=dict)
    parties: list[PartyIn] = field(default_factory=list)
    problems: list[Rejection] = field(default_factory=list)


_TEXT_LIMITS = {"cause": 60, "handler": 60, "notes": 2000}
_DATE_FIELDS = (
    "filing_date",
    "judgment_date",
    "effective_date",
    "deadline",
    "paid_date",
    "enforcement_filing_date",
    "enforcement_notice_date",
)
_ENUM_FIELDS: dict[str, type[Enum]] = {
    "stage": Stage,
    "status": CaseStatus,
    "disposition": Disposition,
    "procedure": Procedure,
}
_DETAIL_FIELDS = {
    "debtor_phone": (True, "phone"),
    "debtor_id": (True, "id"),
    "debtor_address": (True, "address"),
    "creditor_phone": (False, "phone"),
    "creditor_id": (False, "id"),
    "creditor_address": (False, "address"),
}
_DETAIL_LABEL = {"phone": "联系电话", "id": "身份证号或统一社会信用代码", "address": "住址"}


def _parse_value(spec: ColumnSpec, value: object) -> object:
    key, label = spec.field, spec.header
    if key in ("case_number", "enforcement_case_number"):
        text = cell_text(value)
        return parse_case_number(text) if text else None
    if key in _TEXT_LIMITS:
        text = check_text(label, cell_text(value), max_len=_TEXT_LIMITS[key])
        return text or None
    if key in _DATE_FIELDS:
        return parse_cell_date(value, label)
    if key in ("amount", "paid"):
        return parse_cell_money(value, label, spec.unit or "元")
    if key in _ENUM_FIELDS:
        return parse_cell_enum(value, _ENUM_FIELDS[key], label)
    if key == "public_notice":
        return parse_cell_bool(value, label) if cell_text(value) else None
    raise AssertionError(key)


def _attach_details(out: ListRow, details: list[tuple[ColumnSpec, object]]) -> None:
    """Pair phone / ID / address cells with the row's obligors (or obligees), one piece per party."""
    for spec, value in details:
        obligor_side, what = _DETAIL_FIELDS[spec.field]
        if what == "id":
            try:
                text = parse_cell_identifier(value, spec.header)
            except ValidationError as exc:
                out.problems.append(Rejection("", out.row, spec.header, exc.message))
                continue
        else:
            text = cell_text(value)
        # One piece per party, in order; an empty piece ("110…X、") leaves that party without it.
        separators = _ADDRESS_SLOTS if what == "address" else _DETAIL_SLOTS
        pieces = [p.strip() for p in separators.split(text)]
        targets = [
            p for p in out.parties if p.role.owes == obligor_side and p.role is not PartyRole.THIRD_PARTY
        ]
        side = "义务人（被告、被申请人或被执行人）" if obligor_side else "权利人（原告、申请人或申请执行人）"
        if not targets:
            out.problems.append(Rejection("", out.row, spec.header, f"本行没有{side}，无法对应"))
            continue
        if len(pieces) != len(targets):
            out.problems.append(
                Rejection(
                    "",
                    out.row,
                    spec.header,
                    f"本行有{len(targets)}名{side}，却有{len(pieces)}个{_DETAIL_LABEL[what]}，无法一一对应"
                    "（请按当事人顺序用“、”分隔）",
                )
            )
            continue
        for party, piece in zip(targets, pieces, strict=True):
            if not piece:
                continue
            party.detail_columns[what] = spec.header
            if what == "phone":
                party.phone = parse_cell_phone(piece, spec.header)
            elif what == "address":
                party.address = piece
            else:
                kind = identifier_kind(piece)
                if kind is None and _looks_like_credit_code(piece, party):
                    kind = PartyKind.ORGANISATION  # a malformed credit code is reported as one, not as an ID
                if kind is PartyKind.ORGANISATION:
                    party.uscc, party.id_number = piece, ""
                else:
                    party.id_number, party.uscc = piece, ""
                if kind is not None:
                    party.kind, party.kind_known = kind, True


def _looks_like_credit_code(identifier: str, party: PartyIn) -> bool:
    """A code of the wrong length that is still a credit code: letters among its digits (an ID number
    has at most a final X), or an organisation's code."""
    return party.kind is PartyKind.ORGANISATION or any(ch.isalpha() for ch in identifier[:-1])


def parse_list_row(row: int, cells: Sequence[object], columns: Sequence[ColumnSpec]) -> ListRow:
    """Parse one data row of a case list (``row`` is its 1-based row number in the sheet)."""
    out = ListRow(row)
    details: list[tuple[ColumnSpec, object]] = []
    for spec in columns:
        value = cells[spec.index] if spec.index < len(cells) else None
        if spec.field in _DETAIL_FIELDS:
            if cell_text(value):
                details.append((spec, value))
            continue
        try:
            if spec.field in _PARTY_FIELDS:
                for name in split_names(cell_text(value)):
                    out.parties.append(
                        PartyIn(_PARTY_FIELDS[spec.field], name, row, spec.header, guess_kind(name))
                    )
            elif spec.field == "parties":
                for role, name in parse_parties_text(cell_text(value), spec.header):
                    out.parties.append(PartyIn(role, name, row, spec.header, guess_kind(name)))
            else:
                parsed = _parse_value(spec, value)
                if isinstance(parsed, CaseNumber):
                    if spec.field == "case_number":
                        out.number, out.case_number = parsed, parsed.canonical
                    else:
                        out.values[spec.field] = parsed.canonical
                elif parsed is not None:
                    out.values[spec.field] = parsed
        except ValidationError as exc:
            out.problems.append(Rejection("", row, spec.header, exc.message))
    number_header = next((c.header for c in columns if c.field == "case_number"), "案号")
    if not out.case_number and not any(p.column == number_header for p in out.problems):
        out.problems.append(Rejection("", row, number_header, "缺少案号"))
    _attach_details(out, details)
    return out


def _stage_for(roles: set[PartyRole], number: CaseNumber | None) -> Stage:
    """A new case's stage when the list has no 阶段 column: 执行 for 申请执行人/被执行人 or an 执 number,
    执前督促 for a local 执前 number, otherwise 判后."""
    if roles & {PartyRole.CREDITOR, PartyRole.DEBTOR}:
        return Stage.ENFORCEMENT
    if number is None:
        return Stage.AFTER_JUDGMENT
    if number.is_pre_enforcement:
        return Stage.PRE_ENFORCEMENT
    if number.is_enforcement:
        return Stage.ENFORCEMENT
    return Stage.AFTER_JUDGMENT


IMPORTED_PAYMENT_NOTE = "由Excel导入的已履行金额"
_CASE_FIELD_KEYS = ("cause", "handler", "filing_date", "judgment_date", "effective_date", "deadline",
                    "stage", "status", "disposition", "procedure", "public_notice",
                    "enforcement_case_number", "enforcement_filing_date", "enforcement_notice_date",
                    "notes")  # fmt: skip
_ERROR_FIELD_KEYS = {"案号": "case_number", "执行案号": "enforcement_case_number", "案由": "cause",
                     "承办人": "handler", "立案日期": "filing_date", "裁判日期": "judgment_date",
                     "生效日期": "effective_date", "履行期限": "deadline",
                     "执行立案日期": "enforcement_filing_date",
                     "执行通知书送达日期": "enforcement_notice_date"}  # fmt: skip


class ListDraft(Draft):
    """The rows of a case list that share one 案号."""

    def __init__(self, sheet: str, rows: list[ListRow], match: HeaderMatch) -> None:
        self.sheet = sheet
        self.list_rows = rows
        self.match = match
        self.case_number = rows[0].case_number
        self.first_row = rows[0].row
        self.problems = [replace(p, sheet=sheet) for r in rows for p in r.problems]

    @property
    def rows(self) -> list[tuple[str, int]]:
        return [(self.sheet, r.row) for r in self.list_rows]

    def _reject(self, row: int, key: str, reason: str) -> Rejection:
        return Rejection(self.sheet, row, self.match.header_of(key), reason)

    def warnings(self, case: Case) -> list[Rejection]:
        found = super().warnings(case)
        for r in self.list_rows:
            if r.values.get("amount") == 0:
                found.append(
                    self._reject(r.row, "amount", "标的额为0，没有记入履行义务；如有金钱给付义务请核对")
                )
                break
        return found

    def paid_cell(self) -> tuple[str, int, str]:
        row = next((r.row for r in self.list_rows if "paid" in r.values), self.first_row)
        return self.sheet, row, self.match.header_of("paid") if "paid" in self.match.fields else ""

    def _values(self) -> tuple[dict[str, object], dict[str, int]]:
        """Values of all rows together; a field given differently in two rows refuses the case."""
        values: dict[str, object] = {}
        where: dict[str, int] = {}
        refusals: list[Rejection] = []
        for r in self.list_rows:
            for key, value in r.values.items():
                if key not in values:
                    values[key], where[key] = value, r.row
                elif values[key] != value:
                    refusals.append(
                        self._reject(
                            r.row, key, f"同一案号在第{where[key]}行填写的内容不同（{values[key]}≠{value}）"
                        )
                    )
        if refusals:
            raise DraftRefused(refusals)
        return values, where

    def _incoming_parties(self) -> list[PartyIn]:
        seen: dict[tuple[PartyRole, str], PartyIn] = {}
        for r in self.list_rows:
            for p in r.parties:
                known = seen.get((p.role, p.name))
                if known is None:
                    seen[(p.role, p.name)] = p
                else:  # the same party on a second row: take details the first row left empty
                    known.phone = known.phone or p.phone
                    known.address = known.address or p.address
                    if not (known.id_number or known.uscc):
                        known.id_number, known.uscc = p.id_number, p.uscc
                        known.kind, known.kind_known = (p.kind, True) if p.kind_known else (known.kind, False)
        return list(seen.values())

    def build(self, existing: Case | None) -> Case:
        values, where = self._values()
        incoming = self._incoming_parties()
        fields: dict[str, Any] = {k: values[k] for k in _CASE_FIELD_KEYS if k in values}
        if existing is None:
            parties = tuple(p.as_party() for p in incoming)
            fields.setdefault("stage", _stage_for({p.role for p in incoming}, self.list_rows[0].number))
        else:
            parties = self._merge_parties(existing.parties, incoming)
        obligations = self._obligations(existing.obligations if existing else (), parties, values, where)
        payments = self._payments(existing.payments if existing else (), values, where)
        if existing is None:
            return Case(
                self.case_number, parties=parties, obligations=obligations, payments=payments, **fields
            )
        return replace(existing, parties=parties, obligations=obligations, payments=payments, **fields)

    @staticmethod
    def _merge_parties(existing: tuple[Party, ...], incoming: list[PartyIn]) -> tuple[Party, ...]:
        """Parties of roles the file names are replaced by the file's (same name → same party, details
        kept unless the file gives new ones); parties of other roles stay."""
        covered = {p.role for p in incoming}
        used: set[int] = set()
        result: list[Party] = []
        for party in existing:
            match = next((i for i, p in enumerate(incoming) if i not in used and p.name == party.name), None)
            if match is not None:
                used.add(match)
                result.append(incoming[match].merged_into(party))
            elif party.role not in covered:
                result.append(party)
        result += [p.as_party() for i, p in enumerate(incoming) if i not in used]
        return tuple(result)

    def _obligations(
        self,
        existing: tuple[Obligation, ...],
        parties: tuple[Party, ...],
        values: dict[str, object],
        where: dict[str, int],
    ) -> tuple[Obligation, ...]:
        """标的额: a new money obligation, or the one the database has with its amount updated."""
        amount = values.get("amount")
        if not isinstance(amount, int) or amount == 0:
            return existing
        money = [i for i, o in enumerate(existing) if o.kind is ObligationKind.MONEY]
        if not money:
            debtors = "、".join(p.name for p in parties if p.role.owes)
            creditors = "、".join(
                p.name for p in parties if not p.role.owes and p.role is not PartyRole.THIRD_PARTY
            )
            return (
                *existing,
                Obligation(ObligationKind.MONEY, amount_fen=amount, debtor=debtors, creditor=creditors),
            )
        if sum(existing[i].amount_fen for i in money) == amount:
            return existing
        if len(money) > 1:
            reason = "该案在本程序中有多项金钱给付义务，无法按一个标的额更新，请在程序中修改"
            raise DraftRefused([self._reject(where["amount"], "amount", reason)])
        obligations = list(existing)
        obligations[money[0]] = replace(obligations[money[0]], amount_fen=amount)
        return tuple(obligations)

    def _payments(
        self, existing: tuple[Payment, ...], values: dict[str, object], where: dict[str, int]
    ) -> tuple[Payment, ...]:
        """已履行金额: a payment of what is more than the database has recorded (dated 履行日期)."""
        paid = values.get("paid")
        if not isinstance(paid, int):
            return existing
        recorded = sum(p.amount_fen for p in existing)
        if paid == recorded:
            return existing
        if paid < recorded:
            reason = f"少于本程序中已记录的履行金额（{format_yuan(recorded)}），履行记录请在程序中核对修改"
            raise DraftRefused([self._reject(where["paid"], "paid", reason)])
        paid_on = values.get("paid_date")
        if not isinstance(paid_on, date):
            reason = "已履行金额大于已记录的金额，但没有履行日期（请增加“履行日期”列）"
            raise DraftRefused([self._reject(where["paid"], "paid", reason)])
        return (*existing, Payment(paid_on, paid - recorded, PaymentMethod.OTHER, note=IMPORTED_PAYMENT_NOTE))

    def locate(self, error: ValidationError, case: Case) -> Rejection:
        values_where = {k: r.row for r in reversed(self.list_rows) for k in r.values}
        m = _PARTY_ERROR.fullmatch(error.field)
        if m and int(m.group(1)) <= len(case.parties):
            party = case.parties[int(m.group(1)) - 1]
            sub = m.group(2)
            source = next((p for r in self.list_rows for p in r.parties if p.name == party.name), None)
            if source is None:
                return Rejection(
                    self.sheet, self.first_row, "", f"本程序中已有的当事人{party.name}：{sub}{error.message}"
                )
            what = {"身份证号": "id", "统一社会信用代码": "id", "电话": "phone", "住址": "address"}.get(
                sub, ""
            )
            column = source.detail_columns.get(what, source.column)
            return Rejection(
                self.sheet, source.row, column, f"{party.name}的{sub or '姓名或名称'}{error.message}"
            )
        if _OBLIGATION_ERROR.fullmatch(error.field):
            return self._reject(values_where.get("amount", self.first_row), "amount", error.message)
        m = _PAYMENT_ERROR.fullmatch(error.field)
        if m:
            column_key = "paid_date" if m.group(2) == "日期" else "paid"
            return self._reject(values_where.get("paid", self.first_row), column_key, error.message)
        if error.field == "当事人":
            party_col = next((c.header for c in self.match.columns if c.field in _MULTI_COLUMN), "当事人")
            return Rejection(self.sheet, self.first_row, party_col, "没有当事人（原告、被告等列都是空的）")
        key = _ERROR_FIELD_KEYS.get(error.field)
        if key is not None:
            return self._reject(values_where.get(key, self.first_row), key, error.message)
        return Rejection(self.sheet, self.first_row, error.field, error.message)


def group_list_rows(sheet: str, rows: Iterable[ListRow], match: HeaderMatch) -> list[ListDraft]:
    """Rows with the same 案号 become one draft (in order of first appearance); rows without a usable
    案号 become drafts of their own (rejected)."""
    groups: dict[str, list[ListRow]] = {}
    alone: list[tuple[int, ListRow]] = []
    order: list[tuple[int, str | int]] = []
    for i, r in enumerate(rows):
        if r.case_number:
            if r.case_number not in groups:
                groups[r.case_number] = []
                order.append((i, r.case_number))
            groups[r.case_number].append(r)
        else:
            alone.append((i, r))
            order.append((i, i))
    by_index = dict(alone)
    return [
        ListDraft(sheet, groups[key] if isinstance(key, str) else [by_index[key]], match) for _, key in order
    ]


# ------------------------------------------------------------------------------------ own layout


@dataclass(frozen=True)
class Column:
    """A column of Tribunal Desk's own workbook. ``key`` is the dataclass attribute it holds (or a
    derived figure on the 案件 sheet); ``kind`` says how it is written and read; ``width`` in characters."""

    key: str
    header: str
    kind: str  # key (案号), text, id (ID number, credit code), code (phone, account: text kept as typed),
    # date, money, int, bool, enum, derived (computed on export, ignored on import)
    width: int
    enum: type[Enum] | None = None


@dataclass(frozen=True)
class SheetLayout:
    name: str
    model: type
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


CASES = "案件"
PARTIES = "当事人"
OBLIGATIONS = "履行义务"
INSTALLMENTS = "分期"
PAYMENTS = "履行记录"
README_SHEET = "说明"
LAYOUT_VERSION = 1

_KEY = Column("case_number", "案号", "key", 24)

LAYOUT: tuple[SheetLayout, ...] = (
    SheetLayout(CASES, Case, (
        _KEY,
        Column("cause", "案由", "text", 20),
        Column("stage", "阶段", "enum", 9, Stage),
        Column("disposition", "结案方式", "enum", 9, Disposition),
        Column("procedure", "程序", "enum", 10, Procedure),
        Column("status", "状态", "enum", 9, CaseStatus),
        Column("handler", "承办人", "text", 8),
        Column("filing_date", "立案日期", "date", 11),
        Column("judgment_date", "裁判日期", "date", 11),
        Column("effective_date", "生效日期", "date", 11),
        Column("effective_override_reason", "生效日期调整理由", "text", 16),
        Column("deadline", "履行期限", "date", 11),
        Column("deadline_override_reason", "履行期限调整理由", "text", 16),
        Column("public_notice", "公告送达", "bool", 8),
        Column("enforcement_case_number", "执行案号", "text", 24),
        Column("enforcement_filing_date", "执行立案日期", "date", 11),
        Column("enforcement_notice_date", "执行通知书送达日期", "date", 11),
        Column("notes", "备注", "text", 40),
        Column("parties_text", "当事人（导出时计算）", "derived", 40),
        Column("due_fen", "应履行金额（导出时计算）", "derived", 16),
        Column("paid_fen", "已履行金额（导出时计算）", "derived", 16),
        Column("owed_fen", "未履行金额（导出时计算）", "derived", 16),
        Column("next_due_date", "下一到期日（导出时计算）", "derived", 14),
    )),
    SheetLayout(PARTIES, Party, (
        _KEY,
        Column("position", "序号", "int", 6),
        Column("role", "诉讼地位", "enum", 10, PartyRole),
        Column("kind", "类型", "enum", 14, PartyKind),
        Column("name", "姓名或名称", "text", 30),
        Column("id_number", "身份证号", "id", 21),
        Column("uscc", "统一社会信用代码", "id", 21),
        Column("phone", "联系电话", "code", 15),
        Column("address", "住址", "text", 40),
        Column("legal_representative", "法定代表人", "text", 10),
        Column("registered_capital_fen", "注册资本", "money", 16),
        Column("licence_status", "登记状态", "enum", 9, LicenceStatus),
        Column("service_date", "送达日期", "date", 11),
        Column("publication_consent", "同意公布", "bool", 8),
        Column("consent_date", "同意日期", "date", 11),
    )),
    SheetLayout(OBLIGATIONS, Obligation, (
        _KEY,
        Column("position", "序号", "int", 6),
        Column("kind", "类型", "enum", 9, ObligationKind),
        Column("description", "履行内容", "text", 50),
        Column("amount_fen", "金额", "money", 16),
        Column("due_date", "履行期限", "date", 11),
        Column("debtor", "义务人", "text", 24),
        Column("creditor", "权利人", "text", 24),
        Column("default_clause", "违约条款", "enum", 16, DefaultClause),
        Column("default_clause_text", "违约条款内容", "text", 40),
        Column("guarantee", "担保方式", "enum", 18, GuaranteeKind),
        Column("guarantee_text", "担保内容", "text", 40),
        Column("account_name", "收款户名", "text", 24),
        Column("account_number", "收款账号", "code", 24),
        Column("account_bank", "开户行", "text", 30),
    )),
    SheetLayout(INSTALLMENTS, Installment, (
        _KEY,
        Column("obligation", "义务序号", "int", 8),
        Column("seq", "期次", "int", 6),
        Column("due_date", "到期日", "date", 11),
        Column("amount_fen", "金额", "money", 16),
    )),
    SheetLayout(PAYMENTS, Payment, (
        _KEY,
        Column("paid_on", "履行日期", "date", 11),
        Column("amount_fen", "金额", "money", 16),
        Column("method", "方式", "enum", 10, PaymentMethod),
        Column("payer", "付款人", "text", 24),
        Column("evidence", "凭证", "text", 20),
        Column("creditor_confirmed", "权利人确认", "bool", 10),
        Column("note", "备注", "text", 40),
    )),
)  # fmt: skip

LAYOUT_BY_NAME: dict[str, SheetLayout] = {s.name: s for s in LAYOUT}
_FIELD_NAMES: dict[type, frozenset[str]] = {
    m: frozenset(f.name for f in dataclasses.fields(m))
    for m in (Case, Party, Obligation, Installment, Payment)
}
_RECORD_KEYS = ("position", "obligation")  # layout columns that are not dataclass fields


def is_layout(sheet_names: Iterable[str]) -> bool:
    """A workbook in Tribunal Desk's own layout has at least the 案件 and 当事人 sheets."""
    names = set(sheet_names)
    return CASES in names and PARTIES in names


def _export_value(column: Column, value: object) -> object:
    if value is None or value == "":
        return None  # an empty cell: nothing written (reads back as the field's default, "")
    if column.kind == "money":
        assert isinstance(value, int)
        return money_cell(value)
    if column.kind == "bool":
        return "是" if value else "否"
    if isinstance(value, Enum):
        return value.value
    return value


def money_cell(fen: int) -> Decimal:
    """An amount as a cell value: exact yuan. Every amount parse_money accepts (up to 10万亿元) has at
    most 15 significant digits, which Excel's numbers hold exactly."""
    return Decimal(fen).scaleb(-2)


def layout_rows(case: Case, parties_text: str = "") -> dict[str, list[list[object]]]:
    """The rows ``case`` takes on each sheet of the workbook, as cell values (dates as ``date``, amounts
    as ``Decimal`` yuan, booleans as 是/否, enums as their label)."""
    bal = balance(case)
    derived: dict[str, object] = {
        "parties_text": parties_text,
        "due_fen": money_cell(bal.due_fen),
        "paid_fen": money_cell(bal.paid_fen),
        "owed_fen": money_cell(bal.owed_fen),
        "next_due_date": bal.next_due_date,
    }

    def row(sheet: SheetLayout, obj: object, extra: Mapping[str, object]) -> list[object]:
        out: list[object] = []
        for column in sheet.columns:
            if column.key == "case_number":
                out.append(case.case_number)
            elif column.key in extra:
                out.append(extra[column.key])
            else:
                out.append(_export_value(column, getattr(obj, column.key)))
        return out

    sheets = {s.name: s for s in LAYOUT}
    inst: list[list[object]] = []
    for i, ob in enumerate(case.obligations, start=1):
        inst += [row(sheets[INSTALLMENTS], it, {"obligation": i}) for it in ob.installments]
    return {
        CASES: [row(sheets[CASES], case, derived)],
        PARTIES: [row(sheets[PARTIES], p, {"position": i}) for i, p in enumerate(case.parties, start=1)],
        OBLIGATIONS: [
            row(sheets[OBLIGATIONS], o, {"position": i}) for i, o in enumerate(case.obligations, start=1)
        ],
        INSTALLMENTS: inst,
        PAYMENTS: [row(sheets[PAYMENTS], p, {}) for p in case.payments],
    }


def _parse_layout_value(column: Column, value: object) -> object:
    """A cell of the own layout (None for an empty cell; the caller applies the field's default)."""
    label = column.header
    if column.kind == "text":
        return check_text(label, cell_text(value), max_len=4000) or None
    if column.kind in ("id", "code"):
        return parse_cell_identifier(value, label, normalise=column.kind == "id") or None
    if column.kind == "date":
        return parse_cell_date(value, label)
    if column.kind == "money":
        return parse_cell_money(value, label)
    if column.kind == "int":
        return parse_cell_int(value, label)
    if column.kind == "bool":
        return parse_cell_bool(value, label) if cell_text(value) else None
    if column.kind == "enum":
        assert column.enum is not None
        return parse_cell_enum(value, column.enum, label)
    raise AssertionError(column.kind)


@dataclass
class LayoutRow:
    """A row of one sheet of the own layout, parsed."""

    sheet: str
    row: int
    case_number: str
    values: dict[str, object]
    problems: list[Rejection]


def layout_header(sheet: str, header_cells: Sequence[object]) -> dict[int, Column]:
    """Columns of a layout sheet by index, matched on the header text (order does not matter; unknown
    and derived columns are left out). Raises ValidationError naming a missing required column."""
    layout = LAYOUT_BY_NAME[sheet]
    by_header = {normalise_header(c.header)[0]: c for c in layout.columns}
    found: dict[int, Column] = {}
    for j, cell in enumerate(header_cells):
        column = by_header.get(normalise_header(cell)[0])
        if column is not None and column.kind != "derived" and column not in found.values():
            found[j] = column
    present = {c.key for c in found.values()}
    defaults = _DEFAULTS[sheet]
    for column in layout.columns:
        required = column.key in ("case_number", "obligation") or (
            column.kind != "derived" and column.key not in _RECORD_KEYS and column.key not in defaults
        )
        if required and column.key not in present:
            raise ValidationError(f"“{sheet}”表", f"缺少“{column.header}”列")
    return found


def _defaults(model: type) -> dict[str, object]:
    out: dict[str, object] = {}
    for f in dataclasses.fields(model):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return out


_DEFAULTS: dict[str, dict[str, object]] = {s.name: _defaults(s.model) for s in LAYOUT}


def parse_layout_row(
    sheet: str, row: int, cells: Sequence[object], columns: Mapping[int, Column]
) -> LayoutRow:
    """Parse one data row of a layout sheet; required cells left empty are problems."""
    defaults = _DEFAULTS[sheet]
    out = LayoutRow(sheet, row, "", {}, [])
    for j, column in columns.items():
        value = cells[j] if j < len(cells) else None
        try:
            if column.kind == "key":
                text = cell_text(value)
                out.case_number = parse_case_number(text).canonical if text else ""
                if not text:
                    out.problems.append(Rejection(sheet, row, column.header, "缺少案号"))
                continue
            parsed = _parse_layout_value(column, value)
        except ValidationError as exc:
            out.problems.append(Rejection(sheet, row, column.header, exc.message))
            continue
        if parsed is None:
            if column.key in defaults or column.key in _RECORD_KEYS:
                continue
            out.problems.append(Rejection(sheet, row, column.header, "不能为空"))
        else:
            out.values[column.key] = parsed
    return out


@dataclass
class _ObligationRows:
    row: LayoutRow
    installments: list[LayoutRow] = field(default_factory=list)


def _make(model: type[T], values: Mapping[str, object], existing_id: int | None) -> T:
    names = _FIELD_NAMES[model]
    factory: Any = model
    result: T = factory(**{k: v for k, v in values.items() if k in names}, id=existing_id)
    return result


class LayoutDraft(Draft):
    """One case of the own layout: its 案件 row and its rows on the other sheets."""

    def __init__(self, case_row: LayoutRow) -> None:
        self.case_row = case_row
        self.case_number = case_row.case_number
        self.sheet = case_row.sheet
        self.first_row = case_row.row
        self.problems = list(case_row.problems)
        self.parties: list[LayoutRow] = []
        self.obligations: list[_ObligationRows] = []
        self.payments: list[LayoutRow] = []

    @property
    def rows(self) -> list[tuple[str, int]]:
        rows = [self.case_row, *self.parties, *self.payments]
        for ob in self.obligations:
            rows += [ob.row, *ob.installments]
        return [(r.sheet, r.row) for r in rows]

    def paid_cell(self) -> tuple[str, int, str]:
        if self.payments:
            return PAYMENTS, self.payments[0].row, "金额"
        return self.sheet, self.first_row, ""

    def add(self, row: LayoutRow) -> None:
        """Attach a row of 当事人, 履行义务 or 履行记录 (installments: :meth:`add_installment`)."""
        self.problems += row.problems
        if row.sheet == PARTIES:
            self.parties.append(row)
        elif row.sheet == OBLIGATIONS:
            self.obligations.append(_ObligationRows(row))
        elif row.sheet == PAYMENTS:
            self.payments.append(row)

    def add_installment(self, row: LayoutRow) -> None:
        self.problems += row.problems
        number = row.values.get("obligation")
        target = next((o for o in self.obligations if self._position(o.row) == number), None)
        if target is None:
            self.problems.append(
                Rejection(row.sheet, row.row, "义务序号", f"“履行义务”表中本案没有序号为{number}的履行义务")
            )
        else:
            target.installments.append(row)

    def _position(self, row: LayoutRow) -> int:
        position = row.values.get("position")
        return position if isinstance(position, int) else self._default_position(row)

    def _order(self, rows: list[LayoutRow]) -> list[LayoutRow]:
        return sorted(rows, key=lambda r: (self._position(r), r.row))

    def _default_position(self, row: LayoutRow) -> int:
        group = self.parties if row.sheet == PARTIES else [o.row for o in self.obligations]
        return 1 + next(i for i, r in enumerate(group) if r is row)

    def check_order(self) -> None:
        """序号 must be unique within a case (they order parties and link installments)."""
        for sheet, rows in ((PARTIES, self.parties), (OBLIGATIONS, [o.row for o in self.obligations])):
            seen: dict[object, int] = {}
            for r in rows:
                pos = self._position(r)
                if pos in seen:
                    self.problems.append(Rejection(sheet, r.row, "序号", f"与第{seen[pos]}行的序号{pos}重复"))
                seen[pos] = r.row

    def build(self, existing: Case | None) -> Case:
        def old_id(items: Sequence[Any], i: int) -> int | None:
            return items[i].id if existing is not None and i < len(items) else None

        old_parties = existing.parties if existing else ()
        old_obligations = existing.obligations if existing else ()
        old_payments = existing.payments if existing else ()
        parties = tuple(
            _make(Party, r.values, old_id(old_parties, i)) for i, r in enumerate(self._order(self.parties))
        )
        by_row = {id(o.row): o for o in self.obligations}
        obligations = []
        for i, r in enumerate(self._order([o.row for o in self.obligations])):
            installments = tuple(
                sorted(
                    (_make(Installment, x.values, None) for x in by_row[id(r)].installments),
                    key=lambda x: x.seq,
                )
            )
            ob = _make(Obligation, r.values, old_id(old_obligations, i))
            obligations.append(replace(ob, installments=installments))
        payments = tuple(
            _make(Payment, r.values, old_id(old_payments, i)) for i, r in enumerate(self.payments)
        )
        values = {**self.case_row.values, "case_number": self.case_number}
        case = _make(Case, values, existing.id if existing else None)
        return replace(
            case,
            parties=parties,
            obligations=tuple(obligations),
            payments=payments,
            version=existing.version if existing else 0,
            contacts=existing.contacts if existing else (),
        )

    def locate(self, error: ValidationError, case: Case) -> Rejection:
        header_of = {"电话": "联系电话", "": "姓名或名称"}
        m = _PARTY_ERROR.fullmatch(error.field)
        if m:
            r = self._order(self.parties)[int(m.group(1)) - 1]
            return Rejection(PARTIES, r.row, header_of.get(m.group(2), m.group(2)), error.message)
        m = _OBLIGATION_ERROR.fullmatch(error.field)
        if m:
            by_row = {id(o.row): o for o in self.obligations}
            ob = by_row[id(self._order([o.row for o in self.obligations])[int(m.group(1)) - 1])]
            if m.group(2) == "分期" and ob.installments:
                return Rejection(INSTALLMENTS, ob.installments[0].row, "金额", error.message)
            column = {"内容": "履行内容"}.get(m.group(2), m.group(2))
            return Rejection(OBLIGATIONS, ob.row.row, column, error.message)
        m = _PAYMENT_ERROR.fullmatch(error.field)
        if m:
            r = self.payments[int(m.group(1)) - 1]
            return Rejection(PAYMENTS, r.row, {"日期": "履行日期"}.get(m.group(2), m.group(2)), error.message)
        return Rejection(CASES, self.case_row.row, error.field, error.message)


def assemble_layout(
    rows_by_sheet: Mapping[str, Iterable[LayoutRow]],
) -> tuple[list[LayoutDraft], list[Rejection]]:
    """Put the rows of the layout's sheets together by 案号. Returns the drafts (in 案件 order) and the
    rejections of rows that belong to no case (their 案号 is not on the 案件 sheet)."""
    drafts: dict[str, LayoutDraft] = {}
    ordered: list[LayoutDraft] = []
    orphans: list[Rejection] = []
    for r in rows_by_sheet.get(CASES, ()):
        draft = LayoutDraft(r)
        ordered.append(draft)
        if not r.case_number:
            continue
        if r.case_number in drafts:
            first = drafts[r.case_number]
            first.problems.append(Rejection(CASES, r.row, "案号", f"与第{first.first_row}行的案号重复"))
            draft.problems.append(Rejection(CASES, r.row, "案号", f"与第{first.first_row}行的案号重复"))
            continue
        drafts[r.case_number] = draft
    for sheet in (PARTIES, OBLIGATIONS, PAYMENTS, INSTALLMENTS):
        for r in rows_by_sheet.get(sheet, ()):
            target = drafts.get(r.case_number)
            if target is None:
                if r.case_number:
                    orphans.append(Rejection(sheet, r.row, "案号", f"“案件”表中没有案号{r.case_number}"))
                else:
                    orphans += r.problems
            elif sheet == INSTALLMENTS:
                target.add_installment(r)
            else:
                target.add(r)
    for draft in ordered:
        draft.check_order()
    return ordered, orphans
