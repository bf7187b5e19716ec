"""Money: integer fen (分) everywhere, amounts as typed, amounts as printed, amounts in words.

DOMAIN.md §6: money is integer fen in storage, arithmetic and sums; this module has no float at all.

Amounts in words (大写) follow the PBOC rules (《支付结算办法》附件 正确填写票据和结算凭证的基本规定):
"人民币" before; 整 after 元 when there are no 角 and 分; a run of zeros inside the number is one 零
(壹万零壹拾元整, 壹亿零壹元整); 零 after 元 when 角 is 0 and 分 is not (壹元零伍分). Where the rules
allow the 零 either way (元 digit 0 and 角 not 0: 壹仟陆佰捌拾元零叁角贰分) we write it, as DOMAIN.md §6's
examples do. A leading ten is written 壹拾, and no 整 after 角.
"""

from __future__ import annotations

import re
import unicodedata

from desktop.core.errors import ValidationError

MAX_YUAN = 10**13
"""Anything above ten trillion yuan is a typing error."""

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")

_NUMBER = re.compile(r"([0-9][0-9,]*)(?:\.([0-9]*))?")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")


def parse_money(text: str, field: str = "金额") -> int:
    """Parse an amount as typed ("1,234.5", "￥12", "1.2万元", "１２３４") into fen."""
    s = "".join(unicodedata.normalize("NFKC", text).split())
    if not s:
        raise ValidationError(field, f"请填写{field}")
    if s[0] in "-−" or s.startswith(("¥-", "人民币-")):
        raise ValidationError(field, "不能为负数")
    s = s.removeprefix("¥").removeprefix("人民币")
    unit_exp = 2  # fen per yuan = 10**2
    for unit, exp in (("万元", 6), ("万", 6), ("元", 2)):
        if s.endswith(unit):
            s, unit_exp = s[: -len(unit)], exp
            break
    match = _NUMBER.fullmatch(s)
    if match is None:
        if not s:
            raise ValidationError(field, "缺少数字")
        if s.startswith("."):
            raise ValidationError(field, "小数点前应有数字，如0.5")
        raise ValidationError(field, f"“{text.strip()}”不是金额：只能填写数字，可带千分位逗号、¥、元或万元")
    whole, frac = match.group(1), match.group(2) or ""
    if "," in whole and not _GROUPED.fullmatch(whole):
        raise ValidationError(field, f"千分位逗号位置不对：“{whole}”")
    if match.group(2) == "":
        raise ValidationError(field, "小数点后缺少数字")
    if len(frac) > unit_exp:
        if unit_exp > 2:
            raise ValidationError(field, f"以万元为单位时最多{unit_exp}位小数（精确到分）")
        raise ValidationError(field, f"最多两位小数（精确到分），实际为{len(frac)}位")
    fen = int(whole.replace(",", "") + frac.ljust(unit_exp, "0"))
    if fen > MAX_YUAN * 100:
        raise ValidationError(field, "金额过大（超过10万亿元），请核对")
    return fen


def format_money(fen: int) -> str:
    """1,234.50 (no unit); negative amounts get a leading minus."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def format_yuan(fen: int) -> str:
    """1,234.50元"""
    return format_money(fen) + "元"


def _four(n: int) -> str:
    """Words for 1..9999 without leading zeros; one 零 for each run of inner zeros."""
    out: list[str] = []
    pending_zero = False
    for power in range(3, -1, -1):
        digit = n // 10**power % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[digit] + _UNITS[power])
    return "".join(out)


def _integer_words(n: int) -> str:
    """Words for a positive integer, in sections of 万 and 亿 (壹万零壹亿, 壹亿零壹拾万)."""
    for size, name in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            if low == 0:
                return _integer_words(high) + name
            joint = "零" if low < size // 10 else ""
            return _integer_words(high) + name + joint + _integer_words(low)
    return _four(n)


def amount_in_words(fen: int, prefix: bool = True) -> str:
    """人民币壹仟陆佰捌拾元零叁角贰分. Raises ValueError for negative or absurd amounts."""
    if fen < 0:
        raise ValueError("amount in words needs a non-negative amount")
    if fen >= 10**18:
        raise ValueError("amount too large for words")
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    words = _integer_words(yuan) + "元" if yuan else ""
    if rest == 0:
        words = (words or "零元") + "整"
    else:
        if yuan and (jiao == 0 or yuan % 10 == 0):
            words += "零"
        if jiao:
            words += _DIGITS[jiao] + "角"
        if cents:
            words += _DIGITS[cents] + "分"
    return ("人民币" if prefix else "") + words
