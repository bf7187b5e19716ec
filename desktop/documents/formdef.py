"""Form definitions: loading ``forms/*.toml``, checking them, and refusing a bad file precisely.

The file format is documented in forms/README.md. A file with a TOML syntax error, an unknown key,
an unknown field type, a placeholder with no field, a missing required key (and the other checks
below) is refused with its path, the line and the reason; every other form still loads. A court
overrides a bundled form by putting an edited copy (same ``id``) in the ``forms`` folder of its data
directory; files there with a new ``id`` add forms.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.eligibility import RULES
from desktop.core.model import Stage
from desktop.documents.answers import FIELD_TYPES, FILTERS, VALIDATORS
from desktop.documents.sources import SOURCES

BLOCK_STYLES = (
    "addressee",  # 主送: "张三：" flush left
    "paragraph",  # body text, first line indented two characters
    "plain",  # body text without indent
    "heading",  # 黑体 heading, indented two characters
    "center",  # centred line
    "right",  # right-aligned line
    "table",  # ruled table: one row per line, cells separated by "|"
    "signature",  # issuer line(s) and date (last line), kept together, room for the seal
    "annex_title",  # "附：…" after the signature
    "annex",  # annex text, indented
    "note",  # 说明 after the signature, indented
    "blank",  # an empty line
)
BUILTINS = {
    "court.name": "法院名称（设置）",
    "court.code": "法院代字（设置）",
    "court.tribunal": "法庭名称（设置）",
    "doc.number": "文书编号（登记时生成）",
    "doc.date": "签发日期",
}
STAGES = tuple(s.value for s in Stage)
_RULE_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")

_ID = re.compile(r"^[a-z][a-z0-9_]{1,48}$")
PLACEHOLDER = re.compile(r"\{([^{}|]*)(?:\|([^{}]*))?\}")
_CONDITION = re.compile(r"^\s*(not\s+)?([a-z][a-z0-9_]*)\s*(?:(==|!=)\s*(.+?))?\s*$")

_TOP_KEYS = {
    "id": "必填：文书标识（小写字母、数字、下划线）",
    "title": "必填：文书名称",
    "eligibility": "必填：适用规则",
    "fields": "必填：字段",
    "pages": "必填：向导页面",
    "body": "必填：正文段落",
    "series": "编号系列（默认同文书名称）",
    "abbr": "编号代字",
    "stages": "适用阶段",
    "reminder_rule": "登记时记入督促记录的规则编号（如 prompt、urge）",
    "source": "措辞来源",
    "description": "说明",
    "number_line": "案号行",
    "order": "排序",
    "court_header": "是否在标题上方印法院名称",
    "variant": "同名文书的区分说明（如“七台河版”）",
    "max_lines_per_page": "本院允许时，为排在一页内每页最多的行数（23～26；默认不压缩，每页22行）",
    "page_numbers": "页码：multi（多于一页时印，默认）或 always（单页也印）",
    "blank": "当事人手写填写的文书：可打印空白表（字段印为填写横线）",
}
PAGE_NUMBER_MODES = ("multi", "always")
_REQUIRED_TOP = ("id", "title", "eligibility", "fields", "pages", "body")
_FIELD_KEYS = {"key", "label", "type", "required", "source", "default", "choices", "show_if", "validator",
               "max_len", "help", "line"}  # fmt: skip
_PAGE_KEYS = {"title", "fields", "help"}
_BLOCK_KEYS = {"style", "text", "show_if"}


@dataclass(frozen=True)
class Condition:
    """``show_if``: ``key``, ``not key``, ``key == value`` or ``key != value``."""

    key: str
    op: str  # "truthy", "falsy", "==", "!="
    value: str = ""

    def holds(self, shown: str) -> bool:
        if self.op == "truthy":
            return bool(shown)
        if self.op == "falsy":
            return not shown
        if self.op == "==":
            return shown == self.value
        return shown != self.value


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str
    type: str
    required: bool = False
    source: str = ""
    default: str = ""
    choices: tuple[str, ...] = ()
    show_if: tuple[Condition, ...] = ()
    validator: str = ""
    max_len: int = 0
    help: str = ""
    line: int = 0


@dataclass(frozen=True)
class PageDef:
    title: str
    fields: tuple[str, ...]
    help: str = ""


@dataclass(frozen=True)
class BlockDef:
    style: str
    text: str
    show_if: tuple[Condition, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class FormDef:
    id: str
    title: str
    eligibility: str
    fields: tuple[FieldDef, ...]
    pages: tuple[PageDef, ...]
    body: tuple[BlockDef, ...]
    series: str = ""
    abbr: str = ""
    stages: tuple[str, ...] = ()
    reminder_rule: str = ""
    source: str = ""
    description: str = ""
    number_line: str = ""
    order: int = 1000
    court_header: bool = True
    variant: str = ""
    max_lines_per_page: int = 0
    page_numbers: str = ""
    blank: bool = False
    path: Path = Path()
    sha256: str = ""
    override: bool = False

    def field(self, key: str) -> FieldDef:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def display_name(self) -> str:
        """The title, with the variant when there is one: 自动履行证明书（执行阶段）."""
        return f"{self.title}（{self.variant}）" if self.variant else self.title

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)


@dataclass(frozen=True)
class FormError:
    """A refused form file: where and why."""

    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        where = f"第{self.line}行：" if self.line else ""
        return f"{self.path}：{where}{self.reason}"


@dataclass
class FormSet:
    forms: dict[str, FormDef] = field(default_factory=dict)
    errors: list[FormError] = field(default_factory=list)

    def get(self, form_id: str) -> FormDef:
        try:
            return self.forms[form_id]
        except KeyError:
            known = "、".join(sorted(self.forms))
            raise KeyError(f"没有标识为“{form_id}”的文书（可用：{known}）") from None

    def ordered(self) -> list[FormDef]:
        return sorted(self.forms.values(), key=lambda f: (f.order, f.id))


# ------------------------------------------------------------------------------------ locating


class _Locator:
    """Line numbers of tables and keys in a TOML file written as forms/README.md shows."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.keys: dict[tuple[str, int, str], int] = {}
        self.headers: dict[tuple[str, int], int] = {}
        counters: dict[str, int] = {}
        table, index = "", 0
        open_quote = ""
        for no, raw in enumerate(self.lines, start=1):
            if open_quote:
                if raw.count(open_quote) % 2 == 1:
                    open_quote = ""
                continue
            line = raw.strip()
            if line.startswith("[["):
                table = line[2:].split("]]")[0].strip()
                index = counters[table] = counters.get(table, -1) + 1
                self.headers[(table, index)] = no
                continue
            if line.startswith("["):
                table, index = line[1:].split("]")[0].strip(), 0
                self.headers[(table, index)] = no
                continue
            match = re.match(r'^"?([A-Za-z0-9_\-]+)"?\s*=', line)
            if match:
                self.keys.setdefault((table, index, match.group(1)), no)
                rest = line[match.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        open_quote = quote

    def line(self, table: str = "", index: int = 0, key: str | None = None) -> int:
        if key is not None and (table, index, key) in self.keys:
            return self.keys[(table, index, key)]
        return self.headers.get((table, index), 1 if not table else 0)

    def find(self, table: str, index: int, needle: str) -> int:
        """The line inside element ``index`` of ``table`` where ``needle`` appears."""
        start = self.headers.get((table, index), 1)
        ends = [n for (t, _i), n in self.headers.items() if n > start]
        end = min(ends) if ends else len(self.lines) + 1
        for no in range(start, end):
            if needle in self.lines[no - 1]:
                return no
        return start


# ------------------------------------------------------------------------------------ checking


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[FormError] = []

    def add(self, line: int, reason: str) -> None:
        self.items.append(FormError(self.path, line, reason))


def placeholders(text: str) -> list[tuple[str, str]]:
    """(name, filter) of every ``{name}`` or ``{name|filter}`` in ``text``; ``{{`` and ``}}`` escape."""
    found = PLACEHOLDER.finditer(unescape_marks(text))
    return [(m.group(1).strip(), (m.group(2) or "").strip()) for m in found]


def unescape_marks(text: str) -> str:
    return text.replace("{{", "\x00").replace("}}", "\x01")


def _parse_conditions(raw: object) -> tuple[Condition, ...] | str:
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return "show_if 应为条件字符串或条件字符串的数组"
    out = []
    for item in items:
        match = _CONDITION.match(item)
        if not match:
            return f"无法理解的条件“{item}”（应为 键、not 键、键 == 值 或 键 != 值）"
        negate, key, op, value = match.groups()
        if op and negate:
            return f"条件“{item}”不能同时用 not 和比较"
        value = (value or "").strip().strip("'\"")
        out.append(Condition(key, op or ("falsy" if negate else "truthy"), value))
    return tuple(out)


def _unknown(what: str, value: object, allowed: Iterable[str]) -> str:
    return f"{what}“{value}”（可用：{'、'.join(sorted(allowed) if isinstance(allowed, set) else allowed)}）"


def _str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _check_text(
    text: str, known: dict[str, str], problems: _Problems, line_of: int, loc: _Locator, table: str, index: int
) -> None:
    marks = unescape_marks(text)
    stripped = PLACEHOLDER.sub("", marks)
    if "{" in stripped or "}" in stripped:
        problems.add(line_of, "花括号不成对：占位符写作 {键} 或 {键|过滤器}，印出花括号写作 {{ 或 }}")
    for name, filt in placeholders(text):
        where = loc.find(table, index, "{" + name) if table else line_of
        if name not in known:
            fields = "、".join(k for k in known if k not in BUILTINS) or "无"
            problems.add(where, f"占位符“{{{name}}}”没有对应的字段（已定义的字段：{fields}）")
            continue
        if filt:
            if filt not in FILTERS:
                problems.add(where, _unknown("未知的过滤器", filt, FILTERS))
            elif known[name] not in FILTERS[filt][0]:
                problems.add(where, f"过滤器“{filt}”不适用于{known[name] or '内置'}类型的“{name}”")


def _parse(path: Path, text: str, problems: _Problems) -> FormDef | None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        problems.add(int(match.group(1)) if match else 0, f"TOML 语法错误：{exc}")
        return None
    loc = _Locator(text)

    for key in data:
        if key not in _TOP_KEYS:
            problems.add(loc.line("", 0, key) or loc.line(key), _unknown("未知的键", key, _TOP_KEYS))
    for key in _REQUIRED_TOP:
        if key not in data:
            problems.add(1, f"缺少必填的键“{key}”（{_TOP_KEYS[key]}）")
    if problems.items:
        return None

    def top_str(key: str, required: bool = False) -> str:
        value = data.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            problems.add(loc.line("", 0, key), f"“{key}”应为非空字符串" if required else f"“{key}”应为字符串")
            return ""
        return value.strip()

    form_id = top_str("id", True)
    if form_id and not _ID.match(form_id):
        problems.add(
            loc.line("", 0, "id"), f"文书标识“{form_id}”应以小写字母开头，只含小写字母、数字和下划线"
        )
    title = top_str("title", True)
    eligibility = top_str("eligibility", True)
    if eligibility and eligibility not in RULES:
        problems.add(loc.line("", 0, "eligibility"), _unknown("未知的适用规则", eligibility, RULES))
    reminder = top_str("reminder_rule")
    if reminder and not _RULE_ID.match(reminder):
        problems.add(
            loc.line("", 0, "reminder_rule"), "reminder_rule 应为督促规则编号（小写字母、数字、下划线）"
        )
    stages = data.get("stages", [])
    if not _str_list(stages):
        problems.add(loc.line("", 0, "stages"), "stages 应为字符串数组")
        stages = []
    for s in stages:
        if s not in STAGES:
            problems.add(loc.line("", 0, "stages"), _unknown("未知的阶段", s, STAGES))
    order = data.get("order", 1000)
    if not isinstance(order, int) or isinstance(order, bool):
        problems.add(loc.line("", 0, "order"), "order 应为整数")
        order = 1000
    court_header = data.get("court_header", True)
    if not isinstance(court_header, bool):
        problems.add(loc.line("", 0, "court_header"), "court_header 应为 true 或 false")
        court_header = True
    max_lines = data.get("max_lines_per_page", 0)
    if (
        not isinstance(max_lines, int)
        or isinstance(max_lines, bool)
        or not (max_lines == 0 or 23 <= max_lines <= 26)
    ):
        problems.add(loc.line("", 0, "max_lines_per_page"), "max_lines_per_page 应为 23 至 26 之间的整数")
        max_lines = 0
    blank = data.get("blank", False)
    if not isinstance(blank, bool):
        problems.add(loc.line("", 0, "blank"), "blank 应为 true 或 false")
        blank = False
    page_numbers = data.get("page_numbers", "multi")
    if page_numbers not in PAGE_NUMBER_MODES:
        problems.add(
            loc.line("", 0, "page_numbers"), _unknown("未知的页码方式", str(page_numbers), PAGE_NUMBER_MODES)
        )
        page_numbers = "multi"

    # ---- fields
    fields: list[FieldDef] = []
    raw_fields = data["fields"]
    if not isinstance(raw_fields, list) or not raw_fields or not all(isinstance(f, dict) for f in raw_fields):
        problems.add(loc.line("", 0, "fields"), "fields 应为至少一个 [[fields]] 表")
        raw_fields = []
    seen: set[str] = set()
    declared: dict[str, str] = {}  # every field key written, even one refused (no cascade of errors)
    for i, raw in enumerate(raw_fields):
        here = loc.line("fields", i)
        for key in raw:
            if key not in _FIELD_KEYS:
                problems.add(
                    loc.line("fields", i, key),
                    _unknown("字段中未知的键", key, _FIELD_KEYS),
                )
        missing = [k for k in ("key", "label", "type") if k not in raw]
        if missing:
            problems.add(here, f"字段缺少必填的键“{'、'.join(missing)}”")
            continue
        key, label, kind = raw["key"], raw["label"], raw["type"]
        if not isinstance(key, str) or not re.match(r"^[a-z][a-z0-9_]*$", key):
            problems.add(
                loc.line("fields", i, "key"), f"字段键“{key}”应以小写字母开头，只含小写字母、数字和下划线"
            )
            continue
        if key in seen:
            problems.add(loc.line("fields", i, "key"), f"字段“{key}”重复定义")
        seen.add(key)
        declared[key] = kind if kind in FIELD_TYPES else ""
        if not isinstance(label, str) or not label.strip():
            problems.add(loc.line("fields", i, "label"), f"字段“{key}”的 label 应为非空字符串")
        if kind not in FIELD_TYPES:
            problems.add(loc.line("fields", i, "type"), _unknown("未知的字段类型", kind, FIELD_TYPES))
            continue
        choices = raw.get("choices", [])
        if not _str_list(choices):
            problems.add(loc.line("fields", i, "choices"), "choices 应为字符串数组")
            choices = []
        if kind == "choice" and not choices:
            problems.add(loc.line("fields", i, "type"), f"选择字段“{key}”须用 choices 列出选项")
        source = raw.get("source", "")
        if source and source not in SOURCES:
            problems.add(loc.line("fields", i, "source"), _unknown("未知的默认值来源", source, SOURCES))
        validator = raw.get("validator", "")
        if validator and validator not in VALIDATORS:
            problems.add(
                loc.line("fields", i, "validator"), _unknown("未知的校验规则", validator, VALIDATORS)
            )
        default = raw.get("default", "")
        if not isinstance(default, str):
            problems.add(loc.line("fields", i, "default"), 'default 应写成字符串（日期如 "2025-06-13"）')
            default = ""
        if kind == "choice" and default and default not in choices:
            problems.add(loc.line("fields", i, "default"), f"默认值“{default}”不在 choices 中")
        required = raw.get("required", False)
        if not isinstance(required, bool):
            problems.add(loc.line("fields", i, "required"), "required 应为 true 或 false")
            required = False
        max_len = raw.get("max_len", 0)
        if not isinstance(max_len, int) or isinstance(max_len, bool) or max_len < 0:
            problems.add(loc.line("fields", i, "max_len"), "max_len 应为非负整数")
            max_len = 0
        show_if = _parse_conditions(raw.get("show_if", []))
        if isinstance(show_if, str):
            problems.add(loc.line("fields", i, "show_if"), show_if)
            show_if = ()
        fields.append(
            FieldDef(
                key=key,
                label=str(label).strip(),
                type=kind,
                required=required,
                source=source,
                default=default,
                choices=tuple(choices),
                show_if=show_if,
                validator=validator,
                max_len=max_len,
                help=str(raw.get("help", "")),
                line=here,
            )
        )
    keys = {**declared, **{f.key: f.type for f in fields}}
    for i, f in enumerate(fields):
        for cond in f.show_if:
            if cond.key not in keys:
                problems.add(loc.line("fields", i, "show_if"), f"show_if 引用了未定义的字段“{cond.key}”")

    # ---- pages
    pages: list[PageDef] = []
    raw_pages = data["pages"]
    if not isinstance(raw_pages, list) or not raw_pages or not all(isinstance(p, dict) for p in raw_pages):
        problems.add(loc.line("", 0, "pages"), "pages 应为至少一个 [[pages]] 表")
        raw_pages = []
    placed: dict[str, int] = {}
    for i, raw in enumerate(raw_pages):
        for key in raw:
            if key not in _PAGE_KEYS:
                problems.add(loc.line("pages", i, key), _unknown("页面中未知的键", key, _PAGE_KEYS))
        if "title" not in raw or "fields" not in raw:
            problems.add(loc.line("pages", i), "页面缺少必填的键“title”或“fields”")
            continue
        page_fields = raw["fields"]
        if not _str_list(page_fields) or not page_fields:
            problems.add(loc.line("pages", i, "fields"), "页面的 fields 应为非空的字段键数组")
            continue
        for key in page_fields:
            if key not in keys:
                problems.add(loc.line("pages", i, "fields"), f"页面引用了未定义的字段“{key}”")
            elif key in placed:
                problems.add(loc.line("pages", i, "fields"), f"字段“{key}”出现在多个页面上")
            placed[key] = i
        pages.append(PageDef(str(raw["title"]), tuple(page_fields), str(raw.get("help", ""))))
    for i, f in enumerate(fields):
        if f.key not in placed and raw_pages:
            problems.add(loc.line("fields", i), f"字段“{f.key}”没有放在任何页面上")

    # ---- body
    known = {**dict.fromkeys(BUILTINS, ""), **keys}
    blocks: list[BlockDef] = []
    raw_body = data["body"]
    if not isinstance(raw_body, list) or not raw_body or not all(isinstance(b, dict) for b in raw_body):
        problems.add(loc.line("", 0, "body"), "body 应为至少一个 [[body]] 段落")
        raw_body = []
    for i, raw in enumerate(raw_body):
        here = loc.line("body", i)
        for key in raw:
            if key not in _BLOCK_KEYS:
                problems.add(loc.line("body", i, key), _unknown("段落中未知的键", key, _BLOCK_KEYS))
        style, text = raw.get("style"), raw.get("text", "")
        if style is None:
            problems.add(here, "段落缺少必填的键“style”")
            continue
        if style not in BLOCK_STYLES:
            problems.add(loc.line("body", i, "style"), _unknown("未知的段落样式", style, BLOCK_STYLES))
            continue
        if not isinstance(text, str):
            problems.add(loc.line("body", i, "text"), "text 应为字符串")
            continue
        if style != "blank" and "text" not in raw:
            problems.add(here, "段落缺少必填的键“text”")
            continue
        _check_text(text, known, problems, loc.line("body", i, "text"), loc, "body", i)
        show_if = _parse_conditions(raw.get("show_if", []))
        if isinstance(show_if, str):
            problems.add(loc.line("body", i, "show_if"), show_if)
            show_if = ()
        for cond in show_if:
            if cond.key not in keys:
                problems.add(loc.line("body", i, "show_if"), f"show_if 引用了未定义的字段“{cond.key}”")
        blocks.append(BlockDef(style, text, show_if, here))
    number_line = top_str("number_line")
    if number_line:
        _check_text(number_line, known, problems, loc.line("", 0, "number_line"), loc, "", 0)
    if problems.items:
        return None
    return FormDef(
        id=form_id,
        title=title,
        eligibility=eligibility,
        fields=tuple(fields),
        pages=tuple(pages),
        body=tuple(blocks),
        series=top_str("series") or title,
        abbr=top_str("abbr"),
        stages=tuple(stages),
        reminder_rule=reminder,
        source=top_str("source"),
        description=top_str("description"),
        number_line=number_line,
        order=order,
        court_header=court_header,
        variant=top_str("variant"),
        max_lines_per_page=max_lines,
        page_numbers="" if page_numbers == "multi" else page_numbers,
        blank=blank,
        path=path,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def load_form(path: Path) -> tuple[FormDef | None, list[FormError]]:
    """One file: its form, or the reasons it is refused."""
    problems = _Problems(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [FormError(path, 0, f"文件不是 UTF-8 编码（第{exc.start}字节）")]
    except OSError as exc:
        return None, [FormError(path, 0, f"无法读取文件：{exc.strerror or exc}")]
    form = _parse(path, text, problems)
    return form, problems.items


def load_forms(directories: Sequence[Path], override_from: int = 1) -> FormSet:
    """Every ``*.toml`` in ``directories`` (in order; a later directory's form replaces an earlier one
    with the same id). Directories from index ``override_from`` on are court overrides."""
    result = FormSet()
    for d_index, directory in enumerate(directories):
        if not directory.is_dir():
            continue
        in_this_dir: dict[str, Path] = {}
        for path in sorted(directory.glob("*.toml")):
            form, errors = load_form(path)
            if errors or form is None:
                result.errors.extend(errors)
                continue
            if form.id in in_this_dir:
                result.errors.append(
                    FormError(path, 1, f"文书标识“{form.id}”与 {in_this_dir[form.id].name} 重复，未载入")
                )
                continue
            in_this_dir[form.id] = path
            if d_index >= override_from:
                form = _replace_override(form)
            result.forms[form.id] = form
    return result


def _replace_override(form: FormDef) -> FormDef:
    from dataclasses import replace

    return replace(form, override=True)


def iter_texts(form: FormDef) -> Iterable[str]:
    """All literal text of a form (title and body), for the font coverage check."""
    yield form.title
    yield form.number_line
    for block in form.body:
        yield PLACEHOLDER.sub("", unescape_marks(block.text)).replace("\x00", "{").replace("\x01", "}")
