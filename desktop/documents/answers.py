"""Field types, validators and filters of the form files: typing a value, checking it, printing it.

* Types: ``text`` (one line), ``textarea`` (several lines), ``date``, ``money`` (stored in fen),
  ``choice`` (one of ``choices``), ``integer``.
* Validators (``validator = "…"``): extra checks named in the form file, each from ``core``.
* Filters in placeholders (``{amount|大写}``): how a value prints.

Every refusal is a :class:`ValidationError` naming the field's label.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from desktop.core.casenumber import parse_case_number
from desktop.core.chinese_dates import format_date_cn, parse_date
from desktop.core.errors import ValidationError
from desktop.core.identifiers import validate_id_number, validate_phone, validate_uscc
from desktop.core.money import amount_in_words, format_money, format_yuan, parse_money
from desktop.core.validation import MAX_NAME, check_text

FIELD_TYPES = ("text", "textarea", "date", "money", "choice", "integer")
MAX_TEXT = 200
MAX_TEXTAREA = 3000
BLANK_DATE = "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
BLANK_LINE = "＿＿＿＿＿＿＿＿"


def _account(label: str, value: object, today: date) -> object:
    text = str(value)
    cleaned = text.replace(" ", "").replace("-", "")
    if not cleaned.isdigit() or not 6 <= len(cleaned) <= 32:
        raise ValidationError(label, "账号应为6至32位数字（可用空格或“-”分隔）")
    return text


def _name(label: str, value: object, today: date) -> object:
    return check_text(label, str(value), required=True, max_len=MAX_NAME)


def _case_number(label: str, value: object, today: date) -> object:
    try:
        return parse_case_number(str(value)).canonical
    except ValidationError as exc:
        raise ValidationError(label, exc.message) from None


def _wrap(check: Callable[[str], str]) -> Callable[[str, object, date], object]:
    def run(label: str, value: object, today: date) -> object:
        try:
            return check(str(value))
        except ValidationError as exc:
            raise ValidationError(label, exc.message) from None

    return run


def _not_future(label: str, value: object, today: date) -> object:
    if isinstance(value, date) and value > today:
        raise ValidationError(label, f"不能晚于今天（{format_date_cn(today)}）")
    return value


def _not_past(label: str, value: object, today: date) -> object:
    if isinstance(value, date) and value < today:
        raise ValidationError(label, f"不能早于今天（{format_date_cn(today)}）")
    return value


def _positive(label: str, value: object, today: date) -> object:
    if isinstance(value, int) and value <= 0:
        raise ValidationError(label, "应大于零")
    return value


VALIDATORS: dict[str, Callable[[str, object, date], object]] = {
    "name": _name,
    "case_number": _case_number,
    "phone": _wrap(validate_phone),
    "id_number": _wrap(validate_id_number),
    "uscc": _wrap(validate_uscc),
    "account": _account,
    "not_future": _not_future,
    "not_past": _not_past,
    "positive": _positive,
}

# filter → (types it applies to, what it does)
FILTERS: dict[str, tuple[tuple[str, ...], str]] = {
    "大写": (("money",), "人民币壹拾万元整"),
    "数字": (("money",), "100,000.00（不带“元”）"),
    "横线": (FIELD_TYPES, "为空时印一条填写横线"),
    "中文": (("integer",), "七（1至99的整数印为汉字，如“七日内”）"),
    "承诺人签名行": (("text", "textarea"), "每名当事人（以“、”分隔）一行“承诺人：＿＿＿＿＿＿＿＿”"),
}
SIGN_LINE = "承诺人："


def _chinese_count(n: int) -> str:
    """1..99 as written in a document's text: 七, 十五, 三十."""
    digits = "〇一二三四五六七八九"
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")
    return head + (digits[ones] if ones else "")


def parse_answer(
    kind: str,
    label: str,
    text: str,
    *,
    required: bool,
    choices: tuple[str, ...] = (),
    max_len: int = 0,
    validator: str = "",
    today: date,
) -> object:
    """The typed value of ``text`` for a field (None when empty and not required)."""
    raw = text if kind == "textarea" else text.strip()
    if not raw.strip():
        if required:
            raise ValidationError(label, "不能为空")
        return None
    value: object
    if kind == "text":
        if "\n" in raw or "\r" in raw:
            raise ValidationError(label, "不能换行")
        value = check_text(label, raw, max_len=max_len or (MAX_NAME if validator == "name" else MAX_TEXT))
    elif kind == "textarea":
        value = check_text(label, raw.replace("\r\n", "\n"), max_len=max_len or MAX_TEXTAREA)
    elif kind == "date":
        value = parse_date(raw, label)
    elif kind == "money":
        value = parse_money(raw, label)
    elif kind == "choice":
        if raw not in choices:
            raise ValidationError(label, f"应为以下之一：{'、'.join(choices)}")
        value = raw
    elif kind == "integer":
        if not raw.isdigit():
            raise ValidationError(label, "应为不带小数的非负整数")
        value = int(raw)
        if value > 1_000_000:
            raise ValidationError(label, "数值过大，请核对")
    else:
        raise ValueError(f"unknown field type {kind!r}")
    if validator:
        value = VALIDATORS[validator](label, value, today)
    return value


def input_text(kind: str, value: object) -> str:
    """A value as the wizard shows it for editing."""
    if value is None:
        return ""
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    if kind == "money" and isinstance(value, int):
        return format_money(value)
    return str(value)


def print_text(kind: str, value: object, filter_name: str = "") -> str:
    """A value as the document prints it."""
    if filter_name == "承诺人签名行":
        names = [n for n in str(value or "").replace("\n", "、").split("、") if n.strip()]
        return "\n".join([SIGN_LINE + BLANK_LINE] * max(len(names), 1))
    if value is None or value == "":
        if filter_name == "横线":
            return BLANK_LINE
        return BLANK_DATE if kind == "date" else ""
    if filter_name == "中文" and isinstance(value, int) and 0 < value < 100:
        return _chinese_count(value)
    if kind == "date" and isinstance(value, date):
        return format_date_cn(value)
    if kind == "money" and isinstance(value, int):
        if filter_name == "大写":
            return amount_in_words(value)
        if filter_name == "数字":
            return format_money(value)
        return format_yuan(value)
    return str(value)


def to_json(kind: str, value: object) -> object:
    """A value in the snapshot (dates as ISO text, money as int fen)."""
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(kind: str, value: object) -> object:
    if value is None:
        return None
    if kind == "date":
        return date.fromisoformat(str(value))
    if kind in ("money", "integer"):
        return int(str(value))
    return str(value)
