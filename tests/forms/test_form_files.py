"""Form files: a bad file is refused with file, line and reason while the others load; court
overrides; bad values typed into a form (control characters, 500-character names, characters no
font has) give a clear refusal or a readable PDF, never a crash or a blank glyph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.core.model import CourtSettings
from desktop.documents.fill import check_answers, resolve
from desktop.documents.fonts import MissingGlyph, default_fonts
from desktop.documents.formdef import load_form, load_forms
from desktop.documents.layout import Run, TextStyle, Typesetter
from desktop.documents.render import layout_document, pdf_for
from desktop.services.documents import form_directories
from tests.conftest import TODAY
from tests.forms.conftest import PAGE_NUMBER, POPPLER, pdf_text, squeeze

GOOD = """id = "probe"
title = "测试通知书"
eligibility = "always"

[[fields]]
key = "name"
label = "姓名"
type = "text"
required = true

[[pages]]
title = "当事人"
fields = ["name"]

[[body]]
style = "paragraph"
text = "{name}：特此通知。"
"""


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    bundled = tmp_path / "bundled"
    shutil.copytree(form_directories()[0], bundled)
    court = tmp_path / "court"
    court.mkdir()
    return bundled, court


def refused(court: Path, bundled: Path, name: str, text: str) -> list[str]:
    (court / name).write_text(text, encoding="utf-8")
    forms = load_forms([bundled, court])
    assert len(forms.forms) == 18, "the other forms must still load"
    return [str(e) for e in forms.errors if e.path.name == name]


def test_unknown_field_type_is_refused_with_file_line_and_reason(dirs: tuple[Path, Path]) -> None:
    bundled, court = dirs
    text = GOOD.replace('type = "text"', 'type = "datee"')
    errors = refused(court, bundled, "bad_type.toml", text)
    assert errors == [f"{court / 'bad_type.toml'}：第{line_of(text, 'datee')}行：未知的字段类型“datee”"
                      "（可用：text、textarea、date、money、choice、integer）"]  # fmt: skip


def test_placeholder_without_field_is_refused(dirs: tuple[Path, Path]) -> None:
    bundled, court = dirs
    text = GOOD.replace("{name}：特此通知。", "{name}：{nobody}特此通知。")
    [error] = refused(court, bundled, "bad_placeholder.toml", text)
    assert f"第{line_of(text, '{nobody}')}行" in error
    assert "占位符“{nobody}”没有对应的字段" in error
    assert "bad_placeholder.toml" in error


def test_missing_required_key_is_refused(dirs: tuple[Path, Path]) -> None:
    bundled, court = dirs
    text = GOOD.replace('eligibility = "always"\n', "")
    [error] = refused(court, bundled, "no_rule.toml", text)
    assert "缺少必填的键“eligibility”" in error and "no_rule.toml" in error


def test_missing_field_key_and_unknown_key_are_refused(dirs: tuple[Path, Path]) -> None:
    bundled, court = dirs
    text = GOOD.replace('label = "姓名"\n', "").replace('title = "当事人"', 'titel = "当事人"')
    errors = refused(court, bundled, "keys.toml", text)
    assert any("字段缺少必填的键“label”" in e and f"第{line_of(text, '[[fields]]')}行" in e for e in errors)
    assert any("页面中未知的键“titel”" in e and f"第{line_of(text, 'titel')}行" in e for e in errors)


def test_toml_syntax_error_names_the_line(dirs: tuple[Path, Path]) -> None:
    bundled, court = dirs
    text = GOOD.replace('title = "测试通知书"', 'title = "测试通知书')
    [error] = refused(court, bundled, "syntax.toml", text)
    assert "TOML 语法错误" in error and "第2行" in error


def test_other_checks(dirs: tuple[Path, Path]) -> None:
    bundled, court = dirs
    source = GOOD.replace("required = true", 'required = true\nsource = "case.nothing"')
    stage = GOOD.replace('eligibility = "always"', 'eligibility = "always"\nstages = ["审理"]')
    page = GOOD.replace('fields = ["name"]', 'fields = ["name", "ghost"]')
    cases = {
        "filter.toml": (GOOD.replace("{name}：", "{name|大写}："), "过滤器“大写”不适用于text类型的“name”"),
        "source.toml": (source, "未知的默认值来源"),
        "stage.toml": (stage, "未知的阶段“审理”"),
        "page.toml": (page, "页面引用了未定义的字段“ghost”"),
        "brace.toml": (GOOD.replace("特此通知。", "特此{通知。"), "花括号不成对"),
        "rule.toml": (GOOD.replace('"always"', '"sometimes"'), "未知的适用规则“sometimes”"),
    }  # fmt: skip
    for name, (text, reason) in cases.items():
        errors = refused(court, bundled, name, text)
        assert any(reason in e for e in errors), (name, errors)
        (court / name).unlink()


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes(GOOD.encode("gbk"))
    form, errors = load_form(path)
    assert form is None and "不是 UTF-8 编码" in str(errors[0])


def test_court_override_replaces_a_form_and_court_name_comes_from_settings(dirs: tuple[Path, Path]) -> None:
    bundled, court = dirs
    original = (bundled / "050_performance_prompt.toml").read_text(encoding="utf-8")
    edited = original.replace("特此提示。", "特此提示，请配合。")
    (court / "my_prompt.toml").write_text(edited, encoding="utf-8")
    forms = load_forms([bundled, court])
    form = forms.get("performance_prompt")
    assert form.override and form.path.parent == court
    assert len(forms.forms) == 18 and not forms.errors
    values, _errors = check_answers(form, {}, TODAY)
    doc = resolve(form, values, CourtSettings("广州市从化区人民法院", "粤0117"), TODAY)
    assert doc.court_name == "广州市从化区人民法院"
    assert ("paragraph", "特此提示，请配合。") in doc.blocks
    assert ("signature", "广州市从化区人民法院\n二〇二五年六月十三日") in doc.blocks


def test_an_override_with_an_error_keeps_the_bundled_form(dirs: tuple[Path, Path]) -> None:
    bundled, court = dirs
    original = (bundled / "050_performance_prompt.toml").read_text(encoding="utf-8")
    (court / "broken.toml").write_text(original.replace("{debtor}：", "{debtr}："), encoding="utf-8")
    forms = load_forms([bundled, court])
    assert not forms.get("performance_prompt").override
    assert any("{debtr}" in str(e) for e in forms.errors)


# ------------------------------------------------------------------ bad values


def prompt_form():  # type: ignore[no-untyped-def]
    return load_forms(form_directories()).get("performance_prompt")


def answers(**changes: str) -> dict[str, str]:
    base = {
        "case_number": "（2025）黑0902民初123号",
        "debtor": "七台河市宏达商贸有限公司",
        "pronoun": "你单位",
        "creditor": "张三丰",
        "document": "民事调解书",
        "due_date": "2025-06-18",
        "due_amount": "60000",
        "delivery": "邮寄",
    }
    return {**base, **changes}


def test_control_characters_are_refused_naming_the_field() -> None:
    _values, errors = check_answers(prompt_form(), answers(debtor="张\x07三"), TODAY, default_fonts())
    assert str(errors["debtor"]) == "履行义务人：含有不可见的控制字符（U+0007），请删除后重新输入"


def test_a_500_character_name_is_refused() -> None:
    _values, errors = check_answers(prompt_form(), answers(debtor="王" * 500), TODAY, default_fonts())
    assert str(errors["debtor"]) == "履行义务人：过长（500字），最多100字"


def test_a_character_no_font_has_is_refused_not_printed_blank() -> None:
    missing = "\U00030000"  # CJK Extension G: in no bundled or common system font
    fonts = default_fonts()
    assert fonts.missing("张" + missing) == [missing]
    _values, errors = check_answers(prompt_form(), answers(debtor="张" + missing), TODAY, fonts)
    assert isinstance(errors["debtor"], MissingGlyph)
    assert "（U+30000）" in str(errors["debtor"]) and str(errors["debtor"]).startswith("履行义务人：")
    with pytest.raises(MissingGlyph):
        Typesetter(fonts).paragraph("张" + missing, TextStyle())


def test_rare_characters_print_from_the_bundled_font() -> None:
    fonts = default_fonts()
    assert fonts.missing("〇¥￥，。：；（）“”《》、—…＿　逄仉亓宓禚蒯栾鞠隗郇扈厉仝佘敖綦訾逯笪粟闫郄") == []


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_500_characters_without_a_break_print_readably(tmp_path: Path) -> None:
    form = load_forms(form_directories()).get("credit_pledge_settlement")
    terms = "A1" * 250  # 500 characters of one "word": must wrap inside the margins, not run off
    long_name = "欧阳" * 50  # 100 characters, the longest name allowed
    values, errors = check_answers(
        form,
        {
            "enforcement_number": "（2025）黑0902执45号",
            "creditor": long_name,
            "debtor": "逄仉亓",
            "judgment_date": "2024-12-02",
            "basis_court": "七台河市新兴区人民法院",
            "basis_number": "（2024）黑0902民初888号",
            "basis_word": "判决",
            "filing_date": "2025-03-03",
            "settlement_date": "2025-06-01",
            "terms": terms,
        },
        TODAY,
        default_fonts(),
    )
    assert not errors
    doc = resolve(form, values, CourtSettings("七台河市新兴区人民法院", "黑0902"), TODAY)
    pages = layout_document(doc)
    right = pages[0].width - 26 * 72 / 25.4
    for page in pages:
        for item in page.items:
            if isinstance(item, Run):
                assert item.x + sum(item.advances()) - item.char_space <= right + 0.5
    text = squeeze(PAGE_NUMBER.sub("", pdf_text(pdf_for([(form.title, doc)]), tmp_path)))
    assert terms in text and long_name in text


def test_readme_documents_every_source_rule_and_form() -> None:
    from desktop.core.eligibility import RULES
    from desktop.documents.sources import SOURCES

    readme = (form_directories()[0] / "README.md").read_text(encoding="utf-8")
    for name in [*SOURCES, *RULES]:
        assert f"`{name}`" in readme, name
    for path in form_directories()[0].glob("*.toml"):
        assert path.stem in readme, path.name
