"""Wording found in the walk-through of issue 19 (point 10), each checked on the filled text.

The forms are filled from a case (prefill) and resolved exactly as for printing; the text is read
without line breaks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from desktop.core.eligibility import check
from desktop.core.model import (
    CourtSettings,
    Disposition,
    Installment,
    Party,
    PartyKind,
    PartyRole,
    Payment,
    Stage,
)
from desktop.documents.fill import Printable, prefill, resolve
from desktop.documents.formdef import FormDef, load_forms
from desktop.documents.sources import SourceContext
from desktop.services.documents import form_directories
from tests.conftest import TODAY, make_case

COURT = CourtSettings("七台河市新兴区人民法院", "黑0902")
FORMS = load_forms(form_directories())


def filled(form_id: str, case, **typed: object) -> tuple[Printable, dict[str, object]]:  # type: ignore[no-untyped-def]
    form: FormDef = FORMS.get(form_id)
    values = {**prefill(form, SourceContext(case, TODAY, court=COURT)), **typed}
    return resolve(form, values, COURT, TODAY, "黑0902文〔2025〕1号"), values


def text(doc: Printable) -> str:
    return "".join("".join(t.split()) for _s, t in doc.blocks)


def five_debtors(case):  # type: ignore[no-untyped-def]
    people = [Party(PartyRole.DEFENDANT, PartyKind.PERSON, n, phone="13800138000") for n in "赵钱孙李周"]
    return replace(case, parties=(case.parties[0], case.parties[1], *people))


def test_mediation_reads_调解书_in_the_pre_enforcement_documents() -> None:
    case = make_case(stage=Stage.PRE_ENFORCEMENT, disposition=Disposition.MEDIATION)
    for form_id in ("pre_enforcement_application", "pre_enforcement_notice"):
        printed = text(filled(form_id, case)[0])
        assert "（2025）黑0902民初123号调解书" in printed, form_id
        assert "号调解，" not in printed and "号调解已" not in printed


def test_pre_enforcement_notice_states_what_is_unpaid() -> None:
    case = make_case(stage=Stage.PRE_ENFORCEMENT)  # 100,000 due, 40,000 paid
    printed = text(filled("pre_enforcement_notice", case)[0])
    assert "已履行人民币40,000.00元，尚未履行人民币60,000.00元（大写：人民币陆万元整）" in printed
    unpaid = replace(case, payments=())
    printed = text(filled("pre_enforcement_notice", unpaid)[0])
    assert "尚未履行的金额为人民币100,000.00元" in printed and "已履行人民币" not in printed


def test_several_debtors_say_我方_and_each_has_a_signature_line() -> None:
    case = five_debtors(make_case())
    doc, values = filled("performance_pledge", case)
    assert values["self_word"] == "我方"
    assert "本单位" not in text(doc)
    (signature,) = [t for s, t in doc.blocks if s == "signature"]
    assert signature.count("承诺人：") == 6  # the company and the five people
    one, _ = filled("performance_pledge", make_case())
    (single,) = [t for s, t in one.blocks if s == "signature"]
    assert single.count("承诺人：") == 1


def test_objection_notice_to_two_people_says_你们() -> None:
    case = five_debtors(make_case(stage=Stage.ENFORCEMENT))
    printed = text(filled("objection_risk_notice", case)[0])
    assert printed.startswith("七台河市宏达商贸有限公司、赵、钱、孙、李、周：你们对本院")
    assert "向你们郑重提示" in printed and "向你们主张" in printed
    assert "向你郑重" not in printed


def test_bankruptcy_notice_has_no_doubled_bracket() -> None:
    printed = text(filled("bankruptcy_review_notice", make_case(), ground="营业执照已处于吊销状态")[0])
    assert "（（" not in printed and "））" not in printed
    assert (
        "本院在办理（2025）黑0902民初123号张三丰与七台河市宏达商贸有限公司民间借贷纠纷一案中发现" in printed
    )


def test_demand_writes_七日内_lists_every_overdue_date_and_leaves_out_what_is_not_due() -> None:
    ob = make_case().obligations[0]
    plan = (
        Installment(1, date(2025, 5, 1), 2_000_000),
        Installment(2, date(2025, 6, 1), 3_000_000),
        Installment(3, date(2025, 7, 1), 5_000_000),  # not yet due on 2025-06-13
    )
    case = make_case(
        obligations=(replace(ob, installments=plan),), payments=(Payment(date(2025, 4, 30), 500_000),)
    )
    doc, values = filled("performance_demand", case)
    printed = text(doc)
    assert "七日内" in printed and "7日内" not in printed
    assert "应于二〇二五年五月一日、二〇二五年六月一日前履行" in printed
    # 15,000 + 30,000 overdue, less 5,000 paid: 45,000; the July installment is not counted.
    assert values["owed"] == 4_500_000
    assert "已到期尚未履行的金额为人民币45,000.00元" in printed


def test_main_obligation_certificate_gives_the_performance_date() -> None:
    case = make_case()  # 40,000 of 100,000 paid on 2025-05-30: 主要义务 at most
    _doc, values = filled("certificate_trial", case)
    assert values["performed_date"] == date(2025, 5, 30)


def test_rights_notice_refusal_names_the_rights_notice() -> None:
    verdict = check("rights_notice", make_case(stage=Stage.ENFORCEMENT), TODAY)
    assert not verdict.allowed and "《权利义务告知书》" in verdict.reason
    assert "自动履行告知书" not in verdict.reason
    assert FORMS.get("rights_notice").eligibility == "rights_notice"
