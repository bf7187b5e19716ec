"""Identifiers of parties: 居民身份证号, 统一社会信用代码, phone numbers, and how to mask them.

Rules from /work/shared/DOMAIN.md §5 (checks) and §7 (what may be shown):

* 居民身份证号 (GB 11643-1999, ISO 7064 MOD 11-2): 6-digit region, 8-digit birth date, 3-digit sequence,
  check character. Check = ``"10X98765432"[sum(digit × weight) mod 11]`` with weights
  7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2. The first two digits must be a province-level code
  (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82, 83, 91). The 2023 外国人永久居留身份证 has the
  same layout but starts with 9 followed by the issuing province's code, so 9 + a mainland province code
  is accepted too. 15-digit first-generation numbers are refused: the court needs the 18-digit number.
* 统一社会信用代码 (GB 32100-2015): 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I O Z S V),
  weights 3^i mod 31 (1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28), check = (31 − sum mod 31) mod 31.
* Phones are validated loosely: an 11-digit mobile 1[3-9]xxxxxxxxx (optionally 3-4-4 with hyphens), or a
  landline with its area code, 0 + 2–3 digits, optional hyphen, 7–8 digits, optional "-extension".
  What staff typed is kept (digits and hyphens), only spaces are removed.

Validators normalise (NFKC, which turns full-width digits and letters into ASCII; whitespace removed;
upper case) and return the stored form, or raise :class:`ValidationError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date

from desktop.core.errors import ValidationError

ID_FIELD = "身份证号"
USCC_FIELD = "统一社会信用代码"
PHONE_FIELD = "电话"

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
)  # fmt: skip
# Province codes of the mainland, which follow the leading 9 of a foreigner's permanent-residence ID.
_MAINLAND_CODES = frozenset(c for c in ID_PROVINCE_CODES if c < 70)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUES = {ch: i for i, ch in enumerate(USCC_ALPHABET)}

_MOBILE = re.compile(r"1[3-9][0-9](?:[0-9]{8}|-[0-9]{4}-[0-9]{4})")
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(?:-[0-9]{1,6})?")


def _clean(text: str) -> str:
    """NFKC, no whitespace anywhere, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def id_check_char(body17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    if len(body17) != 17 or not body17.isascii() or not body17.isdigit():
        raise ValueError(f"expected 17 ASCII digits, got {body17!r}")
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def uscc_check_char(body17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    if len(body17) != 17 or any(ch not in _USCC_VALUES for ch in body17):
        raise ValueError(f"expected 17 characters of {USCC_ALPHABET}, got {body17!r}")
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_id_number(text: str, today: date | None = None) -> str:
    """Check an 18-character 居民身份证号 and return it with a capital X. ``today`` defaults to today."""
    s = _clean(text)
    if not s:
        raise ValidationError(ID_FIELD, "请填写身份证号")
    if len(s) == 15 and s.isdigit():
        raise ValidationError(ID_FIELD, "这是15位的旧身份证号，请填写18位身份证号")
    if len(s) != 18:
        raise ValidationError(ID_FIELD, f"应为18位，实际为{len(s)}位")
    for pos, ch in enumerate(s[:17], start=1):
        if not ("0" <= ch <= "9"):
            raise ValidationError(ID_FIELD, f"第{pos}位“{ch}”不是数字（只有最后一位可以是X）")
    if not ("0" <= s[17] <= "9" or s[17] == "X"):
        raise ValidationError(ID_FIELD, f"最后一位应为数字或X，实际为“{s[17]}”")

    prefix = int(s[:2])
    if s[0] == "9":
        if int(s[1:3]) not in _MAINLAND_CODES:
            raise ValidationError(ID_FIELD, f"第2–3位“{s[1:3]}”不是有效的省级行政区划代码")
    elif prefix not in ID_PROVINCE_CODES:
        raise ValidationError(ID_FIELD, f"前两位“{s[:2]}”不是有效的省级行政区划代码")

    digits = s[6:14]
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ValidationError(ID_FIELD, f"第7–14位的出生日期“{digits}”不是有效日期") from None
    if birth.year < 1900:
        raise ValidationError(ID_FIELD, f"出生日期“{digits}”早于1900年")
    if birth > (today or date.today()):
        raise ValidationError(ID_FIELD, f"出生日期“{digits}”晚于今天")

    expected = id_check_char(s[:17])
    if s[17] != expected:
        raise ValidationError(ID_FIELD, f"校验位应为{expected}，实际为{s[17]}，请核对号码")
    return s


def make_id_number(region6: str, birth: date, seq3: int) -> str:
    """Build a valid-looking ID number (demo data, tests): region + birth date + sequence + check."""
    if len(region6) != 6 or not region6.isascii() or not region6.isdigit():
        raise ValueError(f"region6 must be 6 digits, got {region6!r}")
    if not 0 <= seq3 <= 999:
        raise ValueError(f"seq3 must be 0..999, got {seq3}")
    body = f"{region6}{birth:%Y%m%d}{seq3:03d}"
    return body + id_check_char(body)


def validate_uscc(text: str) -> str:
    """Check an 18-character 统一社会信用代码 and return it in upper case."""
    s = _clean(text)
    if not s:
        raise ValidationError(USCC_FIELD, "请填写统一社会信用代码")
    if len(s) != 18:
        raise ValidationError(USCC_FIELD, f"应为18位，实际为{len(s)}位")
    for pos, ch in enumerate(s, start=1):
        if ch in "IOZSV":
            raise ValidationError(
                USCC_FIELD, f"第{pos}位“{ch}”不能使用（统一社会信用代码不使用字母I、O、Z、S、V）"
            )
        if ch not in _USCC_VALUES:
            raise ValidationError(USCC_FIELD, f"第{pos}位“{ch}”不是数字或大写字母")
    expected = uscc_check_char(s[:17])
    if s[17] != expected:
        raise ValidationError(USCC_FIELD, f"校验位应为{expected}，实际为{s[17]}，请核对代码")
    return s


def make_uscc(body17: str) -> str:
    """Append the check character to the first 17 characters of a credit code (demo data, tests)."""
    return body17 + uscc_check_char(body17)


def validate_phone(text: str) -> str:
    """Check a mobile or landline number loosely; return it as typed without spaces."""
    s = _clean(text)
    if not s:
        raise ValidationError(PHONE_FIELD, "请填写电话")
    for ch in s:
        if not ("0" <= ch <= "9" or ch == "-"):
            raise ValidationError(PHONE_FIELD, f"只能包含数字和“-”，不能有“{ch}”")
    if s[0] == "1":
        if _MOBILE.fullmatch(s):
            return s
        digits = s.replace("-", "")
        if len(digits) != 11:
            raise ValidationError(PHONE_FIELD, f"手机号应为11位，实际为{len(digits)}位")
        if digits[1] < "3":
            raise ValidationError(PHONE_FIELD, f"手机号第二位应为3至9，实际为{digits[1]}")
        raise ValidationError(PHONE_FIELD, "手机号的“-”位置不对，应写作13812345678或138-1234-5678")
    if s[0] == "0":
        if _LANDLINE.fullmatch(s):
            return s
        raise ValidationError(
            PHONE_FIELD, f"固定电话“{s}”应为区号加7至8位号码，如0464-8123456（可加“-分机号”）"
        )
    raise ValidationError(PHONE_FIELD, "手机号应以1开头；固定电话须带以0开头的区号，如0464-8123456")


def _mask_positions(text: str, shown: Callable[[int, int], bool], of: Callable[[str], bool]) -> str:
    """``text`` with each character ``of`` selects replaced by * unless ``shown(index among them, count)``;
    other characters (spaces, hyphens, brackets) stay as typed."""
    count = sum(1 for ch in text if of(ch))
    out, index = [], 0
    for ch in text:
        if of(ch):
            out.append(ch if shown(index, count) else "*")
            index += 1
        else:
            out.append(ch)
    return "".join(out)


def mask_id_number(id_number: str) -> str:
    """First 6 and last 4 characters, the rest as *: "230902********1234" (DOMAIN.md §7).

    Whatever its length or format (spaces, hyphens, full-width digits, a 15-digit old number), the
    characters 7 to 14, where an ID number carries the birth date (YYYYMMDD, or YYMMDD in a 15-digit
    one), are always hidden, and the last 4 are shown only beyond them: an ID number is never shown whole
    and never with its birth date. Anything shorter than 15 characters is hidden whole."""

    def shown(i: int, n: int) -> bool:
        return n >= 15 and (i < 6 or i >= max(14, n - 4))

    return _mask_positions(id_number, shown, _id_character)


def _id_character(ch: str) -> bool:
    """A digit or Latin letter, half- or full-width: what an ID number is made of."""
    folded = unicodedata.normalize("NFKC", ch)
    return len(folded) == 1 and folded.isascii() and folded.isalnum()


def mask_uscc(uscc: str) -> str:
    """Returned unchanged: a credit code identifies an organisation and is public (DOMAIN.md §7 publishes
    it in the 诚信履行名单)."""
    return uscc


def mask_phone(phone: str) -> str:
    """Only the last 4 digits, and never more than half of them: "*******5678", "****-***3456",
    "***-****-5678"; a 6-digit number keeps 3. Whatever is typed around the digits stays."""
    return _mask_positions(phone, lambda i, n: i >= n - min(4, n // 2), str.isdigit)


def mask_account(account: str) -> str:
    """Keep the last 4 characters of a bank account number (never more than half), spaces dropped:
    "***************1234"."""
    s = "".join(account.split())
    return _mask_positions(s, lambda i, n: i >= n - min(4, n // 2), lambda ch: True)
